/**
 * Money after the sales order: BigCommerce refunds and payment transactions as the core sees them, and the
 * NetSuite records they become (credit memos, cash refunds, customer refunds, customer deposits). Adapters map
 * the v3 wire shapes (orders.v3.yml) into these; nothing here knows a URL.
 */
import type { Money } from './money.ts';

/** What a refund item refunds (orders.v3.yml L2885-2915, RefundItem). */
export type RefundItemType = 'PRODUCT' | 'GIFT_WRAPPING' | 'SHIPPING' | 'HANDLING' | 'ORDER' | 'FEE';

export interface StoreRefundItem {
  type: RefundItemType;
  /** order_product.id (PRODUCT, GIFT_WRAPPING), order_address.id (SHIPPING, HANDLING), order.id (ORDER), the fee (FEE). */
  itemId: number;
  /** PRODUCT only. */
  quantity?: number;
  /** Amount-bound items (SHIPPING, HANDLING, ORDER, FEE); BigCommerce ignores it for PRODUCT. */
  requestedAmount?: Money;
}

export interface StoreRefundPayment {
  providerId: string;
  amount: Money;
  offline: boolean;
  /** A declined refund payment gave no money back (lifecycle.md §4.4 step 2). */
  isDeclined: boolean;
}

/** One BigCommerce refund (GET /v3/orders/{id}/payment_actions/refunds, orders.v3.yml L2842-2884). */
export interface StoreRefund {
  id: number;
  orderId: number;
  created: Date;
  reason: string;
  /** Tax included. */
  totalAmount: Money;
  /** Can be negative ("we have collected tax by refunding less"). */
  totalTax: Money;
  items: StoreRefundItem[];
  payments: StoreRefundPayment[];
}

/** One payment transaction of an order (GET /v3/orders/{id}/transactions, orders.v3.yml L1604-1718). */
export interface StoreTransaction {
  id: number;
  orderId: number;
  event: 'purchase' | 'authorization' | 'capture' | 'refund' | 'void' | 'pending' | 'settled';
  method: string;
  amount: Money;
  currency: string;
  gateway: string;
  dateCreated: Date;
  test: boolean;
  status: string;
}

/** NetSuite transaction record types the refund and payment flows read or write (REST record names). */
export type MoneyRecordType = 'invoice' | 'cashSale' | 'customerDeposit' | 'creditMemo' | 'cashRefund' | 'customerRefund';

/** A bill or deposit of a sales order, as one SuiteQL row finds it. */
export interface BillingRecord {
  id: string;
  type: 'invoice' | 'cashSale' | 'customerDeposit';
  /** The bare status letter (invoice B = Paid In Full). */
  status: string;
  total: number;
}

/** A line of an invoice or cash sale, with the sales-order line it bills. */
export interface BillLine {
  line: number;
  orderLine?: number;
  itemId: string;
  quantity: number;
  rate: number;
  amount: number;
}

/** A line of a credit document: with `line`, that line of the source bill (at `quantity`); without, a new line. */
export interface CreditLine {
  line?: number;
  itemId?: string;
  quantity?: number;
  rate?: number;
  amount?: number;
  description?: string;
  taxCodeId?: string;
}

/** What a transform (POST /record/v1/{from}/{id}/!transform/{to}, lifecycle.md §1.6) sends. */
export interface TransformRequest {
  from: MoneyRecordType;
  fromId: string;
  to: MoneyRecordType;
  externalId: string;
  /** Carries the marker `[externalId]`, found by SuiteQL when NetSuite did not keep the externalId (lifecycle.md §10 #13). */
  memo: string;
  /** Credit documents: exactly these lines (the bill's other lines are left out). */
  lines?: CreditLine[];
  shippingCost?: number;
  /** Credit memos: the invoice it is applied to (absent: left unapplied, for a customer refund). */
  applyTo?: { docId: string; amount?: number } | { unapplied: string };
  /** Customer refunds: the document refunded and how much. */
  refundFrom?: { sublist: 'apply' | 'deposit'; docId: string; amount: number };
}

export interface NewCustomerDeposit {
  externalId: string;
  memo: string;
  customerId: string;
  salesOrderId: string;
  currencyId?: string;
  payment: number;
  tranDate: string;
  /** Unset: Undeposited Funds. */
  accountId?: string;
}
