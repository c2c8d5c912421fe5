/**
 * NetSuite's error envelope (RFC 7807 style, `o:errorDetails`) and the canned errors every route shares.
 * Error responses carry `Connection: close` because real NetSuite error responses do; clients with keep-alive
 * pools must cope with that.
 */
import { randomBytes } from 'node:crypto';
import type { SimResponse } from '../sim-http.ts';

export const ERROR_CONTENT_TYPE = 'application/vnd.oracle.resource+json; type=error; charset=UTF-8';

export const INVALID_LOGIN_DETAIL =
  'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.';

const STATUS_TEXT: Record<number, { title: string; section: string }> = {
  400: { title: 'Bad Request', section: '15.5.1' },
  401: { title: 'Unauthorized', section: '15.5.2' },
  403: { title: 'Forbidden', section: '15.5.4' },
  404: { title: 'Not Found', section: '15.5.5' },
  405: { title: 'Method Not Allowed', section: '15.5.6' },
  409: { title: 'Conflict', section: '15.5.10' },
  415: { title: 'Unsupported Media Type', section: '15.5.16' },
  500: { title: 'Internal Server Error', section: '15.6.1' },
  503: { title: 'Service Unavailable', section: '15.6.4' },
};

export interface ErrorDetail {
  detail: string;
  'o:errorCode': string;
  'o:errorPath'?: string;
  'o:errorQueryParam'?: string;
  'o:errorHeader'?: string;
}

export function nsError(status: number, code: string, detail: string, extra: Partial<ErrorDetail> = {}, headers: Record<string, string> = {}): SimResponse {
  const text = STATUS_TEXT[status] ?? { title: status >= 500 ? 'Internal Server Error' : 'Bad Request', section: status >= 500 ? '15.6.1' : '15.5.1' };
  return {
    status,
    headers: { 'Content-Type': ERROR_CONTENT_TYPE, Connection: 'close', ...headers },
    body: {
      type: `https://www.rfc-editor.org/rfc/rfc9110.html#section-${text.section}`,
      title: text.title,
      status,
      'o:errorDetails': [{ detail, 'o:errorCode': code, ...extra }],
    },
  };
}

/** Business-rule failures all carry this prefix in real traffic. */
export function userError(detail: string, extra: Partial<ErrorDetail> = {}): SimResponse {
  return nsError(400, 'USER_ERROR', `Error while accessing a resource. ${detail}`, extra);
}

/** Invalid value or reference in the body. Note Oracle's text says "resource" without "a". */
export function invalidFieldValue(value: unknown, field: string, path: string): SimResponse {
  const shown = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  return nsError(400, 'INVALID_CONTENT', `Error while accessing resource: You have entered an Invalid Field Value ${shown} for the following field: ${field}`, {
    'o:errorPath': path,
  });
}

export function invalidRequest(detail: string, extra: Partial<ErrorDetail> = {}): SimResponse {
  return nsError(400, 'INVALID_REQUEST', detail, extra);
}

export function notFound(): SimResponse {
  return nsError(404, 'NONEXISTENT_ID', 'Record does not exist.');
}

export function invalidLogin(headers: Record<string, string> = {}): SimResponse {
  return nsError(401, 'INVALID_LOGIN', INVALID_LOGIN_DETAIL, {}, headers);
}

/**
 * Oracle's documented 429 example: title "Bad Request" (sic) and a top-level `o:errorCode` of USER_ERROR next to
 * the detail's CONCURRENCY_LIMIT_EXCEEDED. Clients must key on the status and the detail code. No Retry-After.
 */
export function concurrencyLimitExceeded(): SimResponse {
  return {
    status: 429,
    headers: { 'Content-Type': ERROR_CONTENT_TYPE, Connection: 'close' },
    body: {
      type: 'https://www.rfc-editor.org/rfc/rfc6585.html#section-4',
      title: 'Bad Request',
      status: 429,
      'o:errorCode': 'USER_ERROR',
      'o:errorDetails': [{ detail: 'Concurrent request limit exceeded. Request blocked.', 'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED' }],
    },
  };
}

export function unexpectedError(status = 500): SimResponse {
  const errorId = randomBytes(9).toString('base64url').toLowerCase();
  return nsError(status, 'UNEXPECTED_ERROR', `An unexpected error occurred. Error ID: ${errorId}`);
}

/**
 * 502/504 come from the CDN edge in front of NetSuite, not from NetSuite itself, so they are HTML, not the
 * JSON envelope. A client that assumes every error body is JSON must not pass against the simulator.
 */
export function edgeError(status: number): SimResponse {
  const reason = status === 504 ? 'Gateway Timeout' : 'Bad Gateway';
  return {
    status,
    headers: { 'Content-Type': 'text/html', Connection: 'close' },
    body: `<HTML><HEAD><TITLE>${reason}</TITLE></HEAD><BODY><H1>${reason}</H1>Reference #${randomBytes(8).toString('hex')}</BODY></HTML>\n`,
  };
}

/** The response for an injected status fault, in the shape that status has on the real service. */
export function statusFault(status: number): SimResponse {
  if (status === 429) return concurrencyLimitExceeded();
  if (status === 401) return invalidLogin();
  if (status === 404) return notFound();
  if (status === 502 || status === 504) return edgeError(status);
  if (status >= 500) return unexpectedError(status);
  return userError('An unexpected error occurred.');
}
