/**
 * The OrderSource port on BigCommerce: reads an order with all its lines into the domain's StoreOrder,
 * and writes the NetSuite sales order id back as an order metafield.
 */
import type { OrderLister, OrderSource } from '../../core/ports.ts';
import type { Consignment, OrderFee, PostalAddress, StoreOrder } from '../../core/model.ts';
import { addMoney, zeroMoney, type Money } from '../../core/money.ts';
import type { BigCommerceClient } from './bigcommerce-client.ts';
import type { WireAddress, WireConsignment, WireFee, WireRefund, WireTransaction } from './bigcommerce-schemas.ts';
import type { StoreRefund, StoreTransaction } from '../../core/payment-model.ts';

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
    return {
      storeHash: this.storeHash,
      orderId: order.id,
      statusId: order.status_id,
      customerId: order.customer_id,
      dateCreated: order.date_created,
      dateModified: order.date_modified,
      // The display currency (currency_code) can differ from what the shopper paid in; money is in the latter.
      currencyCode: (order.default_currency_code || order.currency_code).toUpperCase(),
      isTaxInclusivePricing: order.is_tax_inclusive_pricing,
      billing: toPostalAddress(order.billing_address),
      consignments: (order.consignments?.shipping ?? []).map(toConsignment),
      lines: lines.map((line) => ({
        lineId: line.id,
        sku: line.sku.trim(),
        name: line.name,
        type: line.type,
        quantity: line.quantity,
        priceExTax: line.price_ex_tax,
        priceIncTax: line.price_inc_tax,
        totalExTax: line.total_ex_tax,
        totalIncTax: line.total_inc_tax,
        wrappingExTax: line.wrapping_cost_ex_tax,
        wrappingIncTax: line.wrapping_cost_inc_tax,
        wrappingName: line.wrapping_name.trim(),
        addressId: line.order_address_id ?? 0,
        parentLineId: line.parent_order_product_id ?? undefined,
      })),
      fees: Array.isArray(order.fees) ? order.fees.map(toFee) : [],
      shippingExTax: order.shipping_cost_ex_tax,
      shippingIncTax: order.shipping_cost_inc_tax,
      handlingExTax: order.handling_cost_ex_tax,
      handlingIncTax: order.handling_cost_inc_tax,
      wrappingExTax: order.wrapping_cost_ex_tax,
      wrappingIncTax: order.wrapping_cost_inc_tax,
      discountAmount: order.discount_amount,
      couponDiscount: order.coupon_discount,
      subtotalExTax: order.subtotal_ex_tax,
      subtotalIncTax: order.subtotal_inc_tax,
      totalExTax: order.total_ex_tax,
      totalIncTax: order.total_inc_tax,
      totalTax: order.total_tax,
      giftCertificateAmount: order.gift_certificate_amount,
      storeCreditAmount: order.store_credit_amount,
      customerMessage: order.customer_message,
    };
  }

  async getTaxByClass(orderId: number): Promise<Array<{ name: string; amount: Money }>> {
    const rows = await this.client.listOrderTaxes(orderId);
    const byClass = new Map<string, Money>();
    for (const row of rows) {
      const name = row.class || row.name || 'Tax';
      byClass.set(name, addMoney(byClass.get(name) ?? zeroMoney, row.line_amount));
    }
    return [...byClass].map(([name, amount]) => ({ name, amount }));
  }

  async listRefunds(orderId: number): Promise<StoreRefund[]> {
    return (await this.client.listOrderRefunds(orderId)).map(toRefund).sort((a, b) => a.id - b.id);
  }

  async listRefundsCreatedSince(since: Date): Promise<StoreRefund[]> {
    return (await this.client.listRefundsCreatedSince(since)).map(toRefund);
  }

  async listTransactions(orderId: number): Promise<StoreTransaction[]> {
    return (await this.client.listOrderTransactions(orderId)).map(toTransaction);
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

function toRefund(refund: WireRefund): StoreRefund {
  return {
    id: refund.id,
    orderId: refund.order_id,
    created: refund.created,
    reason: refund.reason,
    totalAmount: refund.total_amount,
    totalTax: refund.total_tax,
    items: refund.items.map((item) => ({
      type: item.item_type,
      itemId: item.item_id,
      ...(item.quantity !== null && item.quantity !== undefined ? { quantity: item.quantity } : {}),
      ...(item.requested_amount !== null && item.requested_amount !== undefined ? { requestedAmount: item.requested_amount } : {}),
    })),
    payments: refund.payments.map((payment) => ({
      providerId: payment.provider_id,
      amount: payment.amount,
      offline: payment.offline ?? false,
      isDeclined: payment.is_declined ?? false,
    })),
  };
}

function toTransaction(transaction: WireTransaction): StoreTransaction {
  return {
    id: transaction.id,
    orderId: transaction.order_id,
    event: transaction.event,
    method: transaction.method,
    amount: transaction.amount,
    currency: transaction.currency.toUpperCase(),
    gateway: transaction.gateway,
    dateCreated: transaction.date_created,
    test: transaction.test ?? false,
    status: transaction.status,
  };
}

function toConsignment(consignment: WireConsignment): Consignment {
  return {
    addressId: consignment.id,
    address: toPostalAddress(consignment),
    shippingMethod: consignment.shipping_method.trim(),
    costExTax: consignment.cost_ex_tax,
    costIncTax: consignment.cost_inc_tax,
    handlingExTax: consignment.handling_cost_ex_tax,
    handlingIncTax: consignment.handling_cost_inc_tax,
  };
}

function toFee(fee: WireFee): OrderFee {
  return {
    id: fee.id,
    name: fee.display_name_customer || fee.display_name_merchant || `Fee ${fee.id}`,
    costExTax: fee.cost_ex_tax,
    costIncTax: fee.cost_inc_tax,
    costTax: fee.cost_tax,
  };
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
