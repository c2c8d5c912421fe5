/**
 * The poller against the BigCommerce simulator, the fauxqs SQS emulator and DynamoDB Local: every eligible
 * order enqueued, across pages, stops and crashes.
 */
import { ReceiveMessageCommand, DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { createSqsClient } from '../../functions/adapters/sqs/sqs-client.ts';
import { createDocumentClient } from '../../functions/adapters/dynamodb/dynamodb-client.ts';
import { DynamoDbPollerState } from '../../functions/adapters/dynamodb/dynamodb-poller-state.ts';
import { pollOrders, type PollDeps } from '../../functions/core/poll-orders.ts';
import type { OrderMessage, OrderQueue } from '../../functions/core/ports.ts';
import { loadPollerConfig } from '../../functions/common/config.ts';
import { pollerDepsFromConfig, type PollerDeps } from '../../functions/poller.ts';
import { createQueues, startSqs, type RunningSqs } from '../../local/engines/fauxqs.ts';
import { startSimulatedEnvironment, type SimulatedEnvironment } from '../../local/simulated-environment.ts';
import { shopper } from '../support/sync-harness.ts';

let environment: SimulatedEnvironment;
let sqsServer: RunningSqs;
let sqs: SQSClient;
let deps: PollerDeps;
let config: ReturnType<typeof loadPollerConfig>;
let queueUrl: string;
const start = Date.parse('2026-11-20T00:00:00Z');

beforeEach(async () => {
  environment = await startSimulatedEnvironment({
    dynamodbEndpoint: process.env.TEST_DYNAMODB_ENDPOINT!,
    tablePrefix: `poll-${randomUUID().slice(0, 8)}`,
    rateLimit: { quota: 10_000, windowMs: 1_000 },
  });
  sqsServer = await startSqs();
  sqs = createSqsClient({ region: 'us-east-1', sqsEndpoint: sqsServer.endpoint });
  const queues = await createQueues(sqs, `poll-${randomUUID().slice(0, 8)}`);
  queueUrl = queues.ordersQueueUrl;
  config = loadPollerConfig({
    ...environment.env,
    ORDERS_QUEUE_URL: queues.ordersQueueUrl,
    SQS_ENDPOINT: sqsServer.endpoint,
    BIGCOMMERCE_PAGE_SIZE: '50',
    POLLER_INITIAL_LOOKBACK_HOURS: String(24 * 30),
    // Longer than any run on a loaded machine: a lease that lapsed mid-run would hide the locked-out case.
    POLLER_LEASE_MS: '60000',
  });
  deps = pollerDepsFromConfig(config);
});
afterEach(async () => {
  sqs.destroy();
  await Promise.all([environment.close(), sqsServer.stop()]);
});

function addOrders(count: number, options: { statusId?: number; modifiedAt?: (index: number) => number } = {}): number[] {
  return Array.from({ length: count }, (_, index) =>
    environment.bc.addOrder({
      statusId: options.statusId ?? 11,
      dateCreated: new Date(start),
      dateModified: new Date(options.modifiedAt?.(index) ?? start + index * 600_000), // ten minutes apart, beyond the overlap window
      billing: shopper(`p${index}@example.com`),
      lines: [{ sku: 'A', quantity: 1, priceExTax: '1.0000' }],
    }),
  );
}

async function drain(): Promise<number[]> {
  const ids: number[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    if (Messages.length === 0) return ids;
    ids.push(...Messages.map((message) => (JSON.parse(message.Body!) as OrderMessage).orderId));
    await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })) }),
    );
  }
}

const run = (overrides: Partial<PollDeps> = {}) => pollOrders({ ...deps, owner: randomUUID(), timeLeftMs: () => 60_000, stopBeforeMs: 1_000, ...overrides });

test('a poll over 600 eligible orders, 50 to a page, enqueues every one of them and no other', async () => {
  const eligible = addOrders(600);
  addOrders(30, { statusId: 7 }); // awaiting payment: not a trigger status

  const result = await run();

  expect(result).toMatchObject({ status: 'completed', enqueued: 600 });
  expect(new Set(await drain())).toEqual(new Set(eligible));
  expect(environment.bc.server.log.every((entry) => entry.status === 200 || entry.status === 204)).toBe(true);
});

test('cancelled and declined orders are enqueued too, so a synced one has its sales order closed', async () => {
  const cancelled = addOrders(3, { statusId: 5 });
  const declined = addOrders(2, { statusId: 6 });
  addOrders(2, { statusId: 4 }); // refunded: refunds are found by their own sweep, not by status

  expect(await run()).toMatchObject({ status: 'completed', enqueued: 5 });
  expect(new Set(await drain())).toEqual(new Set([...cancelled, ...declined]));
});

test('killing the poller midway and running it again loses no order', async () => {
  const eligible = addOrders(600);
  let pages = 0;
  const dying: OrderQueue = {
    enqueue: async (messages) => {
      if (++pages > 5) throw new Error('process killed');
      await deps.queue.enqueue(messages);
    },
  };
  // A killed process releases nothing: the lease stays until it expires.
  const crashedState = Object.create(deps.state) as typeof deps.state;
  crashedState.releaseLease = async () => undefined;
  await expect(run({ queue: dying, state: crashedState })).rejects.toThrow('process killed');
  expect(await run()).toMatchObject({ status: 'locked_out' });

  // A minute later the dead run's lease has expired.
  const later = new DynamoDbPollerState(
    createDocumentClient({ region: 'us-east-1', endpoint: process.env.TEST_DYNAMODB_ENDPOINT! }),
    config.aws.ledgerTable,
    () => Date.now() + 61_000,
  );
  const second = await run({ state: later });

  expect(second.status).toBe('completed');
  expect(second.enqueued).toBeLessThan(600); // it resumed from the cursor rather than starting over
  expect(new Set(await drain())).toEqual(new Set(eligible));
});

test('a run that nears its time limit stops cleanly and the next run continues without loss', async () => {
  const eligible = addOrders(300);
  let budget = 60_000;
  const first = await run({ timeLeftMs: () => (budget -= 15_000) });
  expect(first.status).toBe('stopped_early');
  expect(first.enqueued).toBeGreaterThan(0);

  const second = await run();
  expect(second.status).toBe('completed');
  expect(new Set(await drain())).toEqual(new Set(eligible));
});

test('more orders sharing one modification second than fit a page are all enqueued', async () => {
  const eligible = addOrders(130, { modifiedAt: () => start });
  await run();
  expect(new Set(await drain())).toEqual(new Set(eligible));
});

test('orders that change while the poller pages are not lost', async () => {
  const eligible = addOrders(200);
  let moved = false;
  const racing: OrderQueue = {
    enqueue: async (messages) => {
      await deps.queue.enqueue(messages);
      if (!moved) {
        moved = true;
        // A shopper's earliest orders get modified (moving to the end) while we page.
        for (const orderId of eligible.slice(0, 10)) environment.bc.updateOrderStatus(orderId, 11);
      }
    },
  };
  await run({ queue: racing });
  expect(new Set(await drain())).toEqual(new Set(eligible));
});

test('only one poller runs at a time', async () => {
  addOrders(50);
  const results = await Promise.all([run(), run()]);
  expect(results.map((result) => result.status).sort()).toEqual(['completed', 'locked_out']);
});

test('a quiet store is not enqueued again by every run; an order modified since is', async () => {
  const eligible = addOrders(20, { modifiedAt: (index) => Date.now() - 60_000 + index * 1000 }); // inside the overlap window
  expect((await run()).enqueued).toBe(20);
  expect((await run()).enqueued).toBe(0);
  expect((await run()).enqueued).toBe(0);

  await new Promise((resolve) => setTimeout(resolve, 1_000)); // a later second than the orders were placed in
  environment.bc.updateOrderStatus(eligible[3]!, 11); // modified again (same status): must be enqueued again
  expect((await run()).enqueued).toBe(1);
  expect(new Set(await drain()).size).toBe(20);
});
