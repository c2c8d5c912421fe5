/**
 * /services/rest/record/v1: create (POST), read (GET by id or eid:), partial update (PATCH) and upsert by
 * external id (PUT eid:) for customers and sales orders; GET for items.
 */
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { asObject, lowerKeys, Rejected } from './body-fields.ts';
import { buildCustomer } from './customer-record.ts';
import { invalidFieldValue, invalidRequest, nsError, notFound } from './errors.ts';
import type { RecordStore } from './record-store.ts';
import { createDeposit, deleteFulfilment, findLifecycle, isLifecycleType, transform, updateFulfilment } from './lifecycle-records.ts';
import { customerView, ITEM_RECORD_TYPES, itemView, lifecycleView, salesOrderView } from './record-views.ts';
import type { CustomerRecord, Json, SalesOrderRecord } from './records.ts';
import { validatePropertyNames, withHeaders } from './property-validation.ts';
import { buildSalesOrder } from './sales-order-record.ts';
import { mergeKeyedLines } from './line-keys.ts';

export const RECORD_PREFIX = '/services/rest/record/v1/';
const SINGULAR_CONTENT_TYPE = 'application/vnd.oracle.resource+json; type=singular';
/** Sublists whose lines an update appends to, unless named in `?replace=`. */
const SUBLISTS = new Set(['addressbook']);
/** Sublists keyed by `line`: an update changes the matching line and appends the others (lifecycle.md §1.6). */
const KEYED_SUBLISTS = new Set(['item']);

type Writable = CustomerRecord | SalesOrderRecord;

interface WritableType {
  find(store: RecordStore, ref: string): Writable | undefined;
  build(input: Json, body: unknown, store: RecordStore, existing?: Writable): Writable;
  save(store: RecordStore, record: Writable): void;
  view(store: RecordStore, record: Writable, base: string, expand: boolean): Json;
}

const WRITABLE: Record<string, WritableType> = {
  customer: {
    find: (store, ref) =>
      resolve(
        ref,
        (id) => store.customers.get(id),
        (ext) => store.customers.byExternalId(ext),
      ),
    build: (input, body, store, existing) => buildCustomer(input, body, store, { existing: existing as CustomerRecord | undefined }),
    save: (store, record) => store.saveCustomer(record as CustomerRecord),
    view: (_store, record, base, expand) => customerView(record as CustomerRecord, base, expand),
  },
  salesOrder: {
    find: (store, ref) =>
      resolve(
        ref,
        (id) => store.salesOrders.get(id),
        (ext) => store.salesOrders.byExternalId(ext),
      ),
    build: (input, body, store, existing) => buildSalesOrder(input, body, store, existing as SalesOrderRecord | undefined),
    save: (store, record) => store.saveSalesOrder(record as SalesOrderRecord),
    view: (store, record, base, expand) => salesOrderView(record as SalesOrderRecord, store, base, expand),
  },
};

function resolve<T>(ref: string, byId: (id: string) => T | undefined, byExternalId: (externalId: string) => T | undefined): T | undefined {
  if (ref.startsWith('eid:')) return byExternalId(ref.slice(4));
  return /^\d+$/.test(ref) ? byId(ref) : undefined;
}

export function handleRecord(req: SimRequest, store: RecordStore): SimResponse {
  let segments: string[];
  try {
    segments = req.path.slice(RECORD_PREFIX.length).split('/').map(decodeURIComponent);
  } catch {
    return invalidRequest('Invalid request URL.');
  }
  const [type = '', ref, sub, subId, ...rest] = segments;
  const base = `${req.url.origin}${RECORD_PREFIX.slice(0, -1)}`;
  if (rest.length > 0) return unsupported(req);

  const itemType = Object.entries(ITEM_RECORD_TYPES).find(([, recordType]) => recordType === type)?.[0];
  if (itemType !== undefined) {
    if (req.method !== 'GET' || ref === undefined || sub !== undefined) return unsupported(req);
    const item = resolve(
      ref,
      (id) => store.items.get(id),
      (ext) => store.items.byExternalId(ext),
    );
    return item && item.itemType === itemType ? singular(itemView(item, base)) : notFound();
  }

  if (sub === '!transform' || isLifecycleType(type)) {
    try {
      return lifecycleRoute(req, store, type, ref, sub, subId, base);
    } catch (error) {
      if (error instanceof Rejected) return error.response;
      throw error;
    }
  }

  const kind = WRITABLE[type];
  if (!kind) return invalidRequest(`Record type '${type}' does not exist or is not modelled by the simulator.`);
  try {
    if (req.method === 'POST' && ref === undefined) return create(req, store, kind, type);
    if (ref === undefined) return unsupported(req);
    if (req.method === 'GET') return read(req, store, kind, ref, base, sub, subId);
    if (sub !== undefined) return unsupported(req);
    if (req.method === 'PATCH') return update(req, store, kind, type, ref);
    if (req.method === 'PUT') return upsert(req, store, kind, type, ref);
    return unsupported(req);
  } catch (error) {
    if (error instanceof Rejected) return error.response;
    throw error;
  }
}

function create(req: SimRequest, store: RecordStore, kind: WritableType, type: string): SimResponse {
  const { body, warningHeaders } = validatePropertyNames(req, type, parseBody(req), store.features, store.customFields);
  const record = kind.build(lowerKeys(body), body, store);
  kind.save(store, record);
  return withHeaders(written(req, type, record.id), warningHeaders);
}

function update(req: SimRequest, store: RecordStore, kind: WritableType, type: string, ref: string): SimResponse {
  const existing = kind.find(store, ref);
  if (!existing) return notFound();
  const { body, warningHeaders } = validatePropertyNames(req, type, parseBody(req), store.features, store.customFields);
  const record = kind.build(mergeInput(existing.input, body, replaced(req)), body, store, existing);
  kind.save(store, record);
  return withHeaders(written(req, type, record.id), warningHeaders);
}

/** PUT takes only an external id: it creates the record or updates the one holding that id. */
function upsert(req: SimRequest, store: RecordStore, kind: WritableType, type: string, ref: string): SimResponse {
  if (!ref.startsWith('eid:') || ref.length === 4) {
    return invalidRequest('The upsert operation (PUT) requires an external ID in the URL, for example eid:ABC-1.');
  }
  const externalId = ref.slice(4);
  const { body, warningHeaders } = validatePropertyNames(req, type, parseBody(req), store.features, store.customFields);
  const input = lowerKeys(body);
  if (input.externalid !== undefined && input.externalid !== null && input.externalid !== externalId) {
    throw new Rejected(invalidFieldValue(input.externalid, 'externalid', 'externalId'));
  }
  input.externalid = externalId;
  const existing = kind.find(store, ref);
  const record = existing ? kind.build(mergeInput(existing.input, input, replaced(req)), body, store, existing) : kind.build(input, body, store);
  kind.save(store, record);
  return withHeaders(written(req, type, record.id), warningHeaders);
}

function read(req: SimRequest, store: RecordStore, kind: WritableType, ref: string, base: string, sub?: string, subId?: string): SimResponse {
  const record = kind.find(store, ref);
  if (!record) return notFound();
  return readView(req, (expand) => kind.view(store, record, base, expand), sub, subId);
}

/** A record, or one of its sub-resources (sublist, line or subrecord) as it reads expanded inside the record. */
function readView(req: SimRequest, view: (expand: boolean) => Json, sub?: string, subId?: string): SimResponse {
  const expand = req.query.get('expandSubResources') === 'true';
  if (sub === undefined) return singular(view(expand));
  const full = view(true);
  const key = Object.keys(full).find((candidate) => candidate.toLowerCase() === sub.toLowerCase());
  const part = key === undefined ? undefined : asObject(full[key]);
  if (!part) return notFound();
  if (subId === undefined) return singular(part);
  const lines = Array.isArray(part.items) ? (part.items as Json[]) : [];
  const line = lines.find((candidate) => String(candidate.line ?? candidate.id) === subId);
  return line ? singular(line) : notFound();
}

/**
 * Transforms (`POST /{from}/{id}/!transform/{to}`) and the lifecycle record types: GET by id or eid:, POST of
 * customer deposits, PATCH and DELETE of item fulfilments (lifecycle.md §1.6, §5.1, §6.2).
 */
function lifecycleRoute(req: SimRequest, store: RecordStore, type: string, ref: string | undefined, sub?: string, subId?: string, base = ''): SimResponse {
  if (sub === '!transform') {
    if (req.method !== 'POST' || ref === undefined || subId === undefined) return unsupported(req);
    const source = type === 'salesOrder' ? WRITABLE.salesOrder!.find(store, ref) : isLifecycleType(type) ? findLifecycle(store, type, ref) : undefined;
    if (!source) return notFound();
    const body = req.body.trim() === '' ? {} : parseBody(req);
    const record = transform(store, type, source as unknown as Json, subId, body, replaced(req));
    return written(req, record.type, record.id);
  }
  if (!isLifecycleType(type)) return unsupported(req);
  if (ref === undefined) {
    if (req.method === 'POST' && type === 'customerDeposit') return written(req, type, createDeposit(store, parseBody(req)).id);
    return unsupported(req);
  }
  const record = findLifecycle(store, type, ref);
  if (!record) return notFound();
  if (req.method === 'GET') return readView(req, (expand) => lifecycleView(record, store, base, expand), sub, subId);
  if (sub !== undefined || type !== 'itemFulfillment') return unsupported(req);
  if (req.method === 'PATCH') return written(req, type, updateFulfilment(store, record, parseBody(req), replaced(req)).id);
  if (req.method === 'DELETE') {
    deleteFulfilment(store, record);
    return { status: 204, headers: {} };
  }
  return unsupported(req);
}

function parseBody(req: SimRequest): Json {
  let body: unknown;
  try {
    body = JSON.parse(req.body);
  } catch {
    throw new Rejected(invalidRequest('Invalid content in the request body. The body must be valid JSON.'));
  }
  const object = asObject(body);
  if (!object) throw new Rejected(invalidRequest('Invalid content in the request body. The body must be a JSON object.'));
  return object;
}

/** Update semantics: given fields overwrite, null clears, sublist lines are appended unless replaced. */
function mergeInput(existing: Json, patch: Json, replace: Set<string>): Json {
  const out: Json = { ...existing };
  for (const [key, value] of Object.entries(lowerKeys(patch))) {
    if (value === null) {
      delete out[key];
      continue;
    }
    const before = asObject(out[key])?.items;
    const after = asObject(value)?.items;
    if (KEYED_SUBLISTS.has(key) && Array.isArray(before) && Array.isArray(after)) {
      out[key] = { ...asObject(value), items: mergeKeyedLines(before as Json[], after as Json[], replace.has(key)) };
    } else if (SUBLISTS.has(key) && !replace.has(key) && Array.isArray(before) && Array.isArray(after)) {
      out[key] = { ...asObject(value), items: [...before, ...after] };
    } else {
      out[key] = value;
    }
  }
  return out;
}

function replaced(req: SimRequest): Set<string> {
  return new Set(
    (req.query.get('replace') ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
}

function written(req: SimRequest, type: string, id: string): SimResponse {
  // 204 with no body and no Content-Type; the id is only in the absolute Location.
  return { status: 204, headers: { Location: `${req.url.origin}${RECORD_PREFIX}${type}/${id}` } };
}

function singular(body: Json): SimResponse {
  return { status: 200, headers: { 'Content-Type': SINGULAR_CONTENT_TYPE }, body };
}

function unsupported(req: SimRequest): SimResponse {
  return nsError(405, 'INVALID_REQUEST', `The simulator does not model ${req.method} ${req.path}.`);
}
