/**
 * The v3 payment endpoints: order transactions (orders.v3.yml L92-174) and refunds — quotes, creation, and the three
 * ways to read them (L175-477). Pricing and validation live in StoreState/order-payments.ts; this file is HTTP only.
 */
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { V3_ERROR_TYPE, v3Error } from './api-errors.ts';
import { toIso8601 } from './dates.ts';
import { amountNumber, RefundProblem, STORE_GATEWAY, type StoredRefund, type StoredTransaction } from './order-payments.ts';
import type { StoreState } from './store-state.ts';
import { parseBody } from './v3-metafields.ts';
import { v3Page } from './v3-pages.ts';

/** Whether `rest` (after /v3) is one of ours. */
export function isPaymentsPath(rest: string): boolean {
  return /^\/orders\/(\d+\/(transactions|payment_actions\/)|payment_actions\/)/.test(rest);
}

export function handlePayments(req: SimRequest, rest: string, state: StoreState): SimResponse {
  const { method, query } = req;
  if (rest === '/orders/payment_actions/refunds') return method === 'GET' ? listRefunds(state, query) : methodNotAllowed();
  const one = /^\/orders\/payment_actions\/refunds\/(\d+)$/.exec(rest);
  if (one) {
    if (method !== 'GET') return methodNotAllowed();
    const refund = state.refunds.find((candidate) => candidate.id === Number(one[1]));
    return refund ? { status: 200, body: { data: renderRefund(refund), meta: {} } } : v3Error(404, `Refund ${one[1]} not found.`, []);
  }
  const match = /^\/orders\/(\d+)\/(transactions|payment_actions\/refund_quotes|payment_actions\/refunds)$/.exec(rest);
  if (!match) return v3Error(404, 'The requested resource was not found.', []);
  const orderId = Number(match[1]);
  if (!state.orders.has(orderId)) return v3Error(404, `Order ${orderId} not found.`, []);
  const what = match[2];
  if (what === 'transactions') {
    if (method !== 'GET') return methodNotAllowed();
    const transactions = state.transactionsOf(orderId);
    // "204: No content found to fulfill request" when the order has none (L120-140).
    if (transactions.length === 0) return { status: 204 };
    return page(transactions.map(renderTransaction), query);
  }
  if (what === 'payment_actions/refund_quotes') return method === 'POST' ? quote(state, orderId, req.body) : methodNotAllowed();
  if (method === 'GET') {
    const filter = refundFilter(query);
    return 'error' in filter ? filter.error : page(state.refundsOf(orderId).filter(filter.ok).map(renderRefund), query);
  }
  if (method === 'POST') return createRefund(state, orderId, req.body);
  return methodNotAllowed();
}

function methodNotAllowed(): SimResponse {
  return v3Error(405, 'Method not allowed.');
}

function objectBody(body: string): { ok: Record<string, unknown> } | { error: SimResponse } {
  const parsed = parseBody(body);
  if ('error' in parsed) return parsed;
  const value = parsed.ok;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: v3Error(422, 'JSON data is missing or invalid', { body: 'error.expected.jsobject' }) };
  }
  return { ok: value as Record<string, unknown> };
}

/** A refusal as the 422_UnprocessableEntity object (quotes, L3658-3672), naming the field when there is one. */
function problem(error: RefundProblem): SimResponse {
  return v3Error(422, error.message, error.field ? { [error.field]: error.message } : {});
}

function quote(state: StoreState, orderId: number, body: string): SimResponse {
  const input = objectBody(body);
  if ('error' in input) return input.error;
  try {
    const priced = state.priceRefund(orderId, input.ok);
    const order = state.requireOrder(orderId);
    const total = amountNumber(priced.totalAmount);
    const methods = [[option(STORE_GATEWAY, 'Test Payment Gateway', total, false)], [option('custom', 'Custom', total, true)]];
    if (order.customerId > 0) methods.push([option('storecredit', 'Store Credit', total, false)]);
    const orderLevel = priced.items.filter((item) => item.itemType === 'ORDER').reduce((sum, item) => sum + item.amount, 0);
    const data = {
      order_id: orderId,
      total_refund_amount: total,
      total_refund_tax_amount: amountNumber(priced.totalTax),
      order_level_refund_amount: amountNumber(orderLevel),
      rounding: 0,
      adjustment: 0,
      tax_inclusive: true,
      refund_methods: methods,
    };
    return { status: 201, body: { data, meta: {} } };
  } catch (error) {
    if (error instanceof RefundProblem) return problem(error);
    throw error;
  }
}

function option(providerId: string, description: string, amount: number, offline: boolean) {
  return {
    provider_id: providerId,
    provider_description: description,
    amount,
    offline,
    offline_provider: offline,
    offline_reason: offline ? 'This is an offline payment provider.' : '',
  };
}

function createRefund(state: StoreState, orderId: number, body: string): SimResponse {
  const input = objectBody(body);
  if ('error' in input) return input.error;
  try {
    const refund = state.createRefund(orderId, input.ok);
    return { status: 201, body: { data: renderRefund(refund), meta: {} } };
  } catch (error) {
    if (!(error instanceof RefundProblem)) throw error;
    // Refund creation answers its 422 as a `data` array of errors (orders.v3.yml L312-338).
    const errors = error.field ? { [error.field]: error.message } : {};
    return { status: 422, body: { data: [{ status: 422, title: error.message, type: V3_ERROR_TYPE, errors }], meta: {} } };
  }
}

export type V3Refund = ReturnType<typeof renderRefund>;
export type V3Transaction = ReturnType<typeof renderTransaction>;

export function renderRefund(refund: StoredRefund) {
  return {
    id: refund.id,
    order_id: refund.orderId,
    user_id: 0,
    created: toIso8601(refund.created),
    reason: refund.reason,
    total_amount: amountNumber(refund.totalAmount),
    total_tax: amountNumber(refund.totalTax),
    uses_merchant_override_values: refund.usesMerchantOverride,
    items: refund.items.map((item) => ({
      item_type: item.itemType,
      item_id: item.itemId,
      reason: item.reason,
      quantity: item.quantity,
      requested_amount: item.requestedAmount === null ? null : amountNumber(item.requestedAmount),
    })),
    payments: refund.payments.map((payment) => ({
      id: payment.id,
      provider_id: payment.providerId,
      amount: amountNumber(payment.amount),
      offline: payment.offline,
      is_declined: false,
      declined_message: '',
      transaction_id: payment.transactionId,
    })),
  };
}

export function renderTransaction(transaction: StoredTransaction) {
  const card = transaction.method === 'credit_card';
  return {
    id: transaction.id,
    // A string in the Transaction schema, unlike the refund's integer order_id (L1604-1718).
    order_id: String(transaction.orderId),
    event: transaction.event,
    method: transaction.method,
    amount: amountNumber(transaction.amount),
    currency: transaction.currency,
    gateway: transaction.gateway,
    gateway_transaction_id: transaction.gatewayTransactionId,
    date_created: toIso8601(transaction.dateCreated),
    test: transaction.gateway === STORE_GATEWAY,
    status: 'ok',
    fraud_review: false,
    reference_transaction_id: transaction.referenceTransactionId,
    offline: transaction.method === 'offline' || transaction.method === 'custom',
    ...(card ? { credit_card: { card_type: 'visa', card_iin: '411111', card_last4: '1111', card_expiry_month: 12, card_expiry_year: 2030 } } : {}),
  };
}

const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function intList(query: URLSearchParams, name: string): number[] | undefined | 'invalid' {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const parts = raw.split(',');
  return parts.every((part) => /^\d+$/.test(part)) ? parts.map(Number) : 'invalid';
}

type RefundFilter = { ok: (refund: StoredRefund) => boolean } | { error: SimResponse };

/** `order_id:in`, `id:in`, `created:min|max` (RFC 3339, inclusive: UNCONFIRMED) and `transaction_id` (L402-477). */
function refundFilter(query: URLSearchParams): RefundFilter {
  const tests: Array<(refund: StoredRefund) => boolean> = [];
  const bad = (name: string, why: string): RefundFilter => ({ error: v3Error(422, 'JSON data is missing or invalid', { [name]: why }) });
  for (const [name, pick] of [
    ['order_id:in', (refund: StoredRefund) => refund.orderId],
    ['id:in', (refund: StoredRefund) => refund.id],
  ] as const) {
    const values = intList(query, name);
    if (values === 'invalid') return bad(name, 'expected a comma-separated list of integers');
    if (values) tests.push((refund) => values.includes(pick(refund)));
  }
  for (const name of ['created:min', 'created:max'] as const) {
    const raw = query.get(name);
    if (raw === null) continue;
    if (!RFC_3339.test(raw) || Number.isNaN(Date.parse(raw))) return bad(name, 'expected an RFC 3339 date-time');
    const bound = Date.parse(raw);
    tests.push((refund) => (name === 'created:min' ? refund.created >= bound : refund.created <= bound));
  }
  const transactionId = query.get('transaction_id');
  if (transactionId !== null) tests.push((refund) => refund.payments.some((payment) => payment.transactionId === transactionId));
  return { ok: (refund) => tests.every((test) => test(refund)) };
}

function listRefunds(state: StoreState, query: URLSearchParams): SimResponse {
  const filter = refundFilter(query);
  if ('error' in filter) return filter.error;
  return page(state.refunds.filter(filter.ok).map(renderRefund), query);
}

/** One page in the v3 `{data, meta: {pagination}}` envelope; refunds are in id order (L360-383). */
function page<T>(items: T[], query: URLSearchParams): SimResponse {
  const read = (name: string, fallback: number) => {
    const raw = query.get(name);
    return raw === null ? fallback : /^\d+$/.test(raw) && Number(raw) >= 1 ? Number(raw) : undefined;
  };
  const pageNumber = read('page', 1);
  const limit = read('limit', 50);
  if (pageNumber === undefined || limit === undefined)
    return v3Error(422, 'JSON data is missing or invalid', { page: 'page and limit must be positive integers' });
  return v3Page(items, pageNumber, limit);
}
