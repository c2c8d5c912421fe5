import { buildSalesOrder, localDate } from '../../functions/core/build-sales-order.ts';
import { PermanentError } from '../../functions/core/errors.ts';
import type { StoreOrder } from '../../functions/core/model.ts';
import { parseMoney, zeroMoney } from '../../functions/core/money.ts';

const address = {
  firstName: 'Ann',
  lastName: "O'Brien",
  company: '',
  street1: '1 Main St',
  street2: '',
  city: 'Austin',
  state: 'Texas',
  zip: '78701',
  countryIso2: 'US',
  phone: '',
  email: "o'brien@example.com",
};

function order(overrides: Partial<StoreOrder> = {}): StoreOrder {
  return {
    storeHash: 'abc123',
    orderId: 101,
    statusId: 11,
    customerId: 0,
    dateCreated: new Date('2026-03-01T03:30:00Z'),
    dateModified: new Date('2026-03-01T03:30:00Z'),
    currencyCode: 'USD',
    billing: address,
    shipping: address,
    lines: [
      { lineId: 1, sku: 'MUG', name: 'Mug', quantity: 2, priceExTax: parseMoney('10.5'), priceIncTax: parseMoney('11.34'), parentLineId: undefined },
      { lineId: 2, sku: 'KIT', name: 'Kit', quantity: 1, priceExTax: parseMoney('30'), priceIncTax: parseMoney('32.4'), parentLineId: undefined },
      { lineId: 3, sku: 'KIT-PART', name: 'Part', quantity: 1, priceExTax: zeroMoney, priceIncTax: zeroMoney, parentLineId: 2 },
    ],
    shippingExTax: parseMoney('5'),
    shippingIncTax: parseMoney('5.4'),
    handlingExTax: zeroMoney,
    handlingIncTax: zeroMoney,
    discountAmount: zeroMoney,
    couponDiscount: zeroMoney,
    subtotalExTax: parseMoney('51'),
    subtotalIncTax: parseMoney('55.08'),
    totalIncTax: parseMoney('60.48'),
    customerMessage: '',
    ...overrides,
  };
}

const items = new Map([
  ['MUG', '11'],
  ['KIT', '12'],
]);
const settings = { timeZone: 'America/Chicago', priceBasis: 'ex_tax' as const };

test('maps lines, references and the order date in the configured time zone', () => {
  const draft = buildSalesOrder(order(), '77', items, { ...settings, locationId: '3' });
  expect(draft).toMatchObject({
    externalId: 'BC-abc123-101',
    otherRefNum: '101',
    customerId: '77',
    tranDate: '2026-02-28', // 03:30 UTC is the previous evening in Chicago
    memo: 'BigCommerce order 101',
    shippingCost: 5,
    locationId: '3',
    lines: [
      { itemId: '11', quantity: 2, rate: 10.5 },
      { itemId: '12', quantity: 1, rate: 30 },
    ],
  });
  expect(draft.lines).toHaveLength(2); // the bundle's zero-priced pick-list child is carried by its parent
  expect(draft.discount).toBeUndefined();
});

test('uses tax-inclusive prices when configured', () => {
  const draft = buildSalesOrder(order(), '77', items, { ...settings, priceBasis: 'inc_tax' });
  expect(draft.lines.map((line) => line.rate)).toEqual([11.34, 32.4]);
  expect(draft.shippingCost).toBe(5.4);
});

test('carries discount and coupon as one negative amount on the discount item', () => {
  const draft = buildSalesOrder(order({ discountAmount: parseMoney('5'), couponDiscount: parseMoney('2.5') }), '77', items, {
    ...settings,
    discountItemId: '900',
  });
  expect(draft.discount).toEqual({ itemId: '900', amount: -7.5 });
});

test('a discount without a configured discount item is a permanent, explanatory error', () => {
  expect(() => buildSalesOrder(order({ discountAmount: parseMoney('5') }), '77', items, settings)).toThrow(
    new PermanentError('order 101 has a 5.00 discount but no NetSuite discount item is configured (NETSUITE_DISCOUNT_ITEM_ID)'),
  );
});

test('refuses lines that do not add up to the order subtotal, rather than drift', () => {
  expect(() => buildSalesOrder(order({ subtotalExTax: parseMoney('60') }), '77', items, settings)).toThrow(
    /line amounts add up to 51.00 but the order subtotal is 60.00/,
  );
});

test('localDate formats an instant as a calendar date in a zone', () => {
  expect(localDate(new Date('2026-12-31T23:30:00Z'), 'Europe/Berlin')).toBe('2027-01-01');
  expect(localDate(new Date('2026-12-31T23:30:00Z'), 'UTC')).toBe('2026-12-31');
});
