/**
 * Intake end to end on the local stack: BigCommerce webhooks (from the simulator, over HTTP) → the webhook
 * handler → SQS (fauxqs) → the worker with Lambda's batch semantics → NetSuite (simulator).
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { orderKey } from '../../functions/core/external-ids.ts';
import { ordersQueue } from '../../functions/adapters/sqs/queue-definitions.ts';
import { type LocalStack } from '../../local/runtime/local-stack.ts';
import { startTestStack } from '../support/test-stack.ts';
import { shopper } from '../support/sync-harness.ts';

let stack: LocalStack;
beforeEach(async () => {
  stack = await startTestStack({
    simulator: { rateLimit: { quota: 1000, windowMs: 1000 } },
    seed: ({ ns }) => {
      ns.addItem({ itemId: 'MUG-11OZ' });
      ns.addItem({ itemId: 'CAP-BLK' });
    },
  });
});
afterEach(async () => stack.stop());

const sim = () => stack.simulated!;
const placeOrder = (statusId = 11) =>
  sim().bc.addOrder({
    statusId,
    billing: shopper('intake@example.com'),
    lines: [
      { sku: 'MUG-11OZ', quantity: 2, priceExTax: '12.2500' },
      { sku: 'CAP-BLK', quantity: 1, priceExTax: '15.9900' },
    ],
  });

async function queueDepth(queueUrl = stack.queues.ordersQueueUrl): Promise<number> {
  const { Attributes = {} } = await stack.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}

function postWebhook(body: unknown, headers: Record<string, string> = { 'x-webhook-secret': stack.webhookSecret }) {
  return fetch(stack.webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

test('a webhook for an Awaiting Fulfillment order becomes one sales order, end to end through the queue', async () => {
  const orderId = placeOrder();
  await stack.settle();

  const [salesOrder, ...others] = sim().ns.salesOrders();
  expect(others).toHaveLength(0);
  expect(salesOrder).toMatchObject({ otherRefNum: String(orderId), externalId: `BC-abc123-${orderId}` });
  expect(salesOrder!.lines).toHaveLength(2);
  expect(sim().bc.webhookDeliveries.some((delivery) => delivery.scope === 'store/order/created' && delivery.status === 200)).toBe(true);
});

test('the same order delivered by webhook three times and also found by the poller is one sales order', async () => {
  const orderId = placeOrder();
  const duplicate = { scope: 'store/order/updated', store_id: '1', data: { type: 'order', id: orderId }, hash: 'x', created_at: 1, producer: 'stores/abc123' };
  const responses = await Promise.all([postWebhook(duplicate), postWebhook(duplicate), postWebhook(duplicate)]);
  expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
  await stack.pollNow();
  await stack.settle();

  expect(sim().ns.salesOrders()).toHaveLength(1);
  expect(sim().ns.server.count({ method: 'POST', path: '/record/v1/salesOrder' })).toBe(1);
  expect(await stack.context.ledger.get(orderKey('abc123', orderId))).toMatchObject({ state: 'synced', attempts: 1 });
});

test('no secret or a wrong one → 401, invalid JSON → 400, and nothing reaches the queue', async () => {
  await stack.worker.stop(); // leave whatever arrives in the queue, to count it
  const valid = { scope: 'store/order/created', store_id: '1', data: { type: 'order', id: 123 }, producer: 'stores/abc123' };

  expect((await postWebhook(valid, {})).status).toBe(401);
  expect((await postWebhook(valid, { 'x-webhook-secret': 'wrong' })).status).toBe(401);
  const invalid = await postWebhook('{"scope": "store/order/created", "data": {', { 'x-webhook-secret': stack.webhookSecret });
  expect(invalid.status).toBe(400);
  expect(await invalid.json()).toEqual({ error: 'body is not valid JSON' });

  expect(await queueDepth()).toBe(0);
});

test('an order placed unpaid is skipped, then synced once its status moves to Awaiting Fulfillment', async () => {
  const orderId = placeOrder(7);
  await stack.settle();
  expect(await stack.context.ledger.get(orderKey('abc123', orderId))).toMatchObject({ state: 'skipped' });
  expect(sim().ns.salesOrders()).toHaveLength(0);

  sim().bc.updateOrderStatus(orderId, 11); // fires store/order/updated and store/order/statusUpdated
  await stack.settle();
  expect(sim().ns.salesOrders()).toHaveLength(1);
  expect(await stack.context.ledger.get(orderKey('abc123', orderId))).toMatchObject({ state: 'synced' });
});

test('a failing record goes back to the queue alone, and a permanent failure reaches the dead-letter queue within seconds', async () => {
  const good = placeOrder();
  const bad = sim().bc.addOrder({ billing: shopper('bad@example.com'), lines: [{ sku: 'NOT-IN-NETSUITE', quantity: 1, priceExTax: '1.0000' }] });
  await stack.settle();

  expect(
    sim()
      .ns.salesOrders()
      .map((order) => order.otherRefNum),
  ).toEqual([String(good)]);
  expect(await stack.context.ledger.get(orderKey('abc123', bad))).toMatchObject({
    state: 'failed',
    lastErrorMessage: 'SKU NOT-IN-NETSUITE has no NetSuite item',
    attempts: ordersQueue.maxReceiveCount,
  });
  expect(await queueDepth(stack.queues.deadLetterQueueUrl)).toBe(1);
});
