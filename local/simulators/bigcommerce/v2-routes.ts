/**
 * The v2 Orders endpoints. Collections answer bare arrays, and an empty page — including any page past the
 * end — is 204 with no body at all, which is what trips clients that always JSON-parse.
 */
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { NOT_FOUND_MESSAGE, v2Error } from './api-errors.ts';
import type { StoredOrder } from './order-record.ts';
import { EditError } from './order-edits.ts';
import { ORDER_STATUSES, statusById } from './order-statuses.ts';
import type { StoreState } from './store-state.ts';
import type { ShipmentBook } from './v2-shipments.ts';
import { pageOf, parseIncludes, parseOrderFilters, parsePaging, parseSort } from './v2-query.ts';
import { renderConsignments, renderCoupons, renderFees, renderLine, renderOrder, renderShippingAddress, renderTaxes } from './v2-views.ts';

const notFound = (): SimResponse => v2Error(404, NOT_FOUND_MESSAGE);
const ok = (body: unknown): SimResponse => ({ status: 200, body });

/** A page of a v2 collection: 204 and no body when empty. */
function collection<T>(items: T[], query: URLSearchParams): SimResponse {
  const paging = parsePaging(query);
  if ('error' in paging) return paging.error;
  const page = pageOf(items, paging.ok);
  return page.length === 0 ? { status: 204 } : ok(page);
}

export interface V2Context {
  state: StoreState;
  /** Base of the links in responses, e.g. http://127.0.0.1:1234/stores/abc123/v2 */
  apiBase: string;
  /** Order shipments (v2-shipments.ts); absent, their routes are 404. */
  shipments?: ShipmentBook;
}

/** Routes `rest` (the path after /stores/{hash}/v2). */
export function handleV2(req: SimRequest, rest: string, context: V2Context): SimResponse {
  const { state, apiBase } = context;
  const { method, query } = req;
  const get = method === 'GET';

  if (rest === '/orders' && get) return listOrders(state, query, apiBase);
  if (rest === '/orders/count' && get) return countOrders(state, query);
  if (rest === '/order_statuses' && get) return ok(ORDER_STATUSES.map((status, index) => statusView(status.id, index)));

  const orderPath = /^\/orders\/(\d+)(\/.*)?$/.exec(rest);
  if (!orderPath) return notFound();
  const order = state.orders.get(Number(orderPath[1]));
  if (!order) return notFound();
  const sub = orderPath[2] ?? '';
  if (context.shipments && /^\/shipments(\/|$)/.test(sub)) return context.shipments.handle(req, order, sub, apiBase);

  if (sub === '') {
    if (get) {
      const includes = parseIncludes(query);
      return 'error' in includes ? includes.error : ok(renderOrder(order, apiBase, includes.ok));
    }
    if (method === 'PUT') return updateOrder(state, order, req.body, apiBase);
    return methodNotAllowed();
  }
  if (!get) return methodNotAllowed();
  if (sub === '/products')
    return collection(
      order.lines.map((line) => renderLine(order, line)),
      query,
    );
  const line = /^\/products\/(\d+)$/.exec(sub);
  if (line) {
    const found = order.lines.find((candidate) => candidate.id === Number(line[1]));
    return found ? ok(renderLine(order, found)) : notFound();
  }
  // The documented path has an underscore; the links the API itself serves do not. Both answer.
  if (sub === '/shipping_addresses' || sub === '/shippingaddresses') {
    return collection(
      order.shipping.map((address) => renderShippingAddress(order, address, apiBase)),
      query,
    );
  }
  const address = /^\/(?:shipping_addresses|shippingaddresses)\/(\d+)$/.exec(sub);
  if (address) {
    const found = order.shipping.find((candidate) => candidate.id === Number(address[1]));
    return found ? ok(renderShippingAddress(order, found, apiBase)) : notFound();
  }
  if (sub === '/coupons') return collection(renderCoupons(order), query);
  if (sub === '/fees') return ok({ fees: renderFees(order) }); // the spec's example wraps the list in `fees`
  if (sub === '/taxes') return collection(renderTaxes(order, query.get('details') === 'true'), query);
  if (sub === '/consignments') {
    const includes = parseIncludes(query);
    if ('error' in includes) return includes.error;
    return ok(renderConsignments(order, apiBase, includes.ok.consignments === 'line_items'));
  }
  return notFound();
}

function methodNotAllowed(): SimResponse {
  return v2Error(405, 'The requested method is not supported by this resource (or by the simulator).');
}

function listOrders(state: StoreState, query: URLSearchParams, apiBase: string): SimResponse {
  const filter = parseOrderFilters(query);
  if ('error' in filter) return filter.error;
  const sort = parseSort(query);
  if ('error' in sort) return sort.error;
  const includes = parseIncludes(query);
  if ('error' in includes) return includes.error;
  const paging = parsePaging(query);
  if ('error' in paging) return paging.error;
  const matching = [...state.orders.values()].filter(filter.ok).sort(sort.ok);
  const page = pageOf(matching, paging.ok);
  return page.length === 0 ? { status: 204 } : ok(page.map((order) => renderOrder(order, apiBase, includes.ok)));
}

function countOrders(state: StoreState, query: URLSearchParams): SimResponse {
  const filter = parseOrderFilters(query);
  if ('error' in filter) return filter.error;
  const matching = [...state.orders.values()].filter(filter.ok);
  const statuses = ORDER_STATUSES.map((status, index) => ({
    ...statusView(status.id, index),
    count: matching.filter((order) => order.statusId === status.id).length,
  }));
  return ok({ statuses, count: matching.length });
}

function statusView(id: number, index: number) {
  const status = statusById(id);
  const name = status?.name ?? '';
  return { id, name, system_label: name, custom_label: name, system_description: status?.description ?? '', sort_order: index };
}

function updateOrder(state: StoreState, order: StoredOrder, body: string, apiBase: string): SimResponse {
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    return v2Error(400, 'The request body is not valid JSON.');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return v2Error(400, 'The request body must be a JSON object.');
  try {
    state.editOrder(order.id, input as Record<string, unknown>);
  } catch (error) {
    if (error instanceof EditError) return v2Error(400, error.message);
    throw error;
  }
  return ok(renderOrder(order, apiBase));
}
