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
  /** 0 for digital orders, which have no shipping address. */
  addressId: number;
  type: 'physical' | 'digital';
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
}

export interface StoredCoupon {
  id: number;
  couponId: number;
  code: string;
  /** Amount taken off the order. */
  discount: Units;
}

export interface StoredOrder {
  id: number;
  customerId: number;
  statusId: number;
  dateCreated: number;
  dateModified: number;
  currencyCode: string;
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
  const wrapping = 0;
  const totalTax = subtotalTax + shippingTax + handlingTax + wrapping;
  // The identity the spec's example orders satisfy: discounts come off the tax-inclusive total, tax is not reduced.
  const totalIncTax =
    subtotalExTax + subtotalTax + shippingExTax + shippingTax + handlingExTax + handlingTax + wrapping - order.discountAmount - order.couponDiscount;
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
    wrappingExTax: wrapping,
    wrappingTax: wrapping,
    wrappingIncTax: wrapping,
    totalTax,
    totalIncTax,
    totalExTax: totalIncTax - totalTax,
    itemsTotal: sum(order.lines.map((line) => line.quantity)),
  };
}
