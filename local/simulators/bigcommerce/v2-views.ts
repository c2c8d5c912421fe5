/**
 * Renders stored orders as BigCommerce v2 JSON. Links point at the simulator (built from the address the client
 * used), with the shipping-addresses link spelled `shippingaddresses` the way the real API spells it.
 */
import { toRfc2822 } from './dates.ts';
import { formatMoney, moneyNumber } from './money.ts';
import { orderTotals, type StoredLine, type StoredOrder, type StoredShippingAddress } from './order-record.ts';
import { paymentStatusOf } from './order-payments.ts';
import { statusById } from './order-statuses.ts';
import type {
  V2AppliedDiscount,
  V2Consignments,
  V2Coupon,
  V2Fee,
  V2Order,
  V2OrderProduct,
  V2Resource,
  V2ShippingAddress,
  V2ShippingConsignment,
  V2Tax,
} from './v2-types.ts';

/** Undocumented but observed: embedded consignment line items stop at 50 (bigcommerce/docs#960). */
export const CONSIGNMENT_LINE_ITEM_CAP = 50;
const CONSIGNMENT_WARNING =
  'Not all line items of this consignment are returned with this response, only 50 are included. Please use the `/v2/orders/{order_id}/products` endpoint to fetch all line items.';

export interface OrderIncludes {
  consignments: 'none' | 'links' | 'line_items';
  /** `consignment_structure=object`; without it the (undocumented) legacy array form is served. */
  objectStructure: boolean;
  fees: boolean;
}

export const NO_INCLUDES: OrderIncludes = { consignments: 'none', objectStructure: false, fees: false };

/** Items shipped to one of the order's addresses (v2-shipments.ts moves them). */
function shippedAt(order: StoredOrder, addressId: number): number {
  return order.lines.filter((line) => line.addressId === addressId).reduce((total, line) => total + (line.quantityShipped ?? 0), 0);
}

/** `apiBase` is e.g. http://127.0.0.1:1234/stores/abc123/v2 */
export function resource(apiBase: string, path: string): V2Resource {
  return { url: `${apiBase}${path}`, resource: path };
}

export function renderOrder(order: StoredOrder, apiBase: string, includes: OrderIncludes = NO_INCLUDES): V2Order {
  const totals = orderTotals(order);
  const status = statusById(order.statusId)?.name ?? '';
  const base = (ex: number, tax: number) => formatMoney(order.isTaxInclusivePricing ? ex + tax : ex);
  const view: V2Order = {
    id: order.id,
    customer_id: order.customerId,
    date_created: toRfc2822(order.dateCreated),
    date_modified: toRfc2822(order.dateModified),
    date_shipped: order.dateShipped === undefined ? '' : toRfc2822(order.dateShipped),
    status_id: order.statusId,
    status,
    custom_status: status,
    subtotal_ex_tax: formatMoney(totals.subtotalExTax),
    subtotal_inc_tax: formatMoney(totals.subtotalIncTax),
    subtotal_tax: formatMoney(totals.subtotalTax),
    base_shipping_cost: base(totals.shippingExTax, totals.shippingTax),
    shipping_cost_ex_tax: formatMoney(totals.shippingExTax),
    shipping_cost_inc_tax: formatMoney(totals.shippingIncTax),
    shipping_cost_tax: formatMoney(totals.shippingTax),
    shipping_cost_tax_class_id: 0,
    base_handling_cost: base(totals.handlingExTax, totals.handlingTax),
    handling_cost_ex_tax: formatMoney(totals.handlingExTax),
    handling_cost_inc_tax: formatMoney(totals.handlingIncTax),
    handling_cost_tax: formatMoney(totals.handlingTax),
    handling_cost_tax_class_id: 0,
    base_wrapping_cost: base(totals.wrappingExTax, totals.wrappingTax),
    wrapping_cost_ex_tax: formatMoney(totals.wrappingExTax),
    wrapping_cost_inc_tax: formatMoney(totals.wrappingIncTax),
    wrapping_cost_tax: formatMoney(totals.wrappingTax),
    wrapping_cost_tax_class_id: 0,
    total_ex_tax: formatMoney(totals.totalExTax),
    total_inc_tax: formatMoney(totals.totalIncTax),
    total_tax: formatMoney(totals.totalTax),
    is_tax_inclusive_pricing: order.isTaxInclusivePricing,
    items_total: totals.itemsTotal,
    items_shipped: order.lines.reduce((total, line) => total + (line.quantityShipped ?? 0), 0),
    payment_method: order.paymentMethod,
    payment_provider_id: '',
    payment_status: paymentStatusOf(order),
    refunded_amount: formatMoney(0),
    order_is_digital: order.shipping.length === 0,
    store_credit_amount: formatMoney(order.storeCreditAmount),
    gift_certificate_amount: formatMoney(order.giftCertificateAmount),
    ip_address: '',
    ip_address_v6: '',
    geoip_country: '',
    geoip_country_iso2: '',
    // Multi-currency: currency_code is only what the storefront displayed; money is in default_currency_code, the
    // transactional currency the shopper pays in (orders.v2.oas2.yml L13-41, L4361-4388).
    currency_id: currencyId(order.displayCurrencyCode),
    currency_code: order.displayCurrencyCode,
    currency_exchange_rate: '1.0000000000',
    default_currency_id: currencyId(order.currencyCode),
    default_currency_code: order.currencyCode,
    store_default_currency_code: order.storeDefaultCurrencyCode,
    store_default_to_transactional_exchange_rate: order.exchangeRate,
    staff_notes: order.staffNotes,
    customer_message: order.customerMessage,
    discount_amount: formatMoney(order.discountAmount),
    coupon_discount: formatMoney(order.couponDiscount),
    shipping_address_count: order.shipping.length,
    is_deleted: false,
    ebay_order_id: '0',
    cart_id: cartId(order.id),
    billing_address: {
      first_name: order.billing.firstName,
      last_name: order.billing.lastName,
      company: order.billing.company,
      street_1: order.billing.street1,
      street_2: order.billing.street2,
      city: order.billing.city,
      state: order.billing.state,
      zip: order.billing.zip,
      country: order.billing.country,
      country_iso2: order.billing.countryIso2,
      phone: order.billing.phone,
      email: order.billing.email,
      form_fields: [],
    },
    is_email_opt_in: false,
    credit_card_type: null,
    order_source: 'www',
    channel_id: 1,
    external_source: null,
    external_id: null,
    external_merchant_id: null,
    external_order_id: '',
    tax_provider_id: 'BasicTaxProvider',
    customer_locale: 'en',
    products: resource(apiBase, `/orders/${order.id}/products`),
    shipping_addresses: resource(apiBase, `/orders/${order.id}/shippingaddresses`),
    coupons: resource(apiBase, `/orders/${order.id}/coupons`),
  };
  if (includes.consignments !== 'none') {
    const consignments = renderConsignments(order, apiBase, includes.consignments === 'line_items');
    view.consignments = includes.objectStructure ? consignments : [consignments];
  }
  // Without include=fees the order links to them, like products (orders.v2.oas2.yml L4438-4443).
  view.fees = includes.fees ? renderFees(order) : resource(apiBase, `/orders/${order.id}/fees`);
  return view;
}

/** Order fees as `include=fees` and GET /orders/{id}/fees serve them (orders.v2.oas2.yml L5693-5747). */
export function renderFees(order: StoredOrder): V2Fee[] {
  return order.fees.map((fee) => ({
    id: fee.id,
    type: 'custom_fee',
    display_name_customer: fee.name,
    display_name_merchant: fee.name,
    source: 'v2',
    base_cost: formatMoney(order.isTaxInclusivePricing ? fee.costExTax + fee.costTax : fee.costExTax),
    cost_ex_tax: formatMoney(fee.costExTax),
    cost_inc_tax: formatMoney(fee.costExTax + fee.costTax),
    cost_tax: formatMoney(fee.costTax),
    tax_class_id: null,
  }));
}

/** The store's stable currency ids (1 is the store default in a single-currency store). */
function currencyId(code: string): number {
  const known = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY'];
  const index = known.indexOf(code);
  return index >= 0 ? index + 1 : 100 + [...code].reduce((sum, char) => sum + char.charCodeAt(0), 0);
}

/**
 * GET /orders/{id}/taxes: one row per taxed thing with details=true (line, shipping, handling, wrapping), else
 * one row per tax class (orders.v2.oas2.yml L713-740, L3357-3430). Rows with no tax are not listed.
 */
export function renderTaxes(order: StoredOrder, details: boolean): V2Tax[] {
  type Part = { className: string; amount: number; type: V2Tax['line_item_type']; lineId: number | null; addressId: number };
  const parts: Part[] = [
    ...order.lines.map((line): Part => ({ className: line.taxClass, amount: line.totalTax, type: 'item', lineId: line.id, addressId: line.addressId })),
    ...order.lines.map((line): Part => ({
      className: 'Gift Wrapping',
      amount: line.wrappingTax,
      type: 'gift-wrapping',
      lineId: line.id,
      addressId: line.addressId,
    })),
    ...order.shipping.map((address): Part => ({ className: 'Shipping', amount: address.costTax, type: 'shipping', lineId: null, addressId: address.id })),
    ...order.shipping.map((address): Part => ({ className: 'Handling', amount: address.handlingTax, type: 'handling', lineId: null, addressId: address.id })),
    { className: 'Handling', amount: order.handlingTax, type: 'handling' as const, lineId: null, addressId: 0 },
    ...order.fees.map((fee): Part => ({ className: 'Fees', amount: fee.costTax, type: 'item', lineId: null, addressId: 0 })),
  ].filter((part) => part.amount !== 0);
  const rows = details
    ? parts
    : [...Map.groupBy(parts, (part) => part.className)].map(([className, group]): Part => ({
        className,
        amount: group.reduce((total, part) => total + part.amount, 0),
        type: 'item',
        lineId: null,
        addressId: group[0]!.addressId,
      }));
  return rows.map((part, index) => ({
    id: index + 1,
    order_id: order.id,
    order_address_id: part.addressId,
    tax_rate_id: 1,
    sales_tax_id: 1,
    tax_class_id: index + 1,
    name: 'Sales Tax',
    class: part.className,
    rate: '0.0000',
    priority: 0,
    priority_amount: formatMoney(part.amount),
    line_amount: formatMoney(part.amount),
    order_pickup_method_id: 0,
    ...(details ? { order_product_id: part.lineId === null ? null : String(part.lineId), line_item_type: part.type } : {}),
  }));
}

/** A stable fake cart uuid per order, so snapshots are deterministic. */
function cartId(orderId: number): string {
  return `00000000-0000-4000-8000-${String(orderId).padStart(12, '0')}`;
}

export function renderLine(order: StoredOrder, line: StoredLine): V2OrderProduct {
  const totalIncTax = line.totalExTax + line.totalTax;
  const discounts: V2AppliedDiscount[] = [];
  if (line.manualDiscount > 0) {
    discounts.push({ id: 'manual-discount', amount: formatMoney(line.manualDiscount), name: 'Manual Discount', code: null, target: 'order' });
  }
  if (line.couponDiscount > 0 && order.coupon) {
    const { couponId, code } = order.coupon;
    discounts.push({ id: String(couponId), amount: formatMoney(line.couponDiscount), name: code, code, target: 'order' });
  }
  const inclusive = order.isTaxInclusivePricing;
  return {
    id: line.id,
    order_id: order.id,
    product_id: line.productId,
    variant_id: line.variantId,
    order_pickup_method_id: 0,
    order_address_id: line.addressId,
    name: line.name,
    name_customer: line.name,
    name_merchant: line.name,
    sku: line.sku,
    upc: '',
    type: line.type,
    base_price: formatMoney(inclusive ? line.priceExTax + line.priceTax : line.priceExTax),
    price_ex_tax: formatMoney(line.priceExTax),
    price_inc_tax: formatMoney(line.priceExTax + line.priceTax),
    price_tax: formatMoney(line.priceTax),
    base_total: formatMoney(inclusive ? totalIncTax : line.totalExTax),
    total_ex_tax: formatMoney(line.totalExTax),
    total_inc_tax: formatMoney(totalIncTax),
    total_tax: formatMoney(line.totalTax),
    weight: line.type === 'physical' ? '1.0000' : '0.0000',
    width: '0.0000',
    height: '0.0000',
    depth: '0.0000',
    quantity: line.quantity,
    base_cost_price: '0.0000',
    cost_price_inc_tax: '0.0000',
    cost_price_ex_tax: '0.0000',
    cost_price_tax: '0.0000',
    // Refunds through v3 payment actions count here; refund_amount "always returns 0" (L3124).
    is_refunded: line.quantityRefunded > 0,
    quantity_refunded: line.quantityRefunded,
    refund_amount: '0.0000',
    return_id: 0,
    wrapping_id: line.wrappingExTax > 0 ? 1 : 0,
    wrapping_name: line.wrappingName,
    base_wrapping_cost: formatMoney(inclusive ? line.wrappingExTax + line.wrappingTax : line.wrappingExTax),
    wrapping_cost_ex_tax: formatMoney(line.wrappingExTax),
    wrapping_cost_inc_tax: formatMoney(line.wrappingExTax + line.wrappingTax),
    wrapping_cost_tax: formatMoney(line.wrappingTax),
    wrapping_message: '',
    quantity_shipped: line.quantityShipped ?? 0,
    event_name: null,
    event_date: null,
    fixed_shipping_cost: '0.0000',
    ebay_item_id: '',
    ebay_transaction_id: '',
    option_set_id: null,
    parent_order_product_id: line.parentLineId,
    is_bundled_product: line.isBundled,
    bin_picking_number: '',
    external_id: null,
    brand: '',
    applied_discounts: discounts,
    product_options: line.productOptions.map((option) => ({
      id: option.id,
      option_id: option.optionId,
      order_product_id: line.id,
      product_option_id: option.productOptionId,
      display_name: option.displayName,
      display_name_customer: option.displayName,
      display_name_merchant: option.displayName,
      display_value: option.displayValue,
      display_value_customer: option.displayValue,
      display_value_merchant: option.displayValue,
      value: option.value,
      type: option.type,
      name: option.name,
      display_style: option.displayStyle,
    })),
    configurable_fields: [],
    gift_certificate_id: line.giftCertificateId,
    discounted_total_inc_tax: formatMoney(totalIncTax - line.manualDiscount - line.couponDiscount),
  };
}

export function renderShippingAddress(order: StoredOrder, address: StoredShippingAddress, apiBase: string): V2ShippingAddress {
  const inclusive = order.isTaxInclusivePricing;
  return {
    id: address.id,
    order_id: order.id,
    first_name: address.firstName,
    last_name: address.lastName,
    company: address.company,
    street_1: address.street1,
    street_2: address.street2,
    city: address.city,
    zip: address.zip,
    country: address.country,
    country_iso2: address.countryIso2,
    state: address.state,
    email: address.email,
    phone: address.phone,
    items_total: address.itemsTotal,
    items_shipped: shippedAt(order, address.id),
    shipping_method: address.shippingMethod,
    base_cost: formatMoney(inclusive ? address.costExTax + address.costTax : address.costExTax),
    cost_ex_tax: formatMoney(address.costExTax),
    cost_inc_tax: formatMoney(address.costExTax + address.costTax),
    cost_tax: formatMoney(address.costTax),
    cost_tax_class_id: 0,
    base_handling_cost: formatMoney(inclusive ? address.handlingExTax + address.handlingTax : address.handlingExTax),
    handling_cost_ex_tax: formatMoney(address.handlingExTax),
    handling_cost_inc_tax: formatMoney(address.handlingExTax + address.handlingTax),
    handling_cost_tax: formatMoney(address.handlingTax),
    handling_cost_tax_class_id: 0,
    shipping_zone_id: 1,
    shipping_zone_name: address.country,
    shipping_quotes: resource(apiBase, `/orders/${order.id}/shippingaddresses/${address.id}/shippingquotes`),
    form_fields: [],
  };
}

export function renderCoupons(order: StoredOrder): V2Coupon[] {
  if (!order.coupon) return [];
  const amount = moneyNumber(order.coupon.discount);
  return [{ id: order.coupon.id, coupon_id: order.coupon.couponId, order_id: order.id, code: order.coupon.code, amount, type: 2, discount: amount }];
}

export function renderConsignments(order: StoredOrder, apiBase: string, embedLines: boolean): V2Consignments {
  // Links by default; with consignments.line_items the full lines, cut at 50 with a warning beside them.
  const lineItems = (lines: StoredLine[]): Pick<V2ShippingConsignment, 'line_items' | '__warning__'> => {
    if (!embedLines) return { line_items: lines.map((line) => resource(apiBase, `/orders/${order.id}/products/${line.id}`)) };
    const embedded = lines.slice(0, CONSIGNMENT_LINE_ITEM_CAP).map((line) => renderLine(order, line));
    return lines.length > CONSIGNMENT_LINE_ITEM_CAP ? { line_items: embedded, __warning__: { message: CONSIGNMENT_WARNING } } : { line_items: embedded };
  };
  const shipping = order.shipping.map((address): V2ShippingConsignment => {
    const lines = order.lines.filter((line) => line.addressId === address.id);
    return {
      id: address.id,
      first_name: address.firstName,
      last_name: address.lastName,
      company: address.company,
      street_1: address.street1,
      street_2: address.street2,
      city: address.city,
      state: address.state,
      zip: address.zip,
      country: address.country,
      country_iso2: address.countryIso2,
      phone: address.phone,
      email: address.email,
      form_fields: [],
      shipping_method: address.shippingMethod,
      ...lineItems(lines),
      items_total: address.itemsTotal,
      items_shipped: shippedAt(order, address.id),
      base_cost: moneyNumber(order.isTaxInclusivePricing ? address.costExTax + address.costTax : address.costExTax),
      cost_ex_tax: moneyNumber(address.costExTax),
      cost_inc_tax: moneyNumber(address.costExTax + address.costTax),
      cost_tax: moneyNumber(address.costTax),
      cost_tax_class_id: 0,
      base_handling_cost: moneyNumber(order.isTaxInclusivePricing ? address.handlingExTax + address.handlingTax : address.handlingExTax),
      handling_cost_ex_tax: moneyNumber(address.handlingExTax),
      handling_cost_inc_tax: moneyNumber(address.handlingExTax + address.handlingTax),
      handling_cost_tax: moneyNumber(address.handlingTax),
      handling_cost_tax_class_id: 0,
      shipping_zone_id: 1,
      shipping_zone_name: address.country,
      shipping_quotes: resource(apiBase, `/orders/${order.id}/consignments/shipping/${address.id}/shipping_quotes`),
    };
  });
  // Digital lines are downloaded, gift certificates e-mailed (orders.v2.oas2.yml L5383-5416).
  const digitalLines = order.lines.filter((line) => line.type === 'digital');
  const giftCertificates = order.lines.filter((line) => line.type === 'giftcertificate');
  const downloads = digitalLines.length > 0 ? [{ recipient_email: order.billing.email, ...lineItems(digitalLines) }] : [];
  const email = { gift_certificates: giftCertificates.length > 0 ? [{ recipient_email: order.billing.email, ...lineItems(giftCertificates) }] : [] };
  return { pickups: [], shipping, downloads, email };
}
