import { buildSalesOrder, localDate, skusToResolve, type SalesOrderSettings } from '../../functions/core/build-sales-order.ts';
import { PermanentError } from '../../functions/core/errors.ts';
import type { OrderLine, StoreOrder } from '../../functions/core/model.ts';
import { parseMoney, zeroMoney } from '../../functions/core/money.ts';
import { regionCode } from '../../functions/core/region-codes.ts';

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

const m = parseMoney;

function line(lineId: number, sku: string, quantity: number, price: string, extra: Partial<OrderLine> = {}): OrderLine {
  const priceExTax = m(price);
  return {
    lineId,
    sku,
    name: sku || 'Engraved plaque',
    type: 'physical',
    quantity,
    priceExTax,
    priceIncTax: priceExTax,
    totalExTax: (priceExTax * quantity) as typeof priceExTax,
    totalIncTax: (priceExTax * quantity) as typeof priceExTax,
    wrappingExTax: zeroMoney,
    wrappingIncTax: zeroMoney,
    wrappingName: '',
    addressId: 500,
    parentLineId: undefined,
    ...extra,
  };
}

function order(overrides: Partial<StoreOrder> = {}): StoreOrder {
  return {
    storeHash: 'abc123',
    orderId: 101,
    statusId: 11,
    customerId: 0,
    dateCreated: new Date('2026-03-01T03:30:00Z'),
    dateModified: new Date('2026-03-01T03:30:00Z'),
    currencyCode: 'USD',
    isTaxInclusivePricing: false,
    billing: address,
    consignments: [
      { addressId: 500, address, shippingMethod: 'Flat Rate', costExTax: m('5'), costIncTax: m('5.4'), handlingExTax: zeroMoney, handlingIncTax: zeroMoney },
    ],
    lines: [line(1, 'MUG', 2, '10.5'), line(2, 'KIT', 1, '30'), line(3, 'KIT-PART', 1, '0', { parentLineId: 2 })],
    fees: [],
    shippingExTax: m('5'),
    shippingIncTax: m('5.4'),
    handlingExTax: zeroMoney,
    handlingIncTax: zeroMoney,
    wrappingExTax: zeroMoney,
    wrappingIncTax: zeroMoney,
    discountAmount: zeroMoney,
    couponDiscount: zeroMoney,
    subtotalExTax: m('51'),
    subtotalIncTax: m('55.08'),
    totalExTax: m('56'),
    totalIncTax: m('60.48'),
    totalTax: m('4.48'),
    giftCertificateAmount: zeroMoney,
    storeCreditAmount: zeroMoney,
    customerMessage: '',
    ...overrides,
  };
}

const refs = {
  customerId: '77',
  itemIds: new Map([
    ['MUG', '11'],
    ['KIT', '12'],
  ]),
  currencyId: '1',
};
const settings: SalesOrderSettings = { timeZone: 'America/Chicago', taxMode: 'netsuite' };
const build = (o: StoreOrder, s: Partial<SalesOrderSettings> = {}) => buildSalesOrder(o, refs, { ...settings, ...s });

test('maps lines with amounts, references, the currency and the order date in the configured time zone', () => {
  const { draft, booked } = build(order(), { locationId: '3' });
  expect(draft).toMatchObject({
    externalId: 'BC-abc123-101',
    otherRefNum: '101',
    customerId: '77',
    currencyId: '1',
    tranDate: '2026-02-28', // 03:30 UTC is the previous evening in Chicago
    memo: 'BigCommerce order 101',
    shippingCost: 5,
    locationId: '3',
    lines: [
      { itemId: '11', quantity: 2, rate: 10.5, amount: 21 },
      { itemId: '12', quantity: 1, rate: 30, amount: 30 },
    ],
    shippingAddress: { state: 'TX', country: 'US' },
  });
  expect(draft.lines).toHaveLength(2); // the bundle's zero-priced pick-list child is carried by its parent
  expect(draft.discount).toBeUndefined();
  expect(draft.shipMethodId).toBeUndefined(); // no ship method map configured
  expect(booked).toEqual({
    orderDate: '2026-02-28',
    currency: 'USD',
    total: m('60.48'),
    tax: m('4.48'),
    bigcommerceTax: m('4.48'),
    shipping: m('5'),
    discount: zeroMoney,
    itemIds: ['11', '12'],
  });
});

test('with NETSUITE_LINE_ID_FIELD, product lines carry their order product id; charge lines carry none', () => {
  const { draft } = build(order({ handlingExTax: m('2'), totalExTax: m('58') }), { lineIdField: 'custcol_bc_line_id', handlingItemId: '90' });
  expect(draft.lineIdField).toBe('custcol_bc_line_id');
  expect(draft.lines.map((line) => line.orderProductId)).toEqual([1, 2, undefined]);
  expect(build(order()).draft.lineIdField).toBeUndefined();
});

test("each line's amount is BigCommerce's own line total, not rate × quantity re-rounded", () => {
  // 3 × 3.3333 = 9.9999, while BigCommerce charged 10.00 for the line.
  const odd = line(1, 'MUG', 3, '3.3333', { totalExTax: m('10') });
  const { draft } = build(order({ lines: [odd], subtotalExTax: m('10') }));
  expect(draft.lines[0]).toMatchObject({ rate: 3.3333, amount: 10 });
});

test('carries discount and coupon as one negative amount on the discount item', () => {
  const { draft, booked } = build(order({ discountAmount: m('5'), couponDiscount: m('2.5') }), { discountItemId: '900' });
  expect(draft.discount).toEqual({ itemId: '900', amount: -7.5 });
  expect(booked.discount).toBe(m('7.5'));
});

test('a discount without a configured discount item is a permanent, explanatory error', () => {
  expect(() => build(order({ discountAmount: m('5') }))).toThrow(
    new PermanentError('order 101 has a 5.00 discount but no NetSuite discount item is configured (NETSUITE_DISCOUNT_ITEM_ID)'),
  );
});

test('refuses lines that do not add up to the order subtotal, rather than drift', () => {
  expect(() => build(order({ subtotalExTax: m('60') }))).toThrow(/line amounts add up to 51.00 but the order subtotal is 60.00/);
});

test('a gift certificate line books on the configured item, and is never looked up by SKU', () => {
  const gift = line(4, '', 1, '25', { type: 'giftcertificate', name: 'Gift Certificate', addressId: 0 });
  const withGift = order({ lines: [line(1, 'MUG', 2, '10.5'), gift], subtotalExTax: m('46') });
  expect(skusToResolve(withGift, { ...settings, giftCertificateItemId: '800' })).toEqual(['MUG']);
  const { draft } = build(withGift, { giftCertificateItemId: '800' });
  expect(draft.lines.map((l) => [l.itemId, l.amount, l.description])).toEqual([
    ['11', 21, 'MUG'],
    ['800', 25, 'Gift Certificate'],
  ]);
  expect(() => skusToResolve(withGift, settings)).toThrow(/line 'Gift Certificate' is a gift certificate, and NETSUITE_GIFT_CERTIFICATE_ITEM_ID is not set/);
});

test('a line without a SKU books on the fallback item, or fails naming the line', () => {
  const custom = order({ lines: [line(1, '', 1, '51')] });
  expect(() => skusToResolve(custom, settings)).toThrow(
    new PermanentError("order 101: line 'Engraved plaque' has no SKU (set NETSUITE_NO_SKU_ITEM_ID to book such lines on one item)"),
  );
  expect(skusToResolve(custom, { ...settings, noSkuItemId: '801' })).toEqual([]);
  expect(build(custom, { noSkuItemId: '801' }).draft.lines[0]).toMatchObject({ itemId: '801', amount: 51 });
});

test('wrapping and handling go into the shipping charge, or onto their own items when configured', () => {
  const wrapped = order({ wrappingExTax: m('4'), handlingExTax: m('2') });
  const folded = build(wrapped);
  expect(folded.draft.shippingCost).toBe(11);
  expect(folded.booked.shipping).toBe(m('11'));

  const itemised = build(wrapped, { wrappingItemId: '810', handlingItemId: '811' });
  expect(itemised.draft.shippingCost).toBe(5);
  expect(itemised.draft.lines.slice(2).map((l) => [l.itemId, l.amount, l.description])).toEqual([
    ['811', 2, 'Handling'],
    ['810', 4, 'Gift wrapping'],
  ]);
});

test('wrapping books one line per wrapped line, as BigCommerce charges and taxes it', () => {
  const wrappedLines = [
    line(1, 'MUG', 2, '10.5', { wrappingExTax: m('2.71'), wrappingName: 'Gold paper' }),
    line(2, 'KIT', 1, '30', { wrappingExTax: m('3.72') }),
  ];
  const { draft } = build(order({ lines: wrappedLines, wrappingExTax: m('6.43') }), { wrappingItemId: '810' });
  expect(draft.lines.slice(2).map((l) => [l.itemId, l.amount, l.description])).toEqual([
    ['810', 2.71, 'Gift wrapping: Gold paper (MUG)'],
    ['810', 3.72, 'Gift wrapping (KIT)'],
  ]);
});

test('each fee books as its own line with its name; a fee without a fee item is refused', () => {
  const fees = [
    { id: 1, name: 'Packaging', costExTax: m('1.5'), costIncTax: m('1.62'), costTax: m('0.12') },
    { id: 2, name: 'Card surcharge', costExTax: m('0.99'), costIncTax: m('0.99'), costTax: zeroMoney },
  ];
  const { draft } = build(order({ fees }), { feeItemId: '820' });
  expect(draft.lines.slice(2).map((l) => [l.itemId, l.amount, l.description])).toEqual([
    ['820', 1.5, 'Packaging'],
    ['820', 0.99, 'Card surcharge'],
  ]);
  expect(() => build(order({ fees }))).toThrow(/has a 1.50 fee 'Packaging' but no NetSuite fee item is configured \(NETSUITE_FEE_ITEM_ID\)/);
});

test("tax mode line: BigCommerce's tax on the tax item, and every line carries the non-taxable code", () => {
  const { draft, booked } = build(order(), { taxMode: 'line', taxItemId: '830', nonTaxableTaxCodeId: '-8' });
  expect(draft.lines.map((l) => [l.itemId, l.amount, l.taxCodeId])).toEqual([
    ['11', 21, '-8'],
    ['12', 30, '-8'],
    ['830', 4.48, '-8'],
  ]);
  expect(draft.shippingTaxCodeId).toBe('-8'); // or NetSuite taxes the shipping charge again
  expect(booked.tax).toBe(zeroMoney); // NetSuite itself should compute none
  expect(booked.bigcommerceTax).toBe(m('4.48'));

  const byClass = buildSalesOrder(
    order(),
    {
      ...refs,
      taxByClass: [
        { name: 'Default Tax Class', amount: m('4.08') },
        { name: 'Shipping', amount: m('0.4') },
      ],
    },
    { ...settings, taxMode: 'line', taxLines: 'class', taxItemId: '830', nonTaxableTaxCodeId: '-8' },
  );
  expect(byClass.draft.lines.slice(2).map((l) => [l.description, l.amount])).toEqual([
    ['Default Tax Class', 4.08],
    ['Shipping', 0.4],
  ]);
});

test('the ship method comes from the map, matched loosely; an unmapped one fails unless there is a default', () => {
  const shipMethods = new Map([['flat rate', '40']]);
  expect(build(order(), { shipMethods }).draft).toMatchObject({ shipMethodId: '40', shippingCost: 5 });
  const ups = order({ consignments: [{ ...order().consignments[0]!, shippingMethod: 'UPS® (UPS Ground)' }] });
  expect(() => build(ups, { shipMethods })).toThrow(/shipping method 'UPS® \(UPS Ground\)' has no NetSuite ship item in NETSUITE_SHIP_METHODS/);
  expect(build(ups, { shipMethods, defaultShipMethodId: '41' }).draft.shipMethodId).toBe('41');
});

test('an order with two shipping addresses is refused unless multiple shipping routes are on', () => {
  const second = { ...order().consignments[0]!, addressId: 501, address: { ...address, city: 'Dallas' } };
  const split = order({ consignments: [order().consignments[0]!, second], lines: [line(1, 'MUG', 2, '10.5'), line(2, 'KIT', 1, '30', { addressId: 501 })] });
  expect(() => build(split)).toThrow(/ships to 2 addresses; set NETSUITE_MULTI_SHIP_ROUTES=true/);
});

test('a digital order has no shipping address and no shipping charge', () => {
  const digital = order({
    consignments: [],
    shippingExTax: zeroMoney,
    lines: [line(1, 'MUG', 2, '10.5', { type: 'digital', addressId: 0 })],
    subtotalExTax: m('21'),
  });
  const { draft } = build(digital);
  expect(draft.shippingAddress).toBeUndefined();
  expect(draft.shippingCost).toBeUndefined();
});

test('US and Canadian state names become their codes; other countries pass through', () => {
  expect(regionCode('US', 'Texas')).toBe('TX');
  expect(regionCode('US', 'district of columbia')).toBe('DC');
  expect(regionCode('US', 'tx')).toBe('TX');
  expect(regionCode('CA', 'Québec')).toBe('QC');
  expect(regionCode('GB', 'Greater London')).toBe('Greater London');
});

test('localDate formats an instant as a calendar date in a zone', () => {
  expect(localDate(new Date('2026-12-31T23:30:00Z'), 'Europe/Berlin')).toBe('2027-01-01');
  expect(localDate(new Date('2026-12-31T23:30:00Z'), 'UTC')).toBe('2026-12-31');
});
