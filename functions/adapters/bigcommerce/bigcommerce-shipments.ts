/**
 * The ShipmentSink port on BigCommerce: an order's lines as shipping sees them, its shipments, a shipment posted
 * once (orders.v2.oas2.yml L741-876), and the status fallback (`PUT /v2/orders/{id} {status_id}`).
 */
import { NotFoundError } from '../../core/errors.ts';
import type { ShipmentDraft, ShipmentSink, ShippableOrder, StoreShipment } from '../../core/ports.ts';
import type { BigCommerceClient } from './bigcommerce-client.ts';
import type { WireShipment } from './bigcommerce-schemas.ts';

export class BigCommerceShipments implements ShipmentSink {
  private readonly client: BigCommerceClient;

  constructor(client: BigCommerceClient) {
    this.client = client;
  }

  async getShippableOrder(orderId: number): Promise<ShippableOrder | undefined> {
    try {
      const [statusId, lines] = await Promise.all([this.client.getOrderStatus(orderId), this.client.listShippableLines(orderId)]);
      return {
        orderId,
        statusId,
        lines: lines.map((line) => ({
          lineId: line.id,
          sku: line.sku.trim(),
          type: line.type,
          quantity: line.quantity,
          quantityShipped: line.quantity_shipped,
          addressId: line.order_address_id ?? 0,
          pickup: (line.order_pickup_method_id ?? 0) !== 0,
        })),
      };
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async listShipments(orderId: number): Promise<StoreShipment[]> {
    return (await this.client.listShipments(orderId)).map(toShipment);
  }

  async createShipment(orderId: number, draft: ShipmentDraft): Promise<StoreShipment> {
    const body = {
      order_address_id: draft.addressId,
      items: draft.items.map((item) => ({ order_product_id: item.lineId, quantity: item.quantity })),
      ...(draft.trackingNumber ? { tracking_number: draft.trackingNumber } : {}),
      ...(draft.shippingProvider ? { shipping_provider: draft.shippingProvider } : {}),
      ...(draft.trackingCarrier ? { tracking_carrier: draft.trackingCarrier } : {}),
      ...(draft.shippingMethod ? { shipping_method: draft.shippingMethod } : {}),
      comments: draft.comments,
    };
    return toShipment(await this.client.createShipment(orderId, body));
  }

  async setOrderStatus(orderId: number, statusId: number): Promise<void> {
    await this.client.updateOrderStatus(orderId, statusId);
  }
}

function toShipment(wire: WireShipment): StoreShipment {
  return {
    id: wire.id,
    addressId: wire.order_address_id,
    trackingNumber: wire.tracking_number,
    comments: wire.comments,
    items: wire.items.map((item) => ({ lineId: item.order_product_id, quantity: item.quantity })),
  };
}
