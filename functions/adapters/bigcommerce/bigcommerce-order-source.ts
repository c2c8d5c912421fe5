/**
 * The OrderSource port on BigCommerce: reads an order with all its lines into the domain's StoreOrder,
 * and writes the NetSuite sales order id back as an order metafield.
 */
import type { OrderLister, OrderSource } from '../../core/ports.ts';
import type { PostalAddress, StoreOrder } from '../../core/model.ts';
import type { BigCommerceClient } from './bigcommerce-client.ts';
import type { WireAddress } from './bigcommerce-schemas.ts';

export const METAFIELD_NAMESPACE = 'bc_netsuite_sync';
export const METAFIELD_KEY = 'netsuite_sales_order_id';

export class BigCommerceOrderSource implements OrderSource, OrderLister {
  private readonly client: BigCommerceClient;
  private readonly storeHash: string;
  readonly pageSize: number;

  constructor(client: BigCommerceClient, storeHash: string, pageSize: number) {
    this.client = client;
    this.storeHash = storeHash;
    this.pageSize = pageSize;
  }

  async listModifiedOrders(filter: { since: Date; until?: Date; statusId: number; page: number }) {
    const orders = await this.client.listOrders({
      minDateModified: filter.since,
      ...(filter.until ? { maxDateModified: filter.until } : {}),
      statusId: filter.statusId,
      page: filter.page,
      limit: this.pageSize,
    });
    return orders.map((order) => ({ orderId: order.id, dateModified: order.date_modified }));
  }

  async getOrder(orderId: number): Promise<StoreOrder> {
    const [order, lines] = await Promise.all([this.client.getOrder(orderId), this.client.listOrderLines(orderId)]);
    const shipping = order.consignments?.shipping[0];
    return {
      storeHash: this.storeHash,
      orderId: order.id,
      statusId: order.status_id,
      customerId: order.customer_id,
      dateCreated: order.date_created,
      dateModified: order.date_modified,
      currencyCode: order.currency_code,
      billing: toPostalAddress(order.billing_address),
      shipping: shipping ? toPostalAddress(shipping) : undefined,
      lines: lines.map((line) => ({
        lineId: line.id,
        sku: line.sku.trim(),
        name: line.name,
        quantity: line.quantity,
        priceExTax: line.price_ex_tax,
        priceIncTax: line.price_inc_tax,
        parentLineId: line.parent_order_product_id ?? undefined,
      })),
      shippingExTax: order.shipping_cost_ex_tax,
      shippingIncTax: order.shipping_cost_inc_tax,
      handlingExTax: order.handling_cost_ex_tax,
      handlingIncTax: order.handling_cost_inc_tax,
      discountAmount: order.discount_amount,
      couponDiscount: order.coupon_discount,
      subtotalExTax: order.subtotal_ex_tax,
      subtotalIncTax: order.subtotal_inc_tax,
      totalIncTax: order.total_inc_tax,
      customerMessage: order.customer_message,
    };
  }

  async recordSalesOrderId(orderId: number, salesOrderId: string): Promise<void> {
    await this.client.upsertOrderMetafield(orderId, {
      namespace: METAFIELD_NAMESPACE,
      key: METAFIELD_KEY,
      value: salesOrderId,
      permissionSet: 'read',
      description: 'Internal id of the NetSuite sales order created for this order',
    });
  }
}

function toPostalAddress(address: WireAddress): PostalAddress {
  return {
    firstName: address.first_name,
    lastName: address.last_name,
    company: address.company,
    street1: address.street_1,
    street2: address.street_2,
    city: address.city,
    state: address.state,
    zip: address.zip,
    countryIso2: address.country_iso2,
    phone: address.phone,
    email: address.email,
  };
}
