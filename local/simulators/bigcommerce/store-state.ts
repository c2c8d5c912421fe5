/**
 * The simulated store's data: orders with their lines and addresses, and order metafields. Ids come from
 * store-wide sequences in distinct ranges (orders from 100, lines from 1000, addresses from 500) so a client
 * that mixes up an order id with a line id gets a 404 instead of a lucky hit. Every change a webhook would report
 * goes through here and is announced as a StoreEvent; the webhook dispatcher decides who hears about it.
 */
import { buildOrder, type IdSource } from './build-order.ts';
import { truncateToSecond } from './dates.ts';
import type { StoredOrder } from './order-record.ts';
import { applyOrderEdit } from './order-edits.ts';
import {
  isPaid,
  parseAmount,
  paymentStatusOf,
  priceRefundItems,
  refundedTotal,
  RefundProblem,
  STORE_GATEWAY,
  twoDp,
  type StoredRefund,
  type StoredRefundItem,
  type StoredRefundPayment,
  type StoredTransaction,
} from './order-payments.ts';
import { orderTotals } from './order-record.ts';
import type { SeedOrder } from './seed-order.ts';

export interface StoredMetafield {
  id: number;
  orderId: number;
  namespace: string;
  key: string;
  value: string;
  permissionSet: string;
  description: string;
  dateCreated: number;
  dateModified: number;
  ownerClientId: string;
}

/** A change the store announces: the callback scope and its `data`, exactly as the webhook payload carries it. */
export interface StoreEvent {
  scope: string;
  orderId: number;
  data: Record<string, unknown>;
}

export type MetafieldChange = 'created' | 'updated' | 'deleted';

/** A priced refund request: what a quote answers and a refund records. */
export interface PricedRefund {
  items: StoredRefundItem[];
  totalAmount: number;
  totalTax: number;
  usesMerchantOverride: boolean;
}

/** Providers a refund may pay out through: the store's card gateway, store credit, or an offline "custom" refund. */
const REFUND_PROVIDERS = new Set([STORE_GATEWAY, 'storecredit', 'custom']);

export class StoreState {
  readonly orders = new Map<number, StoredOrder>();
  readonly metafields = new Map<number, StoredMetafield>();
  /** Every transaction and refund of the store, oldest first (ids ascend with them). */
  readonly transactions: StoredTransaction[] = [];
  readonly refunds: StoredRefund[] = [];
  /**
   * How long (store-clock ms) a refund keeps its order busy: "Processing multiple concurrent refunds on the same order
   * is not yet supported" (orders.v3.yml L175-358). 0 by default (the real duration is UNCONFIRMED).
   */
  refundBusyMs = 0;
  private readonly clock: () => number;
  private nextOrderId = 100;
  private nextMetafieldId = 1;
  // Large, like real transaction ids; refunds and their payments start small like the spec's examples.
  private nextTransactionId = 7_000_001;
  private nextRefundId = 1;
  private nextRefundPaymentId = 1;
  private readonly sequences = { line: 1000, address: 500, option: 1, coupon: 1, fee: 1, giftCertificate: 1 };
  private readonly productIds = new Map<string, number>();
  private readonly variantIds = new Map<string, number>();
  private readonly couponIds = new Map<string, number>();
  private readonly ids: IdSource;
  private readonly onEvent: (event: StoreEvent) => void;

  constructor(clock: () => number, onEvent: (event: StoreEvent) => void = () => {}) {
    this.clock = clock;
    this.onEvent = onEvent;
    const stable = (map: Map<string, number>, key: string, first: number) => {
      let id = map.get(key);
      if (id === undefined) map.set(key, (id = first + map.size));
      return id;
    };
    this.ids = {
      next: (kind) => this.sequences[kind]++,
      couponIdFor: (code) => stable(this.couponIds, code, 1),
      productIdFor: (sku) => stable(this.productIds, sku, 77),
      variantIdFor: (sku) => stable(this.variantIds, sku, 300),
    };
  }

  addOrder(seed: SeedOrder): number {
    const id = seed.id ?? this.nextOrderId;
    if (!Number.isInteger(id) || id < 1) throw new Error(`order id ${id} must be a positive integer`);
    if (this.orders.has(id)) throw new Error(`order ${id} already exists`);
    const order = buildOrder(seed, id, this.ids, this.clock());
    this.orders.set(id, order);
    this.nextOrderId = Math.max(this.nextOrderId, id + 1);
    this.seedTransactions(order);
    // Fires for every new order, status 0 (Incomplete) included, as the real one does.
    this.onEvent({ scope: 'store/order/created', orderId: id, data: { type: 'order', id } });
    return id;
  }

  /** A status change is a modification: date_modified moves to now (whole seconds), as in the real store. */
  setStatus(orderId: number, statusId: number): StoredOrder {
    return this.editOrder(orderId, { status_id: statusId });
  }

  /**
   * An edit as `PUT /v2/orders/{id}` makes it (see order-edits.ts): applied whole or not at all (EditError), then
   * recorded as a modification — even one that changed nothing, as the real API does not report "unchanged".
   */
  editOrder(orderId: number, fields: Record<string, unknown>): StoredOrder {
    const order = this.requireOrder(orderId);
    const previousStatusId = order.statusId;
    applyOrderEdit(order, fields, {
      nextLineId: () => this.ids.next('line'),
      productIdFor: (sku) => this.ids.productIdFor(sku),
      variantIdFor: (sku) => this.ids.variantIdFor(sku),
    });
    this.modified(order, previousStatusId);
    return order;
  }

  /**
   * Records an accepted change to `order` (already applied): date_modified moves to now and `store/order/updated`
   * fires — for any change, even one that left every field as it was — plus `statusUpdated` if the status moved.
   */
  modified(order: StoredOrder, previousStatusId: number): void {
    this.touch(order);
    const id = order.id;
    this.onEvent({ scope: 'store/order/updated', orderId: id, data: { type: 'order', id } });
    if (order.statusId !== previousStatusId) {
      const status = { previous_status_id: previousStatusId, new_status_id: order.statusId };
      this.onEvent({ scope: 'store/order/statusUpdated', orderId: id, data: { type: 'order', id, status } });
    }
  }

  /**
   * The payments a paid order arrives with (no webhooks: they are the order's history, not news): gift certificate
   * and store credit as their own `purchase`, the rest on the card as a `purchase`, or an `authorization` when the
   * seed says the card was not captured. Unpaid orders (pending, declined…) have none (GET answers 204).
   */
  private seedTransactions(order: StoredOrder): void {
    const status = paymentStatusOf(order);
    if (status !== 'captured' && status !== 'authorized') return;
    const card = orderTotals(order).totalIncTax - order.giftCertificateAmount - order.storeCreditAmount;
    if (order.giftCertificateAmount > 0) this.addTransaction(order, 'purchase', 'gift_certificate', 'giftcertificate', order.giftCertificateAmount, null);
    if (order.storeCreditAmount > 0) this.addTransaction(order, 'purchase', 'store_credit', 'storecredit', order.storeCreditAmount, null);
    if (card > 0) this.addTransaction(order, status === 'authorized' ? 'authorization' : 'purchase', 'credit_card', STORE_GATEWAY, card, null);
  }

  private addTransaction(
    order: StoredOrder,
    event: StoredTransaction['event'],
    method: StoredTransaction['method'],
    gateway: string,
    amount: number,
    referenceTransactionId: number | null,
  ): StoredTransaction {
    const id = this.nextTransactionId++;
    const transaction: StoredTransaction = {
      id,
      orderId: order.id,
      event,
      method,
      amount,
      currency: order.currencyCode,
      gateway,
      gatewayTransactionId: `sim-${gateway}-${id}`,
      dateCreated: truncateToSecond(this.clock()),
      referenceTransactionId,
    };
    this.transactions.push(transaction);
    return transaction;
  }

  /**
   * store/order/transaction/created in the documented shape `{type: "transaction", order_id, transaction_id}`
   * ([BCD-events]); the callback schema's richer shape with a string order_id conflicts (lifecycle §1.4, §10 #6).
   */
  private transactionCreated(transaction: StoredTransaction): void {
    const data = { type: 'transaction', order_id: transaction.orderId, transaction_id: String(transaction.id) };
    this.onEvent({ scope: 'store/order/transaction/created', orderId: transaction.orderId, data });
  }

  transactionsOf(orderId: number): StoredTransaction[] {
    return this.transactions.filter((transaction) => transaction.orderId === orderId);
  }

  refundsOf(orderId: number): StoredRefund[] {
    return this.refunds.filter((refund) => refund.orderId === orderId);
  }

  /**
   * Captures an authorized card payment (as the control panel's Capture, or a gateway settling later): a `capture`
   * transaction for the authorized amount, payment_status 'captured', transaction/created, and — payment_status being
   * part of the order — a modification (updated).
   */
  capture(orderId: number): StoredTransaction {
    const order = this.requireOrder(orderId);
    const authorization = this.transactionsOf(orderId).findLast((transaction) => transaction.event === 'authorization');
    if (paymentStatusOf(order) !== 'authorized' || !authorization) throw new Error(`order ${orderId} has no authorized payment to capture`);
    const capture = this.addTransaction(order, 'capture', 'credit_card', STORE_GATEWAY, authorization.amount, authorization.id);
    order.paymentStatus = 'captured';
    this.transactionCreated(capture);
    this.modified(order, order.statusId);
    return capture;
  }

  /** Prices a refund request (`{items, merchant_calculated_override?}`) without recording it, or throws RefundProblem. */
  priceRefund(orderId: number, body: Record<string, unknown>): PricedRefund {
    const order = this.requireOrder(orderId);
    if (!isPaid(order)) throw new RefundProblem('You must receive payment of the order before you can issue a refund');
    const items = priceRefundItems(order, this.refundsOf(orderId), body.items);
    let totalAmount = items.reduce((sum, item) => sum + item.amount, 0);
    let totalTax = items.reduce((sum, item) => sum + item.tax, 0);
    const override = body.merchant_calculated_override;
    if (override !== undefined) {
      // Required: total_amount and total_tax (MerchantOverride, orders.v3.yml L2787-2814).
      const fields = typeof override === 'object' && override !== null ? (override as Record<string, unknown>) : {};
      totalAmount =
        parseAmount(fields.total_amount) ?? fail('expected a non-negative number with at most 2 decimals', 'merchant_calculated_override.total_amount');
      const tax = fields.total_tax;
      if (typeof tax !== 'number' || !Number.isFinite(tax)) fail('expected a number', 'merchant_calculated_override.total_tax');
      totalTax = Math.round((tax as number) * 100) * 100;
    }
    const refundable = orderTotals(order).totalIncTax - refundedTotal(this.refundsOf(orderId));
    if (totalAmount > refundable) {
      fail(`The refund total ${twoDp(totalAmount)} exceeds the ${twoDp(Math.max(refundable, 0))} that can still be refunded on this order.`);
    }
    return { items, totalAmount, totalTax, usesMerchantOverride: override !== undefined };
  }

  /**
   * Creates a refund as `POST /v3/orders/{id}/payment_actions/refunds` does (the route and the simulator's refund()
   * helper both come here): validates and prices it, checks the payments add up to it, records it with a `refund`
   * transaction per payment, marks lines refunded, moves the order to Refunded (4) or Partially Refunded (14) with
   * payment_status to match, and fires refund/created, transaction/created, updated and statusUpdated.
   */
  createRefund(orderId: number, body: Record<string, unknown>): StoredRefund {
    const order = this.requireOrder(orderId);
    const now = this.clock();
    if (order.refundBusyUntil > now) fail('A refund is already being processed for this order. Order refunds must be processed sequentially.');
    const priced = this.priceRefund(orderId, body);
    const payments = parsePayments(body.payments, order.customerId);
    const paid = payments.reduce((sum, payment) => sum + payment.amount, 0);
    if (paid !== priced.totalAmount) {
      fail(`The payments total ${twoDp(paid)} does not match the refund total ${twoDp(priced.totalAmount)}.`, 'payments');
    }
    const reason = typeof body.reason === 'string' ? body.reason : '';
    const refund: StoredRefund = {
      id: this.nextRefundId++,
      orderId,
      created: truncateToSecond(now),
      reason,
      totalAmount: priced.totalAmount,
      totalTax: priced.totalTax,
      usesMerchantOverride: priced.usesMerchantOverride,
      items: priced.items,
      payments: [],
    };
    const transactions = payments.map((payment) => {
      const method =
        payment.providerId === 'storecredit' ? 'store_credit' : payment.providerId === 'custom' ? 'custom' : payment.offline ? 'offline' : 'credit_card';
      const original = this.transactionsOf(orderId).find((transaction) => transaction.event === 'purchase' || transaction.event === 'capture');
      const transaction = this.addTransaction(order, 'refund', method, payment.providerId, payment.amount, original?.id ?? null);
      refund.payments.push({ ...payment, id: this.nextRefundPaymentId++, transactionId: String(transaction.id) });
      return transaction;
    });
    this.refunds.push(refund);
    for (const item of refund.items) {
      const line = item.itemType === 'PRODUCT' ? order.lines.find((candidate) => candidate.id === item.itemId) : undefined;
      if (line) line.quantityRefunded += item.quantity ?? 0;
    }
    const previousStatusId = order.statusId;
    const full = refundedTotal(this.refundsOf(orderId)) >= orderTotals(order).totalIncTax;
    order.statusId = full ? 4 : 14;
    order.paymentStatus = full ? 'refunded' : 'partially refunded';
    if (this.refundBusyMs > 0) order.refundBusyUntil = now + this.refundBusyMs;
    this.onEvent({ scope: 'store/order/refund/created', orderId, data: { type: 'order', id: orderId, refund: { refund_id: refund.id } } });
    for (const transaction of transactions) this.transactionCreated(transaction);
    this.modified(order, previousStatusId);
    return refund;
  }

  /** An order metafield was written: the order-specific event and the store-wide `store/metafield/*` one. */
  metafieldChanged(change: MetafieldChange, metafield: StoredMetafield): void {
    const orderId = metafield.orderId;
    // resource_id is a string in these payloads, unlike the order events' numeric id.
    const data = { metafield_id: metafield.id, resource_id: String(orderId) };
    this.onEvent({ scope: `store/order/metafield/${change}`, orderId, data });
    this.onEvent({ scope: `store/metafield/${change}`, orderId, data: { ...data, resource_type: 'order' } });
  }

  touch(order: StoredOrder): void {
    order.dateModified = Math.max(order.dateModified, truncateToSecond(this.clock()));
  }

  requireOrder(orderId: number): StoredOrder {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`order ${orderId} does not exist`);
    return order;
  }

  newMetafieldId(): number {
    return this.nextMetafieldId++;
  }

  metafieldsOf(orderId: number): StoredMetafield[] {
    return [...this.metafields.values()].filter((metafield) => metafield.orderId === orderId).sort((a, b) => a.id - b.id);
  }
}

function fail(message: string, field?: string): never {
  throw new RefundProblem(message, field);
}

/** `payments: [{provider_id, amount, offline}]` (PaymentRequest, orders.v3.yml L2617-2630; Refund requires minItems 1). */
function parsePayments(input: unknown, customerId: number): Array<Omit<StoredRefundPayment, 'id' | 'transactionId'>> {
  if (!Array.isArray(input) || input.length === 0) fail('payments must be a non-empty array', 'payments');
  return (input as unknown[]).map((raw, index) => {
    const field = `payments.${index}`;
    const payment = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : fail('expected an object', field);
    const providerId = typeof payment.provider_id === 'string' ? payment.provider_id : fail('expected a string', `${field}.provider_id`);
    const amount = parseAmount(payment.amount) ?? fail('expected a non-negative number with at most 2 decimals', `${field}.amount`);
    const offline =
      payment.offline === undefined ? false : typeof payment.offline === 'boolean' ? payment.offline : fail('expected a boolean', `${field}.offline`);
    // The spec's own 422 example (orders.v3.yml L322-338).
    if (providerId === 'storecredit' && customerId === 0) fail('Unable to provide store credit for a guest customer.');
    if (!REFUND_PROVIDERS.has(providerId)) fail(`Payment provider ${providerId} is not available to refund this order.`, `${field}.provider_id`);
    return { providerId, amount, offline };
  });
}
