/**
 * Money after checkout: the order's transactions (orders.v3.yml L92-174, L1604-1718; lifecycle.md §6.1) and v3
 * refunds (orders.v3.yml L175-477, schemas L2338-2986; lifecycle.md §4.1). Refund requests are validated whole and
 * priced here; the quote endpoint prices without recording. v3 money is a number with 2 decimals (`Amount`,
 * L2980-2986), so amounts are kept in Units (1/10000) but always whole cents.
 */
import type { Units } from './money.ts';
import { orderTotals, type StoredOrder } from './order-record.ts';
import { paymentStatusFor } from './order-statuses.ts';

export type TransactionEvent = 'purchase' | 'authorization' | 'capture' | 'refund';

export interface StoredTransaction {
  id: number;
  orderId: number;
  event: TransactionEvent;
  method: 'credit_card' | 'store_credit' | 'gift_certificate' | 'custom' | 'offline';
  amount: Units;
  currency: string;
  gateway: string;
  gatewayTransactionId: string;
  dateCreated: number;
  referenceTransactionId: number | null;
}

export type RefundItemType = 'PRODUCT' | 'GIFT_WRAPPING' | 'SHIPPING' | 'HANDLING' | 'ORDER' | 'FEE';

export interface StoredRefundItem {
  itemType: RefundItemType;
  itemId: number;
  /** PRODUCT and GIFT_WRAPPING only. */
  quantity: number | null;
  /** What the request asked for (amount-bound items); null for quantity-bound ones. */
  requestedAmount: Units | null;
  reason: string;
  /** What this item refunded and the tax in it (the simulator's own bookkeeping, not served). */
  amount: Units;
  tax: Units;
}

export interface StoredRefundPayment {
  id: number;
  providerId: string;
  amount: Units;
  offline: boolean;
  transactionId: string | null;
}

export interface StoredRefund {
  id: number;
  orderId: number;
  created: number;
  reason: string;
  totalAmount: Units;
  totalTax: Units;
  usesMerchantOverride: boolean;
  items: StoredRefundItem[];
  payments: StoredRefundPayment[];
}

/** The card gateway the simulated store uses (a value of the Transaction `gateway` enum, L1650-1690). */
export const STORE_GATEWAY = 'testgateway';

/** payment_status as served: set by payment actions once there were any, else what the status implies. */
export function paymentStatusOf(order: StoredOrder): string {
  return order.paymentStatus ?? paymentStatusFor(order.statusId);
}

/** A refund is possible once payment was received ("You must receive payment of the order before you can issue a refund", lifecycle §4.1). */
export function isPaid(order: StoredOrder): boolean {
  return ['captured', 'paid', 'partially refunded'].includes(paymentStatusOf(order));
}

export const roundCents = (units: Units): Units => Math.round(units / 100) * 100;
/** '12.30', for messages. */
export const twoDp = (units: Units): string => (units / 10_000).toFixed(2);
/** v3 `Amount`: a number with 2 decimals. */
export const amountNumber = (units: Units): number => Math.round(units / 100) / 100;

/** A request's amount (a non-negative number with at most 2 decimals) in Units, or undefined. */
export function parseAmount(value: unknown): Units | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  const cents = Math.round(value * 100);
  return Math.abs(cents - value * 100) < 1e-6 ? cents * 100 : undefined;
}

export interface RefundRequestItem {
  item_type: string;
  item_id: number;
  quantity?: number;
  amount?: number;
  reason?: string;
}

/** Why a refund (or quote) cannot be made: the 422's title, and the field it is about when there is one. */
export class RefundProblem extends Error {
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}

const refuse = (message: string, field?: string): never => {
  throw new RefundProblem(message, field);
};

/** What the order's earlier refunds took: per line quantity (PRODUCT/GIFT_WRAPPING) and per item amount (the rest). */
function alreadyRefunded(refunds: readonly StoredRefund[], type: RefundItemType, itemId: number): { quantity: number; amount: Units } {
  let quantity = 0;
  let amount = 0;
  for (const refund of refunds) {
    for (const item of refund.items) {
      if (item.itemType !== type || item.itemId !== itemId) continue;
      quantity += item.quantity ?? 0;
      amount += item.amount;
    }
  }
  return { quantity, amount };
}

/** The total of the order's refunds so far. */
export function refundedTotal(refunds: readonly StoredRefund[]): Units {
  return refunds.reduce((sum, refund) => sum + refund.totalAmount, 0);
}

/**
 * Prices `items` against `order` (whose earlier refunds are `refunds`), refusing what the real API refuses: unknown
 * items, quantities beyond what is unrefunded, amounts beyond what is refundable. Amounts are tax-inclusive; PRODUCT
 * refunds the line's discounted price pro rata, amount-bound SHIPPING/HANDLING/FEE carry their pro-rata tax, ORDER
 * carries none ("tax is not re-calculated", L2700-2720).
 */
export function priceRefundItems(order: StoredOrder, refunds: readonly StoredRefund[], input: unknown): StoredRefundItem[] {
  if (!Array.isArray(input) || input.length === 0) refuse('items must be a non-empty array', 'items');
  return (input as unknown[]).map((raw, index) => {
    const field = `items.${index}`;
    if (typeof raw !== 'object' || raw === null) return refuse('expected an object', field);
    const item = raw as Record<string, unknown>;
    const type = item.item_type;
    const itemId = item.item_id;
    const reason = item.reason === undefined ? '' : typeof item.reason === 'string' ? item.reason : refuse('expected a string', `${field}.reason`);
    if (typeof itemId !== 'number' || !Number.isInteger(itemId)) return refuse('expected an integer', `${field}.item_id`);
    if (item.adjustments !== undefined) refuse('adjustments are not supported by the simulator', `${field}.adjustments`);
    if (type === 'PRODUCT' || type === 'GIFT_WRAPPING') {
      const quantity = item.quantity;
      if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1) return refuse('expected an integer >= 1', `${field}.quantity`);
      const line =
        order.lines.find((candidate) => candidate.id === itemId) ?? refuse(`Order product ${itemId} does not exist on order ${order.id}.`, `${field}.item_id`);
      const left = line.quantity - alreadyRefunded(refunds, type, itemId).quantity;
      if (quantity > left) refuse(`Quantity ${quantity} of order product ${itemId} exceeds the ${left} that can still be refunded.`, `${field}.quantity`);
      const [whole, tax] =
        type === 'PRODUCT'
          ? [line.totalExTax + line.totalTax - line.manualDiscount - line.couponDiscount, line.totalTax]
          : line.wrappingExTax > 0
            ? [line.wrappingExTax + line.wrappingTax, line.wrappingTax]
            : refuse(`Order product ${itemId} has no gift wrapping.`, `${field}.item_id`);
      // `amount` is ignored for quantity-bound items (bigcommerce/docs#663).
      return {
        itemType: type,
        itemId,
        quantity,
        requestedAmount: null,
        reason,
        amount: roundCents((whole * quantity) / line.quantity),
        tax: roundCents((tax * quantity) / line.quantity),
      };
    }
    if (type === 'SHIPPING' || type === 'HANDLING' || type === 'ORDER' || type === 'FEE') {
      const amount = parseAmount(item.amount) ?? refuse('expected a non-negative number with at most 2 decimals', `${field}.amount`);
      const [exTax, tax] = amountBoundBase(order, type, itemId, field);
      const cap = exTax + tax - alreadyRefunded(refunds, type, itemId).amount;
      if (amount > cap) refuse(`Amount ${twoDp(amount)} for ${type} ${itemId} exceeds the refundable amount ${twoDp(Math.max(cap, 0))}.`, `${field}.amount`);
      const share = exTax + tax === 0 ? 0 : roundCents((amount * tax) / (exTax + tax));
      return { itemType: type, itemId, quantity: null, requestedAmount: amount, reason, amount, tax: type === 'ORDER' ? 0 : share };
    }
    if (type === 'TAX') return refuse('item_type TAX is not supported by the simulator', `${field}.item_type`);
    return refuse('must be one of PRODUCT, GIFT_WRAPPING, SHIPPING, HANDLING, ORDER, FEE', `${field}.item_type`);
  });
}

/** What an amount-bound item can refund at most (ex tax, tax): the address's shipping/handling, a fee, the order. */
function amountBoundBase(order: StoredOrder, type: 'SHIPPING' | 'HANDLING' | 'ORDER' | 'FEE', itemId: number, field: string): [Units, Units] {
  if (type === 'ORDER') {
    if (itemId !== order.id) refuse(`item_id of an ORDER item must be the order id ${order.id}.`, `${field}.item_id`);
    return [orderTotals(order).totalIncTax, 0];
  }
  if (type === 'FEE') {
    const fee = order.fees.find((candidate) => candidate.id === itemId) ?? refuse(`Fee ${itemId} does not exist on order ${order.id}.`, `${field}.item_id`);
    return [fee.costExTax, fee.costTax];
  }
  const address =
    order.shipping.find((candidate) => candidate.id === itemId) ?? refuse(`Order address ${itemId} does not exist on order ${order.id}.`, `${field}.item_id`);
  return type === 'SHIPPING' ? [address.costExTax, address.costTax] : [address.handlingExTax, address.handlingTax];
}
