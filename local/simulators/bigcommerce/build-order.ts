/**
 * Turns a SeedOrder into a StoredOrder: resolves ids, computes per-line and per-address tax, and pro-rates the
 * order-level discounts onto lines. A seed that could not exist in a real store throws, loudly, at seeding time.
 */
import { countryName } from './country-names.ts';
import { seedInstant } from './dates.ts';
import { parseMoney, prorate, rateToMillionths, taxOn, type Units } from './money.ts';
import type { StoredAddress, StoredCoupon, StoredFee, StoredLine, StoredOrder, StoredShippingAddress } from './order-record.ts';
import { orderTotals } from './order-record.ts';
import { paymentStatusFor, statusById } from './order-statuses.ts';
import type { SeedAddress, SeedOrder } from './seed-order.ts';

/** Store-wide id sequences: line, address, option and coupon ids are unique across orders like the real store's. */
export interface IdSource {
  next(kind: 'line' | 'address' | 'option' | 'coupon' | 'fee' | 'giftCertificate'): number;
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
  const fees: StoredFee[] = (seed.fees ?? []).map((fee, index) => {
    const costExTax = parseMoney(fee.costExTax, `${where} fee ${index}`);
    return { id: ids.next('fee'), name: fee.name, costExTax, costTax: fee.taxable === false ? 0 : taxOn(costExTax, rate) };
  });
  const currencyCode = (seed.currencyCode ?? 'USD').toUpperCase();
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
    currencyCode,
    displayCurrencyCode: (seed.displayCurrencyCode ?? currencyCode).toUpperCase(),
    storeDefaultCurrencyCode: (seed.storeDefaultCurrencyCode ?? currencyCode).toUpperCase(),
    exchangeRate: Number(seed.exchangeRate ?? '1').toFixed(10),
    fees,
    giftCertificateAmount: seed.giftCertificateAmount === undefined ? 0 : parseMoney(seed.giftCertificateAmount, `${where} giftCertificateAmount`),
    storeCreditAmount: seed.storeCreditAmount === undefined ? 0 : parseMoney(seed.storeCreditAmount, `${where} storeCreditAmount`),
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
    // An order the card only authorized reads 'authorized' until captured (orders.v2.oas2.yml L4337-4352).
    paymentStatus: seed.paymentCaptured === false && paymentStatusFor(statusId) === 'captured' ? 'authorized' : undefined,
    refundBusyUntil: 0,
  };
  const { totalIncTax } = orderTotals(order);
  if (totalIncTax < 0) throw new Error(`${where}: discounts exceed the order total`);
  if (order.giftCertificateAmount + order.storeCreditAmount > totalIncTax)
    throw new Error(`${where}: gift certificate and store credit exceed the order total`);
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

function buildLines(seed: SeedOrder, shipping: StoredShippingAddress[], digital: boolean, rate: number, ids: IdSource, where: string): StoredLine[] {
  const lines: StoredLine[] = [];
  seed.lines.forEach((lineSeed, index) => {
    const what = `${where} line ${index}`;
    if (!Number.isInteger(lineSeed.quantity) || lineSeed.quantity < 1) throw new Error(`${what}: quantity must be a positive integer`);
    const parentIndex = lineSeed.parentLineIndex;
    const parent = parentIndex === undefined ? undefined : lines[parentIndex];
    if (parentIndex !== undefined && (!parent || parent.isBundled)) {
      throw new Error(`${what}: parentLineIndex must point at an earlier, non-bundled line`);
    }
    // Gift certificates go out by e-mail (consignments.email), never to a shipping address.
    const giftCertificate = lineSeed.type === 'giftcertificate';
    if (giftCertificate && (lineSeed.sku !== '' || parent || lineSeed.addressIndex !== undefined)) {
      throw new Error(`${what}: a gift certificate line has no SKU, no parent and no shipping address`);
    }
    const addressIndex = lineSeed.addressIndex ?? 0;
    const target = giftCertificate ? undefined : shipping[addressIndex];
    if (!digital && !giftCertificate && !target) throw new Error(`${what}: addressIndex ${addressIndex} has no shipping address`);
    if (digital && lineSeed.addressIndex !== undefined) throw new Error(`${what}: a digital order has no address to ship to`);
    if (target) target.itemsTotal += lineSeed.quantity;
    // Gift certificates are not taxed; a line may carry its own rate (a tax-exempt product).
    const lineRate = giftCertificate ? 0 : lineSeed.taxRate === undefined ? rate : rateToMillionths(lineSeed.taxRate);
    const wrappingExTax = lineSeed.wrappingCostExTax === undefined ? 0 : parseMoney(lineSeed.wrappingCostExTax, `${what} wrappingCostExTax`);
    if (wrappingExTax > 0 && (giftCertificate || digital)) throw new Error(`${what}: only physical lines can be gift wrapped`);

    // A pick-list child is part of its parent's price: BigCommerce serves it with every amount at 0.
    const priceExTax: Units = parent ? 0 : parseMoney(lineSeed.priceExTax, `${what} priceExTax`);
    const totalExTax = priceExTax * lineSeed.quantity;
    const name = lineSeed.name ?? (lineSeed.sku || (giftCertificate ? 'Gift Certificate' : 'Custom product'));
    const line: StoredLine = {
      id: ids.next('line'),
      // Custom products and gift certificates have product_id 0 and no variant (orders.v2.oas2.yml L2360-2416, L3234).
      productId: lineSeed.productId ?? (lineSeed.sku === '' ? 0 : ids.productIdFor(lineSeed.sku)),
      variantId: lineSeed.variantId ?? (lineSeed.sku === '' ? 0 : ids.variantIdFor(lineSeed.sku)),
      sku: lineSeed.sku,
      name,
      quantity: lineSeed.quantity,
      addressId: target?.id ?? 0,
      type: lineSeed.type ?? (digital ? 'digital' : 'physical'),
      giftCertificateId: giftCertificate ? ids.next('giftCertificate') : null,
      wrappingExTax,
      wrappingTax: taxOn(wrappingExTax, lineRate),
      wrappingName: wrappingExTax > 0 ? (lineSeed.wrappingName ?? 'Gift Wrap') : '',
      taxClass: lineSeed.taxClass ?? (giftCertificate ? 'Non-Taxable Products' : 'Default Tax Class'),
      priceExTax,
      priceTax: taxOn(priceExTax, lineRate),
      totalExTax,
      // Exclusive stores tax the line total (unit tax × quantity may differ by a cent); inclusive stores show a
      // tax-inclusive unit price the shopper multiplies, so there the line total is exactly unit × quantity.
      totalTax: seed.isTaxInclusivePricing ? taxOn(priceExTax, lineRate) * lineSeed.quantity : taxOn(totalExTax, lineRate),
      parentLineId: parent?.id ?? null,
      isBundled: parent !== undefined,
      productOptions: [],
      manualDiscount: 0,
      couponDiscount: 0,
      quantityRefunded: 0,
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
