/**
 * Verifies NetSuite Token-Based Authentication (OAuth 1.0a, HMAC-SHA256) headers. Every failure is the same
 * opaque INVALID_LOGIN on the wire; the reason is returned only so tests and logs can say what went wrong
 * (NetSuite shows it only in the Login Audit Trail).
 */
import { timingSafeEqual } from 'node:crypto';
import type { SimRequest } from '../sim-http.ts';
import { signatureBaseString, tbaSignature } from './tba-signature.ts';

export interface TbaCredentials {
  consumerKey: string;
  consumerSecret: string;
  tokenId: string;
  tokenSecret: string;
}

const TIMESTAMP_WINDOW_SECONDS = 300;
const REQUIRED = ['oauth_consumer_key', 'oauth_token', 'oauth_signature_method', 'oauth_timestamp', 'oauth_nonce', 'oauth_version', 'oauth_signature'];

/** Parses `OAuth realm="…", oauth_x="…"`; values are percent-decoded. Undefined when malformed. */
export function parseOAuthHeader(header: string): Record<string, string> | undefined {
  const match = /^OAuth\s+(.*)$/is.exec(header.trim());
  if (!match?.[1]) return undefined;
  const params: Record<string, string> = {};
  for (const part of match[1].split(',')) {
    const pair = /^\s*([A-Za-z0-9_]+)\s*=\s*"([^"]*)"\s*$/.exec(part);
    if (!pair?.[1] || pair[2] === undefined) return undefined;
    if (pair[1] in params) return undefined; // a repeated parameter is a malformed header
    try {
      params[pair[1]] = decodeURIComponent(pair[2]);
    } catch {
      return undefined;
    }
  }
  return params;
}

export class TbaVerifier {
  private readonly credentials: TbaCredentials;
  private readonly accountId: string;
  private readonly clock: () => number;
  /** token|timestamp|nonce → seconds it was seen, pruned once outside the timestamp window. */
  private readonly seenNonces = new Map<string, number>();
  private lastPruneSeconds = 0;

  constructor(credentials: TbaCredentials, accountId: string, clock: () => number) {
    this.credentials = credentials;
    this.accountId = accountId;
    this.clock = clock;
  }

  /** Undefined when the request is authentic, else the (audit-trail) reason it is not. */
  verify(req: SimRequest, header: string): string | undefined {
    const params = parseOAuthHeader(header);
    if (!params) return 'MalformedHeader';
    if (params.realm !== this.accountId) return 'InvalidRealm';
    for (const name of REQUIRED) if (!params[name]) return `MissingParameter:${name}`;
    if (params.oauth_signature_method !== 'HMAC-SHA256') return 'UnknownAlgorithm';
    if (params.oauth_version !== '1.0') return 'VersionRejected';
    if (params.oauth_consumer_key !== this.credentials.consumerKey) return 'ConsumerKeyUnknown';
    if (params.oauth_token !== this.credentials.tokenId) return 'TokenRejected';
    const timestamp = params.oauth_timestamp ?? '';
    const nowSeconds = Math.floor(this.clock() / 1000);
    if (!/^\d+$/.test(timestamp) || Math.abs(Number(timestamp) - nowSeconds) > TIMESTAMP_WINDOW_SECONDS) return 'InvalidTimestamp';
    const nonce = params.oauth_nonce ?? '';
    if (nonce.length < 6) return 'NonceRejected';

    const oauthParams: Record<string, string> = {};
    for (const [name, value] of Object.entries(params)) if (name.startsWith('oauth_')) oauthParams[name] = value;
    const expected = tbaSignature(
      signatureBaseString({ method: req.method, url: req.url, oauthParams }),
      this.credentials.consumerSecret,
      this.credentials.tokenSecret,
    );
    if (!constantTimeEqual(expected, params.oauth_signature ?? '')) return 'InvalidSignature';

    // Checked after the signature so a forged request cannot burn a legitimate client's nonce.
    this.pruneNonces(nowSeconds);
    const key = `${params.oauth_token}|${timestamp}|${nonce}`;
    if (this.seenNonces.has(key)) return 'NonceUsed';
    this.seenNonces.set(key, Number(timestamp));
    return undefined;
  }

  private pruneNonces(nowSeconds: number): void {
    // A pass over the map per minute keeps long benchmark runs from paying O(n) on every request.
    if (nowSeconds - this.lastPruneSeconds < 60) return;
    this.lastPruneSeconds = nowSeconds;
    for (const [key, seenAt] of this.seenNonces) {
      // Older than any timestamp the window still admits: it can never be replayed successfully.
      if (nowSeconds - seenAt > TIMESTAMP_WINDOW_SECONDS) this.seenNonces.delete(key);
    }
  }
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
