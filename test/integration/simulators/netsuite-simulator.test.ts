/**
 * The NetSuite simulator over real HTTP with plain fetch: auth (TBA and OAuth 2.0 M2M), records, SuiteQL,
 * concurrency and faults. The TBA base-string builder is pinned to Oracle's published vectors first.
 */
import { randomBytes } from 'node:crypto';
import { exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, SignJWT, type CryptoKey } from 'jose';
import { NetSuiteSimulator } from '../../../local/simulators/netsuite/netsuite-simulator.ts';
import { percentEncode, signatureBaseString, tbaSignature } from '../../../local/simulators/netsuite/tba-signature.ts';

type Json = Record<string, unknown>;

describe('TBA signature base string (Oracle vectors)', () => {
  const oauthParams = {
    oauth_consumer_key: 'ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4',
    oauth_token: '2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc',
    oauth_nonce: 'fjaLirsIcCGVZWzBX0pg',
    oauth_timestamp: '1508242306',
    oauth_signature_method: 'HMAC-SHA256',
    oauth_version: '1.0',
  };
  const consumerSecret = 'd26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9e8b5';
  const tokenSecret = 'c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8bea1478a3eb0d295';
  const sign = (method: string, url: string) => tbaSignature(signatureBaseString({ method, url, oauthParams }), consumerSecret, tokenSecret);

  test('vector 1: REST GET', () => {
    const signature = sign('GET', 'https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40');
    expect(signature).toBe('B5OIWznZ2YP0OB7VrJrGkYsTh+8H+5T9Hag+o92q0zY=');
    expect(percentEncode(signature)).toBe('B5OIWznZ2YP0OB7VrJrGkYsTh%2B8H%2B5T9Hag%2Bo92q0zY%3D');
  });

  test('vector 2: RESTlet POST with query parameters', () => {
    const url = 'https://123456.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=6&deploy=1&customParam=someValue&testParam=someOtherValue';
    expect(sign('POST', url)).toBe('+KK4SKNgz4ZiILGLwOMtfYlgcXSy1eis8ldE9X90azQ=');
  });

  test('vector 3: SuiteQL POST, base string and signature', () => {
    const url = 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=1000&offset=0';
    expect(signatureBaseString({ method: 'POST', url, oauthParams: { ...oauthParams, realm: '1234567_SB1' } })).toBe(
      'POST&https%3A%2F%2F1234567-sb1.suitetalk.api.netsuite.com%2Fservices%2Frest%2Fquery%2Fv1%2Fsuiteql&limit%3D1000%26oauth_consumer_key%3Def40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4%26oauth_nonce%3DfjaLirsIcCGVZWzBX0pg%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1508242306%26oauth_token%3D2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc%26oauth_version%3D1.0%26offset%3D0',
    );
    expect(sign('POST', url)).toBe('AB8T1f3fBe4sHDZCO6ABBHmXOi8XzsG393LuEHdOA/E=');
  });

  test('vector 4: PUT upsert by external id', () => {
    expect(sign('PUT', 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder/eid:SHOP-1001')).toBe(
      'Mmejs3/u9X6QDMUg/PCAuhy7OxbU26CICKyUMGpkxuw=',
    );
  });

  test('query values are form-decoded then RFC 3986 encoded (space is %20 whether sent as + or %20)', () => {
    const plus = signatureBaseString({ method: 'GET', url: 'http://h/p?q=a+b', oauthParams: {} });
    const pct = signatureBaseString({ method: 'GET', url: 'http://h/p?q=a%20b', oauthParams: {} });
    expect(plus).toBe(pct);
    expect(plus).toContain('q%3Da%2520b');
  });
});

const ACCOUNT = '1234567_SB1';
const TBA = { consumerKey: 'ck-test', consumerSecret: 'cs secret/+=', tokenId: 'token-test', tokenSecret: 'ts secret&' };
const CLIENT_ID = 'client-abc';
const CERT_ID = 'cert-123';

let now = Date.now();
let ns: NetSuiteSimulator;
let privateKey: CryptoKey;
let pkcs8: string;
let bearer: string;

interface TbaOverrides {
  realm?: string;
  timestamp?: number;
  nonce?: string;
  consumerSecret?: string;
}

function tbaHeader(method: string, url: string, overrides: TbaOverrides = {}): string {
  const params: Record<string, string> = {
    oauth_consumer_key: TBA.consumerKey,
    oauth_token: TBA.tokenId,
    oauth_nonce: overrides.nonce ?? randomBytes(12).toString('hex'),
    oauth_timestamp: String(overrides.timestamp ?? Math.floor(now / 1000)),
    oauth_signature_method: 'HMAC-SHA256',
    oauth_version: '1.0',
  };
  const signature = tbaSignature(signatureBaseString({ method, url, oauthParams: params }), overrides.consumerSecret ?? TBA.consumerSecret, TBA.tokenSecret);
  const fields = { realm: overrides.realm ?? ACCOUNT, ...params, oauth_signature: signature };
  return `OAuth ${Object.entries(fields)
    .map(([k, v]) => `${k}="${percentEncode(v)}"`)
    .join(', ')}`;
}

async function assertion(overrides: { alg?: string; kid?: string; aud?: string; iss?: string; scope?: unknown; key?: CryptoKey; lifetime?: number } = {}) {
  const iat = Math.floor(now / 1000);
  return new SignJWT({ scope: overrides.scope ?? ['restlets', 'rest_webservices'] })
    .setProtectedHeader({ alg: overrides.alg ?? 'PS256', typ: 'JWT', kid: overrides.kid ?? CERT_ID })
    .setIssuer(overrides.iss ?? CLIENT_ID)
    .setAudience(overrides.aud ?? `${ns.baseUrl}/services/rest/auth/oauth2/v1/token`)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (overrides.lifetime ?? 300))
    .setJti(randomBytes(8).toString('hex'))
    .sign(overrides.key ?? privateKey);
}

async function requestToken(jwt: string, grantType = 'client_credentials'): Promise<Response> {
  return fetch(`${ns.baseUrl}/services/rest/auth/oauth2/v1/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: grantType,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: jwt,
    }),
  });
}

/** A request authenticated with the bearer token (unless headers override Authorization). */
async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${ns.baseUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function suiteql(
  q: string,
  query = 'limit=1000&offset=0',
  extra: Json = {},
  headers: Record<string, string> = { Prefer: 'transient' },
): Promise<Response> {
  return api('POST', `/services/rest/query/v1/suiteql${query ? `?${query}` : ''}`, { q, ...extra }, headers);
}

async function errorOf(res: Response): Promise<{ status: number; code: string | undefined; detail: string | undefined; path: string | undefined }> {
  expect(res.headers.get('content-type')).toBe('application/vnd.oracle.resource+json; type=error; charset=UTF-8');
  const body = (await res.json()) as { status: number; 'o:errorDetails': Json[] };
  const detail = body['o:errorDetails'][0] ?? {};
  return { status: body.status, code: detail['o:errorCode'] as string, detail: detail.detail as string, path: detail['o:errorPath'] as string | undefined };
}

const idFrom = (res: Response) => (res.headers.get('location') ?? '').split('/').pop() ?? '';

let itemId: string;
let discountId: string;
let customerId: string;

beforeAll(async () => {
  const pair = await generateKeyPair('PS256', { modulusLength: 3072, extractable: true });
  privateKey = pair.privateKey;
  pkcs8 = await exportPKCS8(pair.privateKey);
  ns = await NetSuiteSimulator.start({
    accountId: ACCOUNT,
    tba: TBA,
    oauth2: { clientId: CLIENT_ID, certificateId: CERT_ID, publicKeyPem: await exportSPKI(pair.publicKey) },
    locations: ['1', '2'],
    customFields: { transactionBody: ['custbody_channel'] },
    clock: () => now,
  });
  itemId = ns.addItem({ itemId: 'SKU-1', displayName: 'Widget', upcCode: '0001' });
  ns.addItem({ itemId: 'SKU-OLD', isInactive: true });
  discountId = ns.addItem({ itemId: 'Storewide Discount', itemType: 'Discount' });
  customerId = ns.addCustomer({ email: "o'brien@example.com", firstName: 'Pat', lastName: "O'Brien", externalId: 'BC-CUST-1' });
  ns.addCustomer({ email: 'ACME@example.com', companyName: 'Acme Inc' });
  const res = await requestToken(await assertion());
  bearer = ((await res.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await ns.close();
});

describe('common headers', () => {
  test('every response carries operation/job ids and no-cache headers; errors close the connection', async () => {
    const res = await api('GET', '/services/rest/record/v1/customer/999999');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-n-operationid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-netsuite-jobid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('cache-control')).toBe('No-Cache');
    expect(res.headers.get('pragma')).toBe('No-Cache');
    expect(res.headers.get('connection')).toBe('close');
    const body = (await res.json()) as Json;
    expect(body).toEqual({
      type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5',
      title: 'Not Found',
      status: 404,
      'o:errorDetails': [{ detail: 'Record does not exist.', 'o:errorCode': 'NONEXISTENT_ID' }],
    });
  });
});

describe('TBA authentication', () => {
  const url = (path: string) => `${ns.baseUrl}${path}`;

  test('a signed GET and a signed SuiteQL POST (query parameters in the signature) are accepted', async () => {
    const path = `/services/rest/record/v1/customer/${customerId}`;
    const get = await fetch(url(path), { headers: { Authorization: tbaHeader('GET', url(path)) } });
    expect(get.status).toBe(200);

    const q = url('/services/rest/query/v1/suiteql?limit=10&offset=0');
    const post = await fetch(q, {
      method: 'POST',
      headers: { Authorization: tbaHeader('POST', q), Prefer: 'transient', 'Content-Type': 'application/json' },
      body: JSON.stringify({ q: 'SELECT id FROM customer' }),
    });
    expect(post.status).toBe(200);
  });

  test.each([
    ['wrong signature', { consumerSecret: 'nope' }, 'InvalidSignature'],
    ['wrong realm (host form)', { realm: '1234567-sb1' }, 'InvalidRealm'],
    ['stale timestamp', { timestamp: Math.floor(now / 1000) - 301 }, 'InvalidTimestamp'],
    ['short nonce', { nonce: 'abc' }, 'NonceRejected'],
  ])('%s → 401 INVALID_LOGIN', async (_name, overrides, reason) => {
    const path = `/services/rest/record/v1/customer/${customerId}`;
    const res = await fetch(url(path), { headers: { Authorization: tbaHeader('GET', url(path), overrides as TbaOverrides) } });
    expect(res.status).toBe(401);
    const error = await errorOf(res);
    expect(error.code).toBe('INVALID_LOGIN');
    expect(error.detail).toMatch(/^Invalid login attempt\. For more details, see the Login Audit Trail/);
    expect(ns.loginAuditTrail.at(-1)?.reason).toBe(reason);
  });

  test('a reused nonce with the same token and timestamp → 401', async () => {
    const path = `/services/rest/record/v1/customer/${customerId}`;
    const header = tbaHeader('GET', url(path));
    expect((await fetch(url(path), { headers: { Authorization: header } })).status).toBe(200);
    const replay = await fetch(url(path), { headers: { Authorization: header } });
    expect(replay.status).toBe(401);
    expect((await errorOf(replay)).code).toBe('INVALID_LOGIN');
    expect(ns.loginAuditTrail.at(-1)?.reason).toBe('NonceUsed');
  });

  test('query parameters left out of the signature → 401', async () => {
    const path = `/services/rest/record/v1/customer/${customerId}`;
    const res = await fetch(url(`${path}?expandSubResources=true`), { headers: { Authorization: tbaHeader('GET', url(path)) } });
    expect(res.status).toBe(401);
  });

  test('no credentials → 401 INVALID_LOGIN', async () => {
    const res = await fetch(url('/services/rest/record/v1/customer/1'));
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('INVALID_LOGIN');
  });
});

describe('OAuth 2.0 client credentials', () => {
  test('a PS256 assertion gets a Bearer token that works', async () => {
    const res = await requestToken(await assertion({ scope: 'rest_webservices,restlets' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body).toEqual({ access_token: expect.any(String), expires_in: 3600, token_type: 'Bearer' });
    const get = await fetch(`${ns.baseUrl}/services/rest/record/v1/customer/${customerId}`, { headers: { Authorization: `Bearer ${body.access_token}` } });
    expect(get.status).toBe(200);
  });

  test('RS256 with the right key is rejected', async () => {
    const rsKey = await importPKCS8(pkcs8, 'RS256');
    const res = await requestToken(await assertion({ alg: 'RS256', key: rsKey }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_client' });
  });

  test.each([
    ['unknown kid', { kid: 'other-cert' }, 401, 'invalid_client'],
    ['wrong iss', { iss: 'someone-else' }, 401, 'invalid_client'],
    ['wrong aud', { aud: 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token' }, 400, 'invalid_grant'],
    ['lifetime over 60 minutes', { lifetime: 3601 }, 400, 'invalid_grant'],
    ['scope without rest_webservices', { scope: 'restlets' }, 400, 'invalid_scope'],
  ])('%s → %i %s', async (_name, overrides, status, error) => {
    const res = await requestToken(await assertion(overrides));
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error });
  });

  test('wrong grant type and garbage assertions are refused', async () => {
    expect(await (await requestToken(await assertion(), 'password')).json()).toEqual({ error: 'unsupported_grant_type' });
    const garbage = await requestToken('not-a-jwt');
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toEqual({ error: 'invalid_request' });
  });

  test('tokens expire by the simulator clock; an expired or unknown bearer → 401 with WWW-Authenticate', async () => {
    const res = await requestToken(await assertion());
    const { access_token: token } = (await res.json()) as { access_token: string };
    const path = `${ns.baseUrl}/services/rest/record/v1/customer/${customerId}`;
    const saved = now;
    now += 3601 * 1000;
    try {
      const expired = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
      expect(expired.status).toBe(401);
      expect(expired.headers.get('www-authenticate')).toBe(`Bearer realm="${ACCOUNT}", error="invalid_token", error_description="Invalid login attempt."`);
      expect((await errorOf(expired)).code).toBe('INVALID_LOGIN');
    } finally {
      now = saved;
    }
    const unknown = await fetch(path, { headers: { Authorization: 'Bearer made-up' } });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});

function order(overrides: Json = {}): Json {
  return {
    entity: { id: customerId },
    externalId: `SHOP-${randomBytes(4).toString('hex')}`,
    otherRefNum: '1001',
    tranDate: '2025-03-04',
    memo: 'Imported from storefront',
    location: { id: '2' },
    shippingCost: 9.95,
    shippingAddress: { addressee: 'Pat', addr1: '1 Main St', city: 'Austin', state: 'TX', zip: '73301', country: 'US' },
    item: { items: [{ item: { id: itemId }, quantity: 2, rate: 19.5, price: { id: '-1' } }] },
    ...overrides,
  };
}

describe('records', () => {
  test('POST salesOrder → 204, no body, no content type, absolute Location; GET by id and eid', async () => {
    const body = order({ externalId: 'SHOP-1001', discountItem: { id: discountId }, discountRate: -5, custbody_channel: 'bc' });
    const res = await api('POST', '/services/rest/record/v1/salesOrder', body);
    expect(res.status).toBe(204);
    expect(res.headers.get('content-type')).toBeNull();
    expect(await res.text()).toBe('');
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^${ns.baseUrl}/services/rest/record/v1/salesOrder/\\d+$`));
    const id = idFrom(res);

    const get = await api('GET', `/services/rest/record/v1/salesOrder/${id}`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('application/vnd.oracle.resource+json; type=singular');
    const record = (await get.json()) as Json;
    expect(record).toMatchObject({
      links: [{ rel: 'self', href: location }],
      id,
      tranId: expect.stringMatching(/^SO\d+$/),
      externalId: 'SHOP-1001',
      otherRefNum: '1001',
      subtotal: 39,
      total: 43.95,
      entity: {
        id: customerId,
        refName: expect.stringContaining("O'Brien"),
        links: [{ rel: 'self', href: expect.stringContaining(`/customer/${customerId}`) }],
      },
      item: { links: [{ rel: 'self', href: `${location}/item` }] },
      custbody_channel: 'bc',
    });
    expect(record.item).not.toHaveProperty('items');

    const expanded = (await (await api('GET', `/services/rest/record/v1/salesOrder/eid:SHOP-1001?expandSubResources=true`)).json()) as {
      id: string;
      item: { items: Json[] };
    };
    expect(expanded.id).toBe(id);
    expect(expanded.item.items).toEqual([
      expect.objectContaining({ item: expect.objectContaining({ id: itemId, refName: 'SKU-1' }), quantity: 2, rate: 19.5, amount: 39 }),
    ]);

    const snapshot = ns.salesOrders().find((candidate) => candidate.id === id);
    expect(snapshot).toMatchObject({
      entity: customerId,
      externalId: 'SHOP-1001',
      location: '2',
      lines: [expect.objectContaining({ item: itemId, quantity: 2, rate: 19.5, amount: 39 })],
      body,
    });
  });

  test('property names match case-insensitively', async () => {
    const res = await api('POST', '/services/rest/record/v1/salesOrder', {
      ENTITY: { id: customerId },
      otherrefnum: 'lower-1',
      Item: { ITEMS: [{ ITEM: { id: itemId }, Quantity: 1, AMOUNT: 5 }] },
      someUnknownField: 'ignored',
    });
    expect(res.status).toBe(204);
    const saved = ns.salesOrders().find((candidate) => candidate.id === idFrom(res));
    expect(saved).toMatchObject({ otherRefNum: 'lower-1', lines: [expect.objectContaining({ quantity: 1, rate: 5, amount: 5 })] });
  });

  test('404 NONEXISTENT_ID for an unknown id and an unknown external id', async () => {
    for (const ref of ['987654', 'eid:NOPE']) {
      const res = await api('GET', `/services/rest/record/v1/salesOrder/${ref}`);
      expect(res.status).toBe(404);
      expect(await errorOf(res)).toMatchObject({ code: 'NONEXISTENT_ID', detail: 'Record does not exist.' });
    }
  });

  test('duplicate externalId → 400 USER_ERROR (record vs entity wording)', async () => {
    const body = order({ externalId: 'DUP-1' });
    expect((await api('POST', '/services/rest/record/v1/salesOrder', body)).status).toBe(204);
    const again = await api('POST', '/services/rest/record/v1/salesOrder', body);
    expect(again.status).toBe(400);
    expect(await errorOf(again)).toMatchObject({ code: 'USER_ERROR', detail: 'Error while accessing a resource. This record already exists.' });
    expect(ns.salesOrders().filter((candidate) => candidate.externalId === 'DUP-1')).toHaveLength(1);

    const customer = await api('POST', '/services/rest/record/v1/customer', { externalId: 'BC-CUST-1', isPerson: true, firstName: 'A', lastName: 'B' });
    expect(await errorOf(customer)).toMatchObject({ code: 'USER_ERROR', detail: 'Error while accessing a resource. This entity already exists.' });
  });

  // Overrides are thunks: the ids they use exist only once beforeAll has run.
  test.each<[string, () => Json, string, string | undefined, string]>([
    ['unknown customer', () => ({ entity: { id: '424242' } }), 'INVALID_CONTENT', 'entity', '424242 for the following field: entity'],
    ['unknown item', () => ({ item: { items: [{ item: { id: '424242' }, quantity: 1 }] } }), 'INVALID_CONTENT', 'item.items[0].item', 'field: item'],
    [
      'a customer id used as an item',
      () => ({ item: { items: [{ item: { id: customerId }, quantity: 1 }] } }),
      'INVALID_CONTENT',
      'item.items[0].item',
      'field: item',
    ],
    [
      'inactive item',
      () => ({
        item: {
          items: [
            { item: { id: itemId }, quantity: 1 },
            { item: { id: String(Number(itemId) + 1) }, quantity: 1 },
          ],
        },
      }),
      'INVALID_CONTENT',
      'item.items[1].item',
      'field: item',
    ],
    ['zero quantity', () => ({ item: { items: [{ item: { id: itemId }, quantity: 0 }] } }), 'INVALID_CONTENT', 'item.items[0].quantity', 'field: quantity'],
    ['string quantity', () => ({ item: { items: [{ item: { id: itemId }, quantity: '2' }] } }), 'INVALID_CONTENT', 'item.items[0].quantity', 'field: quantity'],
    ['unknown location', () => ({ location: { id: '99' } }), 'INVALID_CONTENT', 'location', 'field: location'],
    ['no lines', () => ({ item: { items: [] } }), 'USER_ERROR', undefined, 'You must enter at least one line item for this transaction.'],
  ])('%s → 400', async (_name, overrides, code, path, detail) => {
    const before = ns.salesOrders().length;
    const res = await api('POST', '/services/rest/record/v1/salesOrder', order(overrides()));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe(code);
    expect(error.path).toBe(path);
    expect(error.detail).toContain(detail);
    expect(ns.salesOrders()).toHaveLength(before);
  });

  test('customer rules: company needs companyName, person needs names; addressBook stored', async () => {
    const company = await api('POST', '/services/rest/record/v1/customer', { email: 'x@example.com' });
    expect(await errorOf(company)).toMatchObject({ code: 'USER_ERROR', detail: 'Error while accessing a resource. Please enter value(s) for: Company Name' });
    const person = await api('POST', '/services/rest/record/v1/customer', { isPerson: true, firstName: 'Jo' });
    expect((await errorOf(person)).detail).toContain('Please enter value(s) for: Last Name');

    const ok = await api('POST', '/services/rest/record/v1/customer', {
      isperson: true,
      firstname: 'Jo',
      lastname: 'Doe',
      email: 'jo@example.com',
      addressbook: { items: [{ defaultShipping: true, addressbookaddress: { addr1: '2 Side St', city: 'Austin', country: 'US' } }] },
    });
    expect(ok.status).toBe(204);
    const saved = ns.customers().find((candidate) => candidate.id === idFrom(ok));
    expect(saved?.addressBook).toEqual([
      expect.objectContaining({ defaultShipping: true, addressBookAddress: { addr1: '2 Side St', city: 'Austin', country: 'US' } }),
    ]);
  });

  test('malformed JSON → 400 INVALID_REQUEST', async () => {
    const res = await api('POST', '/services/rest/record/v1/salesOrder', '{"entity": ');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('INVALID_REQUEST');
  });

  test('PUT eid: upserts (create, then update appending lines unless replace=item)', async () => {
    const path = '/services/rest/record/v1/salesOrder/eid:UPSERT-1';
    const created = await api('PUT', path, order({ externalId: undefined }));
    expect(created.status).toBe(204);
    const id = idFrom(created);
    const updated = await api('PUT', `${path}?replace=item`, { memo: 'changed', item: { items: [{ item: { id: itemId }, quantity: 3, rate: 1 }] } });
    expect(updated.status).toBe(204);
    expect(idFrom(updated)).toBe(id);
    expect(ns.salesOrders().find((candidate) => candidate.id === id)).toMatchObject({
      memo: 'changed',
      total: 12.95,
      lines: [expect.objectContaining({ quantity: 3 })],
    });
  });
});

describe('SuiteQL', () => {
  beforeAll(async () => {
    for (const externalId of ['PAGE-1', 'PAGE-2', 'PAGE-3']) {
      expect((await api('POST', '/services/rest/record/v1/salesOrder', order({ externalId, otherRefNum: 'PAGED' }))).status).toBe(204);
    }
  });

  test('rows: links first, lower-case alphabetical keys, string values, NULLs omitted', async () => {
    const res = await suiteql(`SELECT id AS internalId, email, entityid, companyname, isperson FROM customer WHERE id = ${customerId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.oracle.resource+json; type=collection; charset=UTF-8');
    expect(res.headers.get('preference-applied')).toBe('transient');
    const body = (await res.json()) as { items: Json[] };
    expect(Object.keys(body)).toEqual(['links', 'count', 'hasMore', 'items', 'offset', 'totalResults']);
    const row = body.items[0] ?? {};
    expect(Object.keys(row)).toEqual(['links', 'email', 'entityid', 'internalid', 'isperson']);
    expect(row).toEqual({ links: [], email: "o'brien@example.com", entityid: expect.any(String), internalid: customerId, isperson: 'T' });
  });

  test("a doubled quote in a literal finds o'brien; = on text is case-sensitive", async () => {
    const found = (await (await suiteql("SELECT id FROM customer WHERE email = 'o''brien@example.com'")).json()) as { items: Json[] };
    expect(found.items).toEqual([{ links: [], id: customerId }]);
    const upper = (await (await suiteql("SELECT id FROM customer WHERE email = 'O''BRIEN@EXAMPLE.COM'")).json()) as { count: number };
    expect(upper.count).toBe(0);
    const lowered = (await (await suiteql("SELECT id FROM customer WHERE LOWER(email) = LOWER('O''Brien@Example.com')")).json()) as { count: number };
    expect(lowered.count).toBe(1);
  });

  test('transaction joins work, with sales-order line quantities signed as NetSuite books them', async () => {
    const res = await suiteql(
      "SELECT t.tranid, t.externalid, tl.quantity, tl.rate FROM transaction t JOIN transactionline tl ON tl.transaction = t.id WHERE t.type = 'SalesOrd' AND t.externalid = 'PAGE-1' AND tl.mainline = 'F'",
    );
    const body = (await res.json()) as { items: Json[] };
    // The item line, then shipping as a line of its own (a ShipItem line, with neither quantity nor rate).
    expect(body.items).toEqual([
      { links: [], externalid: 'PAGE-1', quantity: '-2', rate: '19.5', tranid: expect.stringMatching(/^SO/) },
      { links: [], externalid: 'PAGE-1', tranid: expect.stringMatching(/^SO/) },
    ]);
  });

  test('paging: limit, offset, hasMore, totalResults and links', async () => {
    const q = "SELECT id, externalid FROM transaction WHERE otherrefnum = 'PAGED' ORDER BY id";
    const first = (await (await suiteql(q, 'limit=2&offset=0')).json()) as Json;
    expect(first).toMatchObject({ count: 2, hasMore: true, offset: 0, totalResults: 3 });
    expect(first.links).toEqual(
      expect.arrayContaining([
        { rel: 'self', href: `${ns.baseUrl}/services/rest/query/v1/suiteql?limit=2&offset=0` },
        { rel: 'next', href: `${ns.baseUrl}/services/rest/query/v1/suiteql?limit=2&offset=2` },
      ]),
    );
    const second = (await (await suiteql(q, 'offset=2&limit=2')).json()) as { items: Json[] } & Json;
    expect(second).toMatchObject({ count: 1, hasMore: false, offset: 2, totalResults: 3 });
    expect(second.items[0]).toMatchObject({ externalid: 'PAGE-3' });
  });

  test.each([
    ['offset not a multiple of limit', 'limit=2&offset=1', 'offset'],
    ['limit over 1000', 'limit=1001&offset=0', 'limit'],
    ['limit 0', 'limit=0', 'limit'],
  ])('%s → 400', async (_name, query, param) => {
    const res = await suiteql('SELECT id FROM customer', query);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { 'o:errorDetails': Json[] };
    expect(body['o:errorDetails'][0]).toMatchObject({ 'o:errorCode': 'INVALID_PARAMETER', 'o:errorQueryParam': param });
  });

  test('missing Prefer: transient → 400', async () => {
    const res = await suiteql('SELECT id FROM customer', 'limit=5', {}, {});
    expect(res.status).toBe(400);
  });

  test.each([
    'DELETE FROM customer',
    "UPDATE customer SET email = 'x'",
    'SELECT id FROM customer; DELETE FROM customer',
    'WITH c AS (SELECT id FROM customer) SELECT id FROM c',
    'PRAGMA table_info(customer)',
  ])('only a single SELECT runs: %s', async (q) => {
    const res = await suiteql(q);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'INVALID_PARAMETER', detail: 'Invalid search query. Provide a valid search query.' });
    expect(ns.customers().length).toBeGreaterThan(0);
  });

  test('SQL errors come back as search errors; SQLite-only syntax and non-SuiteQL tables are refused', async () => {
    for (const q of ['SELECT nosuchfield FROM customer', 'SELECT id FROM customer LIMIT 1', 'SELECT name FROM sqlite_master']) {
      const res = await suiteql(q);
      expect(res.status).toBe(400);
      expect((await errorOf(res)).detail).toContain('Search error occurred:');
    }
  });

  test('params are refused before 2026.2 and bound when enabled', async () => {
    expect((await suiteql('SELECT id FROM customer WHERE email = ?', 'limit=5', { params: ["o'brien@example.com"] })).status).toBe(400);
    const modern = await NetSuiteSimulator.start({ tba: TBA, suiteqlParams: true, clock: () => now });
    try {
      const id = modern.addCustomer({ email: "o'brien@example.com", firstName: 'Pat', lastName: "O'Brien" });
      const url = `${modern.baseUrl}/services/rest/query/v1/suiteql?limit=5`;
      const res = await fetch(url, {
        method: 'POST',
        headers: { Authorization: tbaHeader('POST', url), Prefer: 'transient', 'Content-Type': 'application/json' },
        body: JSON.stringify({ q: 'SELECT id FROM customer WHERE email = ?', params: ["o'brien@example.com"] }),
      });
      expect(((await res.json()) as { items: Json[] }).items).toEqual([{ links: [], id }]);
    } finally {
      await modern.close();
    }
  });
});

describe('concurrency and faults', () => {
  test('over the limit → immediate 429 CONCURRENCY_LIMIT_EXCEEDED, no Retry-After', async () => {
    const limited = await NetSuiteSimulator.start({ tba: TBA, concurrencyLimit: 2, clock: () => now });
    try {
      const id = limited.addCustomer({ email: 'c@example.com', companyName: 'C' });
      // Long enough that all four are in before the first two finish, even on a loaded machine.
      limited.server.setLatency({ path: '/record/' }, 3_000);
      const url = `${limited.baseUrl}/services/rest/record/v1/customer/${id}`;
      const answered: number[] = [];
      const responses = await Promise.all(
        [1, 2, 3, 4].map(async () => {
          const res = await fetch(url, { headers: { Authorization: tbaHeader('GET', url) } });
          answered.push(res.status);
          return res;
        }),
      );
      expect(responses.map((res) => res.status).sort()).toEqual([200, 200, 429, 429]);
      // Immediate: both refusals came back before either admitted request finished.
      expect(answered).toEqual([429, 429, 200, 200]);
      const rejected = responses.filter((res) => res.status === 429);
      for (const res of rejected) {
        expect(res.headers.get('retry-after')).toBeNull();
        expect((await errorOf(res)).code).toBe('CONCURRENCY_LIMIT_EXCEEDED');
      }
      expect(limited.peakConcurrency).toBe(2);
    } finally {
      await limited.close();
    }
  });

  test('drop-after-commit on POST salesOrder commits the order but the client sees a socket error', async () => {
    ns.server.injectFault({ method: 'POST', path: '/record/v1/salesOrder' }, { kind: 'drop-after-commit' });
    await expect(api('POST', '/services/rest/record/v1/salesOrder', order({ externalId: 'DROPPED-1' }))).rejects.toThrow();
    expect(ns.salesOrders().filter((candidate) => candidate.externalId === 'DROPPED-1')).toHaveLength(1);
    expect((await api('GET', '/services/rest/record/v1/salesOrder/eid:DROPPED-1')).status).toBe(200);
  });

  test('status faults use NetSuite envelopes', async () => {
    ns.server.injectFault({ path: '/query/' }, { kind: 'status', status: 500 });
    const res = await suiteql('SELECT id FROM customer');
    expect(res.status).toBe(500);
    expect(await errorOf(res)).toMatchObject({ code: 'UNEXPECTED_ERROR', detail: expect.stringMatching(/^An unexpected error occurred\. Error ID: \S+$/) });
    ns.server.injectFault({ path: '/query/' }, { kind: 'rate-limit' });
    const limited = await suiteql('SELECT id FROM customer');
    expect(limited.status).toBe(429);
    expect((await errorOf(limited)).code).toBe('CONCURRENCY_LIMIT_EXCEEDED');
  });
});
