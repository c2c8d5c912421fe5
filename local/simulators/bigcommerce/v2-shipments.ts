/**
 * Order shipments (v2): `GET/POST /orders/{id}/shipments`, `GET …/shipments/count`, `GET/PUT …/shipments/{id}`
 * (orders.v2.oas2.yml L741-876; schemas orderShipment, orderShipment_Post, orderShipment_Put L3431-3514, L3854-3953).
 * A shipment moves its lines' `quantity_shipped`, the order's `items_shipped` and, once everything physical has
 * shipped, `date_shipped`; it is a modification of the order (store/order/updated) and fires store/shipment/created
 * `{type:"shipment", id, orderId}` (webhooks.v3.yml L2169-2300, integer orderId per bigcommerce/dev-docs#371).
 * Each create sends the shopper a shipping e-mail ("Creating order shipments triggers email notifications",
 * lifecycle.md §5.2), counted here so tests can assert "exactly one e-mail".
 *
 * Unkind on purpose where the sources are silent (lifecycle.md §10 items 2 and 3): the order status does NOT move
 * to Shipped / Partially Shipped by itself unless the `shipmentsSetStatus` option says so; over-quantity, digital
 * and other-address lines are refused with 400 and texts of our own (UNCONFIRMED codes and texts).
 */
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { NOT_FOUND_MESSAGE, v2Error } from './api-errors.ts';
import { toRfc2822 } from './dates.ts';
import type { StoredLine, StoredOrder } from './order-record.ts';
import type { StoreEvent, StoreState } from './store-state.ts';
import { pageOf, parsePaging } from './v2-query.ts';
import { renderOrder, renderShippingAddress } from './v2-views.ts';

export interface StoredShipment {
  id: number;
  orderId: number;
  orderAddressId: number;
  dateCreated: number;
  trackingNumber: string;
  trackingLink: string;
  trackingCarrier: string;
  shippingProvider: string;
  shippingMethod: string;
  merchantShippingCost: string;
  comments: string;
  items: Array<{ orderProductId: number; productId: number; quantity: number }>;
}

/** The `shipping_provider` values the spec lists (L2886-2907, L774-786), plus `carrier_{id}` for third parties. */
const SHIPPING_PROVIDERS = new Set(['', 'auspost', 'canadapost', 'endicia', 'usps', 'fedex', 'ups', 'upsready', 'upsonline', 'shipperhq', 'royalmail']);
const PROVIDER_NAMES: Record<string, string> = {
  auspost: 'Australia Post',
  canadapost: 'Canada Post',
  endicia: 'Endicia',
  usps: 'USPS',
  fedex: 'FedEx',
  ups: 'UPS',
  upsready: 'UPS',
  upsonline: 'UPS',
  shipperhq: 'ShipperHQ',
  royalmail: 'Royal Mail',
};
const POST_FIELDS = new Set([
  'order_address_id',
  'items',
  'tracking_number',
  'tracking_link',
  'tracking_carrier',
  'shipping_provider',
  'shipping_method',
  'merchant_shipping_cost',
  'comments',
]);
const STRING_LIMITS: Record<string, number> = { tracking_number: 50, tracking_link: 500, comments: 65535 };
const READ_ONLY_SHIPMENT_FIELDS = new Set([
  'id',
  'order_id',
  'customer_id',
  'date_created',
  'billing_address',
  'shipping_address',
  'shipping_provider_display_name',
  'generated_tracking_link',
]);

export interface ShipmentOptions {
  /** Move the order to Shipped (2) / Partially Shipped (3) after each create. Default false (UNCONFIRMED, lifecycle.md §5.2). */
  setsStatus: boolean;
}

export class ShipmentBook {
  private readonly byId = new Map<number, StoredShipment>();
  private readonly emails: Array<{ orderId: number; shipmentId: number; at: number }> = [];
  private nextId = 1;
  private readonly state: StoreState;
  private readonly clock: () => number;
  private readonly emit: (event: StoreEvent) => void;
  private readonly options: ShipmentOptions;

  constructor(state: StoreState, clock: () => number, emit: (event: StoreEvent) => void, options: ShipmentOptions) {
    this.state = state;
    this.clock = clock;
    this.emit = emit;
    this.options = options;
  }

  of(orderId: number): StoredShipment[] {
    return [...this.byId.values()].filter((shipment) => shipment.orderId === orderId).sort((a, b) => a.id - b.id);
  }

  /** Shipping e-mails sent to the shopper of `orderId` (one per shipment created). */
  emailsFor(orderId: number): number {
    return this.emails.filter((email) => email.orderId === orderId).length;
  }

  /** Routes `sub` (the path after /orders/{id}), which starts with /shipments. */
  handle(req: SimRequest, order: StoredOrder, sub: string, apiBase: string): SimResponse {
    const { method } = req;
    if (sub === '/shipments') {
      if (method === 'GET') {
        const paging = parsePaging(req.query);
        if ('error' in paging) return paging.error;
        const page = pageOf(this.of(order.id), paging.ok);
        return page.length === 0 ? { status: 204 } : { status: 200, body: page.map((shipment) => this.render(order, shipment, apiBase)) };
      }
      if (method === 'POST') return this.create(order, req.body, apiBase);
      return notSupported();
    }
    if (sub === '/shipments/count') return method === 'GET' ? { status: 200, body: { count: this.of(order.id).length } } : notSupported();
    const one = /^\/shipments\/(\d+)$/.exec(sub);
    if (!one) return v2Error(404, NOT_FOUND_MESSAGE);
    const shipment = this.byId.get(Number(one[1]));
    if (!shipment || shipment.orderId !== order.id) return v2Error(404, NOT_FOUND_MESSAGE);
    if (method === 'GET') return { status: 200, body: this.render(order, shipment, apiBase) };
    if (method === 'PUT') return this.update(order, shipment, req.body, apiBase);
    return notSupported();
  }

  private create(order: StoredOrder, body: string, apiBase: string): SimResponse {
    const parsed = jsonObject(body);
    if ('error' in parsed) return parsed.error;
    const fields = parsed.ok;
    for (const name of Object.keys(fields)) {
      if (READ_ONLY_SHIPMENT_FIELDS.has(name)) return readOnly(name);
      if (!POST_FIELDS.has(name)) return v2Error(400, `The field '${name}' is not supported by the simulator.`);
    }
    const common = checkCommonFields(order, fields);
    if (common) return common;
    if (fields.order_address_id === undefined) return v2Error(400, "The field 'order_address_id' is required.");
    if (!Array.isArray(fields.items) || fields.items.length === 0) return v2Error(400, "The field 'items' is required and must list at least one item.");
    const addressId = fields.order_address_id as number;
    const wanted = new Map<number, number>();
    for (const item of fields.items as unknown[]) {
      const { order_product_id: productId, quantity } = (item ?? {}) as Record<string, unknown>;
      if (!Number.isInteger(productId) || !Number.isInteger(quantity) || (quantity as number) < 1) {
        return v2Error(400, "Each item needs an integer 'order_product_id' and a positive integer 'quantity'.");
      }
      wanted.set(productId as number, (wanted.get(productId as number) ?? 0) + (quantity as number));
    }
    for (const [productId, quantity] of wanted) {
      const line = order.lines.find((candidate) => candidate.id === productId);
      // Texts below are ours: BigCommerce documents neither the codes nor the messages (lifecycle.md §10 item 3).
      if (!line) return v2Error(400, `Order product ${productId} is not part of order ${order.id}.`);
      if (line.type !== 'physical') return v2Error(400, `Order product ${productId} is a ${line.type} item and cannot be shipped.`);
      if (line.addressId !== addressId) return v2Error(400, `Order product ${productId} does not ship to order address ${addressId}.`);
      const unshipped = line.quantity - (line.quantityShipped ?? 0);
      if (quantity > unshipped) return v2Error(400, `Order product ${productId} has ${unshipped} unshipped; cannot ship ${quantity}.`);
    }
    const shipment: StoredShipment = {
      id: this.nextId++,
      orderId: order.id,
      orderAddressId: addressId,
      dateCreated: this.clock(),
      trackingNumber: stringField(fields.tracking_number),
      trackingLink: stringField(fields.tracking_link),
      trackingCarrier: stringField(fields.tracking_carrier),
      shippingProvider: stringField(fields.shipping_provider),
      shippingMethod: stringField(fields.shipping_method),
      merchantShippingCost: stringField(fields.merchant_shipping_cost) || '0.0000',
      comments: stringField(fields.comments),
      items: [...wanted].map(([orderProductId, quantity]) => ({ orderProductId, productId: lineOf(order, orderProductId).productId, quantity })),
    };
    this.byId.set(shipment.id, shipment);
    const previousStatusId = order.statusId;
    for (const item of shipment.items) {
      const line = lineOf(order, item.orderProductId);
      line.quantityShipped = (line.quantityShipped ?? 0) + item.quantity;
    }
    const physical = order.lines.filter((line) => line.type === 'physical');
    const fullyShipped = physical.every((line) => (line.quantityShipped ?? 0) >= line.quantity);
    if (fullyShipped && order.dateShipped === undefined) order.dateShipped = this.clock();
    if (this.options.setsStatus) order.statusId = fullyShipped ? 2 : 3;
    this.state.modified(order, previousStatusId);
    this.emails.push({ orderId: order.id, shipmentId: shipment.id, at: this.clock() });
    this.emit({ scope: 'store/shipment/created', orderId: order.id, data: { type: 'shipment', id: shipment.id, orderId: order.id } });
    return { status: 201, body: this.render(order, shipment, apiBase) };
  }

  private update(order: StoredOrder, shipment: StoredShipment, body: string, apiBase: string): SimResponse {
    const parsed = jsonObject(body);
    if ('error' in parsed) return parsed.error;
    const fields = parsed.ok;
    for (const name of Object.keys(fields)) {
      // orderShipment_Put has no items: a shipment's contents cannot change (L3896-3953).
      if (READ_ONLY_SHIPMENT_FIELDS.has(name) || name === 'items') return readOnly(name);
      if (!POST_FIELDS.has(name)) return v2Error(400, `The field '${name}' is not supported by the simulator.`);
    }
    const common = checkCommonFields(order, fields);
    if (common) return common;
    if (fields.order_address_id !== undefined && fields.order_address_id !== shipment.orderAddressId) {
      return v2Error(400, 'The simulator does not move a shipment to another address.');
    }
    if (fields.tracking_number !== undefined) shipment.trackingNumber = stringField(fields.tracking_number);
    if (fields.tracking_link !== undefined) shipment.trackingLink = stringField(fields.tracking_link);
    if (fields.tracking_carrier !== undefined) shipment.trackingCarrier = stringField(fields.tracking_carrier);
    if (fields.shipping_provider !== undefined) shipment.shippingProvider = stringField(fields.shipping_provider);
    if (fields.shipping_method !== undefined) shipment.shippingMethod = stringField(fields.shipping_method);
    if (fields.merchant_shipping_cost !== undefined) shipment.merchantShippingCost = stringField(fields.merchant_shipping_cost);
    if (fields.comments !== undefined) shipment.comments = stringField(fields.comments);
    this.emit({ scope: 'store/shipment/updated', orderId: order.id, data: { type: 'shipment', id: shipment.id, orderId: order.id } });
    return { status: 200, body: this.render(order, shipment, apiBase) };
  }

  render(order: StoredOrder, shipment: StoredShipment, apiBase: string) {
    const address = order.shipping.find((candidate) => candidate.id === shipment.orderAddressId);
    const { billing_address: billing } = renderOrder(order, apiBase);
    const provider = shipment.shippingProvider;
    const carrier = shipment.trackingCarrier || provider;
    return {
      id: shipment.id,
      order_id: shipment.orderId,
      customer_id: order.customerId,
      order_address_id: shipment.orderAddressId,
      date_created: toRfc2822(shipment.dateCreated),
      tracking_number: shipment.trackingNumber,
      merchant_shipping_cost: shipment.merchantShippingCost,
      shipping_method: shipment.shippingMethod,
      shipping_provider: provider,
      tracking_carrier: shipment.trackingCarrier,
      tracking_link: shipment.trackingLink,
      comments: shipment.comments,
      billing_address: billing,
      shipping_address: address ? renderShippingAddress(order, address, apiBase) : {},
      items: shipment.items.map((item) => ({ order_product_id: item.orderProductId, product_id: item.productId, quantity: item.quantity })),
      shipping_provider_display_name: PROVIDER_NAMES[provider] ?? (provider === '' ? 'Custom' : provider),
      // Empty when a custom link is given, else an AfterShip-style link when a carrier is known (L759-790; the URL form is ours).
      generated_tracking_link:
        shipment.trackingLink || !shipment.trackingNumber || !carrier
          ? ''
          : `https://track.aftership.com/${encodeURIComponent(carrier)}/${encodeURIComponent(shipment.trackingNumber)}`,
    };
  }
}

function lineOf(order: StoredOrder, lineId: number): StoredLine {
  return order.lines.find((line) => line.id === lineId)!;
}

function notSupported(): SimResponse {
  return v2Error(405, 'The requested method is not supported by this resource (or by the simulator).');
}

function readOnly(name: string): SimResponse {
  return v2Error(400, `The field '${name}' cannot be written to. Please remove it from your request before trying again.`);
}

function jsonObject(body: string): { ok: Record<string, unknown> } | { error: SimResponse } {
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    return { error: v2Error(400, 'The request body is not valid JSON.') };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { error: v2Error(400, 'The request body must be a JSON object.') };
  return { ok: input as Record<string, unknown> };
}

/** Type, length and value checks shared by POST and PUT. */
function checkCommonFields(order: StoredOrder, fields: Record<string, unknown>): SimResponse | undefined {
  for (const name of ['tracking_number', 'tracking_link', 'tracking_carrier', 'shipping_provider', 'shipping_method', 'merchant_shipping_cost', 'comments']) {
    const value = fields[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') return v2Error(400, `The field '${name}' is invalid: expected a string.`);
    const limit = STRING_LIMITS[name];
    if (limit !== undefined && value.length > limit) return v2Error(400, `The field '${name}' is invalid: at most ${limit} characters.`);
  }
  const provider = fields.shipping_provider;
  if (typeof provider === 'string' && !SHIPPING_PROVIDERS.has(provider) && !/^carrier_\d+$/.test(provider)) {
    return v2Error(400, `The field 'shipping_provider' is invalid: '${provider}' is not a shipping provider.`);
  }
  const addressId = fields.order_address_id;
  if (addressId !== undefined) {
    if (!Number.isInteger(addressId)) return v2Error(400, "The field 'order_address_id' is invalid: expected an integer.");
    if (!order.shipping.some((address) => address.id === addressId)) {
      return v2Error(400, `The field 'order_address_id' is invalid: order ${order.id} has no shipping address ${String(addressId)}.`);
    }
  }
  return undefined;
}

function stringField(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
