/**
 * Fulfilment comes home, end to end on one shared local stack: orders synced by the worker from BigCommerce
 * webhooks, item fulfilments made in the simulated NetSuite by its REST transform, then the scheduled fulfilment
 * poller's handler, asserting BigCommerce's final state (shipments, status, tracking, e-mails) and the Slack alerts.
 */
import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '../../functions/adapters/dynamodb/dynamodb-client.ts';
import { DynamoDbFulfilmentPollerState } from '../../functions/adapters/dynamodb/dynamodb-poller-state.ts';
import { DynamoDbShipmentLedger } from '../../functions/adapters/dynamodb/dynamodb-shipment-ledger.ts';
import { orderKey } from '../../functions/core/external-ids.ts';
import type { ShipmentLedger } from '../../functions/core/ports.ts';
import { loadFulfilmentPollerConfig } from '../../functions/common/config.ts';
import { createFulfilmentPollerHandler, fulfilmentPollerDepsFromConfig, type FulfilmentPollerDeps } from '../../functions/fulfilment-poller.ts';
import { lambdaContext } from '../../local/runtime/lambda-context.ts';
import type { LocalStack } from '../../local/runtime/local-stack.ts';
import { shipInNetSuite } from '../../local/runtime/warehouse.ts';
import { SHIPMENT_ID_FIELD } from '../../local/simulated-environment.ts';
import type { SeedOrder } from '../../local/simulators/bigcommerce/bigcommerce-simulator.ts';
import { shopper } from '../support/sync-harness.ts';
import { startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
const sim = () => stack.simulated!;

beforeAll(async () => {
  stack = await startTestStack({
    simulator: { netsuite: { multiShipRoutes: true } },
    env: { NETSUITE_MULTI_SHIP_ROUTES: 'true', FULFILMENT_CARRIERS: JSON.stringify({ 'UPS Ground': 'ups' }) },
    seed: ({ ns }) => {
      for (const sku of ['MUG', 'TEE', 'CAP', 'EBOOK']) ns.addItem({ itemId: sku });
      return {
        NETSUITE_SHIP_METHODS: JSON.stringify({
          'Flat Rate': ns.addItem({ itemId: 'Ground', itemType: 'ShipItem' }),
          'UPS Ground': ns.addItem({ itemId: 'UPS Ground', itemType: 'ShipItem' }),
        }),
      };
    },
  });
});
afterAll(async () => stack?.stop());

/** An order placed in BigCommerce and synced to a NetSuite sales order by the worker. */
async function synced(seed: Partial<SeedOrder> & Pick<SeedOrder, 'lines'>): Promise<{ orderId: number; salesOrderId: string }> {
  const orderId = sim().bc.addOrder({ billing: shopper(`${randomUUID().slice(0, 8)}@example.com`), ...seed });
  await stack.settle();
  const entry = await stack.context.ledger.get(orderKey('abc123', orderId));
  if (!entry?.salesOrderId) throw new Error(`order ${orderId} did not sync: ${entry?.lastErrorMessage ?? entry?.state}`);
  return { orderId, salesOrderId: entry.salesOrderId };
}

/** The warehouse ships in NetSuite: an item fulfilment transformed from the sales order, only the given lines. */
const fulfil = (salesOrderId: string, lines: Array<{ orderLine: number; quantity: number }>, body: Record<string, unknown> = {}) =>
  shipInNetSuite(stack.context.netsuite, salesOrderId, { lines, body });

/**
 * NetSuite's lastModifiedDate has whole seconds, so an edit in the same second as the previous one looks like no edit
 * (a documented limit of the cursor, docs/fulfilment.md). Tests that edit a fulfilment wait for the next second.
 */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1005 - (Date.now() % 1000)));
const tracking = (number: string) => ({ package: { items: [{ packageTrackingNumber: number }] } });
const shipments = (orderId: number) => sim().bc.shipments(orderId);
const status = (orderId: number) => sim().bc.getOrder(orderId)!.status_id;
const slackSince = (count: number) => stack.slack!.texts().slice(count);

function handlerWith(change: (deps: FulfilmentPollerDeps) => FulfilmentPollerDeps = (deps) => deps, env: Record<string, string> = {}) {
  const deps = change(fulfilmentPollerDepsFromConfig(loadFulfilmentPollerConfig({ ...stack.env, ...env })));
  const handler = createFulfilmentPollerHandler(async () => deps);
  return () => handler({}, lambdaContext('fulfilment-poller', 300_000));
}

test('a full fulfilment with tracking gives one shipment with its tracking and carrier, the order Shipped, one e-mail, and the id written back', async () => {
  const { orderId, salesOrderId } = await synced({
    shipping: [{ ...shopper('x@example.com'), shippingMethod: 'UPS Ground' }],
    lines: [
      { sku: 'MUG', quantity: 2, priceExTax: '10' },
      { sku: 'TEE', quantity: 1, priceExTax: '15' },
    ],
  });
  const fulfilmentId = await fulfil(
    salesOrderId,
    [
      { orderLine: 1, quantity: 2 },
      { orderLine: 2, quantity: 1 },
    ],
    { packageUps: { items: [{ packageTrackingNumberUps: '1Z999AA10123456784' }] } },
  );

  const result = await stack.shipNow();

  expect(result.posted).toBeGreaterThanOrEqual(1);
  const [shipment, ...more] = shipments(orderId);
  expect(more).toEqual([]);
  const lines = sim().bc.getOrderProducts(orderId);
  expect(shipment).toMatchObject({ tracking_number: '1Z999AA10123456784', shipping_provider: 'ups' });
  expect(shipment!.items).toEqual(lines.map((line) => ({ order_product_id: line.id, product_id: line.product_id, quantity: line.quantity })));
  expect(shipment!.comments).toContain(`[netsuite-fulfilment:${fulfilmentId}:${lines[0]!.order_address_id}]`);
  expect(status(orderId)).toBe(2); // the simulated store does not move it by itself: the fallback did
  expect(sim().bc.shipmentEmails(orderId)).toBe(1);
  const record = await stack.context.netsuite.getRecord('itemFulfillment', fulfilmentId);
  expect(record?.[SHIPMENT_ID_FIELD]).toBe(String(shipment!.id));

  await stack.shipNow(); // the write-back modified the fulfilment: seen again, nothing new
  expect(shipments(orderId)).toHaveLength(1);
  expect(sim().bc.shipmentEmails(orderId)).toBe(1);
});

test('two partial fulfilments give two shipments: Partially Shipped, then Shipped', async () => {
  const { orderId, salesOrderId } = await synced({ lines: [{ sku: 'CAP', quantity: 3, priceExTax: '8' }] });

  await fulfil(salesOrderId, [{ orderLine: 1, quantity: 1 }], tracking('PART-1'));
  await stack.shipNow();
  expect(shipments(orderId).map((shipment) => [shipment.tracking_number, shipment.items[0]!.quantity])).toEqual([['PART-1', 1]]);
  expect(status(orderId)).toBe(3);

  await fulfil(salesOrderId, [{ orderLine: 1, quantity: 2 }], tracking('PART-2'));
  await stack.shipNow();
  expect(shipments(orderId).map((shipment) => [shipment.tracking_number, shipment.items[0]!.quantity])).toEqual([
    ['PART-1', 1],
    ['PART-2', 2],
  ]);
  expect(status(orderId)).toBe(2);
  expect(sim().bc.shipmentEmails(orderId)).toBe(2);
});

test('a two-address order gives one shipment per address, each with its own lines', async () => {
  const { orderId, salesOrderId } = await synced({
    shipping: [shopper('a@example.com'), { ...shopper('b@example.com', 'Bob', 'Jones'), city: 'Dallas', zip: '75201' }],
    lines: [
      { sku: 'MUG', quantity: 1, priceExTax: '10' },
      { sku: 'TEE', quantity: 2, priceExTax: '15', addressIndex: 1 },
    ],
  });
  await fulfil(
    salesOrderId,
    [
      { orderLine: 1, quantity: 1 },
      { orderLine: 2, quantity: 2 },
    ],
    tracking('TWO-ADDR'),
  );

  await stack.shipNow();

  const lines = sim().bc.getOrderProducts(orderId);
  expect(shipments(orderId).map((shipment) => [shipment.order_address_id, shipment.items.map((item) => [item.order_product_id, item.quantity])])).toEqual([
    [lines[0]!.order_address_id, [[lines[0]!.id, 1]]],
    [lines[1]!.order_address_id, [[lines[1]!.id, 2]]],
  ]);
  expect(status(orderId)).toBe(2);
  const record = await stack.context.netsuite.getRecord('itemFulfillment', (await fulfilmentIdsOf(orderId))[0]!);
  expect(record?.[SHIPMENT_ID_FIELD]).toBe(
    shipments(orderId)
      .map((shipment) => shipment.id)
      .join(','),
  );
});

test('an unmapped carrier still carries the tracking number, with no provider or carrier', async () => {
  const { orderId, salesOrderId } = await synced({ lines: [{ sku: 'MUG', quantity: 1, priceExTax: '10' }] }); // Flat Rate → ship item Ground, unmapped
  await fulfil(salesOrderId, [{ orderLine: 1, quantity: 1 }], tracking('GRND-42'));

  await stack.shipNow();

  expect(shipments(orderId)).toEqual([expect.objectContaining({ tracking_number: 'GRND-42', shipping_provider: '', tracking_carrier: '' })]);
  expect(status(orderId)).toBe(2);
});

test('a crash after the POST but before the ledger write gives, on retry, still one shipment and one e-mail', async () => {
  const { orderId, salesOrderId } = await synced({ lines: [{ sku: 'TEE', quantity: 1, priceExTax: '15' }] });
  await fulfil(salesOrderId, [{ orderLine: 1, quantity: 1 }], tracking('CRASH-1'));
  const crashing = (ledger: ShipmentLedger): ShipmentLedger =>
    Object.assign(Object.create(ledger) as ShipmentLedger, {
      markPosted: async () => {
        throw new Error('the function died right after BigCommerce answered');
      },
      release: async () => undefined, // a dead process gives its claim up to nobody: the lease runs out
    });
  // Claims expire at once, as if the crashed invocation's lease had run out by the next scheduled run.
  const env = { FULFILMENT_CLAIM_LEASE_MS: '1' };

  await expect(handlerWith((deps) => ({ ...deps, ledger: crashing(deps.ledger) }), env)()).rejects.toThrow(/died right after/);
  expect(shipments(orderId)).toHaveLength(1);

  const retry = await handlerWith((deps) => deps, env)();

  expect(retry.adopted).toBeGreaterThanOrEqual(1);
  expect(shipments(orderId)).toHaveLength(1);
  expect(sim().bc.shipmentEmails(orderId)).toBe(1);
  expect(status(orderId)).toBe(2);
});

test('a claim left by a crashed poller holds back only its own fulfilment: the others ship, and it ships once when the lease runs out', async () => {
  const held = await synced({ lines: [{ sku: 'MUG', quantity: 1, priceExTax: '10' }] });
  const other = await synced({ lines: [{ sku: 'CAP', quantity: 1, priceExTax: '8' }] });
  await fulfil(held.salesOrderId, [{ orderLine: 1, quantity: 1 }], tracking('HELD-1'));
  const db = createDocumentClient({ region: 'us-east-1', endpoint: stack.env.DYNAMODB_ENDPOINT });
  // The ledger's clock, shifted: claims made "now" are still leased when the next run comes, and long gone an hour on.
  const ledgerAt = (offsetMs: number) => new DynamoDbShipmentLedger(db, stack.env.LEDGER_TABLE!, 'abc123', () => Date.now() + offsetMs);
  const crashing = (ledger: ShipmentLedger): ShipmentLedger =>
    Object.assign(Object.create(ledger) as ShipmentLedger, {
      markPosted: async () => {
        throw new Error('the function died right after BigCommerce answered');
      },
      release: async () => undefined,
    });
  await expect(handlerWith((deps) => ({ ...deps, ledger: crashing(ledgerAt(0)) }))()).rejects.toThrow(/died right after/);
  await fulfil(other.salesOrderId, [{ orderLine: 1, quantity: 1 }], tracking('HELD-2'));

  const next = await stack.shipNow();

  expect(next.outcomes.busy).toBe(1);
  expect(shipments(other.orderId)).toHaveLength(1);
  expect(shipments(held.orderId)).toHaveLength(1); // the crashed run's, not yet recorded

  const later = await handlerWith((deps) => ({ ...deps, ledger: ledgerAt(3_600_000) }))();

  expect(later.adopted).toBe(1);
  expect(shipments(held.orderId)).toHaveLength(1);
  expect(sim().bc.shipmentEmails(held.orderId)).toBe(1);
  expect(status(held.orderId)).toBe(2);
});

test('fulfilments found twice by overlapping polls (two pollers, no shared cursor) give one shipment', async () => {
  const { orderId, salesOrderId } = await synced({ lines: [{ sku: 'CAP', quantity: 2, priceExTax: '8' }] });
  await fulfil(salesOrderId, [{ orderLine: 1, quantity: 2 }], tracking('TWICE-1'));
  class OtherPollerState extends DynamoDbFulfilmentPollerState {
    protected override readonly keyPrefix = `fulfilment-poller-${randomUUID()}#`;
  }
  const second = handlerWith((deps) => ({
    ...deps,
    state: new OtherPollerState(createDocumentClient({ region: 'us-east-1', endpoint: stack.env.DYNAMODB_ENDPOINT }), stack.env.LEDGER_TABLE!),
  }));

  const [a, b] = await Promise.all([stack.shipNow(), second()]);

  expect(a.posted + b.posted).toBeGreaterThanOrEqual(1);
  expect(shipments(orderId)).toHaveLength(1);
  expect(sim().bc.shipmentEmails(orderId)).toBe(1);
  await stack.shipNow(); // and the overlap window reads it once more
  expect(shipments(orderId)).toHaveLength(1);
});

describe('edge cases: a clear outcome each, nothing lost', () => {
  test('a NetSuite-only line and a digital line are named in one alert; the rest ships', async () => {
    const { orderId, salesOrderId } = await synced({
      lines: [
        { sku: 'MUG', quantity: 1, priceExTax: '10' },
        { sku: 'EBOOK', quantity: 1, priceExTax: '5', type: 'digital' },
      ],
    });
    // A line added in NetSuite only (no line link, an item the BigCommerce order does not have).
    const extra = sim().ns.addItem({ itemId: 'GIFT-WRAP-NS' });
    await stack.context.netsuite.updateRecord('salesOrder', salesOrderId, { item: { items: [{ item: { id: extra }, quantity: 1, rate: 0 }] } });
    const slack = stack.slack!.messages.length;
    await fulfil(salesOrderId, [
      { orderLine: 1, quantity: 1 },
      { orderLine: 2, quantity: 1 },
      { orderLine: 3, quantity: 1 },
    ]);

    await stack.shipNow();

    const lines = sim().bc.getOrderProducts(orderId);
    expect(shipments(orderId).map((shipment) => shipment.items.map((item) => item.order_product_id))).toEqual([[lines[0]!.id]]);
    const alerts = slackSince(slack).filter((text) => text.includes('could not ship'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatch(/is a digital item in BigCommerce: nothing to ship/);
    expect(alerts[0]).toMatch(/is not on BigCommerce order/);
  });

  test('quantities beyond what BigCommerce still has unshipped are capped and announced', async () => {
    const { orderId, salesOrderId } = await synced({ lines: [{ sku: 'TEE', quantity: 2, priceExTax: '15' }] });
    // Someone shipped one by hand in the control panel.
    const line = sim().bc.getOrderProducts(orderId)[0]!;
    const response = await fetch(`${sim().bc.v2Url}/orders/${orderId}/shipments`, {
      method: 'POST',
      headers: { 'X-Auth-Token': stack.env.BIGCOMMERCE_ACCESS_TOKEN!, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ order_address_id: line.order_address_id, items: [{ order_product_id: line.id, quantity: 1 }] }),
    });
    expect(response.status).toBe(201);
    const slack = stack.slack!.messages.length;
    await fulfil(salesOrderId, [{ orderLine: 1, quantity: 2 }], tracking('CAP-1'));

    await stack.shipNow();

    expect(shipments(orderId).map((shipment) => shipment.items[0]!.quantity)).toEqual([1, 1]);
    expect(slackSince(slack).join('\n')).toMatch(/1 of order product \d+ beyond what BigCommerce still has unshipped \(1\) were not shipped/);
    expect(status(orderId)).toBe(2);
  });

  test('a BigCommerce order cancelled meanwhile gets no shipment, and one alert', async () => {
    const { orderId, salesOrderId } = await synced({ lines: [{ sku: 'MUG', quantity: 1, priceExTax: '10' }] });
    await fulfil(salesOrderId, [{ orderLine: 1, quantity: 1 }], tracking('CANCEL-1'));
    sim().bc.updateOrderStatus(orderId, 5);
    await stack.settle();
    const slack = stack.slack!.messages.length;

    await stack.shipNow();
    await stack.shipNow();

    expect(shipments(orderId)).toEqual([]);
    expect(status(orderId)).toBe(5);
    expect(slackSince(slack).filter((text) => text.includes(`BigCommerce order ${orderId} is cancelled`))).toHaveLength(1);
  });

  test('a fulfilment changed after its shipment was posted is announced, and the shipment is kept', async () => {
    const { orderId, salesOrderId } = await synced({ lines: [{ sku: 'CAP', quantity: 1, priceExTax: '8' }] });
    const fulfilmentId = await fulfil(salesOrderId, [{ orderLine: 1, quantity: 1 }], tracking('OLD-1'));
    await stack.shipNow();
    const slack = stack.slack!.messages.length;

    await nextSecond();
    await stack.context.netsuite.updateRecord('itemFulfillment', fulfilmentId, { package: { items: [{ packageTrackingNumber: 'NEW-2' }] } });
    await stack.shipNow();

    expect(shipments(orderId)).toEqual([expect.objectContaining({ tracking_number: 'OLD-1' })]);
    expect(slackSince(slack).filter((text) => text.includes('changed after it was shipped in BigCommerce'))).toHaveLength(1);
  });

  test('a fulfilment deleted in NetSuite after its shipment was posted is announced once, and the shipment is kept', async () => {
    const { orderId, salesOrderId } = await synced({ lines: [{ sku: 'TEE', quantity: 1, priceExTax: '15' }] });
    const fulfilmentId = await fulfil(salesOrderId, [{ orderLine: 1, quantity: 1 }], tracking('GONE-1'));
    await stack.shipNow();
    const slack = stack.slack!.messages.length;

    expect(await stack.context.netsuite.deleteRecord('itemFulfillment', fulfilmentId)).toBe(true);
    await stack.shipNow();
    await stack.shipNow();

    expect(shipments(orderId)).toEqual([expect.objectContaining({ tracking_number: 'GONE-1' })]);
    const deleted = slackSince(slack).filter((text) => text.includes('was deleted after it was shipped in BigCommerce'));
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).toContain(`BigCommerce shipment(s) ${shipments(orderId)[0]!.id}`);
  });

  test('BigCommerce refusing the shipment records the failure and alerts in Slack once; a later edit in NetSuite retries it', async () => {
    const { orderId, salesOrderId } = await synced({ lines: [{ sku: 'TEE', quantity: 1, priceExTax: '15' }] });
    const fulfilmentId = await fulfil(salesOrderId, [{ orderLine: 1, quantity: 1 }], tracking('REFUSED-1'));
    sim().bc.server.injectFault({ method: 'POST', path: new RegExp(`/orders/${orderId}/shipments$`) }, { kind: 'status', status: 400 }, 1);
    const slack = stack.slack!.messages.length;

    const first = await stack.shipNow();
    await stack.shipNow();

    expect(first.outcomes.failed).toBe(1);
    expect(shipments(orderId)).toEqual([]);
    expect(slackSince(slack).filter((text) => text.includes('did not reach BigCommerce'))).toHaveLength(1);

    await nextSecond();
    await stack.context.netsuite.updateRecord('itemFulfillment', fulfilmentId, { memo: 'address fixed' });
    await stack.shipNow();
    expect(shipments(orderId)).toHaveLength(1);
  });
});

/** The item fulfilments NetSuite has for an order's sales order (through SuiteQL, as the poller finds them). */
async function fulfilmentIdsOf(orderId: number): Promise<string[]> {
  const rows = await stack.context.netsuite.suiteql(
    `SELECT t.id FROM transaction t JOIN transactionline ml ON ml.transaction = t.id AND ml.mainline = 'T' JOIN transaction so ON so.id = ml.createdfrom WHERE t.type = 'ItemShip' AND so.externalid = 'BC-abc123-${orderId}' ORDER BY t.id`,
  );
  return rows.map((row) => row.id!);
}
