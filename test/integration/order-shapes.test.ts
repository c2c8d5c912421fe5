/**
 * Every real order shape, booked right: each test places an order in the simulated store, syncs it through the
 * product's own adapters against both simulators over HTTP and DynamoDB Local, and asserts NetSuite's state.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/dynamodb-client.ts';
import { MissingSkuError, PermanentError } from '../../functions/core/errors.ts';
import { orderKey } from '../../functions/core/external-ids.ts';
import { requeueParkedOrders } from '../../functions/core/requeue-parked.ts';
import { refreshSkuMap } from '../../functions/core/refresh-sku-map.ts';
import type { OrderMessage } from '../../functions/core/ports.ts';
import { shopper, startHarness, type Harness, type HarnessOptions } from '../support/sync-harness.ts';

let h: Harness;
const items: Record<string, string> = {};
afterEach(async () => h?.close());

/** 8.25 % on everything, in BigCommerce and in NetSuite alike, unless a test says otherwise. */
const TAXED = {
  taxCodes: [
    { id: '-8', name: '-Not Taxable-', rate: 0 },
    { id: '5', name: 'TX 8.25%', rate: 0.0825 },
  ],
  defaultTaxCode: '5',
  shippingTaxCode: '5',
};

async function start(options: HarnessOptions = {}) {
  h = await startHarness({ netsuite: TAXED, ...options });
  for (const sku of ['MUG-11OZ', 'TSHIRT-RED-M', 'EBOOK-BREWING']) items[sku] = h.ns.addItem({ itemId: sku });
}

const key = (orderId: number) => orderKey('abc123', orderId);
const ann = shopper('ann@example.com');

describe('which orders sync', () => {
  test('a digital-only order that BigCommerce moved straight to Completed syncs, with no ship-to and no shipping', async () => {
    await start();
    const orderId = h.bc.addOrder({ statusId: 10, billing: ann, shipping: [], lines: [{ sku: 'EBOOK-BREWING', quantity: 1, priceExTax: '9.99' }] });

    expect(await h.sync(orderId)).toMatchObject({ status: 'synced' });
    const [order] = h.ns.salesOrders();
    expect(order).toMatchObject({ otherRefNum: String(orderId), lines: [expect.objectContaining({ item: items['EBOOK-BREWING'], amount: 9.99 })] });
    expect(order!.shippingCost).toBeUndefined();
    expect((order!.body as Record<string, unknown>).shippingAddress).toBeUndefined();
  });

  test.each([
    [9, 'Awaiting Shipment'],
    [8, 'Awaiting Pickup'],
    [3, 'Partially Shipped'],
    [2, 'Shipped'],
  ])('an order already in status %i (%s) when read syncs by default', async (statusId) => {
    await start();
    const orderId = h.bc.addOrder({ statusId, billing: ann, lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.25' }] });
    expect(await h.sync(orderId)).toMatchObject({ status: 'synced' });
    expect(h.ns.salesOrders()).toHaveLength(1);
  });

  test('an order that left the paid statuses (cancelled) is skipped with the reason, and nothing reaches NetSuite', async () => {
    await start();
    const orderId = h.bc.addOrder({ statusId: 5, billing: ann, lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.25' }] });
    expect(await h.sync(orderId)).toMatchObject({ status: 'skipped', reason: expect.stringContaining('Cancelled (5)') });
    expect(await h.context.ledger.get(key(orderId))).toMatchObject({ state: 'skipped', skipReason: expect.stringContaining('Cancelled') });
    expect(h.ns.salesOrders()).toHaveLength(0);
  });
});

describe('lines without a usable SKU', () => {
  test('a gift certificate purchase books onto the configured item, beside the SKU lines', async () => {
    await start({ env: ({ ns }) => ({ NETSUITE_GIFT_CERTIFICATE_ITEM_ID: ns.addItem({ itemId: 'GIFT-CERT', itemType: 'NonInvtPart' }) }) });
    const orderId = h.bc.addOrder({
      billing: ann,
      lines: [
        { sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.25' },
        { sku: '', type: 'giftcertificate', name: '$25 Gift Certificate', quantity: 1, priceExTax: '25' },
      ],
    });

    await h.sync(orderId);
    const giftItem = h.config.sync.giftCertificateItemId!;
    expect(h.ns.salesOrders()[0]!.lines.map((line) => [line.item, line.amount, line.description])).toEqual([
      [items['MUG-11OZ'], 12.25, 'MUG-11OZ'],
      [giftItem, 25, '$25 Gift Certificate'],
    ]);
  });

  test('a custom product without a SKU fails permanently naming the line; with a fallback item it syncs onto it', async () => {
    await start();
    const orderId = h.bc.addOrder({ billing: ann, lines: [{ sku: '', name: 'Engraved plaque', quantity: 1, priceExTax: '40' }] });
    const failure = await h.sync(orderId).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PermanentError);
    expect(failure).not.toBeInstanceOf(MissingSkuError);
    expect((failure as Error).message).toContain("line 'Engraved plaque' has no SKU");
    expect(await h.context.parked.list()).toEqual([]); // nothing parked under an empty SKU
    expect(h.ns.salesOrders()).toHaveLength(0);

    await h.close();
    await start({ env: ({ ns }) => ({ NETSUITE_NO_SKU_ITEM_ID: ns.addItem({ itemId: 'CUSTOM', itemType: 'NonInvtPart' }) }) });
    const again = h.bc.addOrder({ billing: ann, lines: [{ sku: '', name: 'Engraved plaque', quantity: 1, priceExTax: '40' }] });
    await h.sync(again);
    expect(h.ns.salesOrders()[0]!.lines).toEqual([expect.objectContaining({ item: h.config.sync.noSkuItemId, amount: 40, description: 'Engraved plaque' })]);
  });

  test('regression: an order parked for a missing SKU beside one with an empty-SKU line (and a legacy entry parked under ""): the refresh still requeues', async () => {
    await start();
    const missing = h.bc.addOrder({ billing: ann, lines: [{ sku: 'ABC-1', quantity: 1, priceExTax: '5' }] });
    const emptySku = h.bc.addOrder({ billing: ann, lines: [{ sku: '', name: 'Engraved plaque', quantity: 1, priceExTax: '40' }] });
    await expect(h.sync(missing)).rejects.toBeInstanceOf(MissingSkuError);
    await expect(h.sync(emptySku)).rejects.toThrow(/has no SKU/);
    // What an earlier version left behind: an order parked under the empty SKU, which DynamoDB cannot look up.
    await h.context.parked.park(4242, ['']);
    expect(await h.context.parked.list()).toEqual(
      expect.arrayContaining([
        { orderId: missing, skus: ['ABC-1'] },
        { orderId: 4242, skus: [''] },
      ]),
    );

    h.ns.addItem({ itemId: 'ABC-1' });
    await refreshSkuMap(h.context);
    const enqueued: OrderMessage[] = [];
    const result = await requeueParkedOrders({
      parked: h.context.parked,
      skuMap: h.context.skuMap,
      queue: { enqueue: async (messages) => void enqueued.push(...messages) },
      storeHash: 'abc123',
      history: h.context.ledger,
    });

    expect(result.requeued.sort()).toEqual([missing, 4242].sort());
    expect(enqueued.map((message) => message.orderId).sort()).toEqual([missing, 4242].sort());
    expect(await h.context.parked.list()).toEqual([]);
    await h.sync(missing);
    expect(h.ns.salesOrders()).toHaveLength(1);
  });
});

describe('every part of the total', () => {
  const wrappedWithFee = () =>
    h.bc.addOrder({
      billing: ann,
      taxRate: 0.0825,
      lines: [
        { sku: 'MUG-11OZ', quantity: 2, priceExTax: '12.25', wrappingCostExTax: '3.5', wrappingName: 'Gold paper' },
        { sku: 'TSHIRT-RED-M', quantity: 1, priceExTax: '19.99' },
      ],
      shippingCostExTax: '7.5',
      handlingCostExTax: '1.25',
      fees: [{ name: 'Eco packaging', costExTax: '2' }],
      discountAmount: '3',
      couponDiscount: '2',
      giftCertificateAmount: '10', // paid partly by gift certificate: a payment, not a discount
    });

  test("a wrapped order with handling, a fee, discounts and a gift certificate payment: NetSuite's total is BigCommerce's total_inc_tax to the cent", async () => {
    await start({
      env: ({ ns }) => ({
        NETSUITE_WRAPPING_ITEM_ID: ns.addItem({ itemId: 'GIFT-WRAP', itemType: 'OthCharge' }),
        NETSUITE_HANDLING_ITEM_ID: ns.addItem({ itemId: 'HANDLING', itemType: 'OthCharge' }),
        NETSUITE_FEE_ITEM_ID: ns.addItem({ itemId: 'FEES', itemType: 'OthCharge' }),
      }),
    });
    const orderId = wrappedWithFee();
    const bigcommerce = (await (
      await fetch(`${h.bc.baseUrl}/stores/abc123/v2/orders/${orderId}`, {
        headers: { 'X-Auth-Token': h.config.bigcommerce.accessToken, Accept: 'application/json' },
      })
    ).json()) as Record<string, string>;

    await h.sync(orderId);
    const [order] = h.ns.salesOrders();
    expect(order!.total.toFixed(2)).toBe(Number(bigcommerce.total_inc_tax).toFixed(2));
    expect(order!.taxTotal.toFixed(2)).toBe(Number(bigcommerce.total_tax).toFixed(2));
    expect(order!.lines.map((line) => line.description)).toEqual([
      'MUG-11OZ',
      'TSHIRT-RED-M',
      'Handling',
      'Gift wrapping: Gold paper (MUG-11OZ)',
      'Eco packaging',
    ]);
    expect(order!.shippingCost).toBe(7.5);
    expect(order!.discountTotal).toBe(-5); // manual discount and coupon, each counted once
  });

  test('without wrapping and handling items, both go into the shipping charge; without a fee item the order is refused naming the fee', async () => {
    await start({ env: ({ ns }) => ({ NETSUITE_FEE_ITEM_ID: ns.addItem({ itemId: 'FEES', itemType: 'OthCharge' }) }) });
    const orderId = wrappedWithFee();
    await h.sync(orderId);
    expect(h.ns.salesOrders()[0]!.shippingCost).toBe(7.5 + 1.25 + 3.5);

    await h.close();
    await start();
    await expect(h.sync(wrappedWithFee())).rejects.toThrow(/fee 'Eco packaging' but no NetSuite fee item is configured \(NETSUITE_FEE_ITEM_ID\)/);
    expect(h.ns.salesOrders()).toHaveLength(0);
  });
});

describe('currency', () => {
  const euro = { taxRate: 0, currencyCode: 'EUR', storeDefaultCurrencyCode: 'USD', exchangeRate: '0.92' } as const;

  test('a EUR order on a USD store is booked in EUR, for a new shopper created in EUR', async () => {
    await start({ netsuite: { ...TAXED, currencies: ['USD', 'EUR'] } });
    const orderId = h.bc.addOrder({ ...euro, billing: ann, lines: [{ sku: 'MUG-11OZ', quantity: 2, priceExTax: '11.5' }] });

    await h.sync(orderId);
    const eur = h.ns.currencyId('EUR');
    expect(h.ns.salesOrders()[0]).toMatchObject({ currency: eur });
    expect(h.ns.customers()[0]).toMatchObject({ currency: eur });
  });

  test('a customer who cannot use EUR, or an account without EUR, fails permanently with a clear message', async () => {
    await start({ netsuite: { ...TAXED, currencies: ['USD', 'EUR'] } });
    h.ns.addCustomer({ email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith', currency: 'USD' });
    const orderId = h.bc.addOrder({ ...euro, billing: ann, lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '11.5' }] });
    const failure = await h.sync(orderId).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PermanentError);
    expect((failure as Error).message).toMatch(/cannot transact in EUR: add EUR to the customer's currencies in NetSuite/);

    await h.close();
    await start(); // USD only
    const other = h.bc.addOrder({ ...euro, billing: ann, lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '11.5' }] });
    await expect(h.sync(other)).rejects.toThrow(/is in EUR, a currency NetSuite does not have/);
    expect(h.ns.salesOrders()).toHaveLength(0);
  });
});

describe('tax, chosen explicitly', () => {
  test("line mode: BigCommerce's tax books per tax class on the tax item, and NetSuite adds none of its own", async () => {
    await start({
      env: ({ ns }) => ({
        SYNC_TAX_MODE: 'line',
        SYNC_TAX_LINES: 'class',
        NETSUITE_TAX_ITEM_ID: ns.addItem({ itemId: 'SALES-TAX', itemType: 'OthCharge' }),
        NETSUITE_NON_TAXABLE_TAX_CODE_ID: '-8',
      }),
    });
    const orderId = h.bc.addOrder({
      billing: ann,
      taxRate: 0.0825,
      lines: [
        { sku: 'MUG-11OZ', quantity: 2, priceExTax: '12.25' },
        { sku: 'EBOOK-BREWING', quantity: 1, priceExTax: '9.99', taxRate: 0.05, taxClass: 'Digital Goods' },
      ],
      shippingCostExTax: '7.5',
    });

    await h.sync(orderId);
    const [order] = h.ns.salesOrders();
    expect(order!.taxTotal).toBe(0);
    // 8.25 % of 24.50 = 2.02; 5 % of 9.99 = 0.50; 8.25 % of 7.50 shipping = 0.62
    expect(order!.lines.slice(2).map((line) => [line.description, line.amount, line.taxCode])).toEqual([
      ['Default Tax Class', 2.02, '-8'],
      ['Digital Goods', 0.5, '-8'],
      ['Shipping', 0.62, '-8'],
    ]);
    expect(order!.total).toBe(24.5 + 9.99 + 7.5 + 2.02 + 0.5 + 0.62);
  });
});

describe('ship method and addresses', () => {
  test('the mapped ship item is set with the shipping cost, so NetSuite keeps BigCommerce’s cost; states become codes', async () => {
    await start({
      env: ({ ns }) => ({ NETSUITE_SHIP_METHODS: JSON.stringify({ 'Flat Rate': ns.addItem({ itemId: 'Ground', itemType: 'ShipItem', basePrice: 15 }) }) }),
    });
    const orderId = h.bc.addOrder({ billing: ann, lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.25' }], shippingCostExTax: '6.95' });

    await h.sync(orderId);
    const [order] = h.ns.salesOrders();
    expect(order).toMatchObject({ shipMethod: h.config.sync.shipMethods.get('flat rate'), shippingCost: 6.95 });
    expect(order!.shippingAddress).toMatchObject({ state: 'TX', country: 'US' });
    expect(order!.billingAddress).toMatchObject({ state: 'TX' });
    expect(h.ns.customers()[0]!.addressBook[0]!.addressBookAddress).toMatchObject({ state: 'TX' });
  });

  test('with multiple shipping routes, each line ships to its own address and each ship group carries its consignment’s cost', async () => {
    await start({
      netsuite: { ...TAXED, multiShipRoutes: true },
      env: ({ ns }) => ({
        NETSUITE_MULTI_SHIP_ROUTES: 'true',
        NETSUITE_SHIP_METHODS: JSON.stringify({
          'Flat Rate': ns.addItem({ itemId: 'Ground', itemType: 'ShipItem', basePrice: 15 }),
          'UPS Ground': ns.addItem({ itemId: 'UPS', itemType: 'ShipItem', basePrice: 20 }),
        }),
      }),
    });
    const orderId = h.bc.addOrder({
      billing: ann,
      taxRate: 0.0825,
      shipping: [
        { ...shopper('ann@example.com'), costExTax: '5' },
        { ...shopper('bob@example.com', 'Bob', 'Jones'), city: 'Dallas', zip: '75201', shippingMethod: 'UPS Ground', costExTax: '9.5' },
      ],
      lines: [
        { sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.25' },
        { sku: 'TSHIRT-RED-M', quantity: 2, priceExTax: '19.99', addressIndex: 1 },
      ],
    });
    const bigcommerce = h.bc.getOrder(orderId)!;

    await h.sync(orderId);
    const [order] = h.ns.salesOrders();
    const customer = h.ns.customers().find((candidate) => candidate.id === order!.entity)!;
    const cityOf = (addressId: string | undefined) => customer.addressBook[Number(addressId) - 1]?.addressBookAddress.city;
    expect(order!.isMultiShipTo).toBe(true);
    expect(order!.lines.map((line) => [line.description, cityOf(line.shipAddress), line.shipGroup])).toEqual([
      ['MUG-11OZ', 'Austin', 1],
      ['TSHIRT-RED-M', 'Dallas', 2],
    ]);
    expect(order!.shipGroups.map((group) => [cityOf(group.shipAddress), group.shippingRate])).toEqual([
      ['Austin', 5],
      ['Dallas', 9.5],
    ]);
    expect(order!.total.toFixed(2)).toBe(Number(bigcommerce.total_inc_tax).toFixed(2));

    // A worker that crashed after NetSuite created the order left no ledger record: the retry adds no address
    // twice, finds the order by its externalId, sets the same ship group rates, and keeps one order.
    const addresses = customer.addressBook.length;
    const db = createDocumentClient({ region: 'us-east-1', endpoint: h.config.aws.dynamodbEndpoint });
    await db.send(new DeleteCommand({ TableName: h.config.aws.ledgerTable, Key: { pk: key(orderId) } }));
    expect(await h.sync(orderId)).toMatchObject({ status: 'synced', created: false });
    expect(h.ns.customers().find((candidate) => candidate.id === customer.id)!.addressBook).toHaveLength(addresses);
    expect(h.ns.salesOrders()).toHaveLength(1);
    expect(h.ns.salesOrders()[0]!.shipGroups.map((group) => group.shippingRate)).toEqual([5, 9.5]);
  });

  test('an order with two consignments is refused with a clear message, never sent to the first address', async () => {
    await start();
    const orderId = h.bc.addOrder({
      billing: ann,
      shipping: [shopper('ann@example.com'), { ...shopper('bob@example.com', 'Bob', 'Jones'), city: 'Dallas' }],
      lines: [
        { sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.25' },
        { sku: 'TSHIRT-RED-M', quantity: 1, priceExTax: '19.99', addressIndex: 1 },
      ],
    });
    await expect(h.sync(orderId)).rejects.toThrow(/ships to 2 addresses; set NETSUITE_MULTI_SHIP_ROUTES=true/);
    expect(h.ns.salesOrders()).toHaveLength(0);
  });
});
