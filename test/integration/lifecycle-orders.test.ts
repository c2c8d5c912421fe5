/**
 * Cancellations and edits after the sales order exists, end to end on the local stack: BigCommerce (simulator)
 * changes the order and fires its webhooks → webhook handler → SQS (fauxqs) → worker → NetSuite (simulator), with
 * NetSuite put into each fulfilment and billing state through its own transforms. Each test asserts NetSuite's
 * final record, the order's history, and what reached the dead-letter queue and Slack.
 */
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { orderKey } from '../../functions/core/external-ids.ts';
import type { LedgerEntry } from '../../functions/core/ports.ts';
import { type LocalStack } from '../../local/runtime/local-stack.ts';
import { startTestStack } from '../support/test-stack.ts';
import { shopper } from '../support/sync-harness.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack({
    seed: ({ ns }) => {
      for (const sku of ['MUG-11OZ', 'CAP-BLK', 'TEE-RED']) ns.addItem({ itemId: sku });
    },
  });
});
afterAll(async () => stack.stop());

const sim = () => stack.simulated!;
const slack = () => stack.slack!;

function placeOrder(email: string): number {
  return sim().bc.addOrder({
    billing: shopper(email),
    shipping: [shopper(email)],
    shippingCostExTax: '5.0000',
    lines: [
      { sku: 'MUG-11OZ', quantity: 2, priceExTax: '12.5000' },
      { sku: 'CAP-BLK', quantity: 1, priceExTax: '15.0000' },
    ],
  });
}

/** A synced order and its sales order's id. */
async function syncedOrder(email: string): Promise<{ orderId: number; salesOrderId: string }> {
  const orderId = placeOrder(email);
  await stack.settle();
  const entry = await ledger(orderId);
  expect(entry.lastErrorMessage ?? entry.state).toBe('synced');
  return { orderId, salesOrderId: entry.salesOrderId! };
}

async function ledger(orderId: number): Promise<LedgerEntry> {
  return (await stack.context.ledger.get(orderKey('abc123', orderId)))!;
}

const salesOrder = (id: string) => sim().ns.salesOrder(id)!;
const lineOf = (id: string, orderProductId: number) => salesOrder(id).lines.find((line) => line.customFields.custcol_bc_line_id === String(orderProductId))!;
const products = (orderId: number) => sim().bc.getOrderProducts(orderId);
const events = async (orderId: number) => ((await ledger(orderId)).history ?? []).map((event) => event.event);
const patches = (id: string) => sim().ns.server.count({ method: 'PATCH', path: `/record/v1/salesOrder/${id}` });

async function deadLetters(): Promise<number> {
  const { Attributes = {} } = await stack.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: stack.queues.deadLetterQueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}

/** Runs the notifier and returns the Slack texts it posted about `orderId`. */
async function alertsAbout(orderId: number): Promise<string[]> {
  await stack.notifyNow();
  return slack()
    .texts()
    .filter((text) => text.includes(`Order ${orderId} `));
}

describe('cancelled or declined in BigCommerce', () => {
  test('Pending Fulfillment: every line is closed and NetSuite shows the order Closed; no alert', async () => {
    const { orderId, salesOrderId } = await syncedOrder('cancel-b@example.com');
    expect(salesOrder(salesOrderId).status).toBe('B');

    sim().bc.setStatus(orderId, 5); // fires store/order/updated and store/order/statusUpdated
    await stack.settle();

    expect(salesOrder(salesOrderId).status).toBe('H');
    expect(salesOrder(salesOrderId).lines.every((line) => line.isClosed)).toBe(true);
    expect(patches(salesOrderId)).toBe(1); // two webhooks, one change
    expect(await events(orderId)).toContain('cancelled');
    expect(await alertsAbout(orderId)).toEqual([]);
  });

  test('Pending Approval: declined closes every line too', async () => {
    const { orderId, salesOrderId } = await syncedOrder('cancel-a@example.com');
    await stack.context.netsuite.updateRecord('salesOrder', salesOrderId, { orderStatus: { id: 'A' } }); // un-approved by a person
    expect(salesOrder(salesOrderId).status).toBe('A');

    sim().bc.setStatus(orderId, 6);
    await stack.settle();

    expect(salesOrder(salesOrderId).lines.every((line) => line.isClosed)).toBe(true);
    expect(await events(orderId)).toContain('cancelled');
  });

  test('Partially Fulfilled: the unshipped lines are closed, and a person is told what was shipped', async () => {
    const { orderId, salesOrderId } = await syncedOrder('cancel-d@example.com');
    const [mug, cap] = products(orderId);
    sim().ns.fulfil(salesOrderId, { lines: { [lineOf(salesOrderId, mug!.id).line]: 1 } });
    sim().ns.bill(salesOrderId, 'invoice'); // the shipped mug is billed: nothing waits for billing
    expect(salesOrder(salesOrderId).status).toBe('D');

    sim().bc.setStatus(orderId, 5);
    await stack.settle();

    expect(lineOf(salesOrderId, mug!.id)).toMatchObject({ isClosed: true, quantityFulfilled: 1 });
    expect(lineOf(salesOrderId, cap!.id)).toMatchObject({ isClosed: true, quantityFulfilled: 0 });
    expect(await deadLetters()).toBeGreaterThan(0);
    const [alert, ...more] = await alertsAbout(orderId);
    expect(more).toEqual([]);
    expect(alert).toMatch(new RegExp(`^Order ${orderId} needs a person in NetSuite: cancelled in BigCommerce after NetSuite shipped 1 unit`));
  });

  test('Pending Billing/Partially Fulfilled: the unshipped rest is closed, with the alert', async () => {
    const { orderId, salesOrderId } = await syncedOrder('cancel-e@example.com');
    const [mug] = products(orderId);
    sim().ns.fulfil(salesOrderId, { lines: { [lineOf(salesOrderId, mug!.id).line]: 2 } });
    expect(salesOrder(salesOrderId).status).toBe('E'); // the mugs shipped and wait for billing, the cap does not

    sim().bc.setStatus(orderId, 5);
    await stack.settle();

    expect(salesOrder(salesOrderId).lines.every((line) => line.isClosed || line.quantityFulfilled === line.quantity)).toBe(true);
    expect(await alertsAbout(orderId)).toHaveLength(1);
  });

  test.each([
    ['Pending Billing', 'F', false],
    ['Billed', 'G', true],
  ])('%s: refused and announced, nothing changed in NetSuite', async (_name, status, billed) => {
    const { orderId, salesOrderId } = await syncedOrder(`cancel-${status.toLowerCase()}@example.com`);
    sim().ns.fulfil(salesOrderId);
    if (billed) sim().ns.bill(salesOrderId, 'cashSale');
    expect(salesOrder(salesOrderId).status).toBe(status);
    const before = patches(salesOrderId);

    sim().bc.setStatus(orderId, 5);
    await stack.settle();

    expect(patches(salesOrderId)).toBe(before);
    expect(salesOrder(salesOrderId).lines.some((line) => line.isClosed)).toBe(false);
    expect(await events(orderId)).toContain('change_refused');
    const alerts = await alertsAbout(orderId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('this is a refund or return, not a cancellation');
  });

  test('already Closed in NetSuite (closed by hand): nothing to do, no alert', async () => {
    const { orderId, salesOrderId } = await syncedOrder('cancel-h@example.com');
    const lines = salesOrder(salesOrderId).lines.map((line) => ({ line: line.line, isClosed: true }));
    await stack.context.erp.updateSalesOrder(salesOrderId, { lines });
    const before = patches(salesOrderId);

    sim().bc.setStatus(orderId, 5);
    await stack.settle();

    expect(patches(salesOrderId)).toBe(before);
    expect(await events(orderId)).toContain('cancelled');
    expect(await alertsAbout(orderId)).toEqual([]);
  });

  test('a worker that died after NetSuite created the sales order, then the order was cancelled: adopted and closed', async () => {
    const { ledger: orderLedger } = stack.context;
    const markSynced = orderLedger.markSynced;
    let crashed = 0;
    orderLedger.markSynced = async () => {
      crashed += 1;
      throw new Error('test: the worker died after NetSuite created the sales order');
    };
    const orderId = placeOrder('orphan@example.com');
    try {
      await sim().bc.flushWebhooks();
      for (const until = Date.now() + 20_000; crashed === 0 && Date.now() < until;) await new Promise((resolve) => setTimeout(resolve, 50));
      sim().bc.setStatus(orderId, 5); // cancelled before any attempt could record the sales order
    } finally {
      orderLedger.markSynced = markSynced;
    }
    await stack.settle();

    const found = sim()
      .ns.salesOrders()
      .filter((order) => order.otherRefNum === String(orderId));
    expect(crashed).toBeGreaterThan(0);
    expect(found).toHaveLength(1);
    expect(found[0]!.lines.every((line) => line.isClosed)).toBe(true);
    expect(await ledger(orderId)).toMatchObject({ state: 'synced', salesOrderId: found[0]!.id });
    expect(await events(orderId)).toEqual(expect.arrayContaining(['sales_order_found', 'cancelled']));
  });

  test('partially refunded before it ever synced: still booked (the sale), then its refund', async () => {
    sim().bc.pauseWebhooks(); // the webhooks are late: the refund happens before we hear of the order
    const orderId = placeOrder('refunded-early@example.com');
    const [mug] = products(orderId);
    sim().bc.refund(orderId, {
      items: [{ item_type: 'PRODUCT', item_id: mug!.id, quantity: 1 }],
      payments: [{ provider_id: 'testgateway', amount: 12.5, offline: false }],
    });
    expect(sim().bc.getOrder(orderId)!.status_id).toBe(14);
    sim().bc.resumeWebhooks();
    await stack.settle();

    const entry = await ledger(orderId);
    expect(entry).toMatchObject({ state: 'synced' });
    expect(lineOf(entry.salesOrderId!, mug!.id)).toMatchObject({ quantity: 1 }); // 2 sold, 1 refunded before the sync
    expect(Object.keys(entry.refunds ?? {})).toHaveLength(1);
  });

  test('cancelled before it ever synced: skipped, no sales order', async () => {
    const orderId = sim().bc.addOrder({ statusId: 7, billing: shopper('never@example.com'), lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '1.0000' }] });
    await stack.settle();
    sim().bc.setStatus(orderId, 5);
    await stack.settle();

    expect(await ledger(orderId)).toMatchObject({ state: 'skipped' });
    expect(
      sim()
        .ns.salesOrders()
        .some((order) => order.otherRefNum === String(orderId)),
    ).toBe(false);
  });
});

describe('edited in BigCommerce', () => {
  test('quantity, price, an added line and a removed line arrive in one PATCH keyed by line; totals go back to the reconciler', async () => {
    const { orderId, salesOrderId } = await syncedOrder('edit@example.com');
    const [mug, cap] = products(orderId);
    const patchesBefore = patches(salesOrderId);

    sim().bc.editOrder(orderId, {
      products: [
        { id: mug!.id, quantity: 3, price_ex_tax: '11.0000', price_inc_tax: '11.0000' },
        { id: cap!.id, quantity: 0 },
        { name: 'TEE-RED', sku: 'TEE-RED', quantity: 1, price_ex_tax: '20.0000', price_inc_tax: '20.0000' },
      ],
    });
    await stack.settle();

    expect(patches(salesOrderId) - patchesBefore).toBe(1);
    const tee = products(orderId).find((product) => product.sku === 'TEE-RED')!;
    expect(lineOf(salesOrderId, mug!.id)).toMatchObject({ quantity: 3, rate: 11, amount: 33, isClosed: false });
    expect(lineOf(salesOrderId, cap!.id)).toMatchObject({ isClosed: true });
    expect(lineOf(salesOrderId, tee.id)).toMatchObject({ quantity: 1, rate: 20, isClosed: false });
    const entry = await ledger(orderId);
    expect(entry.reconcileState).toBe('pending');
    expect(entry.snapshot!.lines.filter((line) => !line.closed).map((line) => [line.orderProductId, line.quantity, line.rate])).toEqual(
      expect.arrayContaining([
        [mug!.id, 3, 11],
        [tee.id, 1, 20],
      ]),
    );
    expect(entry.history!.find((event) => event.event === 'edited')!.detail).toContain('added line');
    expect(await alertsAbout(orderId)).toEqual([]);
  });

  test('an added line whose PATCH answer was lost is added once: the retry re-reads NetSuite instead of repeating the PATCH', async () => {
    const { orderId, salesOrderId } = await syncedOrder('edit-lost@example.com');
    sim().ns.server.injectFault({ method: 'PATCH', path: `/record/v1/salesOrder/${salesOrderId}` }, { kind: 'drop-after-commit' });

    sim().bc.editOrder(orderId, { products: [{ name: 'TEE-RED', sku: 'TEE-RED', quantity: 1, price_ex_tax: '20.0000', price_inc_tax: '20.0000' }] });
    await stack.settle();

    const tee = products(orderId).find((product) => product.sku === 'TEE-RED')!;
    const teeLines = salesOrder(salesOrderId).lines.filter((line) => line.customFields.custcol_bc_line_id === String(tee.id));
    expect(teeLines.map((line) => [line.quantity, line.isClosed])).toEqual([[1, false]]);
    expect((await ledger(orderId)).state).toBe('synced');
  });

  test('edited while its sales order was orphaned by a worker that died before the ledger write: the retry finds it and applies the edit', async () => {
    const { ledger: orderLedger } = stack.context;
    const markSynced = orderLedger.markSynced;
    let crashed = 0;
    orderLedger.markSynced = async () => {
      crashed += 1;
      orderLedger.markSynced = markSynced; // dies once; the retries live
      throw new Error('test: the worker died after NetSuite created the sales order');
    };
    const orderId = placeOrder('orphan-edit@example.com');
    const [mug] = products(orderId);
    try {
      await sim().bc.flushWebhooks();
      for (const until = Date.now() + 20_000; crashed === 0 && Date.now() < until;) await new Promise((resolve) => setTimeout(resolve, 20));
      sim().bc.editOrder(orderId, { products: [{ id: mug!.id, quantity: 5 }] });
    } finally {
      orderLedger.markSynced = markSynced;
    }
    await stack.settle();

    const entry = await ledger(orderId);
    expect(crashed).toBe(1);
    expect(entry).toMatchObject({ state: 'synced' });
    expect(
      sim()
        .ns.salesOrders()
        .filter((order) => order.otherRefNum === String(orderId)),
    ).toHaveLength(1);
    expect(lineOf(entry.salesOrderId!, mug!.id)).toMatchObject({ quantity: 5, isClosed: false });
  });

  test('a quantity below what NetSuite already fulfilled is refused and announced; NetSuite is left as it was', async () => {
    const { orderId, salesOrderId } = await syncedOrder('edit-refused@example.com');
    const [mug] = products(orderId);
    sim().ns.fulfil(salesOrderId, { lines: { [lineOf(salesOrderId, mug!.id).line]: 2 } });
    const before = patches(salesOrderId);

    sim().bc.editOrder(orderId, { products: [{ id: mug!.id, quantity: 1 }] });
    await stack.settle();

    expect(patches(salesOrderId)).toBe(before);
    expect(lineOf(salesOrderId, mug!.id)).toMatchObject({ quantity: 2 });
    const alerts = await alertsAbout(orderId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('is below the 2 NetSuite already fulfilled');
    expect(await events(orderId)).toContain('change_refused');
  });

  test('two open NetSuite lines linked to one BigCommerce line make an edit refused and announced, not half applied', async () => {
    const { orderId, salesOrderId } = await syncedOrder('edit-twice-linked@example.com');
    const [mug, cap] = products(orderId);
    const mugLine = lineOf(salesOrderId, mug!.id);
    // Someone copied the mug line by hand in NetSuite, link and all.
    await stack.context.netsuite.updateRecord('salesOrder', salesOrderId, {
      item: { items: [{ item: { id: mugLine.item }, quantity: 1, rate: 12.5, amount: 12.5, custcol_bc_line_id: String(mug!.id) }] },
    });
    const before = patches(salesOrderId);

    sim().bc.editOrder(orderId, { products: [{ id: cap!.id, quantity: 2 }] });
    await stack.settle();

    expect(patches(salesOrderId)).toBe(before);
    expect(lineOf(salesOrderId, cap!.id)).toMatchObject({ quantity: 1 });
    const alerts = await alertsAbout(orderId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatch(/NetSuite lines \d+ and \d+ both carry BigCommerce line/);
  });

  test('a change whose worker died mid-way is announced when its message is dead-lettered, not taken as applied', async () => {
    const { orderId } = await syncedOrder('died-mid-change@example.com');
    // The message as SQS's redrive policy leaves it in the dead-letter queue after its last receive.
    const { MessageId } = await stack.sqs.send(
      new SendMessageCommand({ QueueUrl: stack.queues.deadLetterQueueUrl, MessageBody: JSON.stringify({ storeHash: 'abc123', orderId, source: 'webhook' }) }),
    );
    // Its last attempt claimed the change, then the worker died: no finish, no failure recorded, and its lease has run
    // out (so the later tests' events about this order are not held up).
    const key = orderKey('abc123', orderId);
    expect((await stack.context.ledger.claimChange(key, 'dead-worker', 1, MessageId)).outcome).toBe('claimed');

    const alerts = await alertsAbout(orderId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain(`Order ${orderId} needs a person in NetSuite: a change to the synced order did not finish`);
  });

  test('our own metafield write-back and repeated events are not edits: no PATCH', async () => {
    const { orderId, salesOrderId } = await syncedOrder('quiet@example.com');
    await stack.settle(); // the write-back's own updated webhook, if any

    sim().bc.setStatus(orderId, 11); // same status: updated fires, nothing booked changed
    await stack.pollNow();
    await stack.settle();

    expect(patches(salesOrderId)).toBe(0);
    expect(await events(orderId)).not.toContain('edited');
  });
});
