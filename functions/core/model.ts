/**
 * The domain's view of the two systems: a storefront order as we need it, and the NetSuite records we build
 * from it. Adapters map the APIs' wire shapes into and out of these; nothing here knows a URL or an SDK.
 */
import type { Money } from './money.ts';

export interface PostalAddress {
  firstName: string;
  lastName: string;
  company: string;
  street1: string;
  street2: string;
  city: string;
  state: string;
  zip: string;
  countryIso2: string;
  phone: string;
  email: string;
}

export type LineType = 'physical' | 'digital' | 'giftcertificate';

export interface OrderLine {
  /** BigCommerce order-product id. */
  lineId: number;
  /** Trimmed; '' for custom products and gift certificates that carry none. */
  sku: string;
  name: string;
  type: LineType;
  quantity: number;
  priceExTax: Money;
  priceIncTax: Money;
  /** BigCommerce's own line totals (price × quantity, before order-level discounts). */
  totalExTax: Money;
  totalIncTax: Money;
  /** Gift wrapping of this line (a line total, not per unit). */
  wrappingExTax: Money;
  wrappingIncTax: Money;
  /** The wrapping the shopper chose ("Gold paper"); '' when none. */
  wrappingName: string;
  /** The consignment (shipping address) this line ships to; 0 for digital lines and gift certificates. */
  addressId: number;
  /** Set on pick-list children of a bundle: their price is carried by the parent line. */
  parentLineId: number | undefined;
}

/** One shipping consignment: an address, how it ships and what that costs. */
export interface Consignment {
  addressId: number;
  address: PostalAddress;
  /** BigCommerce's shipping module text, e.g. "Flat Rate" or "UPS® (UPS Ground)". */
  shippingMethod: string;
  costExTax: Money;
  costIncTax: Money;
  handlingExTax: Money;
  handlingIncTax: Money;
}

/** An order fee (BigCommerce `fees`, e.g. a packaging or payment surcharge). */
export interface OrderFee {
  id: number;
  /** What the shopper saw. */
  name: string;
  costExTax: Money;
  costIncTax: Money;
  costTax: Money;
}

export interface StoreOrder {
  storeHash: string;
  orderId: number;
  statusId: number;
  /** 0 for guest checkouts. */
  customerId: number;
  dateCreated: Date;
  dateModified: Date;
  /** The transactional currency, the one the shopper paid in (BigCommerce `default_currency_code`). */
  currencyCode: string;
  /** True when the store's prices include tax: then the `*IncTax` figures are BigCommerce's actual ones. */
  isTaxInclusivePricing: boolean;
  billing: PostalAddress;
  /** Shipping consignments; empty for digital-only orders. */
  consignments: Consignment[];
  lines: OrderLine[];
  fees: OrderFee[];
  shippingExTax: Money;
  shippingIncTax: Money;
  handlingExTax: Money;
  handlingIncTax: Money;
  wrappingExTax: Money;
  wrappingIncTax: Money;
  /** Manual discount; BigCommerce keeps coupons apart in `couponDiscount` (the two never overlap). */
  discountAmount: Money;
  couponDiscount: Money;
  subtotalExTax: Money;
  subtotalIncTax: Money;
  totalExTax: Money;
  totalIncTax: Money;
  totalTax: Money;
  /** Paid with a gift certificate or store credit: payments, not discounts (the total does not change). */
  giftCertificateAmount: Money;
  storeCreditAmount: Money;
  customerMessage: string;
}

/** A NetSuite customer as the lookup returns it. */
export interface ErpCustomer {
  id: string;
  email: string;
  /** OneWorld: the subsidiaries it may transact in (primary first); undefined without OneWorld. */
  subsidiaries?: string[];
}

export interface ErpAddress {
  addressee: string;
  attention?: string;
  addr1: string;
  addr2?: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  addrPhone?: string;
}

export interface NewCustomer {
  externalId: string;
  /** Customer ID, for accounts without auto-numbering; absent, NetSuite numbers it. */
  entityId?: string;
  email: string;
  isPerson: boolean;
  firstName: string;
  lastName: string;
  companyName?: string;
  phone?: string;
  subsidiaryId?: string;
  currencyId?: string;
  address: ErpAddress;
}

export interface SalesOrderLine {
  itemId: string;
  /** The BigCommerce order product the line books (absent on charge lines: shipping items, fees, tax, wrapping). */
  orderProductId?: number;
  quantity: number;
  rate: number;
  /** Sent with the rate so NetSuite keeps BigCommerce's own line total instead of re-rounding rate × quantity. */
  amount: number;
  description: string;
  /** Tax code that keeps NetSuite from adding tax of its own (SYNC_TAX_MODE=line). */
  taxCodeId?: string;
  /** Multiple shipping routes: the customer's address book entry this line ships to, and its ship item. */
  shipTo?: { addressId: string; shipMethodId: string };
}

/** The shipping charge of one ship group (the lines going to one address), set after the order is created. */
export interface ShipGroupRate {
  /** The customer's address book entry the group's lines ship to. */
  addressId: string;
  rate: number;
  taxCodeId?: string;
}

export interface SalesOrderDraft {
  externalId: string;
  otherRefNum: string;
  customerId: string;
  tranDate: string;
  memo: string;
  lines: SalesOrderLine[];
  /**
   * The transaction column field (custcol_…) that carries each line's BigCommerce order product id: the line link
   * that edits, cancellations, refunds and fulfilments match lines by. Unset, lines carry no link.
   */
  lineIdField?: string;
  shippingCost?: number;
  /** NetSuite ship item; sent with shippingCost so NetSuite keeps BigCommerce's cost. */
  shipMethodId?: string;
  /** Tax code for the shipping charge (SYNC_TAX_MODE=line: the non-taxable one, or NetSuite taxes shipping again). */
  shippingTaxCodeId?: string;
  /** NetSuite currency internal id of the transactional currency. */
  currencyId?: string;
  /** Multiple shipping routes: every line names its own ship-to, and each ship group gets BigCommerce's cost. */
  multiShip?: boolean;
  shipGroups?: ShipGroupRate[];
  /** Order-level discount (discount + coupon), as a negative amount on the configured discount item. */
  discount?: { itemId: string; amount: number };
  shippingAddress?: ErpAddress;
  billingAddress: ErpAddress;
  subsidiaryId?: string;
  locationId?: string;
  departmentId?: string;
  classId?: string;
}

/** NetSuite sales order statuses (lifecycle.md §1.5): status.id on the record, the bare letter in SuiteQL. */
export type SalesOrderStatus = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H';

export const SALES_ORDER_STATUS_NAMES: Record<SalesOrderStatus, string> = {
  A: 'Pending Approval',
  B: 'Pending Fulfillment',
  C: 'Cancelled',
  D: 'Partially Fulfilled',
  E: 'Pending Billing/Partially Fulfilled',
  F: 'Pending Billing',
  G: 'Billed',
  H: 'Closed',
};

/** A sales-order line as NetSuite holds it now, with what was fulfilled and billed of it. */
export interface ErpSalesOrderLine {
  /** NetSuite's line key (1-based, not necessarily sequential). */
  line: number;
  itemId: string;
  quantity: number;
  quantityFulfilled: number;
  quantityBilled: number;
  rate: number;
  amount: number;
  isClosed: boolean;
  /** The line link's value (BigCommerce order product id), when the line carries one. */
  orderProductId?: number;
}

export interface ErpSalesOrder {
  id: string;
  status: SalesOrderStatus;
  /** The customer (entity) and currency internal ids, as refunds and deposits need them. */
  customerId?: string;
  currencyId?: string;
  shippingCost?: number;
  lines: ErpSalesOrderLine[];
}

/** One change to a sales-order line: with `line`, that line is updated; without, a new line is added. */
export interface SalesOrderLineChange {
  line?: number;
  itemId?: string;
  quantity?: number;
  rate?: number;
  amount?: number;
  isClosed?: boolean;
  description?: string;
  orderProductId?: number;
  taxCodeId?: string;
}

/** What one PATCH of a sales order changes (lifecycle.md §2.2: lines keyed by `line`, absent fields untouched). */
export interface SalesOrderChange {
  /** The line link field new lines carry their order product id in. */
  lineIdField?: string;
  lines: SalesOrderLineChange[];
  shippingCost?: number;
  shippingAddress?: ErpAddress;
}
