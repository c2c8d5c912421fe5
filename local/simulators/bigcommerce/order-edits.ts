/**
 * Order edits as `PUT /v2/orders/{id}` makes them (orders.v2.oas2.yml L92-113, `order_Put` L4704-4918): `products`
 * with an `id` update that line (PATCH-like), without one add a line, `quantity: 0` removes it; the PUT "clears all
 * discounts and promotions applied to the changed order line items"; `shipping_addresses` (by id), `billing_address`,
 * order-level `shipping_cost_ex_tax`/`_inc_tax`, `status_id`, notes. The edit is validated whole before anything
 * changes, so a refused PUT leaves the order as it was. The PUT route and the simulator's `editOrder` helper both
 * come through here.
 */
import { countryName } from './country-names.ts';
import { parseMoney, type Units } from './money.ts';
import type { StoredAddress, StoredLine, StoredOrder } from './order-record.ts';
import { statusById } from './order-statuses.ts';

/** What a new line needs from the store: ids from its sequences (the same ones seeding uses). */
export interface EditIds {
  nextLineId(): number;
  productIdFor(sku: string): number;
  variantIdFor(sku: string): number;
}

// Fields the order response carries but a PUT may not set; the real API names the first one it finds.
const READ_ONLY_ORDER_FIELDS = new Set([
  'id',
  'date_modified',
  'date_shipped',
  'cart_id',
  'status',
  'custom_status',
  'subtotal_tax',
  'shipping_cost_tax',
  'shipping_cost_tax_class_id',
  'handling_cost_tax',
  'handling_cost_tax_class_id',
  'wrapping_cost_tax',
  'wrapping_cost_tax_class_id',
  'payment_status',
  'store_credit_amount',
  'gift_certificate_amount',
  'currency_id',
  'currency_code',
  'currency_exchange_rate',
  'default_currency_id',
  'coupon_discount',
  'shipping_address_count',
  'total_tax',
  'is_email_opt_in',
  'items_total',
  'item_total',
  'items_shipped',
  'refunded_amount',
  'external_id',
  'tax_provider_id',
  'store_default_currency_code',
  'store_default_to_transactional_exchange_rate',
]);
const WRITABLE_ORDER_FIELDS = new Set([
  'status_id',
  'staff_notes',
  'customer_message',
  'products',
  'shipping_addresses',
  'billing_address',
  'shipping_cost_ex_tax',
  'shipping_cost_inc_tax',
]);
const LINE_FIELDS = new Set(['id', 'product_id', 'variant_id', 'quantity', 'price_ex_tax', 'price_inc_tax', 'name', 'name_customer', 'name_merchant', 'sku']);
// shippingAddress_Base / billingAddress_Base (L4189-4274) in request names → the stored names.
const ADDRESS_FIELDS: Record<string, keyof StoredAddress> = {
  first_name: 'firstName',
  last_name: 'lastName',
  company: 'company',
  street_1: 'street1',
  street_2: 'street2',
  city: 'city',
  state: 'state',
  zip: 'zip',
  country: 'country',
  country_iso2: 'countryIso2',
  phone: 'phone',
  email: 'email',
};

export class EditError extends Error {}

const fail = (message: string): never => {
  throw new EditError(message);
};
const invalid = (name: string, why: string): never => fail(`The field '${name}' is invalid: ${why}.`);
const unsupported = (name: string): never => fail(`The field '${name}' is not supported by the simulator.`);

/** "(Float, Float-As-String, Integer)", never negative (order_Put field descriptions). */
function money(value: unknown, name: string): Units {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string') return invalid(name, 'expected a number');
  try {
    return parseMoney(text, name);
  } catch {
    return invalid(name, "expected a non-negative amount (the value can't be negative)");
  }
}

function object(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(name, 'expected an object');
  return value as Record<string, unknown>;
}

function string(value: unknown, name: string): string {
  return typeof value === 'string' ? value : invalid(name, 'expected a string');
}

/**
 * Applies `fields` (a PUT body) to `order`, or throws EditError with the message the 400 carries; on a throw the
 * order is untouched. The caller records the modification (any accepted PUT is one).
 */
export function applyOrderEdit(order: StoredOrder, fields: Record<string, unknown>, ids: EditIds): void {
  for (const name of Object.keys(fields)) {
    if (READ_ONLY_ORDER_FIELDS.has(name)) fail(`The field '${name}' cannot be written to. Please remove it from your request before trying again.`);
    // Loud rather than silently ignored: a test relying on it would otherwise pass for the wrong reason.
    if (!WRITABLE_ORDER_FIELDS.has(name)) unsupported(name);
  }
  // Work on a copy: any refusal below leaves the stored order as it was.
  const draft = structuredClone(order);
  const { status_id: statusId, staff_notes: staffNotes, customer_message: customerMessage } = fields;
  if (statusId !== undefined) {
    if (typeof statusId !== 'number' || !statusById(statusId)) invalid('status_id', `no order status has id ${JSON.stringify(statusId)}`);
    draft.statusId = statusId as number;
  }
  if (staffNotes !== undefined) draft.staffNotes = string(staffNotes, 'staff_notes');
  if (customerMessage !== undefined) draft.customerMessage = string(customerMessage, 'customer_message');
  if (fields.billing_address !== undefined) editAddress(draft.billing, object(fields.billing_address, 'billing_address'), 'billing_address');
  if (fields.shipping_addresses !== undefined) editShippingAddresses(draft, fields.shipping_addresses);
  if (fields.shipping_cost_ex_tax !== undefined || fields.shipping_cost_inc_tax !== undefined) editShippingCost(draft, fields);
  if (fields.products !== undefined) editProducts(draft, fields.products, ids);
  Object.assign(order, draft);
}

function editAddress(address: StoredAddress, input: Record<string, unknown>, where: string): void {
  for (const [name, value] of Object.entries(input)) {
    const key = ADDRESS_FIELDS[name];
    if (!key) {
      if (name === 'id' || name === 'shipping_method' || name === 'form_fields') continue;
      unsupported(`${where}.${name}`);
    }
    address[key as keyof StoredAddress] = string(value, `${where}.${name}`);
  }
  // A new ISO code without a country name takes the known name, like the control panel's country picker.
  if (input.country_iso2 !== undefined) {
    address.countryIso2 = address.countryIso2.toUpperCase();
    if (input.country === undefined) address.country = countryName(address.countryIso2) ?? invalid(`${where}.country`, 'give the country name too');
  }
}

/** `shipping_addresses: [{id, …fields, shipping_method}]`: edits the addresses by id (adding one is unsupported). */
function editShippingAddresses(order: StoredOrder, value: unknown): void {
  if (!Array.isArray(value)) invalid('shipping_addresses', 'expected an array');
  (value as unknown[]).forEach((item, index) => {
    const where = `shipping_addresses[${index}]`;
    const input = object(item, where);
    if (typeof input.id !== 'number') unsupported(`${where} without id (adding a shipping address)`);
    const address =
      order.shipping.find((candidate) => candidate.id === input.id) ?? invalid(`${where}.id`, `order ${order.id} has no shipping address ${String(input.id)}`);
    editAddress(address, input, where);
    if (input.shipping_method !== undefined) address.shippingMethod = string(input.shipping_method, `${where}.shipping_method`);
  });
}

/**
 * Order-level `shipping_cost_ex_tax`/`_inc_tax` (order_Put): the tax is their difference. Both are required here
 * (the spec pairs them only for subtotal/total overrides: UNCONFIRMED for shipping), and only on one-address orders,
 * since the spec does not say how an order-level cost spreads over several addresses.
 */
function editShippingCost(order: StoredOrder, fields: Record<string, unknown>): void {
  if (fields.shipping_cost_ex_tax === undefined || fields.shipping_cost_inc_tax === undefined)
    fail("The fields 'shipping_cost_ex_tax' and 'shipping_cost_inc_tax' must be given together (simulator).");
  const exTax = money(fields.shipping_cost_ex_tax, 'shipping_cost_ex_tax');
  const incTax = money(fields.shipping_cost_inc_tax, 'shipping_cost_inc_tax');
  if (incTax < exTax) invalid('shipping_cost_inc_tax', 'less than shipping_cost_ex_tax');
  const [address, ...others] = order.shipping;
  if (!address) return invalid('shipping_cost_ex_tax', 'a digital order has no shipping address to charge');
  if (others.length > 0) unsupported('shipping_cost_ex_tax on an order with several shipping addresses');
  address.costExTax = exTax;
  address.costTax = incTax - exTax;
}

function editProducts(order: StoredOrder, value: unknown, ids: EditIds): void {
  if (!Array.isArray(value)) invalid('products', 'expected an array');
  (value as unknown[]).forEach((item, index) => {
    const where = `products[${index}]`;
    const input = object(item, where);
    for (const name of Object.keys(input)) if (!LINE_FIELDS.has(name)) unsupported(`${where}.${name}`);
    if (input.id === undefined) addLine(order, input, where, ids);
    else updateLine(order, input, where);
  });
  if (order.lines.length === 0) fail('An order must have at least one product (simulator; the real message is UNCONFIRMED).');
  for (const address of order.shipping) {
    address.itemsTotal = order.lines.filter((line) => line.addressId === address.id).reduce((sum, line) => sum + line.quantity, 0);
  }
}

function quantity(value: unknown, where: string, allowZero: boolean): number {
  const min = allowZero ? 0 : 1;
  return typeof value === 'number' && Number.isInteger(value) && value >= min ? value : invalid(`${where}.quantity`, `expected an integer >= ${min}`);
}

/** Unit price ex tax and its tax from price_ex_tax/price_inc_tax, which come as a pair (orderCustomProduct_Put requires both). */
function prices(input: Record<string, unknown>, where: string): { exTax: Units; tax: Units } | undefined {
  if (input.price_ex_tax === undefined && input.price_inc_tax === undefined) return undefined;
  if (input.price_ex_tax === undefined || input.price_inc_tax === undefined)
    fail(`${where}: price_ex_tax and price_inc_tax must be given together (simulator).`);
  const exTax = money(input.price_ex_tax, `${where}.price_ex_tax`);
  const incTax = money(input.price_inc_tax, `${where}.price_inc_tax`);
  if (incTax < exTax) invalid(`${where}.price_inc_tax`, 'less than price_ex_tax');
  return { exTax, tax: incTax - exTax };
}

function lineName(input: Record<string, unknown>, where: string): string | undefined {
  const { name, name_customer: customer, name_merchant: merchant } = input;
  for (const [key, value] of [
    ['name', name],
    ['name_customer', customer],
    ['name_merchant', merchant],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) invalid(`${where}.${key}`, 'empty strings and null are invalid');
  }
  // "If both fields name and name_customer are present, they must have the same value" (L4448-4460).
  if (name !== undefined && customer !== undefined && name !== customer) invalid(`${where}.name_customer`, 'must equal name');
  return (name ?? customer ?? merchant) as string | undefined;
}

/** Takes the line's share of the order's discounts off the order: the PUT clears discounts on changed lines. */
function clearDiscounts(order: StoredOrder, line: StoredLine): void {
  order.discountAmount -= line.manualDiscount;
  order.couponDiscount -= line.couponDiscount;
  if (order.coupon) {
    order.coupon.discount -= line.couponDiscount;
    if (order.coupon.discount <= 0) order.coupon = undefined;
  }
  line.manualDiscount = 0;
  line.couponDiscount = 0;
}

function updateLine(order: StoredOrder, input: Record<string, unknown>, where: string): void {
  const line =
    order.lines.find((candidate) => candidate.id === input.id) ?? invalid(`${where}.id`, `order ${order.id} has no product line ${String(input.id)}`);
  if (input.product_id !== undefined || input.variant_id !== undefined) unsupported(`${where}.product_id (swapping a line's product)`);
  clearDiscounts(order, line);
  if (input.quantity === 0) {
    if (line.quantityRefunded > 0) invalid(`${where}.quantity`, `${line.quantityRefunded} of this line are already refunded`);
    // "To remove a product from an order, set that product's quantity to 0"; its pick-list children go with it.
    for (const gone of order.lines.filter((candidate) => candidate.id === line.id || candidate.parentLineId === line.id)) clearDiscounts(order, gone);
    order.lines = order.lines.filter((candidate) => candidate.id !== line.id && candidate.parentLineId !== line.id);
    return;
  }
  const name = lineName(input, where);
  if (name !== undefined) line.name = name;
  if (input.sku !== undefined) line.sku = string(input.sku, `${where}.sku`);
  const price = prices(input, where);
  if (price) {
    if (line.isBundled) fail(`${where}: a bundled pick-list line carries no price of its own (simulator).`);
    line.priceExTax = price.exTax;
    line.priceTax = price.tax;
  }
  if (input.quantity !== undefined) line.quantity = quantity(input.quantity, where, true);
  if (line.quantity < line.quantityRefunded) invalid(`${where}.quantity`, `${line.quantityRefunded} of this line are already refunded`);
  // An edited line is taxed unit tax × quantity (the store's own rounding of an edit is UNCONFIRMED).
  line.totalExTax = line.priceExTax * line.quantity;
  line.totalTax = line.priceTax * line.quantity;
}

function addLine(order: StoredOrder, input: Record<string, unknown>, where: string, ids: EditIds): void {
  const count = quantity(input.quantity, where, false);
  const name = lineName(input, where);
  const sku = input.sku === undefined ? '' : string(input.sku, `${where}.sku`);
  const productId =
    input.product_id === undefined
      ? undefined
      : typeof input.product_id === 'number'
        ? input.product_id
        : invalid(`${where}.product_id`, 'expected an integer');
  // A custom product needs a name (orderCustomProduct_Put "required: name, quantity, price_ex_tax, price_inc_tax"); the
  // simulator has no catalog, so a catalog product must bring its name and prices too.
  if (name === undefined) fail(`${where}: a new product needs a name (the simulator has no catalog to default it from).`);
  const price = prices(input, where) ?? fail(`${where}: a new product needs price_ex_tax and price_inc_tax (the simulator has no catalog).`);
  const address = order.shipping[0];
  order.lines.push({
    id: ids.nextLineId(),
    productId: productId ?? (sku === '' ? 0 : ids.productIdFor(sku)),
    variantId: typeof input.variant_id === 'number' ? input.variant_id : sku === '' ? 0 : ids.variantIdFor(sku),
    sku,
    name: name as string,
    quantity: count,
    addressId: address?.id ?? 0,
    type: address ? 'physical' : 'digital',
    giftCertificateId: null,
    wrappingExTax: 0,
    wrappingTax: 0,
    wrappingName: '',
    taxClass: 'Default Tax Class',
    priceExTax: price.exTax,
    priceTax: price.tax,
    totalExTax: price.exTax * count,
    totalTax: price.tax * count,
    parentLineId: null,
    isBundled: false,
    productOptions: [],
    manualDiscount: 0,
    couponDiscount: 0,
    quantityRefunded: 0,
  });
}
