/**
 * v3 order metafields: `{data, meta}` envelopes, ISO 8601 dates, v3 error objects. A (namespace, key) pair is
 * unique per order for our one API client, so a second create is a 409 — the case an idempotent writer must handle.
 */
import { z } from 'zod';
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { V3_ERROR_TYPE, v3Error } from './api-errors.ts';
import { toIso8601, truncateToSecond } from './dates.ts';
import type { MetafieldChange, StoreState, StoredMetafield } from './store-state.ts';
import { v3Page } from './v3-pages.ts';

export interface V3Metafield {
  id: number;
  key: string;
  value: string;
  namespace: string;
  permission_set: string;
  resource_type: 'order';
  resource_id: number;
  description: string;
  date_created: string;
  date_modified: string;
  owner_client_id: string;
}

export interface V3Context {
  state: StoreState;
  clock: () => number;
  clientId: string;
  /**
   * Whether a metafield write counts as an order modification — bumps date_modified and fires store/order/updated
   * (UNCONFIRMED for the real API, lifecycle.md §10 #7; the simulator defaults to yes; the metafield webhooks fire either way).
   */
  touchesOrder: boolean;
}

const PERMISSION_SETS = ['app_only', 'read', 'write', 'read_and_sf_access', 'write_and_sf_access'] as const;
const FIELDS = {
  permission_set: z.enum(PERMISSION_SETS),
  namespace: z.string().min(1).max(64),
  key: z.string().min(1).max(64),
  value: z.string().min(1).max(65535),
  description: z.string().max(255),
};
const CREATE = z.object({ ...FIELDS, description: FIELDS.description.optional() });
const UPDATE = z.object(FIELDS).partial();
const MAX_PER_ORDER = 250;

export function renderMetafield(metafield: StoredMetafield): V3Metafield {
  return {
    id: metafield.id,
    key: metafield.key,
    value: metafield.value,
    namespace: metafield.namespace,
    permission_set: metafield.permissionSet,
    resource_type: 'order',
    resource_id: metafield.orderId,
    description: metafield.description,
    date_created: toIso8601(metafield.dateCreated),
    date_modified: toIso8601(metafield.dateModified),
    owner_client_id: metafield.ownerClientId,
  };
}

const notFound = (what: string): SimResponse => v3Error(404, `${what} not found.`, []);

/** Routes `rest` (the path after /stores/{hash}/v3). */
export function handleV3(req: SimRequest, rest: string, context: V3Context): SimResponse {
  const match = /^\/orders\/(\d+)\/metafields(?:\/(\d+))?$/.exec(rest);
  if (!match) return v3Error(404, 'The requested resource was not found.', []);
  const orderId = Number(match[1]);
  if (!context.state.orders.has(orderId)) return notFound(`Order ${orderId}`);
  const metafieldId = match[2] === undefined ? undefined : Number(match[2]);

  if (metafieldId === undefined) {
    if (req.method === 'GET') return list(context.state, orderId, req.query);
    if (req.method === 'POST') return create(req.body, orderId, context);
    return v3Error(405, 'Method not allowed.');
  }
  const metafield = context.state.metafields.get(metafieldId);
  if (!metafield || metafield.orderId !== orderId) return notFound(`Metafield ${metafieldId}`);
  if (req.method === 'GET') return { status: 200, body: { data: renderMetafield(metafield), meta: {} } };
  if (req.method === 'PUT') return update(req.body, metafield, context);
  if (req.method === 'DELETE') {
    context.state.metafields.delete(metafieldId);
    afterWrite('deleted', metafield, context);
    return { status: 204 };
  }
  return v3Error(405, 'Method not allowed.');
}

function list(state: StoreState, orderId: number, query: URLSearchParams): SimResponse {
  const page = intParam(query, 'page', 1);
  const limit = intParam(query, 'limit', 50);
  if (page === undefined || limit === undefined) {
    return v3Error(422, 'Invalid query parameters.', { [page === undefined ? 'page' : 'limit']: 'must be a positive integer' });
  }
  const direction = query.get('direction') ?? 'asc';
  if (direction !== 'asc' && direction !== 'desc') return v3Error(422, 'Invalid query parameters.', { direction: 'must be asc or desc' });
  const inList = (name: string) => query.get(name)?.split(',');
  const namespaces = [query.get('namespace'), ...(inList('namespace:in') ?? [])].filter((value) => value !== null);
  const keys = [query.get('key'), ...(inList('key:in') ?? [])].filter((value) => value !== null);
  const matching = state
    .metafieldsOf(orderId)
    .filter((metafield) => namespaces.length === 0 || namespaces.includes(metafield.namespace))
    .filter((metafield) => keys.length === 0 || keys.includes(metafield.key));
  if (direction === 'desc') matching.reverse();
  return v3Page(matching.map(renderMetafield), page, limit);
}

function intParam(query: URLSearchParams, name: string, fallback: number): number | undefined {
  const raw = query.get(name);
  if (raw === null) return fallback;
  return /^\d+$/.test(raw) && Number(raw) >= 1 ? Number(raw) : undefined;
}

function afterWrite(change: MetafieldChange, metafield: StoredMetafield, context: V3Context): void {
  const { state } = context;
  if (context.touchesOrder) {
    const order = state.requireOrder(metafield.orderId);
    state.modified(order, order.statusId);
  }
  state.metafieldChanged(change, metafield);
}

/** The body as JSON, or the 400 the real API gives for unparseable input. */
export function parseBody(body: string): { ok: unknown } | { error: SimResponse } {
  try {
    return { ok: JSON.parse(body) };
  } catch {
    return { error: { status: 400, body: { status: 400, title: 'Input is invalid', type: V3_ERROR_TYPE, detail: 'Syntax error' } } };
  }
}

function invalid(error: z.ZodError, input: unknown): SimResponse {
  const given = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.join('.') || 'body';
    errors[path] = issue.path.length === 1 && given[String(issue.path[0])] === undefined ? 'error.path.missing' : issue.message;
  }
  return v3Error(422, 'JSON data is missing or invalid', errors);
}

function conflict(namespace: string, key: string): SimResponse {
  return v3Error(409, 'Metafield already exists.', {
    [`${namespace}.${key}`]: 'A metafield with this namespace and key already exists for this resource and client.',
  });
}

function duplicate(state: StoreState, orderId: number, namespace: string, key: string, except?: number): boolean {
  return state.metafieldsOf(orderId).some((other) => other.id !== except && other.namespace === namespace && other.key === key);
}

function create(body: string, orderId: number, context: V3Context): SimResponse {
  const parsed = parseBody(body);
  if ('error' in parsed) return parsed.error;
  const input = CREATE.safeParse(parsed.ok);
  if (!input.success) return invalid(input.error, parsed.ok);
  const { state } = context;
  const { namespace, key } = input.data;
  if (duplicate(state, orderId, namespace, key)) return conflict(namespace, key);
  if (state.metafieldsOf(orderId).length >= MAX_PER_ORDER) {
    return v3Error(422, 'The maximum number of metafields for this resource has been reached.', { metafields: `limit ${MAX_PER_ORDER}` });
  }
  const now = truncateToSecond(context.clock());
  const metafield: StoredMetafield = {
    id: state.newMetafieldId(),
    orderId,
    namespace,
    key,
    value: input.data.value,
    permissionSet: input.data.permission_set,
    description: input.data.description ?? '',
    dateCreated: now,
    dateModified: now,
    ownerClientId: context.clientId,
  };
  state.metafields.set(metafield.id, metafield);
  afterWrite('created', metafield, context);
  // 200, not 201, per the spec.
  return { status: 200, body: { data: renderMetafield(metafield), meta: {} } };
}

function update(body: string, metafield: StoredMetafield, context: V3Context): SimResponse {
  const parsed = parseBody(body);
  if ('error' in parsed) return parsed.error;
  const input = UPDATE.safeParse(parsed.ok);
  if (!input.success) return invalid(input.error, parsed.ok);
  const namespace = input.data.namespace ?? metafield.namespace;
  const key = input.data.key ?? metafield.key;
  if (duplicate(context.state, metafield.orderId, namespace, key, metafield.id)) return conflict(namespace, key);
  metafield.namespace = namespace;
  metafield.key = key;
  metafield.value = input.data.value ?? metafield.value;
  metafield.permissionSet = input.data.permission_set ?? metafield.permissionSet;
  metafield.description = input.data.description ?? metafield.description;
  metafield.dateModified = truncateToSecond(context.clock());
  afterWrite('updated', metafield, context);
  return { status: 200, body: { data: renderMetafield(metafield), meta: {} } };
}
