import { loadConfig, netsuiteApiUrl } from '../../functions/common/config.ts';

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
  expect(config.sync).toMatchObject({ timeZone: 'UTC', priceBasis: 'ex_tax', storeHash: 'abc123' });
  expect(config.sync.discountItemId).toBeUndefined();
  expect(config.sync.triggerStatusIds).toEqual([11]);
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

test('repairs private keys pasted with literal \\n', () => {
  const config = loadConfig({
    ...base,
    NETSUITE_AUTH: 'oauth2',
    NETSUITE_CLIENT_ID: 'id',
    NETSUITE_CERTIFICATE_ID: 'kid',
    NETSUITE_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----',
  });
  expect(config.netsuite.auth).toMatchObject({ kind: 'oauth2', privateKeyPem: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----' });
});
