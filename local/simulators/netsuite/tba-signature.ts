/**
 * RFC 5849 signature base string and HMAC-SHA256 signature as NetSuite TBA computes them. Pure functions so
 * Oracle's published vectors can pin them down exactly. Written apart from the product's signer on purpose:
 * a simulator that verified with the client's own code would agree with the client's bugs.
 */
import { createHmac } from 'node:crypto';

/** RFC 3986 percent-encoding: unreserved characters kept, uppercase hex, space as %20 (never +). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface BaseStringInput {
  method: string;
  /** Absolute request URL including its query string. */
  url: string | URL;
  /** The oauth_* parameters from the Authorization header (realm and oauth_signature are dropped here). */
  oauthParams: Record<string, string>;
}

export function signatureBaseString({ method, url, oauthParams }: BaseStringInput): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  // URL already lowercases scheme and host and drops a default port, as RFC 5849 §3.4.1.2 asks.
  const baseUrl = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(oauthParams)) {
    if (name === 'realm' || name === 'oauth_signature') continue;
    pairs.push([percentEncode(name), percentEncode(value)]);
  }
  // Query values are form-decoded first (URLSearchParams), then re-encoded, so `+` and `%20` both sign as %20.
  for (const [name, value] of parsed.searchParams) pairs.push([percentEncode(name), percentEncode(value)]);
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const normalized = pairs.map(([name, value]) => `${name}=${value}`).join('&');
  return `${method.toUpperCase()}&${percentEncode(baseUrl)}&${percentEncode(normalized)}`;
}

export function tbaSignature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac('sha256', key).update(baseString).digest('base64');
}
