/**
 * Decides whether an API request is authenticated, by TBA or by an OAuth 2.0 bearer token, whichever the
 * simulator is configured for. Failures are all 401 INVALID_LOGIN; the reason goes to the audit trail only.
 */
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { invalidLogin } from './errors.ts';
import type { OAuth2Issuer } from './oauth2-auth.ts';
import type { TbaVerifier } from './tba-auth.ts';

export interface LoginAuditEntry {
  at: number;
  method: string;
  path: string;
  scheme: 'tba' | 'bearer' | 'none';
  reason: string;
}

export class Authenticator {
  readonly auditTrail: LoginAuditEntry[] = [];
  private readonly accountId: string;
  private readonly clock: () => number;
  private readonly oauth2: OAuth2Issuer | undefined;
  private readonly tba: TbaVerifier | undefined;

  constructor(accountId: string, clock: () => number, oauth2: OAuth2Issuer | undefined, tba: TbaVerifier | undefined) {
    this.accountId = accountId;
    this.clock = clock;
    this.oauth2 = oauth2;
    this.tba = tba;
  }

  /** Undefined when authenticated, else the 401 to send. */
  check(req: SimRequest): SimResponse | undefined {
    const header = req.headers.authorization ?? '';
    const [scheme = '', ...rest] = header.trim().split(/\s+/);
    if (/^bearer$/i.test(scheme)) {
      const token = rest.join(' ');
      if (this.oauth2?.accepts(token)) return undefined;
      this.audit(req, 'bearer', this.oauth2 ? 'InvalidOrExpiredToken' : 'OAuth2NotEnabled');
      return invalidLogin({
        'WWW-Authenticate': `Bearer realm="${this.accountId}", error="invalid_token", error_description="Invalid login attempt."`,
      });
    }
    if (/^oauth$/i.test(scheme)) {
      const reason = this.tba ? this.tba.verify(req, header) : 'TbaNotEnabled';
      if (reason === undefined) return undefined;
      this.audit(req, 'tba', reason);
      return invalidLogin();
    }
    this.audit(req, 'none', header ? 'UnsupportedScheme' : 'MissingAuthorization');
    return invalidLogin();
  }

  private audit(req: SimRequest, scheme: LoginAuditEntry['scheme'], reason: string): void {
    this.auditTrail.push({ at: this.clock(), method: req.method, path: req.path, scheme, reason });
  }
}
