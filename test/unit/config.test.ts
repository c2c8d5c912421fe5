import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig, netsuiteApiUrl } from '../../functions/common/config.ts';
import { assertionAlgorithm } from '../../functions/adapters/netsuite/netsuite-auth.ts';

const base = {
  BIGCOMMERCE_STORE_HASH: 'abc123',
  BIGCOMMERCE_ACCESS_TOKEN: 'token',
  NETSUITE_ACCOUNT_ID: '1234567_SB1',
  NETSUITE_AUTH: 'tba',
  NETSUITE_CONSUMER_KEY: 'ck',
  NETSUITE_CONSUMER_SECRET: 'cs',
  NETSUITE_TOKEN_ID: 'ti',
  NETSUITE_TOKEN_SECRET: 'ts',
};

test('applies the documented defaults', () => {
  const config = loadConfig(base);
  expect(config.bigcommerce.apiUrl).toBe('https://api.bigcommerce.com');
  expect(config.netsuite.apiUrl).toBe('https://1234567-sb1.suitetalk.api.netsuite.com');
  expect(config.netsuite.skuField).toBe('itemid');
  expect(config.sync).toMatchObject({ timeZone: 'UTC', taxMode: 'netsuite', taxLines: 'total', multiShipRoutes: false, storeHash: 'abc123' });
  expect(config.sync.discountItemId).toBeUndefined();
  expect(config.sync.shipMethods.size).toBe(0);
  // Every paid, not cancelled status: an order that ships or completes before it is read still syncs.
  expect(config.sync.triggerStatusIds).toEqual([11, 9, 8, 3, 2, 10, 14]);
});

test('tax-inclusive prices are refused at startup with the reason, in both tax modes', () => {
  expect(() => loadConfig({ ...base, SYNC_PRICE_BASIS: 'inc_tax' })).toThrow(/NetSuite would add its own tax on top/);
  expect(() =>
    loadConfig({ ...base, SYNC_PRICE_BASIS: 'inc_tax', SYNC_TAX_MODE: 'line', NETSUITE_TAX_ITEM_ID: '5', NETSUITE_NON_TAXABLE_TAX_CODE_ID: '-8' }),
  ).toThrow(/the tax line already carries BigCommerce's tax/);
  expect(() => loadConfig({ ...base, SYNC_TAX_MODE: 'line' })).toThrow(
    'NETSUITE_TAX_ITEM_ID, NETSUITE_NON_TAXABLE_TAX_CODE_ID must be set when SYNC_TAX_MODE=line',
  );
});

test('the ship method map is JSON, matched without case or extra spaces', () => {
  const config = loadConfig({ ...base, NETSUITE_SHIP_METHODS: '{"Flat Rate": "12", " UPS  Ground ": 34}' });
  expect([...config.sync.shipMethods]).toEqual([
    ['flat rate', '12'],
    ['ups ground', '34'],
  ]);
  expect(() => loadConfig({ ...base, NETSUITE_SHIP_METHODS: 'Flat Rate=12' })).toThrow(/NETSUITE_SHIP_METHODS: must be a JSON object/);
});

test('trigger statuses are read by id or by name', () => {
  expect(loadConfig({ ...base, SYNC_TRIGGER_STATUSES: '11, awaiting shipment,Completed' }).sync.triggerStatusIds).toEqual([11, 9, 10]);
  expect(() => loadConfig({ ...base, SYNC_TRIGGER_STATUSES: '11,On Hold' })).toThrow(/unknown BigCommerce order status "On Hold"/);
});

test('derives the NetSuite host from sandbox account ids', () => {
  expect(netsuiteApiUrl('1234567_SB1')).toBe('https://1234567-sb1.suitetalk.api.netsuite.com');
  expect(netsuiteApiUrl('TSTDRV123')).toBe('https://tstdrv123.suitetalk.api.netsuite.com');
});

test('names every missing or malformed variable', () => {
  expect(() => loadConfig({ ...base, BIGCOMMERCE_STORE_HASH: undefined, SYNC_TIME_ZONE: 'Mars/Olympus' })).toThrow(
    /BIGCOMMERCE_STORE_HASH.*SYNC_TIME_ZONE: must be an IANA time zone/,
  );
  expect(() => loadConfig({ ...base, NETSUITE_AUTH: 'oauth2' })).toThrow(
    'NETSUITE_CLIENT_ID, NETSUITE_CERTIFICATE_ID, NETSUITE_PRIVATE_KEY must be set when NETSUITE_AUTH=oauth2',
  );
  expect(() => loadConfig({ ...base, NETSUITE_LOCATION_ID: 'main' })).toThrow(/NETSUITE_LOCATION_ID: must be a NetSuite internal id/);
});

const pem = (type: 'rsa' | 'ec' | 'ed25519', options: Record<string, unknown> = {}) =>
  generateKeyPairSync(type as 'rsa', options as { modulusLength: number })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
const oauth2 = (key: string) => ({ ...base, NETSUITE_AUTH: 'oauth2', NETSUITE_CLIENT_ID: 'id', NETSUITE_CERTIFICATE_ID: 'kid', NETSUITE_PRIVATE_KEY: key });

test('repairs private keys pasted with literal \\n', () => {
  const key = pem('rsa', { modulusLength: 3072 });
  const config = loadConfig(oauth2(key.trim().replaceAll('\n', '\\n')));
  expect(config.netsuite.auth).toMatchObject({ kind: 'oauth2', privateKeyPem: key.trim() });
});

test('the assertion algorithm follows the key: PS256 for RSA 3072/4096, ES256/384/512 for EC P-256/384/521', () => {
  expect(assertionAlgorithm(pem('rsa', { modulusLength: 4096 })).algorithm).toBe('PS256');
  expect(assertionAlgorithm(pem('ec', { namedCurve: 'prime256v1' })).algorithm).toBe('ES256');
  expect(assertionAlgorithm(pem('ec', { namedCurve: 'secp384r1' })).algorithm).toBe('ES384');
  expect(assertionAlgorithm(pem('ec', { namedCurve: 'secp521r1' })).algorithm).toBe('ES512');
});

test('a key NetSuite cannot take stops the configuration at start, saying why (never a retried request)', () => {
  expect(() => loadConfig(oauth2('-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----'))).toThrow(
    'NETSUITE_PRIVATE_KEY is not a readable PEM private key',
  );
  expect(() => loadConfig(oauth2(pem('rsa', { modulusLength: 2048 })))).toThrow(/2048-bit RSA key; NetSuite takes RSA keys of 3072 or 4096 bits/);
  expect(() => loadConfig(oauth2(pem('ed25519')))).toThrow(/is a ed25519 key; NetSuite takes RSA 3072\/4096/);
  expect(() => loadConfig(oauth2(pem('ec', { namedCurve: 'secp256k1' })))).toThrow(/an EC key on secp256k1/);
  expect(() => loadConfig(oauth2(pem('ec', { namedCurve: 'secp256k1' })))).toThrow(ConfigError);
});

test('payments stay in BigCommerce unless SYNC_PAYMENTS=deposit; the refund item and deposit account are NetSuite ids', () => {
  expect(loadConfig(base).sync).toMatchObject({ payments: 'off', includeTestPayments: false });
  expect(loadConfig(base).sync.refundItemId).toBeUndefined();
  expect(loadConfig({ ...base, SYNC_PAYMENTS: 'deposit', NETSUITE_DEPOSIT_ACCOUNT_ID: '112', NETSUITE_REFUND_ITEM_ID: '77' }).sync).toMatchObject({
    payments: 'deposit',
    depositAccountId: '112',
    refundItemId: '77',
  });
  expect(() => loadConfig({ ...base, SYNC_PAYMENTS: 'payment' })).toThrow(/SYNC_PAYMENTS/);
  expect(() => loadConfig({ ...base, NETSUITE_REFUND_ITEM_ID: 'refunds' })).toThrow(/NETSUITE_REFUND_ITEM_ID/);
});
