import { PermanentError } from './errors.ts';
import { salesOrderExternalId } from './external-ids.ts';
import { addMoney, formatMoney, moneyToNumber, multiplyMoney, type Money } from './money.ts';
import type { OrderLine, SalesOrderDraft, StoreOrder } from './model.ts';
import { toErpAddress } from './resolve-customer.ts';

export interface SalesOrderSettings {
  /** IANA zone in which the order's creation time becomes NetSuite's tranDate. */
  timeZone: string;
  /** Which BigCommerce price becomes the NetSuite rate. */
  priceBasis: 'ex_tax' | 'inc_tax';
  subsidiaryId?: string;
  locationId?: string;
  departmentId?: string;
  classId?: string;
  /** NetSuite discount item that carries order-level discounts and coupons. */
  discountItemId?: string;
}

/**
 * Lines that become NetSuite lines. A bundle's pick-list children carry no price of their own (the parent
 * line does), so exporting them would double-count stock and revenue.
 */
export function exportedLines(order: StoreOrder): OrderLine[] {
  return order.lines.filter((line) => line.parentLineId === undefined || line.priceExTax !== 0 || line.priceIncTax !== 0);
}

/** Builds the NetSuite sales order for a storefront order whose customer and items are resolved. */
export function buildSalesOrder(
  order: StoreOrder,
  customerId: string,
  itemIds: Map<string, string>,
  settings: SalesOrderSettings,
): SalesOrderDraft {
  const incTax = settings.priceBasis === 'inc_tax';
  const lines = exportedLines(order);
  const rateOf = (line: OrderLine) => (incTax ? line.priceIncTax : line.priceExTax);

  // Totals must not drift: the lines we send have to add up to the storefront's own subtotal.
  const lineTotal = addMoney(...lines.map((line) => multiplyMoney(rateOf(line), line.quantity)));
  const subtotal = incTax ? order.subtotalIncTax : order.subtotalExTax;
  const tolerance = 50 * Math.max(1, lines.length); // half a cent per line of 4-dp rounding
  if (Math.abs(lineTotal - subtotal) > tolerance) {
    throw new PermanentError(
      `order ${order.orderId}: line amounts add up to ${formatMoney(lineTotal)} but the order subtotal is ${formatMoney(subtotal)}`,
      { source: 'order' },
    );
  }

  const discount = addMoney(order.discountAmount, order.couponDiscount);
  if (discount !== 0 && !settings.discountItemId) {
    throw new PermanentError(
      `order ${order.orderId} has a ${formatMoney(discount)} discount but no NetSuite discount item is configured (NETSUITE_DISCOUNT_ITEM_ID)`,
      { source: 'config' },
    );
  }
  const shipping = incTax ? order.shippingIncTax : order.shippingExTax;
  const handling = incTax ? order.handlingIncTax : order.handlingExTax;
  const shippingCost: Money = addMoney(shipping, handling);

  return {
    externalId: salesOrderExternalId(order.storeHash, order.orderId),
    otherRefNum: String(order.orderId),
    customerId,
    tranDate: localDate(order.dateCreated, settings.timeZone),
    memo: memoFor(order),
    lines: lines.map((line) => ({
      itemId: itemIds.get(line.sku)!,
      quantity: line.quantity,
      rate: moneyToNumber(rateOf(line)),
      description: line.name,
    })),
    ...(shippingCost !== 0 ? { shippingCost: moneyToNumber(shippingCost) } : {}),
    ...(discount !== 0 ? { discount: { itemId: settings.discountItemId!, amount: -moneyToNumber(discount) } } : {}),
    billingAddress: toErpAddress(order.billing),
    ...(order.shipping ? { shippingAddress: toErpAddress(order.shipping) } : {}),
    ...(settings.subsidiaryId ? { subsidiaryId: settings.subsidiaryId } : {}),
    ...(settings.locationId ? { locationId: settings.locationId } : {}),
    ...(settings.departmentId ? { departmentId: settings.departmentId } : {}),
    ...(settings.classId ? { classId: settings.classId } : {}),
  };
}

/** YYYY-MM-DD of `instant` in `timeZone` (NetSuite date fields take no time zone of their own). */
export function localDate(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

function memoFor(order: StoreOrder): string {
  const base = `BigCommerce order ${order.orderId}`;
  const message = order.customerMessage.trim();
  // NetSuite's memo field holds 999 characters.
  return (message ? `${base}: ${message}` : base).slice(0, 999);
}
