/**
 * The pure parts of the fulfilment flow: mapping fulfilled lines back to BigCommerce order products, the shipment
 * built from a fulfilment (tracking, carrier map, marker), and the carrier map's configuration.
 */
import { loadFulfilmentPollerConfig } from '../../functions/common/config.ts';
import { parseSuiteqlTimestamp, suiteqlTimestamp } from '../../functions/adapters/netsuite/netsuite-fulfilments.ts';
import type { Fulfilment, SalesOrderLineLink, ShippableOrder } from '../../functions/core/ports.ts';
import { fingerprintOf, orderIdOf, planShipments, shipmentDraft, shipmentMarker } from '../../functions/core/ship-fulfilments.ts';

const fulfilment = (lines: Fulfilment['lines'], extra: Partial<Fulfilment> = {}): Fulfilment => ({
  fulfilmentId: '77',
  tranId: 'IF77',
  salesOrderId: '5',
  shipStatus: 'C',
  modifiedAt: new Date(0),
  lines,
  trackingNumbers: [],
  ...extra,
});
const physical = (lineId: number, sku: string, quantity: number, addressId = 500) => ({
  lineId,
  sku,
  type: 'physical' as const,
  quantity,
  quantityShipped: 0,
  addressId,
  pickup: false,
});

describe('planShipments', () => {
  const order: ShippableOrder = {
    orderId: 100,
    statusId: 11,
    lines: [
      physical(1000, 'MUG', 2),
      physical(1001, 'TEE', 1, 501),
      { ...physical(1002, 'EBOOK', 1), type: 'digital', addressId: 0 },
      { ...physical(1003, 'CAP', 1), pickup: true },
    ],
  };

  test('the line link wins; lines group by address; digital, pickup and NetSuite-only lines become notes', () => {
    const soLines: SalesOrderLineLink[] = [
      { line: 1, itemId: '9', quantity: 2, storeLineId: 1000 },
      { line: 2, itemId: '8', quantity: 1, storeLineId: 1001 },
      { line: 3, itemId: '7', quantity: 1, storeLineId: 1002 },
      { line: 4, itemId: '6', quantity: 1, storeLineId: 1003 },
      { line: 5, itemId: '5', quantity: 1, sku: 'NS-ONLY' },
    ];
    const { groups, notes } = planShipments(
      fulfilment([
        { orderLine: 1, itemId: '9', quantity: 2 },
        { orderLine: 2, itemId: '8', quantity: 1 },
        { orderLine: 3, itemId: '7', quantity: 1 },
        { orderLine: 4, itemId: '6', quantity: 1 },
        { orderLine: 5, itemId: '5', quantity: 1 },
        { itemId: '4', quantity: 3 }, // a kit member: ships with its kit's line
      ]),
      soLines,
      order,
    );
    expect(groups.map((group) => [group.addressId, [...group.items]])).toEqual([
      [500, [[1000, 2]]],
      [501, [[1001, 1]]],
    ]);
    expect(notes).toEqual([
      expect.stringMatching(/line 3 .* is a digital item in BigCommerce: nothing to ship/),
      expect.stringMatching(/line 4 .* is picked up in store/),
      expect.stringMatching(/line 5 .* is not on BigCommerce order 100 \(no single line with SKU NS-ONLY\)/),
    ]);
  });

  test('without the link: by SKU when one line has it, then by quantity, never a guess', () => {
    const twoMugs: ShippableOrder = { orderId: 100, statusId: 11, lines: [physical(1000, 'MUG', 2), physical(1001, 'MUG', 3), physical(1002, 'TEE', 1)] };
    const plan = (soLines: SalesOrderLineLink[]) =>
      planShipments(fulfilment(soLines.map((line) => ({ orderLine: line.line, itemId: line.itemId, quantity: 1 }))), soLines, twoMugs);
    expect([...plan([{ line: 1, itemId: '8', quantity: 1, sku: 'TEE' }]).groups[0]!.items]).toEqual([[1002, 1]]);
    expect([...plan([{ line: 1, itemId: '9', quantity: 3, sku: 'MUG' }]).groups[0]!.items]).toEqual([[1001, 1]]);
    const ambiguous = plan([{ line: 1, itemId: '9', quantity: 5, sku: 'MUG' }]);
    expect(ambiguous.groups).toEqual([]);
    expect(ambiguous.notes).toEqual([expect.stringMatching(/no single line with SKU MUG/)]);
  });
});

describe('shipmentDraft', () => {
  const carriers = new Map([
    ['ups ground', { shippingProvider: 'ups' }],
    ['dhl', { trackingCarrier: 'dhl' }],
  ]);

  test('the first tracking number that fits, the mapped provider, every number and the marker in the comments', () => {
    const draft = shipmentDraft(
      fulfilment([], { trackingNumbers: ['X'.repeat(51), '1Z1', '1Z2'], shipMethod: 'UPS  Ground' }),
      500,
      [{ lineId: 1000, quantity: 2 }],
      carriers,
      shipmentMarker('77', 500),
    );
    expect(draft).toEqual({
      addressId: 500,
      items: [{ lineId: 1000, quantity: 2 }],
      trackingNumber: '1Z1',
      shippingProvider: 'ups',
      shippingMethod: 'UPS  Ground',
      comments: `Shipped from NetSuite item fulfilment IF77. Tracking: ${'X'.repeat(51)}, 1Z1, 1Z2. [netsuite-fulfilment:77:500]`,
    });
  });

  test('the carrier code when the ship method is unmapped; nothing mapped: the tracking number alone', () => {
    expect(shipmentDraft(fulfilment([], { trackingNumbers: ['D1'], shipMethod: 'Courier', shipCarrier: 'DHL' }), 500, [], carriers, 'm')).toMatchObject({
      trackingNumber: 'D1',
      trackingCarrier: 'dhl',
    });
    const alone = shipmentDraft(fulfilment([], { trackingNumbers: ['G1'], shipMethod: 'Ground' }), 500, [], carriers, 'm');
    expect(alone.trackingNumber).toBe('G1');
    expect(alone).not.toHaveProperty('shippingProvider');
    expect(alone).not.toHaveProperty('trackingCarrier');
  });
});

test('order ids only from our own external ids; fingerprints ignore order', () => {
  expect(orderIdOf('BC-abc123-104', 'abc123')).toBe(104);
  expect(orderIdOf('BC-other-104', 'abc123')).toBeUndefined();
  expect(orderIdOf('BC-abc123-x', 'abc123')).toBeUndefined();
  const a = fulfilment([{ orderLine: 1, itemId: '9', quantity: 1 }], { trackingNumbers: ['A', 'B'] });
  const b = fulfilment([{ orderLine: 1, itemId: '9', quantity: 1 }], { trackingNumbers: ['B', 'A'] });
  expect(fingerprintOf(a)).toBe(fingerprintOf(b));
  expect(fingerprintOf(a)).not.toBe(fingerprintOf({ ...a, trackingNumbers: ['A'] }));
});

test('SuiteQL timestamps: whole seconds, read as UTC, anything else refused', () => {
  expect(suiteqlTimestamp(new Date('2026-11-20T10:00:05.900Z'))).toBe('2026-11-20 10:00:05');
  expect(parseSuiteqlTimestamp('2026-11-20 10:00:05').toISOString()).toBe('2026-11-20T10:00:05.000Z');
  expect(() => parseSuiteqlTimestamp('11/20/2026 10:00 am')).toThrow(/unreadable SuiteQL timestamp/);
});

describe('carrier map configuration', () => {
  const env = (carriers?: string) => ({
    BIGCOMMERCE_STORE_HASH: 'abc123',
    BIGCOMMERCE_ACCESS_TOKEN: 't',
    NETSUITE_ACCOUNT_ID: '1234567',
    NETSUITE_AUTH: 'tba',
    NETSUITE_CONSUMER_KEY: 'a',
    NETSUITE_CONSUMER_SECRET: 'b',
    NETSUITE_TOKEN_ID: 'c',
    NETSUITE_TOKEN_SECRET: 'd',
    SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X',
    ...(carriers === undefined ? {} : { FULFILMENT_CARRIERS: carriers }),
  });

  test('names are normalised; a string is a shipping_provider; an object may name an AfterShip slug', () => {
    const config = loadFulfilmentPollerConfig(env('{"UPS  Ground":"ups","DHL Express":{"tracking_carrier":"dhl"},"Courier":"carrier_12"}'));
    expect([...config.carriers]).toEqual([
      ['ups ground', { shippingProvider: 'ups' }],
      ['dhl express', { trackingCarrier: 'dhl' }],
      ['courier', { shippingProvider: 'carrier_12' }],
    ]);
    expect(config.shipStatuses).toEqual(['C']);
    expect(loadFulfilmentPollerConfig({ ...env(), FULFILMENT_SHIP_STATUS: 'packed' }).shipStatuses).toEqual(['B', 'C']);
  });

  test('a provider BigCommerce does not know, or something not JSON, stops the function naming the variable', () => {
    expect(() => loadFulfilmentPollerConfig(env('{"DHL":"dhl"}'))).toThrow(/FULFILMENT_CARRIERS: .*shipping_provider must be one of/);
    expect(() => loadFulfilmentPollerConfig(env('ups'))).toThrow(/FULFILMENT_CARRIERS/);
    expect(() => loadFulfilmentPollerConfig({ ...env(), NETSUITE_SHIPMENT_ID_FIELD: 'shipment' })).toThrow(/NETSUITE_SHIPMENT_ID_FIELD/);
  });
});
