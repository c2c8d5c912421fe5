/** The simulator's record model: what a create or update leaves behind, before any view is rendered. */

export type Json = Record<string, unknown>;

export interface ItemRecord {
  id: string;
  itemId: string;
  displayName?: string;
  upcCode?: string;
  externalId?: string;
  isInactive: boolean;
  /** SuiteQL `itemtype` code: InvtPart, NonInvtPart, Service, Discount, OthCharge, Kit, Assembly, … */
  itemType: string;
  /** Used as the line rate when an order line gives neither rate nor amount (and, for a ship item, as its rate). */
  basePrice?: number;
  /** The tax code NetSuite puts on a sales line of this item when the request names none. */
  taxCode?: string;
  /** SuiteQL `matrixtype`: a matrix parent is not orderable, its children are. */
  matrixType?: 'PARENT' | 'CHILD';
  /** SuiteQL `subtype` of non-inventory, service and other charge items: a Purchase item is not for sale. */
  subtype?: 'Sale' | 'Purchase' | 'Resale';
}

export interface CurrencyRecord {
  id: string;
  /** ISO code: SuiteQL `currency.symbol`. */
  symbol: string;
  name: string;
  isBaseCurrency: boolean;
}

export interface TaxCodeRecord {
  id: string;
  name: string;
  /** 0.0825 for 8.25 %. */
  rate: number;
}

export interface AddressBookEntry {
  defaultBilling?: boolean;
  defaultShipping?: boolean;
  label?: string;
  isResidential?: boolean;
  addressBookAddress: Json;
}

export interface CustomerRecord {
  id: string;
  entityId: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  companyName?: string;
  isPerson: boolean;
  isInactive: boolean;
  externalId?: string;
  phone?: string;
  subsidiary?: string;
  /** OneWorld: every subsidiary it may transact in, the primary first. */
  subsidiaries: string[];
  /** Primary currency, and every currency the customer may transact in (primary first: the currencyList sublist). */
  currency: string;
  currencies: string[];
  addressBook: AddressBookEntry[];
  /** Custom entity fields (custentity_*), as sent. */
  customFields: Json;
  dateCreated: string;
  lastModifiedDate: string;
  /** Top-level body fields, keys lower-cased, merged over updates: the input a later update builds on. */
  input: Json;
  /** The last request body exactly as the client sent it. */
  body: unknown;
}

export interface SalesOrderLine {
  line: number;
  item: string;
  quantity: number;
  rate: number;
  amount: number;
  description?: string;
  price?: string;
  location?: string;
  department?: string;
  class?: string;
  /** The line's tax code and the tax NetSuite computed on its amount. */
  taxCode: string;
  taxAmount: number;
  /** Multiple shipping routes: the customer's address book entry the line ships to, its ship item and group. */
  shipAddress?: string;
  shipMethod?: string;
  shipGroup?: number;
  customFields: Json;
  /** A closed line takes no further fulfilment or billing (lifecycle.md §3.2: closing an order = closing every line). */
  isClosed: boolean;
  /** Sums over the order's item fulfilments and invoices/cash sales, kept by the store (lifecycle.md §1.6). */
  quantityFulfilled: number;
  quantityBilled: number;
}

/** Multiple shipping routes: one group per (ship-to, ship item), with its own shipping rate and tax. */
export interface ShipGroup {
  id: number;
  shipAddress: string;
  shipMethod: string;
  shippingRate: number;
  shippingTaxCode: string;
  shippingTax: number;
}

export interface SalesOrderRecord {
  id: string;
  tranId: string;
  externalId?: string;
  entity: string;
  otherRefNum?: string;
  tranDate: string;
  memo?: string;
  shippingCost?: number;
  shippingTaxCode: string;
  shipMethod?: string;
  /** Enable Item Line Shipping (Multiple Shipping Routes): shipping comes from `shipGroups`. */
  isMultiShipTo: boolean;
  shipGroups: ShipGroup[];
  discountItem?: string;
  discountRate?: number | string;
  /** The transaction currency (the customer's primary one unless the request names another it may use). */
  currency: string;
  location?: string;
  subsidiary?: string;
  department?: string;
  class?: string;
  shippingAddress?: Json;
  billingAddress?: Json;
  lines: SalesOrderLine[];
  subtotal: number;
  discountTotal: number;
  /** Tax NetSuite computed: each line's amount at its tax code's rate, plus shipping at the shipping tax code's. */
  taxTotal: number;
  total: number;
  /** A = Pending Approval, B = Pending Fulfillment. */
  orderStatus: 'A' | 'B';
  /** The highest line number ever given: line numbers are not reused (lifecycle.md §1.6). */
  lastLine: number;
  /** Custom body fields (custbody_*), as sent. */
  customFields: Json;
  createdDate: string;
  lastModifiedDate: string;
  input: Json;
  body: unknown;
}

/** Customer display name as NetSuite shows it in `refName`. */
export function customerName(customer: CustomerRecord): string {
  const name = customer.isPerson ? [customer.firstName, customer.lastName].filter(Boolean).join(' ') : (customer.companyName ?? '');
  return name && name !== customer.entityId ? `${customer.entityId} ${name}` : customer.entityId;
}

/** Money as NetSuite keeps it: rounded to cents. */
export function cents(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

/** The transactions of the order lifecycle, by REST record type, with their SuiteQL `transaction.type` codes. */
export const LIFECYCLE_TYPES = {
  itemFulfillment: 'ItemShip',
  invoice: 'CustInvc',
  cashSale: 'CashSale',
  creditMemo: 'CustCred',
  cashRefund: 'CashRfnd',
  customerRefund: 'CustRfnd',
  customerDeposit: 'CustDep',
} as const;
export type LifecycleType = keyof typeof LIFECYCLE_TYPES;

export interface LifecycleLine {
  line: number;
  /** The sales order's `line` this line comes from (fulfilments and bills). */
  orderLine?: number;
  item: string;
  quantity: number;
  rate: number;
  amount: number;
  taxAmount: number;
  /** Item fulfilments only: false leaves the line out of the fulfilment. */
  itemReceive?: boolean;
}

/** An item fulfilment, invoice, cash sale, credit memo, cash refund, customer refund or customer deposit. */
export interface LifecycleRecord {
  id: string;
  type: LifecycleType;
  tranId: string;
  externalId?: string;
  entity: string;
  /** The transaction it was transformed from (a sales order, invoice, cash sale, credit memo or deposit). */
  createdFrom?: string;
  /** Customer deposits: the sales order they are for. */
  salesOrder?: string;
  tranDate: string;
  memo?: string;
  currency: string;
  /** Bare status letter, as SuiteQL `transaction.status` holds it. */
  status: string;
  lines: LifecycleLine[];
  shippingCost: number;
  taxTotal: number;
  total: number;
  /** Item fulfilments: A Picked, B Packed, C Shipped (lifecycle.md §1.5). */
  shipStatus?: 'A' | 'B' | 'C';
  shipMethod?: string;
  /** Item fulfilments: the carrier package sublists (`package`, `packageUps`, `packageFedex`, `packageUsps`), as sent. */
  packages: Record<string, Json[]>;
  /** Credit memos and refunds: the documents applied or refunded, with the amount. */
  apply: Array<{ doc: string; amount: number }>;
  /** Customer deposits. */
  payment?: number;
  account?: string;
  undepFunds?: boolean;
  createdDate: string;
  lastModifiedDate: string;
  /** Custom body fields (custbody_*) as sent on the transform and later PATCHes (e.g. the shipment id written back). */
  customFields?: Json;
  body: unknown;
}
