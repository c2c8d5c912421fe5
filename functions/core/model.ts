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

export interface OrderLine {
  /** BigCommerce order-product id. */
  lineId: number;
  sku: string;
  name: string;
  quantity: number;
  priceExTax: Money;
  priceIncTax: Money;
  /** Set on pick-list children of a bundle: their price is carried by the parent line. */
  parentLineId: number | undefined;
}

export interface StoreOrder {
  storeHash: string;
  orderId: number;
  statusId: number;
  /** 0 for guest checkouts. */
  customerId: number;
  dateCreated: Date;
  dateModified: Date;
  currencyCode: string;
  billing: PostalAddress;
  /** First shipping consignment's address; undefined for digital-only orders. */
  shipping: PostalAddress | undefined;
  lines: OrderLine[];
  shippingExTax: Money;
  shippingIncTax: Money;
  handlingExTax: Money;
  handlingIncTax: Money;
  discountAmount: Money;
  couponDiscount: Money;
  subtotalExTax: Money;
  subtotalIncTax: Money;
  totalIncTax: Money;
  customerMessage: string;
}

/** A NetSuite customer as the lookup returns it. */
export interface ErpCustomer {
  id: string;
  email: string;
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
  email: string;
  isPerson: boolean;
  firstName: string;
  lastName: string;
  companyName?: string;
  phone?: string;
  subsidiaryId?: string;
  address: ErpAddress;
}

export interface SalesOrderLine {
  itemId: string;
  quantity: number;
  rate: number;
  description: string;
}

export interface SalesOrderDraft {
  externalId: string;
  otherRefNum: string;
  customerId: string;
  tranDate: string;
  memo: string;
  lines: SalesOrderLine[];
  shippingCost?: number;
  /** Order-level discount (discount + coupon), as a negative amount on the configured discount item. */
  discount?: { itemId: string; amount: number };
  shippingAddress?: ErpAddress;
  billingAddress: ErpAddress;
  subsidiaryId?: string;
  locationId?: string;
  departmentId?: string;
  classId?: string;
}
