/**
 * How every NetSuite request is authorised. OAuth 2.0 client credentials is the primary method (a JWT
 * assertion signed with the certificate's private key, the certificate id as kid, the access token cached until
 * shortly before it expires); TBA remains for existing integrations.
 */
import got from 'got';
import { SignJWT } from 'jose';
import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import * as z from 'zod';
import { AccessDeniedError, ConfigError, TransientError } from '../../core/errors.ts';
import type { NetSuiteAuthConfig } from '../../common/config.ts';
import { requestTimeoutMs } from '../../common/deadline.ts';
import { defaultRetryPolicy, withRetry } from '../../common/retry.ts';
import { networkFailure } from '../http/http-failure.ts';
import { tbaAuthorizationHeader } from './tba-signature.ts';

export interface NetSuiteAuth {
  /** The Authorization header value for this request. */
  authorize(request: { method: string; url: URL }): Promise<string>;
  /** Called after a 401 so the next request starts from fresh credentials. */
  invalidate(): void;
}

export const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';
/** Renew this long before NetSuite's 60-minute tokens expire, so no request carries a token that dies in flight. */
const RENEW_BEFORE_MS = 5 * 60_000;

const tokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive() });

export type AssertionAlgorithm = 'PS256' | 'ES256' | 'ES384' | 'ES512';

/**
 * The assertion's algorithm follows the certificate's key, as NetSuite takes them: "The length of the RSA key must
 * be 3072 bits, or 4096 bits. The length of EC key must 256 bits, 384 bits, or 521 bits" and "The value of the alg
 * parameter is PS256, PS384, PS512, ES256, ES384, or ES512" (Oracle help, subsect_162755332391, section_162790605110).
 * Anything else can never authenticate, so it is refused when the function starts, naming the problem.
 */
export function assertionAlgorithm(privateKeyPem: string): { key: KeyObject; algorithm: AssertionAlgorithm } {
  let key: KeyObject;
  try {
    // Accepts PKCS#8, PKCS#1 and SEC1 PEM alike, as `openssl req` and `openssl ecparam` write them.
    key = createPrivateKey(privateKeyPem);
  } catch (error) {
    throw new ConfigError('NETSUITE_PRIVATE_KEY is not a readable PEM private key', { source: 'config', cause: error });
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    const bits = details.modulusLength ?? 0;
    if (bits !== 3072 && bits !== 4096)
      throw new ConfigError(`NETSUITE_PRIVATE_KEY is a ${bits}-bit RSA key; NetSuite takes RSA keys of 3072 or 4096 bits`, { source: 'config' });
    return { key, algorithm: 'PS256' };
  }
  const curves: Record<string, AssertionAlgorithm> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
  const algorithm = key.asymmetricKeyType === 'ec' ? curves[details.namedCurve ?? ''] : undefined;
  if (!algorithm) {
    const kind = key.asymmetricKeyType === 'ec' ? `an EC key on ${details.namedCurve}` : `a ${key.asymmetricKeyType} key`;
    throw new ConfigError(`NETSUITE_PRIVATE_KEY is ${kind}; NetSuite takes RSA 3072/4096 (PS256) or EC P-256, P-384, P-521 (ES256, ES384, ES512)`, {
      source: 'config',
    });
  }
  return { key, algorithm };
}

export class ClientCredentialsAuth implements NetSuiteAuth {
  private readonly config: Extract<NetSuiteAuthConfig, { kind: 'oauth2' }>;
  private readonly tokenUrl: string;
  private readonly timeoutMs: number;
  private readonly key: KeyObject;
  private readonly algorithm: AssertionAlgorithm;
  private token: { value: string; renewAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(config: Extract<NetSuiteAuthConfig, { kind: 'oauth2' }>, apiUrl: string, timeoutMs: number) {
    this.config = config;
    this.tokenUrl = `${apiUrl}${TOKEN_PATH}`;
    this.timeoutMs = timeoutMs;
    ({ key: this.key, algorithm: this.algorithm } = assertionAlgorithm(config.privateKeyPem));
  }

  async authorize(): Promise<string> {
    if (this.token && Date.now() < this.token.renewAt) return `Bearer ${this.token.value}`;
    // One token request at a time; concurrent callers share it.
    this.pending ??= this.requestToken().finally(() => (this.pending = undefined));
    return `Bearer ${await this.pending}`;
  }

  invalidate(): void {
    this.token = undefined;
  }

  private async requestToken(): Promise<string> {
    return withRetry(async () => {
      const assertion = await this.assertion();
      let response;
      try {
        response = await got.post(this.tokenUrl, {
          form: {
            grant_type: 'client_credentials',
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: assertion,
          },
          throwHttpErrors: false,
          retry: { limit: 0 },
          timeout: { request: requestTimeoutMs(this.timeoutMs, 'NetSuite token request') },
          responseType: 'text',
        });
      } catch (error) {
        throw networkFailure(error, 'netsuite', 'NetSuite token request') ?? error;
      }
      const status = response.statusCode;
      if (status === 429 || status >= 500) throw new TransientError(`NetSuite token request: ${status}`, { source: 'netsuite', status });
      if (status !== 200) {
        const reason = /"error"\s*:\s*"([^"]+)"/.exec(response.body)?.[1] ?? response.body.slice(0, 200);
        // The integration disabled, the certificate revoked or expired, the mapping gone: every order alike.
        throw new AccessDeniedError(
          `NetSuite refused the OAuth 2.0 client credentials (${status} ${reason}); check NETSUITE_CLIENT_ID, NETSUITE_CERTIFICATE_ID and the key`,
          { source: 'netsuite', status, code: reason },
        );
      }
      const token = tokenResponse.parse(JSON.parse(response.body));
      this.token = { value: token.access_token, renewAt: Date.now() + token.expires_in * 1000 - RENEW_BEFORE_MS };
      return token.access_token;
    }, defaultRetryPolicy);
  }

  private async assertion(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ scope: ['rest_webservices'] })
      .setProtectedHeader({ alg: this.algorithm, typ: 'JWT', kid: this.config.certificateId })
      .setIssuer(this.config.clientId)
      .setAudience(this.tokenUrl)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .setJti(randomUUID())
      .sign(this.key);
  }
}

export class TokenBasedAuth implements NetSuiteAuth {
  private readonly config: Extract<NetSuiteAuthConfig, { kind: 'tba' }>;
  private readonly accountId: string;

  constructor(config: Extract<NetSuiteAuthConfig, { kind: 'tba' }>, accountId: string) {
    this.config = config;
    this.accountId = accountId;
  }

  async authorize(request: { method: string; url: URL }): Promise<string> {
    return tbaAuthorizationHeader(request, this.config, this.accountId);
  }

  invalidate(): void {} // a TBA signature is made fresh for every request anyway
}

export function createNetSuiteAuth(config: NetSuiteAuthConfig, accountId: string, apiUrl: string, timeoutMs: number): NetSuiteAuth {
  return config.kind === 'oauth2' ? new ClientCredentialsAuth(config, apiUrl, timeoutMs) : new TokenBasedAuth(config, accountId);
}
