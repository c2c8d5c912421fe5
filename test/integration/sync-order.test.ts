/**
 * The order sync core against DynamoDB Local and both simulators over real HTTP: the acceptance criteria
 * of "one BigCommerce order becomes exactly one NetSuite sales order".
 */
import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/dynamodb-client.ts';
import { MissingSkuError, TransientError } from '../../functions/core/errors.ts';
import { refreshSkuMap } from '../../functions/core/refresh-sku-map.ts';
import { salesOrderIdOf, shopper, startHarness, type Harness } from '../support/sync-harness.ts';

let h: Harness;
const items: Record<string, string> = {};

beforeEach(async () => {
  h = await startHarness();
  for (const sku of ['MUG-11OZ', 'TSHIRT-RED-M', 'POSTER-A2']) items[sku] = h.ns.addItem({ itemId: sku });
});
afterEach(async () => h.close());

const nsRequests = () => h.ns.server.count({ path: '/services/rest/record' }) + h.ns.server.count({ path: '/services/rest/query' });

function placeOrder(
  email = 'ann@example.com',
  lines = [
    { sku: 'MUG-11OZ', quantity: 2, priceExTax: '12.5000' },
    { sku: 'TSHIRT-RED-M', quantity: 1, priceExTax: '19.9900' },
  ],
) {
  return h.bc.addOrder({ billing: shopper(email), shipping: [shopper(email)], lines, shippingCostExTax: '5.0000' });
}

test('one order: the customer is created once and every line lands on the right item, quantity and rate', async () => {
  const orderId = placeOrder();
  const outcome = await h.sync(orderId);

  expect(outcome).toMatchObject({ status: 'synced', created: true });
  const [salesOrder, ...others] = h.ns.salesOrders();
  expect(others).toHaveLength(0);
  expect(salesOrder).toMatchObject({ externalId: `BC-abc123-${orderId}`, otherRefNum: String(orderId), shippingCost: 5 });
  expect(salesOrder!.lines.map((line) => [line.item, line.quantity, line.rate])).toEqual([
    [items['MUG-11OZ'], 2, 12.5],
    [items['TSHIRT-RED-M'], 1, 19.99],
  ]);
  const [customer, ...otherCustomers] = h.ns.customers();
  expect(otherCustomers).toHaveLength(0);
  expect(customer).toMatchObject({ email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith' });
  expect(salesOrder!.entity).toBe(customer!.id);

  // The NetSuite id is written back to the storefront order.
  expect(h.bc.metafields(orderId)).toEqual([
    expect.objectContaining({ namespace: 'bc_netsuite_sync', key: 'netsuite_sales_order_id', value: salesOrderIdOf(outcome) }),
  ]);
  expect(await h.context.ledger.get(`order#abc123#${orderId}`)).toMatchObject({
    state: 'synced',
    salesOrderId: salesOrderIdOf(outcome),
    attempts: 1,
    writeBackDone: true,
  });
});

test('the line link: every line carries its BigCommerce order product id, and the ledger keeps what was applied', async () => {
  const orderId = placeOrder();
  await h.sync(orderId);

  const products = h.bc.getOrderProducts(orderId);
  const [salesOrder] = h.ns.salesOrders();
  expect(salesOrder!.lines.map((line) => line.customFields)).toEqual(products.map((product) => ({ custcol_bc_line_id: String(product.id) })));
  const entry = await h.context.ledger.get(`order#abc123#${orderId}`);
  expect(entry?.snapshot).toMatchObject({
    dateModified: new Date(h.bc.getOrder(orderId)!.date_modified).toISOString(),
    statusId: 11,
    lines: [
      { orderProductId: products[0]!.id, itemId: items['MUG-11OZ'], quantity: 2, rate: 12.5, amount: 25 },
      { orderProductId: products[1]!.id, itemId: items['TSHIRT-RED-M'], quantity: 1, rate: 19.99, amount: 19.99 },
    ],
    shippingCost: 5,
  });
  expect(entry?.snapshot?.shippingAddressHash).toMatch(/^[0-9a-f]{32}$/);
});

test('re-running a synced order creates nothing and asks NetSuite nothing', async () => {
  const orderId = placeOrder();
  const first = await h.sync(orderId);
  const before = nsRequests();

  const again = await h.sync(orderId);

  expect(again).toEqual({ status: 'already_synced', orderId, salesOrderId: salesOrderIdOf(first) });
  expect(nsRequests()).toBe(before);
  expect(h.ns.salesOrders()).toHaveLength(1);
  expect(h.ns.customers()).toHaveLength(1);
});

test('an existing customer is matched by e-mail regardless of case, not duplicated', async () => {
  const existing = h.ns.addCustomer({ email: 'Ann@Example.com', firstName: 'Ann', lastName: 'Smith', isPerson: true });
  const orderId = placeOrder(' ANN@example.COM');

  await h.sync(orderId);

  expect(h.ns.customers()).toHaveLength(1);
  expect(h.ns.salesOrders()[0]!.entity).toBe(existing);
});

test("a shopper o'brien@example.com named O'Brien is matched when known and created once when not", async () => {
  const known = h.ns.addCustomer({ email: "o'brien@example.com", firstName: 'Pat', lastName: "O'Brien", isPerson: true });
  const first = h.bc.addOrder({ billing: shopper("o'brien@example.com", 'Pat', "O'Brien"), lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.5000' }] });
  await h.sync(first);
  expect(h.ns.salesOrders()[0]!.entity).toBe(known);

  const newcomer = h.bc.addOrder({
    billing: shopper("d'arcy.o'neil@example.com", "D'Arcy", "O'Neil"),
    lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.5000' }],
  });
  await h.sync(newcomer);
  await h.sync(
    h.bc.addOrder({ billing: shopper("d'arcy.o'neil@example.com", "D'Arcy", "O'Neil"), lines: [{ sku: 'POSTER-A2', quantity: 3, priceExTax: '8.0000' }] }),
  );

  const created = h.ns.customers().filter((customer) => customer.email === "d'arcy.o'neil@example.com");
  expect(created).toHaveLength(1);
  expect(created[0]).toMatchObject({ firstName: "D'Arcy", lastName: "O'Neil" });
  expect(h.ns.salesOrders()).toHaveLength(3);
});

test('two workers processing the same order at once create one sales order', async () => {
  const orderId = placeOrder();
  h.ns.server.setLatency({ method: 'POST' }, 200);

  const results = await Promise.allSettled([h.sync(orderId, 'worker-a'), h.sync(orderId, 'worker-b')]);

  const fulfilled = results.filter((result) => result.status === 'fulfilled');
  const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  expect(fulfilled).toHaveLength(1);
  expect(rejected[0]?.reason).toBeInstanceOf(TransientError); // the loser is retried later by the queue
  expect(await h.sync(orderId, 'worker-b')).toMatchObject({ status: 'already_synced' });
  expect(h.ns.salesOrders()).toHaveLength(1);
});

test('a crash after NetSuite created the order but before the ledger write still ends with one sales order', async () => {
  const orderId = placeOrder();
  const crashed = { ...h.context, workerId: 'crashing-worker', settings: { ...h.context.settings, leaseMs: 300 } };
  // The process dies right after NetSuite answered: no ledger write happens, not even the failure record.
  const { syncOrder } = await import('../../functions/core/sync-order.ts');
  const deadLedger = Object.create(h.context.ledger) as typeof h.context.ledger;
  deadLedger.markSynced = async () => {
    throw new Error('process killed');
  };
  deadLedger.markFailed = async () => {
    throw new Error('process killed');
  };
  await expect(syncOrder(orderId, { ...crashed, ledger: deadLedger })).rejects.toThrow('process killed');
  expect(h.ns.salesOrders()).toHaveLength(1);

  // The queue redelivers after the lease has expired; the retry converges on the existing order.
  await new Promise((resolve) => setTimeout(resolve, 400));
  const retry = await h.sync(orderId);

  expect(retry).toMatchObject({ status: 'synced', created: false, salesOrderId: h.ns.salesOrders()[0]!.id });
  expect(h.ns.salesOrders()).toHaveLength(1);
  expect(await h.context.ledger.get(`order#abc123#${orderId}`)).toMatchObject({ state: 'synced', attempts: 2 });
});

test('a create whose response was lost still ends with one sales order', async () => {
  const orderId = placeOrder();
  h.ns.server.injectFault({ method: 'POST', path: '/record/v1/salesOrder' }, { kind: 'drop-after-commit' });

  const outcome = await h.sync(orderId);

  expect(outcome).toMatchObject({ status: 'synced', created: false });
  expect(h.ns.salesOrders()).toHaveLength(1);
  expect(salesOrderIdOf(outcome)).toBe(h.ns.salesOrders()[0]!.id);
});

test('two orders from the same new shopper processed concurrently make one customer', async () => {
  const first = placeOrder('new.shopper@example.com');
  const second = placeOrder('new.shopper@example.com');
  h.ns.server.setLatency({ method: 'POST', path: '/record/v1/customer' }, 150);

  await Promise.all([h.sync(first), h.sync(second)]);

  expect(h.ns.customers()).toHaveLength(1);
  const customerId = h.ns.customers()[0]!.id;
  expect(h.ns.salesOrders().map((order) => order.entity)).toEqual([customerId, customerId]);
});

test('an order with 60 lines becomes a sales order with 60 lines, paging BigCommerce 50 at a time', async () => {
  await h.close();
  h = await startHarness({ env: { BIGCOMMERCE_PAGE_SIZE: '50' } });
  const skus = Array.from({ length: 60 }, (_, index) => `SKU-${String(index + 1).padStart(3, '0')}`);
  const ids = new Map(skus.map((sku) => [sku, h.ns.addItem({ itemId: sku })]));
  const orderId = h.bc.addOrder({
    billing: shopper('bulk@example.com'),
    lines: skus.map((sku, index) => ({ sku, quantity: index + 1, priceExTax: '1.2500' })),
  });

  await h.sync(orderId);

  const lines = h.ns.salesOrders()[0]!.lines;
  expect(lines).toHaveLength(60);
  expect(lines.map((line) => line.item)).toEqual(skus.map((sku) => ids.get(sku)));
  expect(lines.map((line) => line.quantity)).toEqual(skus.map((_, index) => index + 1));
  expect(h.bc.server.count({ path: `/orders/${orderId}/products` })).toBe(2);
});

test('a missing SKU is a permanent error naming it, and nothing is created in NetSuite', async () => {
  const orderId = placeOrder('first.timer@example.com', [
    { sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.5000' },
    { sku: 'GHOST-1', quantity: 1, priceExTax: '3.0000' },
    { sku: "O'REILLY-BOOK", quantity: 1, priceExTax: '30.0000' },
  ]);

  const failure = await h.sync(orderId).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(MissingSkuError);
  expect((failure as MissingSkuError).message).toBe("SKU GHOST-1, SKU O'REILLY-BOOK have no NetSuite item");
  expect(h.ns.salesOrders()).toHaveLength(0);
  expect(h.ns.customers()).toHaveLength(0);
  expect(await h.context.ledger.get(`order#abc123#${orderId}`)).toMatchObject({
    state: 'failed',
    lastErrorClass: 'permanent',
    lastErrorName: 'MissingSkuError',
    missingSkus: ['GHOST-1', "O'REILLY-BOOK"],
  });

  expect(await h.context.parked.list()).toEqual([{ orderId, skus: ['GHOST-1', "O'REILLY-BOOK"] }]);

  // The negative entries spare NetSuite on the retry; once the item exists and the map is refreshed, it syncs.
  const lookupsBefore = h.ns.server.count({ path: '/query/v1/suiteql' });
  await expect(h.sync(orderId)).rejects.toBeInstanceOf(MissingSkuError);
  expect(h.ns.server.count({ path: '/query/v1/suiteql' })).toBe(lookupsBefore);
  h.ns.addItem({ itemId: 'GHOST-1' });
  h.ns.addItem({ itemId: "O'REILLY-BOOK" });
  await refreshSkuMap(h.context);
  await expect(h.sync(orderId)).resolves.toMatchObject({ status: 'synced' });
  expect(h.ns.salesOrders()).toHaveLength(1);
  expect(await h.context.parked.list()).toEqual([]);
  expect(await h.context.ledger.get(`order#abc123#${orderId}`)).not.toHaveProperty('missingSkus');
});

test('429s from NetSuite and BigCommerce are waited out and the order syncs', async () => {
  const orderId = placeOrder();
  h.bc.server.injectFault({ method: 'GET', path: `/orders/${orderId}` }, { kind: 'rate-limit' }, 2);
  h.ns.server.injectFault({ path: '/query/v1/suiteql' }, { kind: 'rate-limit' }, 2);
  h.ns.server.injectFault({ method: 'POST', path: '/record/v1/salesOrder' }, { kind: 'rate-limit' }, 2);

  await expect(h.sync(orderId)).resolves.toMatchObject({ status: 'synced', created: true });
  expect(h.ns.salesOrders()).toHaveLength(1);
  expect(h.ns.server.log.filter((entry) => entry.status === 429)).toHaveLength(4);
  expect(h.bc.server.log.filter((entry) => entry.status === 429)).toHaveLength(2);
});

test('NetSuite account concurrency limit: a burst over it is answered with 429 and waited out', async () => {
  await h.close();
  h = await startHarness({ concurrencyLimit: 2, env: { NETSUITE_CONCURRENCY: '6' } });
  for (const sku of ['MUG-11OZ', 'TSHIRT-RED-M']) items[sku] = h.ns.addItem({ itemId: sku });
  h.ns.server.setLatency({ method: 'POST' }, 100);
  const orders = Array.from({ length: 6 }, (_, index) => placeOrder(`burst${index}@example.com`));

  await Promise.all(orders.map((orderId) => h.sync(orderId)));

  expect(h.ns.salesOrders()).toHaveLength(6);
  expect(h.ns.server.log.some((entry) => entry.status === 429)).toBe(true);
});

test('steady state (known customer, warm SKU map) costs one NetSuite request per order', async () => {
  await refreshSkuMap(h.context);
  await h.sync(placeOrder('regular@example.com')); // first order learns the customer
  h.ns.server.resetLog();
  h.bc.server.resetLog();

  const orders = Array.from({ length: 10 }, () => placeOrder('regular@example.com'));
  for (const orderId of orders) await h.sync(orderId);

  const perOrder = nsRequests() / orders.length;
  console.log(`steady state: ${perOrder} NetSuite and ${h.bc.server.count() / orders.length} BigCommerce requests per order`);
  expect(perOrder).toBe(1);
  expect(h.ns.salesOrders()).toHaveLength(11);
});

test('a failed write-back never leads to a second sales order', async () => {
  const orderId = placeOrder();
  // BigCommerce fails the write-back for longer than the in-process retries last.
  h.bc.server.injectFault({ method: 'POST', path: '/metafields' }, { kind: 'status', status: 500 }, 100);

  await expect(h.sync(orderId)).rejects.toBeInstanceOf(TransientError);
  expect(h.ns.salesOrders()).toHaveLength(1);
  expect(await h.context.ledger.get(`order#abc123#${orderId}`)).toMatchObject({ state: 'synced' });
  expect(await h.context.ledger.get(`order#abc123#${orderId}`)).not.toHaveProperty('writeBackDone');

  h.bc.server.clearFaults();

  const retry = await h.sync(orderId);
  expect(retry).toMatchObject({ status: 'already_synced' });
  expect(h.bc.metafields(orderId)).toEqual([expect.objectContaining({ value: salesOrderIdOf(retry) })]);
  expect(await h.context.ledger.get(`order#abc123#${orderId}`)).toMatchObject({ writeBackDone: true });
  expect(h.ns.salesOrders()).toHaveLength(1);
});

test('guest orders resolve their customer by e-mail like registered ones', async () => {
  const registered = h.bc.addOrder({ customerId: 42, billing: shopper('pat@example.com'), lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.5000' }] });
  const guest = h.bc.addOrder({ customerId: 0, billing: shopper('pat@example.com'), lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.5000' }] });
  await h.sync(registered);
  await h.sync(guest);
  expect(h.ns.customers()).toHaveLength(1);
});

test('an order outside the trigger statuses is skipped and recorded, and syncs once it moves into one', async () => {
  const orderId = h.bc.addOrder({ statusId: 7, billing: shopper('unpaid@example.com'), lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.5000' }] });

  await expect(h.sync(orderId)).resolves.toEqual({
    status: 'skipped',
    orderId,
    reason: 'status is Awaiting Payment (7), not one that triggers a sync',
  });
  expect(await h.context.ledger.get(`order#abc123#${orderId}`)).toMatchObject({ state: 'skipped' });
  expect(nsRequests()).toBe(0);

  h.bc.updateOrderStatus(orderId, 11);
  await expect(h.sync(orderId)).resolves.toMatchObject({ status: 'synced' });
});

test('the customer cache keys on a hash of the normalised e-mail, never the address itself (the ledger is backed up)', async () => {
  h.ns.addItem({ itemId: 'MUG-11OZ' });
  const orderId = h.bc.addOrder({ billing: shopper('  Private.Person@Example.com '), lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.2500' }] });
  await h.sync(orderId);
  const db = createDocumentClient({ region: 'us-east-1', endpoint: process.env.TEST_DYNAMODB_ENDPOINT! });
  const scan = await db.send(new ScanCommand({ TableName: h.config.aws.ledgerTable }));
  const keys = (scan.Items ?? []).map((item) => String(item.pk));
  const hashed = `customer#${createHash('sha256').update('private.person@example.com').digest('hex')}`;
  expect(keys).toContain(hashed);
  expect(keys.filter((key) => /@|person/i.test(key))).toEqual([]);
  expect(await h.context.customers.get('PRIVATE.person@example.com')).toBe(h.ns.customers()[0]!.id);
});
