/**
 * NetSuite's error envelope (`o:errorDetails`) read into the product's failure classes:
 * transient (429 CONCURRENCY_LIMIT_EXCEEDED, 5xx, 401 that can be a concurrency symptom),
 * "already exists" (duplicate externalId), not found (NONEXISTENT_ID) and permanent (everything else).
 */
import * as z from 'zod';
import { AccessDeniedError, AlreadyExistsError, NotFoundError, PermanentError, TransientError, type SyncError } from '../../core/errors.ts';

const envelope = z.looseObject({
  title: z.string().optional(),
  'o:errorDetails': z
    .array(z.looseObject({ detail: z.string().default(''), 'o:errorCode': z.string().optional(), 'o:errorPath': z.string().optional() }))
    .default([]),
});

export interface NetSuiteErrorDetail {
  detail: string;
  code?: string;
  path?: string;
}

export function parseErrorBody(body: string): NetSuiteErrorDetail | undefined {
  try {
    const parsed = envelope.safeParse(JSON.parse(body));
    const first = parsed.success ? parsed.data['o:errorDetails'][0] : undefined;
    if (!first) return parsed.success && parsed.data.title ? { detail: parsed.data.title } : undefined;
    return { detail: first.detail, code: first['o:errorCode'], path: first['o:errorPath'] };
  } catch {
    return undefined;
  }
}

export function netsuiteFailure(status: number, body: string, what: string): SyncError {
  const error = parseErrorBody(body) ?? { detail: body.slice(0, 200) };
  const details = { source: 'netsuite' as const, status, code: error.code, path: error.path };
  const message = `${what}: ${status}${error.code ? ` ${error.code}` : ''} ${error.detail}`.trim();
  if (status === 429 || status >= 500) return new TransientError(message, details);
  if (status === 401) {
    // Also what NetSuite answers to bursts over the concurrency limit; the reason is in its Login Audit Trail.
    return new TransientError(`${message} (check the credentials and NetSuite's Login Audit Trail)`, details);
  }
  // A role without the permission: 403 INSUFFICIENT_PERMISSION, or (as observed) 400 USER_ERROR "Your current role
  // does not have permission to perform this action". Either concerns every order, not this one.
  if (status === 403 || error.code === 'INSUFFICIENT_PERMISSION' || /does not have permission/i.test(error.detail)) {
    return new AccessDeniedError(`${message} (check the role's permissions)`, details);
  }
  if (status === 404 || error.code === 'NONEXISTENT_ID') return new NotFoundError(message, details);
  if (/already exists/i.test(error.detail)) return new AlreadyExistsError(message, details);
  return new PermanentError(message, details);
}
