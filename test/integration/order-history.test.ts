/**
 * Every order's audit trail, on the local stack (DynamoDB Local, fauxqs, the simulators): each step of a synced
 * order, a failed-then-redriven order and a parked-then-refreshed order appears in the ledger's history, in order,
 * written with the updates the worker makes anyway; the history stays bounded.
 */
import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '../../functions/adapters/dynamodb/dynamodb-client.ts';
import { DynamoDbLedger } from '../../functions/adapters/dynamodb/dynamodb-ledger.ts';
import { ledgerTable } from '../../functions/adapters/dynamodb/table-definitions.ts';
import { orderKey } from '../../functions/core/external-ids.ts';
import { emailHash, HISTORY_LIMIT, HISTORY_TRIM_SLACK, historyEvent } from '../../functions/core/order-history.ts';
import type { HistoryEvent, LedgerEntry } from '../../functions/core/ports.ts';
import { createTables } from '../../local/engines/create-tables.ts';
import { type LocalStack } from '../../local/runtime/local-stack.ts';
import { startTestStack } from '../support/test-stack.ts';
import { shopper } from '../support/sync-harness.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack({
    seed: ({ ns }) => {
      ns.addItem({ itemId: 'MUG-11OZ' });
    },
    env: { POLLER_INITIAL_LOOKBACK_HOURS: '1' },
  });
});
afterAll(async () => stack.stop());

const sim = () => stack.simulated!;
const placeOrder = (sku: string, email: string) => sim().bc.addOrder({ billing: shopper(email), lines: [{ sku, quantity: 1, priceExTax: '12.2500' }] });
const entryOf = async (orderId: number) => (await stack.context.ledger.get(orderKey('abc123', orderId)))!;
const steps = (entry: LedgerEntry) => (entry.history ?? []).map((event) => `${event.source}:${event.event}`);

/** `expected` appears in `actual` in this order (other events may come between). */
function expectInOrder(actual: string[], expected: string[]) {
  let at = 0;
  for (const step of expected) {
    const found = actual.indexOf(step, at);
    if (found < 0) throw new Error(`expected ${step} after position ${at} in:\n  ${actual.join('\n  ')}`);
    at = found + 1;
  }
}

test('a synced order: received, claimed, items, customer, sales order, synced, written back, reconciled; its e-mail hash for search', async () => {
  const orderId = placeOrder('MUG-11OZ', 'O.Brien@Example.com');
  await stack.settle();
  await stack.reconcileNow();

  const entry = await entryOf(orderId);
  expect(entry.state).toBe('reconciled');
  expect(steps(entry)).toEqual([
    'webhook:received',
    'webhook:claimed',
    'webhook:items_resolved',
    'webhook:customer_created',
    'webhook:sales_order_created',
    'webhook:synced',
    'webhook:written_back',
    'reconciler:reconciled',
  ]);
  const byEvent = new Map(entry.history!.map((event) => [event.event, event]));
  expect(byEvent.get('customer_created')!.ids).toEqual({ customerId: entry.customerId });
  expect(byEvent.get('sales_order_created')!.ids).toEqual({ salesOrderId: entry.salesOrderId });
  expect(byEvent.get('items_resolved')!.ids!.items).toMatch(/^MUG-11OZ:\d+$/);
  expect(byEvent.get('received')!.ids!.messageId).toBeDefined();
  const times = entry.history!.map((event) => event.at);
  expect([...times].sort()).toEqual(times);
  expect(entry.emailHash).toBe(emailHash('  o.brien@example.com'));
  expect(JSON.stringify(entry)).not.toContain('example.com');

  // A second order of the same shopper finds the customer (from the cache).
  const again = placeOrder('MUG-11OZ', 'o.brien@example.com');
  await stack.settle();
  expectInOrder(steps(await entryOf(again)), ['webhook:items_resolved', 'webhook:customer_matched', 'webhook:sales_order_created']);
});

test('a failed-then-redriven order: each failed attempt with its class and message, dead-lettered, alerted, redriven, synced', async () => {
  // NetSuite refuses the sales order (a validation error) on every one of the ten receives.
  sim().ns.server.injectFault({ method: 'POST', path: '/record/v1/salesOrder' }, { kind: 'status', status: 400 }, 10);
  const orderId = placeOrder('MUG-11OZ', 'refused@example.com');
  await stack.settle();
  await stack.notifyNow();

  const failed = await entryOf(orderId);
  expect(failed.state).toBe('failed');
  expect(failed.deadLetteredAt).toBeDefined();
  const attempt = ['webhook:received', 'webhook:claimed', 'webhook:items_resolved', 'webhook:failed'];
  expectInOrder(steps(failed), [...attempt, ...attempt, 'notifier:dead_lettered', 'notifier:alerted']);
  expect(steps(failed).filter((step) => step === 'webhook:failed')).toHaveLength(10);
  const failure = failed.history!.find((event) => event.event === 'failed')!;
  expect(failure.ids).toEqual({ class: 'permanent', error: 'PermanentError' });
  expect(failure.detail).toContain('400');
  expect(failed.history!.find((event) => event.event === 'dead_lettered')!.ids!.messageId).toBeDefined();

  await new Promise((resolve) => setTimeout(resolve, 1100)); // the notifier's peek hides messages for a second
  expect(await stack.redrive()).toBe(1);
  await stack.settle();

  const synced = await entryOf(orderId);
  expect(synced.state).toBe('synced');
  expect(synced.deadLetteredAt).toBeUndefined();
  const afterAlert = steps(synced).slice(steps(synced).indexOf('notifier:alerted') + 1);
  expect(afterAlert).toEqual([
    'webhook:received',
    'webhook:claimed',
    'redrive:redriven',
    'webhook:items_resolved',
    'webhook:customer_matched',
    'webhook:sales_order_created',
    'webhook:synced',
    'webhook:written_back',
  ]);
});

test('a parked-then-refreshed order: failed for its SKU, parked, dead-lettered, alerted, unparked by the SKU refresh, synced', async () => {
  const orderId = placeOrder('LATE-SKU', 'parked@example.com');
  await stack.settle();
  await stack.notifyNow();
  const parked = await entryOf(orderId);
  expectInOrder(steps(parked), ['webhook:received', 'webhook:claimed', 'webhook:failed', 'webhook:parked', 'notifier:dead_lettered', 'notifier:alerted']);
  const parkedEvent = parked.history!.find((event) => event.event === 'parked')!;
  expect(parkedEvent.ids).toEqual({ skus: 'LATE-SKU' });
  expect(parked.history!.find((event) => event.event === 'failed')!.ids).toEqual({ class: 'permanent', error: 'MissingSkuError' });

  sim().ns.addItem({ itemId: 'LATE-SKU' });
  expect((await stack.refreshSkusNow()).requeued).toEqual([orderId]);
  await stack.settle();

  const synced = await entryOf(orderId);
  expect(synced.state).toBe('synced');
  const afterAlert = steps(synced).slice(steps(synced).lastIndexOf('notifier:alerted') + 1);
  expect(afterAlert).toEqual([
    'sku-refresh:unparked',
    'sku-refresh:received',
    'sku-refresh:claimed',
    'sku-refresh:items_resolved',
    'sku-refresh:customer_created',
    'sku-refresh:sales_order_created',
    'sku-refresh:synced',
    'sku-refresh:written_back',
  ]);
});

test('a skipped order records why', async () => {
  const orderId = sim().bc.addOrder({ statusId: 7, billing: shopper('unpaid@example.com'), lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '5.0000' }] });
  await stack.settle();
  const entry = await entryOf(orderId);
  expect(steps(entry)).toEqual(['webhook:received', 'webhook:claimed', 'webhook:skipped']);
  expect(entry.history!.at(-1)!.detail).toContain('Awaiting Payment');
});

test('the history is bounded: past the limit and its slack, the oldest events fold into a summary', async () => {
  const table = `test-${randomUUID().slice(0, 8)}-ledger`;
  await createTables(process.env.TEST_DYNAMODB_ENDPOINT!, [{ definition: ledgerTable, name: table }]);
  const ledger = new DynamoDbLedger(createDocumentClient({ region: 'us-east-1', endpoint: process.env.TEST_DYNAMODB_ENDPOINT! }), table);
  const key = orderKey('abc123', 1);
  await ledger.claim(key, 'worker-1', 60_000, [historyEvent('webhook', 'received'), historyEvent('webhook', 'claimed')]);
  await ledger.markFailed(
    key,
    'worker-1',
    { errorClass: 'transient', errorName: 'TransientError', message: 'NetSuite 503' },
    { events: [historyEvent('webhook', 'failed')] },
  );
  const events: HistoryEvent[] = Array.from({ length: HISTORY_LIMIT + HISTORY_TRIM_SLACK }, (_, index) =>
    historyEvent('console', 'retry_requested', `retry ${index}`),
  );
  for (const event of events) await ledger.append(key, [event]);

  const entry = (await ledger.get(key))!;
  expect(entry.history!.length).toBeLessThanOrEqual(HISTORY_LIMIT + HISTORY_TRIM_SLACK);
  expect(entry.history!.at(-1)!.detail).toBe(`retry ${HISTORY_LIMIT + HISTORY_TRIM_SLACK - 1}`);
  const total = entry.history!.length + entry.historySummary!.dropped;
  expect(total).toBe(3 + HISTORY_LIMIT + HISTORY_TRIM_SLACK);
  expect(entry.historySummary!.byEvent).toMatchObject({ received: 1, claimed: 1, failed: 1 });
  expect(entry.historySummary!.from <= entry.historySummary!.to).toBe(true);
  expect(entry.historySummary!.to <= entry.history![0]!.at).toBe(true);
  // An event for an order the ledger never saw creates nothing.
  await ledger.append(orderKey('abc123', 2), [historyEvent('notifier', 'dead_lettered')]);
  expect(await ledger.get(orderKey('abc123', 2))).toBeUndefined();
});
