/**
 * Query parameters of the v2 collections: paging (default 50, max 250 → 413), the order filters and sort, and
 * `include`. Values the real API would refuse are refused here too, with a v2 error array.
 */
import type { SimResponse } from '../sim-http.ts';
import { v2Error } from './api-errors.ts';
import { parseFilterDate } from './dates.ts';
import { orderTotals, type StoredOrder } from './order-record.ts';
import type { OrderIncludes } from './v2-views.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 250;

export interface Paging {
  page: number;
  limit: number;
}

type Parsed<T> = { ok: T } | { error: SimResponse };

function invalid(name: string, why: string): { error: SimResponse } {
  return { error: v2Error(400, `The field '${name}' is invalid: ${why}.`) };
}

function positiveInt(query: URLSearchParams, name: string, fallback: number): Parsed<number> {
  const raw = query.get(name);
  if (raw === null) return { ok: fallback };
  if (!/^\d+$/.test(raw) || Number(raw) < 1) return invalid(name, 'expected a positive integer');
  return { ok: Number(raw) };
}

export function parsePaging(query: URLSearchParams): Parsed<Paging> {
  const page = positiveInt(query, 'page', 1);
  if ('error' in page) return page;
  const limit = positiveInt(query, 'limit', DEFAULT_LIMIT);
  if ('error' in limit) return limit;
  if (limit.ok > MAX_LIMIT) {
    return { error: v2Error(413, 'The specified limit exceeds the maximum allowed.', { max_limit: MAX_LIMIT }) };
  }
  return { ok: { page: page.ok, limit: limit.ok } };
}

export function pageOf<T>(items: T[], paging: Paging): T[] {
  const start = (paging.page - 1) * paging.limit;
  return items.slice(start, start + paging.limit);
}

type OrderPredicate = (order: StoredOrder) => boolean;

const INT_FILTERS: Array<[string, (order: StoredOrder, value: number) => boolean]> = [
  ['min_id', (order, value) => order.id >= value],
  ['max_id', (order, value) => order.id <= value],
  ['customer_id', (order, value) => order.customerId === value],
  ['status_id', (order, value) => order.statusId === value],
  ['channel_id', (_order, value) => value === 1],
];

// Both bounds are inclusive (the names say min/max; the real behaviour at the edge is unconfirmed).
const DATE_FILTERS: Array<[string, (order: StoredOrder, value: number) => boolean]> = [
  ['min_date_created', (order, value) => order.dateCreated >= value],
  ['max_date_created', (order, value) => order.dateCreated <= value],
  ['min_date_modified', (order, value) => order.dateModified >= value],
  ['max_date_modified', (order, value) => order.dateModified <= value],
];

/** The filters of GET /v2/orders and /v2/orders/count, as one predicate. */
export function parseOrderFilters(query: URLSearchParams): Parsed<OrderPredicate> {
  const predicates: OrderPredicate[] = [];
  for (const [name, test] of INT_FILTERS) {
    const raw = query.get(name);
    if (raw === null) continue;
    if (!/^\d+$/.test(raw)) return invalid(name, 'expected an integer');
    const value = Number(raw);
    predicates.push((order) => test(order, value));
  }
  for (const [name, test] of DATE_FILTERS) {
    const raw = query.get(name);
    if (raw === null) continue;
    const value = parseFilterDate(raw);
    if (value === undefined) return invalid(name, 'expected an RFC 2822 or ISO 8601 date-time');
    predicates.push((order) => test(order, value));
  }
  for (const name of ['min_total', 'max_total']) {
    const raw = query.get(name);
    if (raw === null) continue;
    if (!/^\d+(\.\d+)?$/.test(raw)) return invalid(name, 'expected a number');
    const bound = Math.round(Number(raw) * 10_000);
    predicates.push((order) => (name === 'min_total' ? orderTotals(order).totalIncTax >= bound : orderTotals(order).totalIncTax <= bound));
  }
  const email = query.get('email');
  if (email !== null) predicates.push((order) => order.billing.email.toLowerCase() === email.toLowerCase());
  const paymentMethod = query.get('payment_method');
  if (paymentMethod !== null) predicates.push((order) => order.paymentMethod === paymentMethod);
  return { ok: (order) => predicates.every((predicate) => predicate(order)) };
}

const SORT_KEYS: Record<string, (order: StoredOrder) => number> = {
  id: (order) => order.id,
  customer_id: (order) => order.customerId,
  date_created: (order) => order.dateCreated,
  date_modified: (order) => order.dateModified,
  status_id: (order) => order.statusId,
  channel_id: () => 1,
  external_id: () => 0,
};

/** `sort=field[:asc|:desc]`, default id ascending; ties fall back to id ascending (real tie order is unconfirmed). */
export function parseSort(query: URLSearchParams): Parsed<(a: StoredOrder, b: StoredOrder) => number> {
  const raw = query.get('sort') ?? 'id';
  const [field = '', direction = 'asc', ...rest] = raw.split(':');
  const key = SORT_KEYS[field];
  if (!key || rest.length > 0 || (direction !== 'asc' && direction !== 'desc')) return invalid('sort', `unsupported sort '${raw}'`);
  const sign = direction === 'asc' ? 1 : -1;
  return { ok: (a, b) => sign * (key(a) - key(b)) || a.id - b.id };
}

/** `include=consignments|consignments.line_items|fees` (comma list) and `consignment_structure=object`. */
export function parseIncludes(query: URLSearchParams): Parsed<OrderIncludes> {
  const parts = (query.get('include') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const unknown = parts.find((part) => !['consignments', 'consignments.line_items', 'fees'].includes(part));
  if (unknown) return invalid('include', `unknown include '${unknown}'`);
  const structure = query.get('consignment_structure');
  if (structure !== null && structure !== 'object') return invalid('consignment_structure', "the only structure is 'object'");
  return {
    ok: {
      consignments: parts.includes('consignments.line_items') ? 'line_items' : parts.includes('consignments') ? 'links' : 'none',
      objectStructure: structure === 'object',
      fees: parts.includes('fees'),
    },
  };
}
