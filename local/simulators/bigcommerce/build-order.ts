/**
 * Turns a SeedOrder into a StoredOrder: resolves ids, computes per-line and per-address tax, and pro-rates the
 * order-level discounts onto lines. A seed that could not exist in a real store throws, loudly, at seeding time.
 */
import { countryName } from './country-names.ts';
import { seedInstant } from './dates.ts';
import { parseMoney, prorate, rateToMillionths, taxOn, type Units } from './money.ts';
import type { StoredAddress, StoredCoupon, StoredLine, StoredOrder, StoredShippingAddress } from './order-record.ts';
import { orderTotals } from './order-record.ts';
import { statusById } from './order-statuses.ts';
import type { SeedAddress, SeedOrder } from './seed-order.ts';

/** Store-wide id sequences: line, address, option and coupon ids are unique across orders like the real store's. */
export interface IdSource {
  next(kind: 'line' | 'address' | 'option' | 'coupon'): number;
  /** The store's coupon definition behind a code: the same code always has the same coupon_id. */
  couponIdFor(code: string): number;
  productIdFor(sku: string): number;
  variantIdFor(sku: string): number;
}

export function buildOrder(seed: SeedOrder, id: number, ids: IdSource, now: number): StoredOrder {
  const where = `order ${id}`;
  const statusId = seed.statusId ?? 11;
  if (!statusById(statusId)) throw new Error(`${where}: unknown statusId ${statusId}`);
  const customerId = seed.customerId ?? 0;
  if (!Number.isInteger(customerId) || customerId < 0) throw new Error(`${where}: customerId must be a non-negative integer`);
  if (seed.lines.length === 0) throw new Error(`${where}: an order needs at least one line`);
  const rate = rateToMillionths(seed.taxRate ?? 0);
  const dateCreated = seedInstant(seed.dateCreated, now, `${where} dateCreated`);
  const dateModified = seedInstant(seed.dateModified, dateCreated, `${where} dateModified`);
  if (dateModified < dateCreated) throw new Error(`${where}: dateModified is before dateCreated`);

  const billing = { ...address(seed.billing, where), email: seed.billing.email };
  const shippingSeeds = seed.shipping ?? [{ ...seed.billing }];
  const shipping: StoredShippingAddress[] = shippingSeeds.map((ship) => {
    const costExTax = ship.costExTax === undefined ? 0 : parseMoney(ship.costExTax, `${where} shipping costExTax`);
    return {
      ...address(ship, where),
      email: ship.email ?? '',
      id: ids.next('address'),
      shippingMethod: ship.shippingMethod ?? 'Flat Rate',
      costExTax,
      costTax: taxOn(costExTax, rate),
      handlingExTax: 0,
      handlingTax: 0,
      itemsTotal: 0,
    };
  });
  const digital = shipping.length === 0;
  chargeOrderLevelShipping(seed, shipping, rate, where);

  const handlingExTax = seed.handlingCostExTax === undefined ? 0 : parseMoney(seed.handlingCostExTax, `${where} handlingCostExTax`);
  const firstAddress = shipping[0];
  if (firstAddress) {
    firstAddress.handlingExTax = handlingExTax;
    firstAddress.handlingTax = taxOn(handlingExTax, rate);
  }

  const lines = buildLines(seed, shipping, digital, rate, ids, where);
  const discountAmount = seed.discountAmount === undefined ? 0 : parseMoney(seed.discountAmount, `${where} discountAmount`);
  const couponDiscount = seed.couponDiscount === undefined ? 0 : parseMoney(seed.couponDiscount, `${where} couponDiscount`);
  const weights = lines.map((line) => line.totalExTax);
  prorate(discountAmount, weights).forEach((share, index) => ((lines[index] as StoredLine).manualDiscount = share));
  prorate(couponDiscount, weights).forEach((share, index) => ((lines[index] as StoredLine).couponDiscount = share));

  const order: StoredOrder = {
    id,
    customerId,
    statusId,
    dateCreated,
    dateModified,
    currencyCode: seed.currencyCode ?? 'USD',
    isTaxInclusivePricing: seed.isTaxInclusivePricing ?? false,
    billing,
    shipping,
    lines,
    handlingExTax: firstAddress ? 0 : handlingExTax,
    handlingTax: firstAddress ? 0 : taxOn(handlingExTax, rate),
    discountAmount,
    couponDiscount,
    coupon: couponDiscount > 0 ? coupon(seed.couponCode ?? `SAVE${seed.couponDiscount}`, couponDiscount, ids) : undefined,
    customerMessage: seed.customerMessage ?? '',
    staffNotes: seed.staffNotes ?? '',
    paymentMethod: seed.paymentMethod ?? 'Credit Card',
  };
  if (orderTotals(order).totalIncTax < 0) throw new Error(`${where}: discounts exceed the order total`);
  return order;
}

function coupon(code: string, discount: Units, ids: IdSource): StoredCoupon {
  return { id: ids.next('coupon'), couponId: ids.couponIdFor(code), code, discount };
}

function address(seed: SeedAddress, where: string): Omit<StoredAddress, 'email'> {
  const country = seed.country ?? countryName(seed.countryIso2);
  if (!country) throw new Error(`${where}: give a country name for ${seed.countryIso2}`);
  return {
    firstName: seed.firstName,
    lastName: seed.lastName,
    company: seed.company ?? '',
    street1: seed.street1,
    street2: seed.street2 ?? '',
    city: seed.city,
    state: seed.state,
    zip: seed.zip,
    country,
    countryIso2: seed.countryIso2.toUpperCase(),
    phone: seed.phone ?? '',
  };
}

/** Order-level shipping goes on the first address unless the addresses carry their own costs. */
function chargeOrderLevelShipping(seed: SeedOrder, shipping: StoredShippingAddress[], rate: number, where: string): void {
  if (seed.shippingCostExTax === undefined) return;
  const orderLevel = parseMoney(seed.shippingCostExTax, `${where} shippingCostExTax`);
  const perAddress = seed.shipping?.some((ship) => ship.costExTax !== undefined) ?? false;
  if (perAddress) {
    const sum = shipping.reduce((total, ship) => total + ship.costExTax, 0);
    if (sum !== orderLevel) throw new Error(`${where}: shippingCostExTax disagrees with the addresses' costExTax`);
    return;
  }
  const first = shipping[0];
  if (!first) {
    if (orderLevel > 0) throw new Error(`${where}: a digital order (no shipping address) cannot charge shipping`);
    return;
  }
  first.costExTax = orderLevel;
  first.costTax = taxOn(orderLevel, rate);
}

function buildLines(
  seed: SeedOrder,
  shipping: StoredShippingAddress[],
  digital: boolean,
  rate: number,
  ids: IdSource,
  where: string,
): StoredLine[] {
  const lines: StoredLine[] = [];
  seed.lines.forEach((lineSeed, index) => {
    const what = `${where} line ${index}`;
    if (!Number.isInteger(lineSeed.quantity) || lineSeed.quantity < 1) throw new Error(`${what}: quantity must be a positive integer`);
    const parentIndex = lineSeed.parentLineIndex;
    const parent = parentIndex === undefined ? undefined : lines[parentIndex];
    if (parentIndex !== undefined && (!parent || parent.isBundled)) {
      throw new Error(`${what}: parentLineIndex must point at an earlier, non-bundled line`);
    }
    const addressIndex = lineSeed.addressIndex ?? 0;
    const target = shipping[addressIndex];
    if (!digital && !target) throw new Error(`${what}: addressIndex ${addressIndex} has no shipping address`);
    if (digital && lineSeed.addressIndex !== undefined) throw new Error(`${what}: a digital order has no address to ship to`);
    if (target) target.itemsTotal += lineSeed.quantity;

    // A pick-list child is part of its parent's price: BigCommerce serves it with every amount at 0.
    const priceExTax: Units = parent ? 0 : parseMoney(lineSeed.priceExTax, `${what} priceExTax`);
    const totalExTax = priceExTax * lineSeed.quantity;
    const name = lineSeed.name ?? lineSeed.sku;
    const line: StoredLine = {
      id: ids.next('line'),
      productId: lineSeed.productId ?? ids.productIdFor(lineSeed.sku),
      variantId: lineSeed.variantId ?? ids.variantIdFor(lineSeed.sku),
      sku: lineSeed.sku,
      name,
      quantity: lineSeed.quantity,
      addressId: target?.id ?? 0,
      type: digital ? 'digital' : 'physical',
      priceExTax,
      priceTax: taxOn(priceExTax, rate),
      totalExTax,
      // Exclusive stores tax the line total (unit tax × quantity may differ by a cent); inclusive stores show a
      // tax-inclusive unit price the shopper multiplies, so there the line total is exactly unit × quantity.
      totalTax: seed.isTaxInclusivePricing ? taxOn(priceExTax, rate) * lineSeed.quantity : taxOn(totalExTax, rate),
      parentLineId: parent?.id ?? null,
      isBundled: parent !== undefined,
      productOptions: [],
      manualDiscount: 0,
      couponDiscount: 0,
    };
    if (parent) {
      parent.productOptions.push({
        id: ids.next('option'),
        optionId: 39,
        productOptionId: ids.next('option'),
        displayName: 'Bundle',
        displayValue: name,
        value: String(line.productId),
        type: 'Product Pick List',
        name: 'Bundle',
        displayStyle: 'Pick list',
      });
    }
    lines.push(line);
  });
  return lines;
}
