/** The worker handler's batch contract, against the simulators and DynamoDB Local. */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { jest } from '@jest/globals';
import { createWorkerHandler } from '../../functions/worker.ts';
import { logger, metrics } from '../../functions/common/powertools.ts';
import { lambdaContext } from '../../local/runtime/lambda-context.ts';
import { shopper, startHarness, type Harness } from '../support/sync-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  h.ns.addItem({ itemId: 'MUG-11OZ' });
});
afterEach(async () => h.close());

function record(messageId: string, body: unknown): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:orders',
    awsRegion: 'us-east-1',
  };
}

const message = (orderId: number) => ({ storeHash: 'abc123', orderId, source: 'webhook', receivedAt: new Date().toISOString() });

test('only failed records come back, each with its retry delay; concurrent batches keep their own results', async () => {
  const postponed: Array<[string, number]> = [];
  const handler = createWorkerHandler(async () => ({
    sync: h.context,
    redelivery: { postpone: async (handle, seconds) => void postponed.push([handle, seconds]) },
  }));
  const good = () => h.bc.addOrder({ billing: shopper('w@example.com'), lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.2500' }] });
  const missing = h.bc.addOrder({ billing: shopper('w@example.com'), lines: [{ sku: 'NOPE', quantity: 1, priceExTax: '1.0000' }] });

  const batchA: SQSEvent = { Records: [record('a1', message(good())), record('a2', 'not json'), record('a3', message(good()))] };
  const batchB: SQSEvent = { Records: [record('b1', message(good())), record('b2', message(missing))] };
  const [a, b] = await Promise.all([handler(batchA, lambdaContext('worker', 60_000)), handler(batchB, lambdaContext('worker', 60_000))]);

  expect(a).toEqual({ batchItemFailures: [{ itemIdentifier: 'a2' }] });
  expect(b).toEqual({ batchItemFailures: [{ itemIdentifier: 'b2' }] });
  // Both failures are permanent (an unreadable message, a missing SKU): straight back, towards the DLQ.
  expect(postponed.sort()).toEqual([
    ['rh-a2', 0],
    ['rh-b2', 0],
  ]);
  expect(h.ns.salesOrders()).toHaveLength(3);
});

test('an order enqueued in a paid status and cancelled before it was read: skipped, never silently (a warning and a count)', async () => {
  const warnings = jest.spyOn(logger, 'warn');
  const counted = jest.spyOn(metrics, 'addMetric');
  try {
    const handler = createWorkerHandler(async () => ({ sync: h.context, redelivery: { postpone: async () => undefined } }));
    const orderId = h.bc.addOrder({ statusId: 5, billing: shopper('w@example.com'), lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.2500' }] });
    const unpaid = h.bc.addOrder({ statusId: 7, billing: shopper('w@example.com'), lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.2500' }] });

    const result = await handler(
      { Records: [record('p1', { ...message(orderId), statusId: 11 }), record('p2', { ...message(unpaid), statusId: 7 })] },
      lambdaContext('worker', 60_000),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(h.ns.salesOrders()).toHaveLength(0);
    expect(warnings).toHaveBeenCalledWith('order enqueued in a paid status was skipped', expect.objectContaining({ orderId, enqueuedStatusId: 11 }));
    expect(warnings).not.toHaveBeenCalledWith('order enqueued in a paid status was skipped', expect.objectContaining({ orderId: unpaid }));
    expect(counted.mock.calls.filter(([name]) => name === 'PaidOrdersSkipped')).toHaveLength(1);
  } finally {
    warnings.mockRestore();
    counted.mockRestore();
  }
});

test('a NetSuite request that hangs fails its own record before the worker times out; the rest of the batch syncs', async () => {
  const postponed: Array<[string, number]> = [];
  const handler = createWorkerHandler(async () => ({
    sync: h.context,
    redelivery: { postpone: async (handle, seconds) => void postponed.push([handle, seconds]) },
    deadlineMarginMs: 1_500,
  }));
  const orders = Array.from({ length: 5 }, (_, index) =>
    h.bc.addOrder({ billing: shopper(`hang${index}@example.com`), lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.2500' }] }),
  );
  // The first sales order create is accepted and never answered: without a deadline the client would wait 60 s.
  h.ns.server.injectFault({ method: 'POST', path: '/record/v1/salesOrder' }, { kind: 'timeout' }, 1);
  const timeoutMs = 6_000;
  const started = Date.now();
  const result = await handler({ Records: orders.map((orderId, index) => record(`h${index}`, message(orderId))) }, lambdaContext('worker', timeoutMs));
  const tookMs = Date.now() - started;

  expect(tookMs).toBeLessThan(timeoutMs);
  expect(result.batchItemFailures).toHaveLength(1);
  const failed = result.batchItemFailures[0]!.itemIdentifier;
  // Transient, with the transient backoff (30 s band at the first receive), not a whole-batch timeout.
  expect(postponed).toEqual([[`rh-${failed}`, expect.any(Number)]]);
  expect(postponed[0]![1]).toBeGreaterThanOrEqual(15);
  const failedOrder = orders[Number(failed.slice(1))]!;
  expect(await h.context.ledger.get(`order#abc123#${failedOrder}`)).toMatchObject({ state: 'failed', lastErrorClass: 'transient' });
  expect(
    h.ns
      .salesOrders()
      .map((order) => Number(order.otherRefNum))
      .sort(),
  ).toEqual(orders.filter((orderId) => orderId !== failedOrder).sort());
});
