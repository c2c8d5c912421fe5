/**
 * Oracle's published Token-Based Authentication examples (NetSuite Help Center, "The Signature for Web
 * Services and RESTlets"), plus two vectors derived with the same credentials by an independent RFC 5849
 * implementation: one with query parameters on SuiteQL, one with an `eid:` path.
 */
import { signatureBaseString, tbaAuthorizationHeader, tbaRealm, tbaSignature } from '../../functions/adapters/netsuite/tba-signature.ts';

const credentials = {
  consumerKey: 'ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4',
  consumerSecret: 'd26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9e8b5',
  tokenId: '2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc',
  tokenSecret: 'c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8bea1478a3eb0d295',
};
const fixed = { nonce: 'fjaLirsIcCGVZWzBX0pg', timestamp: 1508242306 };

function oauthParams() {
  return {
    oauth_consumer_key: credentials.consumerKey,
    oauth_token: credentials.tokenId,
    oauth_signature_method: 'HMAC-SHA256',
    oauth_timestamp: String(fixed.timestamp),
    oauth_nonce: fixed.nonce,
    oauth_version: '1.0',
  };
}

function sign(method: string, url: string): string {
  return tbaSignature(signatureBaseString(method, new URL(url), oauthParams()), credentials.consumerSecret, credentials.tokenSecret);
}

test("Oracle's REST example signs to the published signature", () => {
  expect(sign('GET', 'https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40')).toBe('B5OIWznZ2YP0OB7VrJrGkYsTh+8H+5T9Hag+o92q0zY=');
});

test("Oracle's RESTlet example with query parameters signs to the published signature", () => {
  expect(
    sign('POST', 'https://123456.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=6&deploy=1&customParam=someValue&testParam=someOtherValue'),
  ).toBe('+KK4SKNgz4ZiILGLwOMtfYlgcXSy1eis8ldE9X90azQ=');
});

test('a SuiteQL request signs its limit and offset in the base string', () => {
  const url = 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=1000&offset=0';
  expect(signatureBaseString('POST', new URL(url), oauthParams())).toBe(
    'POST&https%3A%2F%2F1234567-sb1.suitetalk.api.netsuite.com%2Fservices%2Frest%2Fquery%2Fv1%2Fsuiteql&limit%3D1000%26oauth_consumer_key%3D' +
      credentials.consumerKey +
      '%26oauth_nonce%3DfjaLirsIcCGVZWzBX0pg%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1508242306%26oauth_token%3D' +
      credentials.tokenId +
      '%26oauth_version%3D1.0%26offset%3D0',
  );
  expect(sign('POST', url)).toBe('AB8T1f3fBe4sHDZCO6ABBHmXOi8XzsG393LuEHdOA/E=');
});

test('an eid: path signs with the colon encoded in the base string', () => {
  expect(sign('PUT', 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder/eid:SHOP-1001')).toBe(
    'Mmejs3/u9X6QDMUg/PCAuhy7OxbU26CICKyUMGpkxuw=',
  );
});

test('the Authorization header percent-encodes every value and carries the sandbox realm', () => {
  const header = tbaAuthorizationHeader(
    { method: 'GET', url: new URL('https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40') },
    credentials,
    '123456',
    fixed,
  );
  expect(header).toMatch(/^OAuth realm="123456", /);
  expect(header).toContain('oauth_signature="B5OIWznZ2YP0OB7VrJrGkYsTh%2B8H%2B5T9Hag%2Bo92q0zY%3D"');
  expect(header).not.toContain('limit');
  expect(tbaRealm('1234567-sb1')).toBe('1234567_SB1');
});

test('every header gets a fresh nonce', () => {
  const request = { method: 'GET', url: new URL('https://123456.suitetalk.api.netsuite.com/x') };
  const nonce = (header: string) => /oauth_nonce="([^"]+)"/.exec(header)?.[1];
  expect(nonce(tbaAuthorizationHeader(request, credentials, '123456'))).not.toBe(nonce(tbaAuthorizationHeader(request, credentials, '123456')));
});
