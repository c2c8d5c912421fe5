/**
 * NetSuite Token-Based Authentication: OAuth 1.0a (RFC 5849) with HMAC-SHA256, for integrations created
 * before NetSuite stops accepting new TBA integrations in 2027.1. JSON bodies are not signed; every query
 * parameter is. Reproduces Oracle's published signature examples (see test/unit/tba-signature.test.ts).
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface TbaCredentials {
  consumerKey: string;
  consumerSecret: string;
  tokenId: string;
  tokenSecret: string;
}

/** RFC 3986 encoding: unreserved characters kept, everything else %XX upper-case, space as %20. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function signatureBaseString(method: string, url: URL, oauthParams: Record<string, string>): string {
  const baseUrl = `${url.protocol}//${url.host.toLowerCase()}${url.pathname}`;
  const pairs = [...Object.entries(oauthParams), ...url.searchParams.entries()]
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([nameA, valueA], [nameB, valueB]) => (nameA === nameB ? compare(valueA, valueB) : compare(nameA, nameB)));
  const normalized = pairs.map(([name, value]) => `${name}=${value}`).join('&');
  return [method.toUpperCase(), percentEncode(baseUrl), percentEncode(normalized)].join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function tbaSignature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac('sha256', key).update(baseString).digest('base64');
}

/** The realm is the account id in upper case with '_' (1234567-sb1 → 1234567_SB1), unlike the host. */
export function tbaRealm(accountId: string): string {
  return accountId.toUpperCase().replaceAll('-', '_');
}

/** A complete `Authorization: OAuth …` value for one request. A fresh nonce every call, retries included. */
export function tbaAuthorizationHeader(
  request: { method: string; url: URL },
  credentials: TbaCredentials,
  accountId: string,
  fixed: { nonce?: string; timestamp?: number } = {},
): string {
  const oauthParams: Record<string, string> = {
    oauth_consumer_key: credentials.consumerKey,
    oauth_token: credentials.tokenId,
    oauth_signature_method: 'HMAC-SHA256',
    oauth_timestamp: String(fixed.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_nonce: fixed.nonce ?? randomBytes(16).toString('hex'),
    oauth_version: '1.0',
  };
  const signature = tbaSignature(signatureBaseString(request.method, request.url, oauthParams), credentials.consumerSecret, credentials.tokenSecret);
  const fields = { realm: tbaRealm(accountId), ...oauthParams, oauth_signature: signature };
  return `OAuth ${Object.entries(fields)
    .map(([name, value]) => `${name}="${percentEncode(value)}"`)
    .join(', ')}`;
}
