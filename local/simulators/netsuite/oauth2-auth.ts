/**
 * OAuth 2.0 client credentials (M2M) as NetSuite runs it: the client proves itself with a JWT assertion signed
 * by the private half of the certificate uploaded to the account, and gets a 60-minute bearer token with no
 * refresh token. The assertion rules below are the documented ones; the error split is RFC 6749 §5.2.
 */
import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, errors, generateKeyPair, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import type { SimRequest, SimResponse } from '../sim-http.ts';

export interface OAuth2ClientConfig {
  clientId: string;
  /** The certificate ID NetSuite shows for the uploaded certificate; the assertion's `kid`. */
  certificateId: string;
  /** The uploaded public part: an SPKI public key or an X.509 certificate, PEM. */
  publicKeyPem: string;
  tokenLifetimeSeconds?: number;
}

export const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
// RS256 is deliberately absent: NetSuite accepts only these for client credentials.
const ALLOWED_ALGS = ['PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
const MAX_ASSERTION_LIFETIME_SECONDS = 3600;

type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope';

export class OAuth2Issuer {
  private readonly config: OAuth2ClientConfig;
  private readonly accountId: string;
  private readonly clock: () => number;
  private readonly clientKey: KeyObject;
  /** access token → expiry (ms epoch, per `clock`). */
  private readonly issued = new Map<string, number>();
  private signingKey: Promise<CryptoKey> | undefined;

  constructor(config: OAuth2ClientConfig, accountId: string, clock: () => number) {
    this.config = config;
    this.accountId = accountId;
    this.clock = clock;
    this.clientKey = createPublicKey(config.publicKeyPem);
    assertAcceptableCertificateKey(this.clientKey);
  }

  async token(req: SimRequest): Promise<SimResponse> {
    if (req.method !== 'POST') return this.error(400, 'invalid_request');
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return this.error(400, 'invalid_request');
    const form = new URLSearchParams(req.body);
    const grantType = form.get('grant_type');
    if (!grantType) return this.error(400, 'invalid_request');
    if (grantType !== 'client_credentials') return this.error(400, 'unsupported_grant_type');
    const assertion = form.get('client_assertion');
    if (form.get('client_assertion_type') !== ASSERTION_TYPE || !assertion) return this.error(400, 'invalid_request');

    let header;
    try {
      header = decodeProtectedHeader(assertion);
    } catch {
      return this.error(400, 'invalid_request');
    }
    if (!header.alg || !ALLOWED_ALGS.includes(header.alg)) return this.error(401, 'invalid_client');
    if (header.kid !== this.config.certificateId) return this.error(401, 'invalid_client');

    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, this.clientKey, {
        algorithms: ALLOWED_ALGS,
        issuer: this.config.clientId,
        // The token endpoint URL as this client addressed it (the Host header decides the origin).
        audience: `${req.url.origin}${TOKEN_PATH}`,
        currentDate: new Date(this.clock()),
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (error) {
      return this.error(...verificationFailure(error));
    }
    if ((payload.exp ?? 0) - (payload.iat ?? 0) > MAX_ASSERTION_LIFETIME_SECONDS) return this.error(400, 'invalid_grant');
    if (!scopes(payload.scope).includes('rest_webservices')) return this.error(400, 'invalid_scope');

    const lifetime = this.config.tokenLifetimeSeconds ?? 3600;
    const accessToken = await this.mint(lifetime, scopes(payload.scope));
    this.issued.set(accessToken, this.clock() + lifetime * 1000);
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json;charset=UTF-8', 'Cache-Control': 'no-store' },
      body: { access_token: accessToken, expires_in: lifetime, token_type: 'Bearer' },
    };
  }

  /** True when `token` was issued here and has not expired by `clock`. */
  accepts(token: string): boolean {
    const expiresAt = this.issued.get(token);
    if (expiresAt === undefined) return false;
    if (this.clock() >= expiresAt) {
      this.issued.delete(token);
      return false;
    }
    return true;
  }

  /** Real access tokens are PS256 JWTs; clients must treat them as opaque, but may read `exp`. */
  private async mint(lifetime: number, scope: string[]): Promise<string> {
    this.signingKey ??= generateKeyPair('PS256', { modulusLength: 2048 }).then((pair) => pair.privateKey);
    const nowSeconds = Math.floor(this.clock() / 1000);
    return new SignJWT({ scope, sub: '3;1', aud: [this.config.clientId, this.accountId] })
      .setProtectedHeader({ alg: 'PS256', typ: 'JWT', kid: 'sim-token-signing' })
      .setIssuer('https://system.netsuite.com')
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + lifetime)
      .setJti(randomUUID())
      .sign(await this.signingKey);
  }

  private error(status: 400 | 401, code: OAuthErrorCode): SimResponse {
    const headers: Record<string, string> = { 'Content-Type': 'application/json;charset=UTF-8', 'Cache-Control': 'no-store' };
    if (status === 401) headers['WWW-Authenticate'] = `Basic realm="${this.accountId}"`;
    return { status, headers, body: { error: code } };
  }
}

function verificationFailure(error: unknown): [400 | 401, OAuthErrorCode] {
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iss') return [401, 'invalid_client'];
  if (error instanceof errors.JWTExpired || error instanceof errors.JWTClaimValidationFailed) return [400, 'invalid_grant'];
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JOSEAlgNotAllowed) return [401, 'invalid_client'];
  return [400, 'invalid_request'];
}

/** `scope` may be a comma- or space-separated string or an array (Oracle's own sample uses an array). */
function scopes(scope: unknown): string[] {
  if (Array.isArray(scope)) return scope.filter((entry): entry is string => typeof entry === 'string');
  if (typeof scope === 'string') return scope.split(/[\s,]+/).filter(Boolean);
  return [];
}

/** NetSuite refuses certificates with RSA under 3072 bits or EC curves other than P-256/384/521. */
function assertAcceptableCertificateKey(key: KeyObject): void {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    if ((details.modulusLength ?? 0) < 3072) throw new Error('NetSuite simulator: RSA certificate keys must be 3072 or 4096 bits');
    return;
  }
  if (key.asymmetricKeyType === 'ec' && ['prime256v1', 'secp384r1', 'secp521r1'].includes(details.namedCurve ?? '')) return;
  throw new Error('NetSuite simulator: certificate key must be RSA 3072/4096 or EC P-256/P-384/P-521');
}
