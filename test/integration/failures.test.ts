/**
 * When things go wrong, on the local stack (DynamoDB Local, fauxqs with a real redrive policy, the
 * simulators and the Slack sink): retries, dead-lettering, one alert per dead-lettered order, quarantine
 * of orders with missing SKUs, and redrives that sync exactly once.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { orderKey } from '../../functions/core/external-ids.ts';
import { type LocalStack } from '../../local/runtime/local-stack.ts';
import { startTestStack } from '../support/test-stack.ts';
import { shopper } from '../support/sync-harness.ts';

let stack: LocalStack;
beforeEach(async () => {
  stack = await startTestStack({
    seed: ({ ns }) => {
      ns.addItem({ itemId: 'MUG-11OZ' });
    },
    env: { POLLER_INITIAL_LOOKBACK_HOURS: '1' },
  });
});
afterEach(async () => stack.stop());

const sim = () => stack.simulated!;
const slack = () => stack.slack!;
const order = (sku = 'MUG-11OZ', email = 'buyer@example.com') =>
  sim().bc.addOrder({ billing: shopper(email), lines: [{ sku, quantity: 1, priceExTax: '12.2500' }] });

/** A notifier run's peek hides what it read for a second (five in AWS). */
const peekExpiry = () => new Promise((resolve) => setTimeout(resolve, 1100));

async function deadLetterCount(): Promise<number> {
  const { Attributes = {} } = await stack.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: stack.queues.deadLetterQueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}

test('NetSuite answering 503 three times, then recovering: synced, and no alert', async () => {
  sim().ns.server.injectFault({ method: 'POST', path: '/record/v1/salesOrder' }, { kind: 'status', status: 503 }, 3);
  const orderId = order();
  await stack.settle();
  await stack.notifyNow();

  expect(sim().ns.salesOrders()).toHaveLength(1);
  expect(await stack.context.ledger.get(orderKey('abc123', orderId))).toMatchObject({ state: 'synced' });
  expect(await deadLetterCount()).toBe(0);
  expect(slack().messages).toHaveLength(0);
});

test('a missing SKU: dead-lettered, one alert naming it; once the item exists the SKU refresh syncs the order, once', async () => {
  const orderId = order('ABC-1');
  await stack.settle();

  expect(await deadLetterCount()).toBe(1);
  expect(await stack.context.ledger.get(orderKey('abc123', orderId))).toMatchObject({ state: 'failed', lastErrorClass: 'permanent', missingSkus: ['ABC-1'] });
  await stack.notifyNow();
  await stack.notifyNow(); // the schedule and the alarm both run it: still one alert
  expect(slack().texts()).toEqual([`Order ${orderId} did not reach NetSuite: SKU ABC-1 has no NetSuite item`]);
  const blocks = JSON.stringify(slack().messages[0]!.blocks);
  expect(blocks).toContain(`https://store-abc123.mybigcommerce.com/manage/orders/${orderId}|BigCommerce order ${orderId}`);
  expect(blocks).toContain('*Attempts*\\n10');
  expect(blocks).toContain('Start DLQ redrive');

  sim().ns.addItem({ itemId: 'ABC-1' });
  const refresh = await stack.refreshSkusNow();
  expect(refresh.requeued).toEqual([orderId]);
  await stack.settle();

  expect(
    sim()
      .ns.salesOrders()
      .map((salesOrder) => salesOrder.otherRefNum),
  ).toEqual([String(orderId)]);
  expect(await stack.context.ledger.get(orderKey('abc123', orderId))).toMatchObject({ state: 'synced' });

  // Redriving the stale dead letter afterwards is harmless: still one sales order, no new alert.
  await peekExpiry();
  expect(await stack.redrive()).toBe(1);
  await stack.settle();
  await stack.notifyNow();
  expect(sim().ns.salesOrders()).toHaveLength(1);
  expect(slack().messages).toHaveLength(1);
});

test('a redrive of dead letters after the cause is fixed syncs each order, exactly one sales order each', async () => {
  const orders = [order('LATE-1', 'a@example.com'), order('LATE-2', 'b@example.com'), order('LATE-1', 'c@example.com')];
  await stack.settle();
  expect(await deadLetterCount()).toBe(3);

  sim().ns.addItem({ itemId: 'LATE-1' });
  sim().ns.addItem({ itemId: 'LATE-2' });
  expect(await stack.redrive()).toBe(3); // no SKU refresh: the redriven messages ask NetSuite afresh
  await stack.settle();

  expect(await deadLetterCount()).toBe(0);
  expect(
    sim()
      .ns.salesOrders()
      .map((salesOrder) => Number(salesOrder.otherRefNum))
      .sort(),
  ).toEqual([...orders].sort());
  expect(sim().ns.server.count({ method: 'POST', path: '/record/v1/salesOrder' })).toBe(3);
});

test('five orders failing while the alarm is already firing produce five alerts, not one and not ten', async () => {
  order('NOPE-0', 'first@example.com');
  await stack.settle();
  await stack.notifyNow();
  expect(slack().messages).toHaveLength(1); // the alarm went off for this one and is still firing

  const more = Array.from({ length: 5 }, (_, index) => order(`NOPE-${index + 1}`, `later${index}@example.com`));
  await stack.settle();
  // The one-minute sweep and the (already firing) alarm may both run, even at the same time.
  await Promise.all([stack.notifyNow(), stack.notifyNow()]);
  await stack.notifyNow();

  expect(slack().messages).toHaveLength(6);
  for (const orderId of more)
    expect(
      slack()
        .texts()
        .filter((text) => text.startsWith(`Order ${orderId} `)),
    ).toHaveLength(1);
});

test('an order dead-lettered twice (webhook and poller both delivered it) is announced once', async () => {
  const orderId = order('TWICE-1');
  await stack.settle();
  await stack.pollNow(); // the safety net finds the same order and enqueues it again
  await stack.settle();
  expect(await deadLetterCount()).toBe(2);

  await stack.notifyNow();
  expect(slack().texts()).toEqual([`Order ${orderId} did not reach NetSuite: SKU TWICE-1 has no NetSuite item`]);
});

test('Slack being down loses nothing: the dead letters stay, and the alerts go out once Slack is back', async () => {
  const orderId = order('GONE-1');
  await stack.settle();
  slack().server.injectFault({ method: 'POST' }, { kind: 'status', status: 503 }, 100);

  await expect(stack.notifyNow()).rejects.toThrow(/could not be sent; they will be retried/);
  expect(await deadLetterCount()).toBe(1);
  expect(slack().messages).toHaveLength(0);

  slack().server.clearFaults();
  await peekExpiry();
  await expect(stack.notifyNow()).resolves.toMatchObject({ announced: 1 });
  expect(slack().texts()).toEqual([`Order ${orderId} did not reach NetSuite: SKU GONE-1 has no NetSuite item`]);
  expect(await deadLetterCount()).toBe(1);
});

test('a storm of failed orders is one digest: the count, the top reasons with counts, the first orders, the console', async () => {
  const skus = ['GONE-A', 'GONE-A', 'GONE-A', 'GONE-A', 'GONE-A', 'GONE-A', 'GONE-A', 'GONE-B', 'GONE-B', 'GONE-B', 'GONE-C', 'GONE-D'];
  const orders = skus.map((sku, index) => order(sku, `storm${index}@example.com`));
  await stack.settle();
  expect(await deadLetterCount()).toBe(orders.length);

  await expect(stack.notifyNow()).resolves.toMatchObject({ announced: orders.length, messages: 1, digest: true });
  await peekExpiry();
  await stack.notifyNow(); // the next sweep finds nothing new

  expect(slack().messages).toHaveLength(1);
  const [digest] = slack().messages;
  expect(digest!.text).toMatch(/^12 orders did not reach NetSuite: SKU GONE-A has no NetSuite item \(7\); SKU GONE-B has no NetSuite item \(3\)/);
  const blocks = JSON.stringify(digest!.blocks);
  expect(blocks).toContain('• 7 × SKU GONE-A has no NetSuite item');
  expect(blocks).toContain('• 1 × SKU GONE-C has no NetSuite item');
  for (const orderId of orders) expect(blocks).toContain(`manage/orders/${orderId}|${orderId}>`);
  expect(blocks).toContain('Start DLQ redrive');
  // Final state: everything still in the DLQ for a redrive, nothing in NetSuite, nothing left in the orders queue.
  expect(await deadLetterCount()).toBe(orders.length);
  expect(sim().ns.salesOrders()).toHaveLength(0);
  await stack.worker.waitForIdle();
});

test('order ids BigCommerce does not have are skipped (logged and counted), never dead-lettered or alerted', async () => {
  const unknown = [900001, 900002, 900003];
  for (const orderId of unknown) {
    const response = await fetch(stack.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-secret': stack.webhookSecret },
      body: JSON.stringify({ scope: 'store/order/created', store_id: '1', data: { type: 'order', id: orderId }, producer: 'stores/abc123' }),
    });
    expect(response.status).toBe(200);
  }
  await stack.settle();
  await stack.notifyNow();

  for (const orderId of unknown) {
    expect(await stack.context.ledger.get(orderKey('abc123', orderId))).toMatchObject({
      state: 'skipped',
      attempts: 1,
      skipReason: `BigCommerce has no order ${orderId} (deleted, or never placed)`,
    });
  }
  expect(await deadLetterCount()).toBe(0);
  expect(slack().messages).toHaveLength(0);
});

test('an order parked for a missing SKU and cancelled in BigCommerce since is released by the SKU refresh, not requeued every night', async () => {
  const cancelled = order('RETIRED-1', 'gone@example.com');
  const waiting = order('RETIRED-2', 'wait@example.com');
  await stack.settle();
  expect((await stack.context.parked.list()).map((entry) => entry.orderId).sort()).toEqual([cancelled, waiting].sort());

  // Cancelled with its webhooks lost (held here): only the nightly refresh can notice.
  sim().bc.pauseWebhooks();
  sim().bc.updateOrderStatus(cancelled, 5);
  sim().ns.addItem({ itemId: 'RETIRED-1' }); // its SKU exists now, too: without the check it would be requeued
  const refresh = await stack.refreshSkusNow();

  expect(refresh).toMatchObject({ requeued: [], released: [cancelled], stillParked: 1 });
  expect(await stack.context.parked.list()).toEqual([{ orderId: waiting, skus: ['RETIRED-2'] }]);
  expect(await stack.context.ledger.get(orderKey('abc123', cancelled))).toMatchObject({ state: 'failed' }); // never booked

  // When the webhook does arrive, the worker skips the order and releases it too (here: already released).
  sim().bc.resumeWebhooks();
  await stack.settle();
  expect(sim().ns.salesOrders()).toHaveLength(0);
});
