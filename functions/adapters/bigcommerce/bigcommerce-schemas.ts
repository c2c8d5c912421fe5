/**
 * Wire shapes of the BigCommerce responses we read, checked with zod so a surprise in the API becomes a
 * clear error instead of an undefined deep inside the sync. Only the fields we use are declared; the rest
 * pass through untouched.
 */
import * as z from 'zod';
import { parseMoney, zeroMoney } from '../../core/money.ts';

/** v2 sends money as decimal strings ("62.6793"); some nested objects use numbers. Both become Money. */
const money = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    return parseMoney(value);
  } catch {
    ctx.issues.push({ code: 'custom', message: `not a decimal amount: ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  }
});

const text = z
  .string()
  .nullish()
  .transform((value) => value ?? '');

/** RFC 2822 in v2 ("Tue, 05 Mar 2019 21:40:11 +0000"), ISO 8601 in v3. */
const instant = z.string().transform((value, ctx) => {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.issues.push({ code: 'custom', message: `not a date: ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  }
  return date;
});

const address = z.looseObject({
  first_name: text,
  last_name: text,
  company: text,
  street_1: text,
  street_2: text,
  city: text,
  state: text,
  zip: text,
  country_iso2: text,
  phone: text,
  email: text,
});
export type WireAddress = z.infer<typeof address>;

/** A shipping consignment (`include=consignments&consignment_structure=object`); its costs are JSON numbers. */
const shippingConsignment = address.extend({
  id: z.number().int(),
  shipping_method: text,
  cost_ex_tax: money.default(zeroMoney),
  cost_inc_tax: money.default(zeroMoney),
  handling_cost_ex_tax: money.default(zeroMoney),
  handling_cost_inc_tax: money.default(zeroMoney),
});
export type WireConsignment = z.infer<typeof shippingConsignment>;

/** An order fee (`include=fees`). The spec's examples also spell the ex-tax cost `cost_exc_tax`; both are read. */
const fee = z
  .looseObject({
    id: z.number().int(),
    display_name_customer: text,
    display_name_merchant: text,
    cost_ex_tax: money.optional(),
    cost_exc_tax: money.optional(),
    cost_inc_tax: money,
    cost_tax: money.default(zeroMoney),
  })
  .transform((value, ctx) => {
    const costExTax = value.cost_ex_tax ?? value.cost_exc_tax;
    if (costExTax === undefined) {
      ctx.issues.push({ code: 'custom', message: `fee ${value.id} has no cost_ex_tax`, input: value });
      return z.NEVER;
    }
    return { ...value, cost_ex_tax: costExTax };
  });
export type WireFee = z.infer<typeof fee>;

export const orderSchema = z.looseObject({
  id: z.number().int(),
  customer_id: z.number().int(),
  status_id: z.number().int(),
  /** e.g. 'captured', 'partially refunded', 'refunded' (orders.v2.oas2.yml L4337-4352). */
  payment_status: text,
  date_created: instant,
  date_modified: instant,
  currency_code: text,
  /** The transactional currency (what the shopper paid in); `currency_code` is only the display currency. */
  default_currency_code: text,
  is_tax_inclusive_pricing: z.boolean().default(false),
  billing_address: address,
  subtotal_ex_tax: money,
  subtotal_inc_tax: money,
  shipping_cost_ex_tax: money,
  shipping_cost_inc_tax: money,
  handling_cost_ex_tax: money.default(zeroMoney),
  handling_cost_inc_tax: money.default(zeroMoney),
  wrapping_cost_ex_tax: money.default(zeroMoney),
  wrapping_cost_inc_tax: money.default(zeroMoney),
  discount_amount: money,
  coupon_discount: money,
  total_ex_tax: money,
  total_inc_tax: money,
  total_tax: money,
  gift_certificate_amount: money.default(zeroMoney),
  store_credit_amount: money.default(zeroMoney),
  customer_message: text,
  consignments: z.looseObject({ shipping: z.array(shippingConsignment).default([]) }).optional(),
  // Without include=fees this is a {url, resource} link; with it, the array.
  fees: z.union([z.array(fee), z.looseObject({ url: z.string() })]).optional(),
});
export type WireOrder = z.infer<typeof orderSchema>;

export const orderListSchema = z.array(z.looseObject({ id: z.number().int(), status_id: z.number().int(), date_modified: instant }));

export const lineSchema = z.looseObject({
  id: z.number().int(),
  sku: text,
  name: text,
  type: z.enum(['physical', 'digital', 'giftcertificate']).default('physical'),
  quantity: z.number(),
  price_ex_tax: money,
  price_inc_tax: money,
  total_ex_tax: money,
  total_inc_tax: money,
  wrapping_cost_ex_tax: money.default(zeroMoney),
  wrapping_cost_inc_tax: money.default(zeroMoney),
  wrapping_name: text,
  order_address_id: z.number().int().nullish(),
  parent_order_product_id: z.number().int().nullish(),
});
export const lineListSchema = z.array(lineSchema);

/** A line as shipping reads it: what shipped so far and whether it is picked up (orders.v2.oas2.yml L2981-3272). */
export const shippableLineSchema = z.looseObject({
  id: z.number().int(),
  sku: text,
  type: z.enum(['physical', 'digital', 'giftcertificate']).default('physical'),
  quantity: z.number(),
  quantity_shipped: z.number().default(0),
  order_address_id: z.number().int().nullish(),
  order_pickup_method_id: z.number().int().nullish(),
});
export const shippableLineListSchema = z.array(shippableLineSchema);

/** An order shipment (orderShipment, orders.v2.oas2.yml L3431-3514); only what the fulfilment flow reads. */
export const shipmentSchema = z.looseObject({
  id: z.number().int(),
  order_address_id: z.number().int(),
  tracking_number: text,
  comments: text,
  items: z.array(z.looseObject({ order_product_id: z.number().int(), quantity: z.number() })).default([]),
});
export const shipmentListSchema = z.array(shipmentSchema);
export type WireShipment = z.infer<typeof shipmentSchema>;
export type WireLine = z.infer<typeof lineSchema>;

/** A row of GET /v2/orders/{id}/taxes: the tax of one class (and rate), `line_amount` being the tax itself. */
export const taxSchema = z.looseObject({ name: text, class: text, line_amount: money });
export const taxListSchema = z.array(taxSchema);
export type WireTax = z.infer<typeof taxSchema>;

export const metafieldSchema = z.looseObject({
  id: z.number().int(),
  namespace: z.string(),
  key: z.string(),
  value: z.string(),
});
export const metafieldEnvelope = z.looseObject({ data: metafieldSchema });
export const metafieldListEnvelope = z.looseObject({ data: z.array(metafieldSchema) });

/** A v3 webhook (`/v3/hooks`): times are unix seconds, and headers come back as registered (or null). */
export const hookSchema = z.looseObject({
  id: z.number().int(),
  scope: z.string(),
  destination: z.string(),
  is_active: z.boolean(),
  headers: z.record(z.string(), z.string()).nullish(),
});
export type WireHook = z.infer<typeof hookSchema>;
export const hookEnvelope = z.looseObject({ data: hookSchema });
export const hookListEnvelope = z.looseObject({
  data: z.array(hookSchema),
  meta: z.looseObject({ pagination: z.looseObject({ current_page: z.number().int(), total_pages: z.number().int() }).optional() }).optional(),
});

/** v2 errors: `[{status, message, details?}]`. */
export const v2ErrorSchema = z.array(z.looseObject({ status: z.number().optional(), message: z.string() }));
/** v3 errors: `{status, title, type, errors?, detail?}`, sometimes wrapped in `data`. */
export const v3ErrorSchema = z.looseObject({
  title: z.string().optional(),
  detail: z.string().optional(),
  errors: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
});

/** v3 money (`Amount`): a number with two decimals (orders.v3.yml L2980-2986), kept exact via its decimal text. */
const amount = z.number().transform((value, ctx) => {
  try {
    return parseMoney(String(value));
  } catch {
    ctx.issues.push({ code: 'custom', message: `not an amount: ${value}`, input: value });
    return z.NEVER;
  }
});

/** A v3 refund (orders.v3.yml L2842-2943: Refund, RefundItem, RefundPayment). */
export const refundSchema = z.looseObject({
  id: z.number().int(),
  order_id: z.number().int(),
  created: instant,
  reason: text,
  total_amount: amount,
  total_tax: amount.nullish().transform((value) => value ?? zeroMoney),
  items: z
    .array(
      z.looseObject({
        item_type: z.enum(['PRODUCT', 'GIFT_WRAPPING', 'SHIPPING', 'HANDLING', 'ORDER', 'FEE']),
        item_id: z.number().int(),
        quantity: z.number().int().nullish(),
        requested_amount: amount.nullish(),
      }),
    )
    .nullish()
    .transform((value) => value ?? []),
  payments: z.array(
    z.looseObject({
      provider_id: text,
      amount,
      offline: z.boolean().nullish(),
      is_declined: z.boolean().nullish(),
    }),
  ),
});
export type WireRefund = z.infer<typeof refundSchema>;

const v3Pagination = z
  .looseObject({ pagination: z.looseObject({ current_page: z.number().int().optional(), total_pages: z.number().int().optional() }).optional() })
  .optional();
export const refundListEnvelope = z.looseObject({ data: z.array(refundSchema), meta: v3Pagination });

/** A v3 transaction (orders.v3.yml L1604-1718): `order_id` is a string here, unlike a refund's. */
export const transactionSchema = z.looseObject({
  id: z.number().int(),
  order_id: z.union([z.string(), z.number()]).transform(Number),
  event: z.enum(['purchase', 'authorization', 'capture', 'refund', 'void', 'pending', 'settled']),
  method: text,
  amount,
  currency: z.string(),
  gateway: text,
  date_created: instant,
  test: z.boolean().nullish(),
  status: text,
});
export type WireTransaction = z.infer<typeof transactionSchema>;
export const transactionListEnvelope = z.looseObject({ data: z.array(transactionSchema), meta: v3Pagination });
