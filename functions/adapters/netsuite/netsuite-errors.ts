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

/**
 * The NetSuite feature (or setting) each field we may send depends on: when the account lacks it, the field does
 * not exist, and a strict write names it. Said in the error, so the person reading it knows what to check.
 */
const FIELD_NEEDS: Record<string, string> = {
  price:
    'the Multiple Prices feature (Setup > Company > Enable Features > Items & Inventory) for the Custom price level; without it, set NETSUITE_PRICE_LEVEL=none',
  class: 'the Classes feature (Enable Features > Company); set by NETSUITE_CLASS_ID',
  department: 'the Departments feature (Enable Features > Company); set by NETSUITE_DEPARTMENT_ID',
  location: 'the Locations feature (Enable Features > Company); set by NETSUITE_LOCATION_ID',
  subsidiary: 'OneWorld; set by NETSUITE_SUBSIDIARY_ID (leave it unset on a non-OneWorld account)',
  currency: 'the Multiple Currencies feature (Enable Features > Company)',
  currencylist: 'the Multiple Currencies feature (Enable Features > Company)',
  ismultishipto: 'the Multiple Shipping Routes feature (Enable Features > Transactions); set by NETSUITE_MULTI_SHIP_ROUTES',
  shipaddress: 'the Multiple Shipping Routes feature (Enable Features > Transactions); set by NETSUITE_MULTI_SHIP_ROUTES',
  shipgroup: 'the Multiple Shipping Routes feature (Enable Features > Transactions); set by NETSUITE_MULTI_SHIP_ROUTES',
  taxcode: 'per-line tax codes (SYNC_TAX_MODE=line sends NETSUITE_NON_TAXABLE_TAX_CODE_ID on every line)',
  shippingtaxcode: 'per-line tax codes (SYNC_TAX_MODE=line sends NETSUITE_NON_TAXABLE_TAX_CODE_ID for shipping)',
  entityid: 'a Customer ID you may set (Auto-Generated Numbers off, or Allow Override); set by NETSUITE_CUSTOMER_ENTITY_ID',
  autoname: 'a Customer ID you may set (Auto-Generated Numbers off, or Allow Override); set by NETSUITE_CUSTOMER_ENTITY_ID',
};

/** The field a strict write refused as unknown, if that is what the error says. */
function unknownField(error: NetSuiteErrorDetail): string | undefined {
  if (!error.path || !/invalid field name|unknown (field|property)|not defined|does not exist on record/i.test(error.detail)) return undefined;
  return error.path.split('.').pop();
}

export function netsuiteFailure(status: number, body: string, what: string): SyncError {
  const error = parseErrorBody(body) ?? { detail: body.slice(0, 200) };
  const details = { source: 'netsuite' as const, status, code: error.code, path: error.path };
  const field = status === 400 ? unknownField(error) : undefined;
  const needs = field ? FIELD_NEEDS[field.toLowerCase()] : undefined;
  const hint = field ? ` (NetSuite does not know the field '${field}'${needs ? `: it needs ${needs}` : ''})` : '';
  const message = `${what}: ${status}${error.code ? ` ${error.code}` : ''} ${error.detail}${hint}`.trim();
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
