import { PermanentError } from './errors.ts';
import { salesOrderExternalId } from './external-ids.ts';
import { addMoney, formatMoney, moneyToNumber, subtractMoney, zeroMoney, type Money } from './money.ts';
import type { Consignment, OrderLine, SalesOrderDraft, SalesOrderLine, ShipGroupRate, StoreOrder } from './model.ts';
import { toErpAddress } from './resolve-customer.ts';
import { normalizeMethodName } from './shipping-methods.ts';

export interface SalesOrderSettings {
  /** IANA zone in which the order's creation time becomes NetSuite's tranDate. */
  timeZone: string;
  /** netsuite: NetSuite taxes the lines with its own codes. line: BigCommerce's tax books on `taxItemId`. */
  taxMode: 'netsuite' | 'line';
  /** SYNC_TAX_MODE=line: one tax line for the order, or one per BigCommerce tax class. */
  taxLines?: 'total' | 'class';
  taxItemId?: string;
  /** Put on every line in line mode, so NetSuite adds no tax of its own (legacy tax and SuiteTax alike). */
  nonTaxableTaxCodeId?: string;
  subsidiaryId?: string;
  locationId?: string;
  departmentId?: string;
  classId?: string;
  /** NetSuite discount item that carries order-level discounts and coupons. */
  discountItemId?: string;
  giftCertificateItemId?: string;
  /** Item for lines without a SKU (custom products); unset, such an order fails naming the line. */
  noSkuItemId?: string;
  /** Unset, wrapping and handling are added to the shipping charge. */
  wrappingItemId?: string;
  handlingItemId?: string;
  feeItemId?: string;
  /** Normalised BigCommerce shipping method text → NetSuite ship item id. Empty: no ship method is sent. */
  shipMethods?: ReadonlyMap<string, string>;
  defaultShipMethodId?: string;
  multiShipRoutes?: boolean;
  /** The custcol_ field that links each NetSuite line to its BigCommerce order product (NETSUITE_LINE_ID_FIELD). */
  lineIdField?: string;
}

/** What the order needs besides its own data: looked up in NetSuite (or the caches) before building. */
export interface ResolvedReferences {
  customerId: string;
  /** SKU → NetSuite item id, for every line that books on its SKU. */
  itemIds: ReadonlyMap<string, string>;
  /** NetSuite currency id of the order's transactional currency. */
  currencyId?: string;
  /** SYNC_TAX_LINES=class: BigCommerce's tax by tax class name. */
  taxByClass?: ReadonlyArray<{ name: string; amount: Money }>;
  /** Multiple shipping routes: BigCommerce address id → the customer's address book entry in NetSuite. */
  shipToAddressIds?: ReadonlyMap<number, string>;
}

/**
 * Lines that become NetSuite lines. A bundle's pick-list children carry no price of their own (the parent
 * line does), so exporting them would double-count stock and revenue.
 */
export function exportedLines(order: StoreOrder): OrderLine[] {
  return order.lines.filter((line) => line.parentLineId === undefined || line.priceExTax !== 0 || line.priceIncTax !== 0);
}

/**
 * Where each line books: a configured item (gift certificates, lines without a SKU) or the item its SKU maps to.
 * Throws, naming the line, for a line that has neither: nothing is ever looked up, cached or parked under ''.
 */
export function lineItemSources(order: StoreOrder, settings: SalesOrderSettings): Array<{ line: OrderLine } & ({ itemId: string } | { sku: string })> {
  return exportedLines(order).map((line) => {
    if (line.type === 'giftcertificate') {
      if (!settings.giftCertificateItemId) {
        throw new PermanentError(`order ${order.orderId}: line '${line.name}' is a gift certificate, and NETSUITE_GIFT_CERTIFICATE_ITEM_ID is not set`, {
          source: 'config',
        });
      }
      return { line, itemId: settings.giftCertificateItemId };
    }
    if (line.sku === '') {
      if (!settings.noSkuItemId) {
        throw new PermanentError(`order ${order.orderId}: line '${line.name}' has no SKU (set NETSUITE_NO_SKU_ITEM_ID to book such lines on one item)`, {
          source: 'order',
        });
      }
      return { line, itemId: settings.noSkuItemId };
    }
    return { line, sku: line.sku };
  });
}

/** The SKUs an order needs NetSuite items for (never ''). */
export function skusToResolve(order: StoreOrder, settings: SalesOrderSettings): string[] {
  return lineItemSources(order, settings).flatMap((source) => ('sku' in source ? [source.sku] : []));
}

/** What we expect NetSuite to show for a sales order once it has computed it: the reconciler compares against this. */
export interface BookedTotals {
  /** The order's date in the store's time zone (NetSuite's tranDate): reports group by it. */
  orderDate: string;
  currency: string;
  /** What the shopper was charged: BigCommerce total_inc_tax. */
  total: Money;
  /** Tax NetSuite itself should compute: BigCommerce's tax in netsuite mode, none in line mode (it is a line). */
  tax: Money;
  bigcommerceTax: Money;
  /** The shipping charge we sent (shipping, plus handling and wrapping when they have no item of their own). */
  shipping: Money;
  /** Discounts and coupons, as a positive amount. */
  discount: Money;
  /** Item ids of the order's lines, for naming them when tax drifts. */
  itemIds: string[];
}

/** Builds the NetSuite sales order for a storefront order whose customer and items are resolved. */
export function buildSalesOrder(
  order: StoreOrder,
  refs: ResolvedReferences,
  settings: SalesOrderSettings,
): { draft: SalesOrderDraft; booked: BookedTotals; lineSkus: Array<string | undefined>; warnings: string[] } {
  const warnings: string[] = [];
  const where = `order ${order.orderId}`;
  const multiShip = order.consignments.length > 1;
  if (multiShip && !settings.multiShipRoutes) {
    throw new PermanentError(
      `${where} ships to ${order.consignments.length} addresses; set NETSUITE_MULTI_SHIP_ROUTES=true (Multiple Shipping Routes must be on in NetSuite) to book one ship-to per line`,
      { source: 'order' },
    );
  }
  const lineTaxCode = settings.taxMode === 'line' ? settings.nonTaxableTaxCodeId : undefined;
  // On a multiple-shipping-routes order every line needs a ship-to: charges go with the first consignment.
  const chargeShipTo = multiShip ? shipToOf(order, order.consignments[0]!, refs, settings) : undefined;
  const chargeLine = (itemId: string, amount: Money, description: string): SalesOrderLine => ({
    itemId,
    quantity: 1,
    rate: moneyToNumber(amount),
    amount: moneyToNumber(amount),
    description,
    ...(lineTaxCode ? { taxCodeId: lineTaxCode } : {}),
    ...(chargeShipTo ? { shipTo: chargeShipTo } : {}),
  });

  // Every line books BigCommerce's own line total as its amount, so NetSuite never re-rounds rate × quantity.
  const sources = lineItemSources(order, settings);
  const lines: SalesOrderLine[] = sources.map(({ line, ...source }) => ({
    itemId: 'itemId' in source ? source.itemId : refs.itemIds.get(source.sku)!,
    orderProductId: line.lineId,
    quantity: line.quantity,
    rate: moneyToNumber(line.priceExTax),
    amount: moneyToNumber(line.totalExTax),
    description: line.name,
    ...(lineTaxCode ? { taxCodeId: lineTaxCode } : {}),
    ...(multiShip ? { shipTo: shipToFor(order, line, refs, settings) } : {}),
  }));

  // Totals must not drift: the lines we send have to add up to the storefront's own subtotal.
  const lineTotal = addMoney(...sources.map(({ line }) => line.totalExTax));
  if (Math.abs(lineTotal - order.subtotalExTax) > 50) {
    throw new PermanentError(`${where}: line amounts add up to ${formatMoney(lineTotal)} but the order subtotal is ${formatMoney(order.subtotalExTax)}`, {
      source: 'order',
    });
  }

  // Wrapping and handling: lines of their own when an item is configured, else part of the shipping charge.
  let shipping: Money = order.shippingExTax;
  if (order.handlingExTax !== 0) {
    if (settings.handlingItemId) lines.push(chargeLine(settings.handlingItemId, order.handlingExTax, 'Handling'));
    else shipping = addMoney(shipping, order.handlingExTax);
  }
  if (order.wrappingExTax !== 0) {
    if (settings.wrappingItemId) {
      // One line per wrapped line, as BigCommerce charges (and taxes) it; whatever the lines do not account for
      // (an order-level amount the API does not attribute) gets a line of its own rather than vanish.
      const wrapped = sources.filter(({ line }) => line.wrappingExTax !== 0);
      for (const { line } of wrapped)
        lines.push(chargeLine(settings.wrappingItemId, line.wrappingExTax, `Gift wrapping${line.wrappingName ? `: ${line.wrappingName}` : ''} (${line.name})`));
      const rest = subtractMoney(order.wrappingExTax, addMoney(...wrapped.map(({ line }) => line.wrappingExTax)));
      if (rest !== 0) lines.push(chargeLine(settings.wrappingItemId, rest, 'Gift wrapping'));
    } else {
      shipping = addMoney(shipping, order.wrappingExTax);
    }
  }
  for (const fee of order.fees) {
    if (fee.costExTax === 0) continue;
    if (!settings.feeItemId) {
      throw new PermanentError(`${where} has a ${formatMoney(fee.costExTax)} fee '${fee.name}' but no NetSuite fee item is configured (NETSUITE_FEE_ITEM_ID)`, {
        source: 'config',
      });
    }
    lines.push(chargeLine(settings.feeItemId, fee.costExTax, fee.name));
  }

  if (settings.taxMode === 'line' && order.totalTax !== 0) {
    const taxItemId = settings.taxItemId!;
    const parts =
      settings.taxLines === 'class' && refs.taxByClass ? refs.taxByClass.filter((part) => part.amount !== 0) : [{ name: 'Tax', amount: order.totalTax }];
    const classTotal = addMoney(...parts.map((part) => part.amount));
    if (classTotal !== order.totalTax) {
      throw new PermanentError(`${where}: tax by class adds up to ${formatMoney(classTotal)} but the order's tax is ${formatMoney(order.totalTax)}`, {
        source: 'order',
      });
    }
    for (const part of parts) lines.push(chargeLine(taxItemId, part.amount, part.name));
  }

  // Discount and coupon are separate buckets in BigCommerce (its example orders subtract both from the total).
  const discount = addMoney(order.discountAmount, order.couponDiscount);
  if (discount !== 0 && !settings.discountItemId) {
    throw new PermanentError(`${where} has a ${formatMoney(discount)} discount but no NetSuite discount item is configured (NETSUITE_DISCOUNT_ITEM_ID)`, {
      source: 'config',
    });
  }

  const [firstConsignment] = order.consignments;
  const shipMethodId = firstConsignment && !multiShip ? shipMethodFor(order, firstConsignment.shippingMethod, settings) : undefined;
  const shipGroups = multiShip ? shipGroupRates(order, shipping, refs, settings, lineTaxCode) : undefined;
  const draft: SalesOrderDraft = {
    externalId: salesOrderExternalId(order.storeHash, order.orderId),
    otherRefNum: String(order.orderId),
    customerId: refs.customerId,
    tranDate: localDate(order.dateCreated, settings.timeZone),
    memo: memoFor(order),
    lines,
    ...(settings.lineIdField ? { lineIdField: settings.lineIdField } : {}),
    ...(!multiShip && (shipping !== 0 || shipMethodId) ? { shippingCost: moneyToNumber(shipping) } : {}),
    ...(shipMethodId ? { shipMethodId } : {}),
    ...(lineTaxCode && !multiShip && (shipping !== 0 || shipMethodId) ? { shippingTaxCodeId: lineTaxCode } : {}),
    ...(refs.currencyId ? { currencyId: refs.currencyId } : {}),
    ...(shipGroups ? { multiShip: true, shipGroups } : {}),
    ...(discount !== 0 ? { discount: { itemId: settings.discountItemId!, amount: -moneyToNumber(discount) } } : {}),
    billingAddress: toErpAddress(order.billing, warnings),
    ...(firstConsignment && !multiShip ? { shippingAddress: toErpAddress(firstConsignment.address, warnings) } : {}),
    ...(settings.subsidiaryId ? { subsidiaryId: settings.subsidiaryId } : {}),
    ...(settings.locationId ? { locationId: settings.locationId } : {}),
    ...(settings.departmentId ? { departmentId: settings.departmentId } : {}),
    ...(settings.classId ? { classId: settings.classId } : {}),
  };
  const booked: BookedTotals = {
    orderDate: draft.tranDate,
    currency: order.currencyCode,
    total: order.totalIncTax,
    tax: settings.taxMode === 'netsuite' ? order.totalTax : zeroMoney,
    bigcommerceTax: order.totalTax,
    shipping,
    discount,
    itemIds: [...new Set(lines.map((line) => line.itemId))],
  };
  // Which SKU each NetSuite line came from (configured items have none): a line NetSuite refuses names its SKU.
  const lineSkus = lines.map((_, index) => {
    const source = sources[index];
    return source && 'sku' in source ? source.sku : undefined;
  });
  return { draft, booked, lineSkus, warnings };
}

function shipMethodFor(order: StoreOrder, methodText: string, settings: SalesOrderSettings): string | undefined {
  const map = settings.shipMethods;
  if (!map || map.size === 0) return settings.defaultShipMethodId;
  const mapped = map.get(normalizeMethodName(methodText)) ?? settings.defaultShipMethodId;
  if (!mapped) {
    throw new PermanentError(
      `order ${order.orderId}: shipping method '${methodText}' has no NetSuite ship item in NETSUITE_SHIP_METHODS (or set NETSUITE_DEFAULT_SHIP_METHOD_ID)`,
      { source: 'config' },
    );
  }
  return mapped;
}

function shipToFor(order: StoreOrder, line: OrderLine, refs: ResolvedReferences, settings: SalesOrderSettings): NonNullable<SalesOrderLine['shipTo']> {
  // Gift certificates and digital lines have no consignment of their own: they go with the first one.
  const consignment =
    order.consignments.find((candidate) => candidate.addressId === line.addressId) ?? (line.addressId === 0 ? order.consignments[0] : undefined);
  if (!consignment) {
    throw new PermanentError(`order ${order.orderId}: line '${line.name}' ships to address ${line.addressId}, which the order does not list`, {
      source: 'order',
    });
  }
  return shipToOf(order, consignment, refs, settings);
}

function shipToOf(order: StoreOrder, consignment: Consignment, refs: ResolvedReferences, settings: SalesOrderSettings): NonNullable<SalesOrderLine['shipTo']> {
  const addressId = refs.shipToAddressIds?.get(consignment.addressId);
  if (!addressId) throw new PermanentError(`order ${order.orderId}: no NetSuite address for shipping address ${consignment.addressId}`, { source: 'order' });
  const shipMethodId = shipMethodFor(order, consignment.shippingMethod, settings);
  if (!shipMethodId) {
    throw new PermanentError(
      `order ${order.orderId} ships to several addresses, and each needs a ship item: set NETSUITE_SHIP_METHODS (or NETSUITE_DEFAULT_SHIP_METHOD_ID)`,
      { source: 'config' },
    );
  }
  return { addressId, shipMethodId };
}

/**
 * Each consignment's shipping (and handling, unless it has an item of its own) on its ship group. The first group
 * also carries whatever the consignments do not account for (order-level handling, wrapping folded into shipping),
 * so the groups always add up to the shipping charge booked.
 */
function shipGroupRates(
  order: StoreOrder,
  shipping: Money,
  refs: ResolvedReferences,
  settings: SalesOrderSettings,
  taxCodeId: string | undefined,
): ShipGroupRate[] {
  const rates = order.consignments.map((consignment) => ({
    addressId: refs.shipToAddressIds!.get(consignment.addressId)!,
    amount: settings.handlingItemId ? consignment.costExTax : addMoney(consignment.costExTax, consignment.handlingExTax),
  }));
  const others = addMoney(...rates.slice(1).map((rate) => rate.amount));
  rates[0]!.amount = subtractMoney(shipping, others);
  return rates.map((rate) => ({ addressId: rate.addressId, rate: moneyToNumber(rate.amount), ...(taxCodeId ? { taxCodeId } : {}) }));
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
