/**
 * The hand-writable description of an order that tests and fixtures give the simulator. Everything BigCommerce
 * derives (taxes, totals, counts, ids, links) is computed from it, so seeds can't contradict themselves.
 * Money is given as decimal strings ('19.5'), ex tax, like a store that enters prices without tax.
 */

export interface SeedAddress {
  firstName: string;
  lastName: string;
  company?: string;
  street1: string;
  street2?: string;
  city: string;
  /** Full state name as BigCommerce serves it ('Texas'). */
  state: string;
  zip: string;
  /** Defaults from countryIso2 for the countries the simulator knows. */
  country?: string;
  countryIso2: string;
  phone?: string;
}

export interface SeedBillingAddress extends SeedAddress {
  /** Where a guest's email lives. */
  email: string;
}

export interface SeedShippingAddress extends SeedAddress {
  email?: string;
  /** Display text of the shipping module, default 'Flat Rate'. */
  shippingMethod?: string;
  /** Shipping cost of this address ex tax; the order's shipping cost is their sum. */
  costExTax?: string;
}

export interface SeedLine {
  /** '' for a custom product without one; gift certificates carry none either. */
  sku: string;
  name?: string;
  /** Default physical (digital when the order has no shipping address). A gift certificate ships by e-mail. */
  type?: 'physical' | 'digital' | 'giftcertificate';
  /** Gift wrapping of the whole line (BigCommerce: "wrapping_cost_ex_tax times quantity"), ex tax. */
  wrappingCostExTax?: string;
  wrappingName?: string;
  /** Overrides the order's tax rate for this line (e.g. 0 for a tax-exempt product), with its tax class name. */
  taxRate?: number;
  taxClass?: string;
  quantity: number;
  /** Unit price ex tax, e.g. '19.5'. Ignored (served as 0) for bundled pick-list children. */
  priceExTax: string;
  productId?: number;
  variantId?: number;
  /** Index (in `lines`) of the line whose pick list produced this one: served with is_bundled_product and zero prices. */
  parentLineIndex?: number;
  /** Index (in `shipping`) of the address this line ships to, default 0. */
  addressIndex?: number;
}

export interface SeedFee {
  /** What the shopper sees (display_name_customer). */
  name: string;
  costExTax: string;
  /** Taxed at the order's tax rate unless false. */
  taxable?: boolean;
}

export interface SeedOrder {
  /** What this order demonstrates, for reports; not part of the order. */
  note?: string;
  id?: number;
  /** 0 = guest. */
  customerId?: number;
  /** Default 11 (Awaiting Fulfillment). */
  statusId?: number;
  dateCreated?: Date | string;
  dateModified?: Date | string;
  /** The transactional currency, the one the shopper pays in (default_currency_code). Default 'USD'. */
  currencyCode?: string;
  /** What the storefront displayed (currency_code); defaults to currencyCode. */
  displayCurrencyCode?: string;
  /** The store's default currency; defaults to currencyCode. */
  storeDefaultCurrencyCode?: string;
  /** store_default_to_transactional_exchange_rate, default 1. */
  exchangeRate?: string;
  /** Order fees (include=fees), e.g. a packaging surcharge. */
  fees?: SeedFee[];
  /** Paid with a gift certificate or store credit: a payment, the total stays what the shopper owed. */
  giftCertificateAmount?: string;
  storeCreditAmount?: string;
  /** e.g. 0.08; applied to lines, shipping and handling. Default 0. */
  taxRate?: number;
  isTaxInclusivePricing?: boolean;
  billing: SeedBillingAddress;
  /** Omitted: one address copied from billing. [] → a digital order with no shipping address. */
  shipping?: SeedShippingAddress[];
  lines: SeedLine[];
  /** Order shipping ex tax when the addresses don't give theirs (charged on the first address). */
  shippingCostExTax?: string;
  handlingCostExTax?: string;
  /** Manual (staff) discount, pro-rated onto lines as 'manual-discount'. */
  discountAmount?: string;
  couponDiscount?: string;
  /** Code of the coupon behind couponDiscount, default 'SAVE' + amount. */
  couponCode?: string;
  customerMessage?: string;
  staffNotes?: string;
  /** Default 'Credit Card'. */
  paymentMethod?: string;
  /**
   * false: the card payment was only authorized (payment_status 'authorized', an `authorization` transaction);
   * capture it later with the simulator's capture(orderId). Default true: paid orders carry a `purchase`.
   */
  paymentCaptured?: boolean;
}
