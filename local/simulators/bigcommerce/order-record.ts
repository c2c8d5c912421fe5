/**
 * How the simulator stores an order: the seed resolved into ids and exact money (see money.ts). The v2 and v3
 * views render these records; order-level totals are derived at render time so they can never disagree.
 */
import type { Units } from './money.ts';

export interface StoredAddress {
  firstName: string;
  lastName: string;
  company: string;
  street1: string;
  street2: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  countryIso2: string;
  phone: string;
  email: string;
}

export interface StoredShippingAddress extends StoredAddress {
  id: number;
  shippingMethod: string;
  costExTax: Units;
  costTax: Units;
  handlingExTax: Units;
  handlingTax: Units;
  itemsTotal: number;
}

export interface StoredProductOption {
  id: number;
  optionId: number;
  productOptionId: number;
  displayName: string;
  displayValue: string;
  value: string;
  type: string;
  name: string;
  displayStyle: string;
}

export interface StoredLine {
  id: number;
  productId: number;
  variantId: number;
  sku: string;
  name: string;
  quantity: number;
  /** 0 for digital orders, which have no shipping address, and for gift certificates. */
  addressId: number;
  type: 'physical' | 'digital' | 'giftcertificate';
  giftCertificateId: number | null;
  /** Gift wrapping of the whole line, and its tax. */
  wrappingExTax: Units;
  wrappingTax: Units;
  wrappingName: string;
  /** The tax class the line was taxed under (the /taxes rows name it). */
  taxClass: string;
  priceExTax: Units;
  priceTax: Units;
  totalExTax: Units;
  totalTax: Units;
  parentLineId: number | null;
  isBundled: boolean;
  productOptions: StoredProductOption[];
  /** This line's share of the order's manual discount and coupon discount. */
  manualDiscount: Units;
  couponDiscount: Units;
  /** Shipped so far through order shipments (v2-shipments.ts); absent = 0. */
  quantityShipped?: number;
  /** Units of this line refunded through v3 payment actions. */
  quantityRefunded: number;
}

export interface StoredCoupon {
  id: number;
  couponId: number;
  code: string;
  /** Amount taken off the order. */
  discount: Units;
}

export interface StoredFee {
  id: number;
  name: string;
  costExTax: Units;
  costTax: Units;
}

export interface StoredOrder {
  id: number;
  customerId: number;
  statusId: number;
  dateCreated: number;
  dateModified: number;
  /** Transactional currency (default_currency_code). */
  currencyCode: string;
  displayCurrencyCode: string;
  storeDefaultCurrencyCode: string;
  /** store_default_to_transactional_exchange_rate, as served (10 decimals). */
  exchangeRate: string;
  fees: StoredFee[];
  giftCertificateAmount: Units;
  storeCreditAmount: Units;
  isTaxInclusivePricing: boolean;
  billing: StoredAddress;
  shipping: StoredShippingAddress[];
  lines: StoredLine[];
  /** Order-level handling when there is no shipping address to carry it. */
  handlingExTax: Units;
  handlingTax: Units;
  discountAmount: Units;
  couponDiscount: Units;
  coupon: StoredCoupon | undefined;
  customerMessage: string;
  staffNotes: string;
  paymentMethod: string;
  /** When the last physical item shipped (v2-shipments.ts); absent until then. */
  dateShipped?: number;
  /** payment_status once payment actions set it (authorized, captured, refunds); undefined: implied by the status. */
  paymentStatus: string | undefined;
  /** Store-clock ms until which a refund just made is still being processed (no second refund meanwhile). */
  refundBusyUntil: number;
}

/** Order-level money, always derived from the lines and addresses. */
export interface OrderTotals {
  subtotalExTax: Units;
  subtotalTax: Units;
  subtotalIncTax: Units;
  shippingExTax: Units;
  shippingTax: Units;
  shippingIncTax: Units;
  handlingExTax: Units;
  handlingTax: Units;
  handlingIncTax: Units;
  wrappingExTax: Units;
  wrappingTax: Units;
  wrappingIncTax: Units;
  feesExTax: Units;
  feesTax: Units;
  totalTax: Units;
  totalIncTax: Units;
  totalExTax: Units;
  itemsTotal: number;
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

export function orderTotals(order: StoredOrder): OrderTotals {
  const subtotalExTax = sum(order.lines.map((line) => line.totalExTax));
  const subtotalTax = sum(order.lines.map((line) => line.totalTax));
  const shippingExTax = sum(order.shipping.map((address) => address.costExTax));
  const shippingTax = sum(order.shipping.map((address) => address.costTax));
  const handlingExTax = order.handlingExTax + sum(order.shipping.map((address) => address.handlingExTax));
  const handlingTax = order.handlingTax + sum(order.shipping.map((address) => address.handlingTax));
  const wrappingExTax = sum(order.lines.map((line) => line.wrappingExTax));
  const wrappingTax = sum(order.lines.map((line) => line.wrappingTax));
  const feesExTax = sum(order.fees.map((fee) => fee.costExTax));
  const feesTax = sum(order.fees.map((fee) => fee.costTax));
  const totalTax = subtotalTax + shippingTax + handlingTax + wrappingTax + feesTax;
  // The identity the spec's example orders satisfy (orders.v2.oas2.yml L1811-1855, L1926-1969): discounts come off
  // the tax-inclusive total, tax is not reduced. Wrapping is in it by the spec's own field list; fees are charged to
  // the shopper, so they are in it too (the spec does not say so: UNCONFIRMED, see README.md here).
  const totalIncTax =
    subtotalExTax +
    subtotalTax +
    shippingExTax +
    shippingTax +
    handlingExTax +
    handlingTax +
    wrappingExTax +
    wrappingTax +
    feesExTax +
    feesTax -
    order.discountAmount -
    order.couponDiscount;
  return {
    subtotalExTax,
    subtotalTax,
    subtotalIncTax: subtotalExTax + subtotalTax,
    shippingExTax,
    shippingTax,
    shippingIncTax: shippingExTax + shippingTax,
    handlingExTax,
    handlingTax,
    handlingIncTax: handlingExTax + handlingTax,
    wrappingExTax,
    wrappingTax,
    wrappingIncTax: wrappingExTax + wrappingTax,
    feesExTax,
    feesTax,
    totalTax,
    totalIncTax,
    totalExTax: totalIncTax - totalTax,
    itemsTotal: sum(order.lines.map((line) => line.quantity)),
  };
}
