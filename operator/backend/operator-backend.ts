/**
 * What the operator's tools read and do, on a deployed stack or the local one: the ledger's views, the dead-letter
 * queue, the parked orders, the reconciliation report and charts' figures, and the three actions (retry an order,
 * redrive the dead-letter queue, run the SKU refresh), each recorded in the history of the orders it touches.
 * With AWS it runs on the operator's own credentials; nothing here is deployed.
 */
import { GetQueueAttributesCommand, SendMessageCommand, StartMessageMoveTaskCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createDocumentClient } from '../../functions/adapters/dynamodb/dynamodb-client.ts';
import { DynamoDbLedger } from '../../functions/adapters/dynamodb/dynamodb-ledger.ts';
import { DynamoDbLedgerViews, LEDGER_STATES, type OrderSummary } from '../../functions/adapters/dynamodb/dynamodb-ledger-views.ts';
import { DynamoDbParkedOrders } from '../../functions/adapters/dynamodb/dynamodb-parked-orders.ts';
import { createSqsClient } from '../../functions/adapters/sqs/sqs-client.ts';
import { orderKey } from '../../functions/core/external-ids.ts';
import { historyEvent } from '../../functions/core/order-history.ts';
import type { LedgerState, OrderMessage, SyncedOrder } from '../../functions/core/ports.ts';
import { ledgerReportRow, type ReconcileReportRow } from '../../functions/core/reconcile-orders.ts';
import { redriveDeadLetters } from '../../local/runtime/redrive.ts';
import type { OperatorTarget } from './target.ts';

export interface DeadLetterSummary {
  /** Messages in the dead-letter queue (visible and in flight). */
  messages: number;
  /** Orders the notifier saw dead-lettered and that have not been retried since. */
  orders: OrderSummary[];
  oldestAt?: string;
  reasons: Array<{ reason: string; orders: number }>;
}

export interface StateCounts {
  counts: Record<LedgerState, number>;
  parked: number;
  countedAt: string;
}

export interface OperatorBackend {
  target: OperatorTarget;
  views: DynamoDbLedgerViews;
  /** Counts per state, at most `maxAgeMs` old (counting reads the keys-only index; it runs in the background). */
  counts(maxAgeMs?: number): Promise<StateCounts>;
  /** The counts as last computed, without waiting (undefined before the first count finished). */
  cachedCounts(): StateCounts | undefined;
  deadLetters(): Promise<DeadLetterSummary>;
  parked(): Promise<Array<{ orderId: number; skus: string[] }>>;
  report(since: Date, until: Date): Promise<ReconcileReportRow[]>;
  synced(since: Date, until: Date): Promise<SyncedOrder[]>;
  retry(orderId: number): Promise<string>;
  redrive(): Promise<string>;
  refreshSkus(): Promise<string>;
  close(): void;
}

export interface BackendOptions {
  /** Local stack in this process: its own redrive and SKU refresh (as in AWS: the move task, the function). */
  localActions?: { redrive(): Promise<number>; refreshSkus(): Promise<{ requeued: number[]; items: number }> };
  now?: () => number;
}

export function createOperatorBackend(target: OperatorTarget, options: BackendOptions = {}): OperatorBackend {
  const now = options.now ?? Date.now;
  const db = createDocumentClient({ region: target.region, ...(target.dynamodbEndpoint ? { endpoint: target.dynamodbEndpoint } : {}) });
  const views = new DynamoDbLedgerViews(db, target.ledgerTable, target.storeHash);
  const ledger = new DynamoDbLedger(db, target.ledgerTable);
  const parkedOrders = new DynamoDbParkedOrders(db, target.ledgerTable);
  const sqs: SQSClient = createSqsClient({ region: target.region, ...(target.sqsEndpoint ? { sqsEndpoint: target.sqsEndpoint } : {}) });
  const key = (orderId: number) => orderKey(target.storeHash, orderId);

  let cached: StateCounts | undefined;
  let countMs = 0;
  let counting: Promise<StateCounts> | undefined;
  /** After an action: the next page recounts, and shows the last counts meanwhile. */
  const stale = () => {
    if (cached) cached = { ...cached, countedAt: new Date(0).toISOString() };
  };
  const recount = () =>
    (counting ??= (async () => {
      const started = now();
      const [values, parked] = await Promise.all([Promise.all(LEDGER_STATES.map((state) => views.countByState(state))), parkedOrders.list()]);
      countMs = now() - started;
      cached = {
        counts: Object.fromEntries(LEDGER_STATES.map((state, index) => [state, values[index]!])) as Record<LedgerState, number>,
        parked: parked.length,
        countedAt: new Date(now()).toISOString(),
      };
      return cached;
    })().finally(() => (counting = undefined)));

  async function deadLetteredOrders(): Promise<OrderSummary[]> {
    return (await views.listAll('failed', 1000)).filter((order) => order.deadLetteredAt);
  }

  return {
    target,
    views,
    async counts(maxAgeMs = 30_000) {
      const age = cached ? now() - Date.parse(cached.countedAt) : Infinity;
      // A small ledger counts in milliseconds: then counts are exact to a second. A large one (100,000 orders take
      // seconds) answers from the last count, at most `maxAgeMs` old, and recounts in the background.
      if (cached && (age <= 1_000 || (countMs > 250 && age <= maxAgeMs))) return cached;
      if (cached && countMs > 250) {
        void recount().catch(() => undefined);
        return cached;
      }
      return recount();
    },
    cachedCounts: () => cached,
    async deadLetters() {
      const [{ Attributes = {} }, orders] = await Promise.all([
        sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: target.deadLetterQueueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        ),
        deadLetteredOrders(),
      ]);
      const reasons = new Map<string, number>();
      for (const order of orders) {
        const reason = order.lastErrorMessage ?? 'no attempt was recorded';
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
      const oldest = orders.map((order) => order.deadLetteredAt!).sort()[0];
      return {
        messages: Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
        orders,
        ...(oldest ? { oldestAt: oldest } : {}),
        reasons: [...reasons].map(([reason, count]) => ({ reason, orders: count })).sort((a, b) => b.orders - a.orders),
      };
    },
    parked: () => parkedOrders.list(),
    synced: (since, until) => ledger.listSynced(since, until),
    async report(since, until) {
      return (await ledger.listSynced(since, until)).map(ledgerReportRow);
    },
    async retry(orderId) {
      const message: OrderMessage = { storeHash: target.storeHash, orderId, source: 'console', receivedAt: new Date(now()).toISOString() };
      // Recorded first, so the history never shows it after the worker's steps.
      await ledger.append(key(orderId), [
        historyEvent('console', 'retry_requested', 'an operator re-enqueued the order from the console', undefined, new Date(now())),
      ]);
      await sqs.send(new SendMessageCommand({ QueueUrl: target.ordersQueueUrl, MessageBody: JSON.stringify(message) }));
      stale();
      return `Order ${orderId} is back in the queue; the worker syncs it within seconds.`;
    },
    async redrive() {
      const orders = await deadLetteredOrders();
      const at = new Date(now());
      for (const order of orders)
        await ledger.append(order.orderKey, [
          historyEvent('console', 'redrive_requested', 'an operator redrove the dead-letter queue from the console', undefined, at),
        ]);
      let done: string;
      if (target.kind === 'aws') {
        const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: target.deadLetterQueueUrl, AttributeNames: ['QueueArn'] }));
        // Back to the source queue (the one whose redrive policy dead-lettered them), at the system-optimised rate.
        const task = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: Attributes.QueueArn! }));
        done = `Redrive started (move task ${task.TaskHandle?.slice(0, 24) ?? ''}…): the dead letters go back to the orders queue.`;
      } else {
        const moved = options.localActions
          ? await options.localActions.redrive()
          : await redriveDeadLetters(sqs, target.deadLetterQueueUrl, target.ordersQueueUrl);
        done = `Redrove ${moved} message(s) from the dead-letter queue to the orders queue.`;
      }
      stale();
      return done;
    },
    async refreshSkus() {
      const parked = await parkedOrders.list();
      const at = new Date(now());
      for (const order of parked)
        await ledger.append(key(order.orderId), [
          historyEvent(
            'console',
            'sku_refresh_requested',
            `an operator ran the SKU refresh from the console (waiting for ${order.skus.join(', ')})`,
            undefined,
            at,
          ),
        ]);
      let done: string;
      if (target.kind === 'aws') {
        const lambda = new LambdaClient({ region: target.region });
        try {
          // Asynchronously: a full refresh may take minutes; it re-enqueues the parked orders whose items now exist.
          await lambda.send(
            new InvokeCommand({ FunctionName: target.skuRefreshFunctionName!, InvocationType: 'Event', Payload: new TextEncoder().encode('{}') }),
          );
        } finally {
          lambda.destroy();
        }
        done = 'SKU refresh started; parked orders whose items now exist go back to the queue when it finishes.';
      } else {
        const refresh = options.localActions ? await options.localActions.refreshSkus() : await localSkuRefresh(target);
        done = `SKU refresh loaded ${refresh.items} item(s) and re-enqueued ${refresh.requeued.length === 0 ? 'no parked order' : `order(s) ${refresh.requeued.join(', ')}`}.`;
      }
      stale();
      return done;
    },
    close() {
      db.destroy();
      sqs.destroy();
    },
  };
}

/** The SKU refresh against a local stack run by another process: the same function, with that stack's environment. */
async function localSkuRefresh(target: OperatorTarget): Promise<{ requeued: number[]; items: number }> {
  const [{ loadConfig }, { createSyncContext }, { runSkuRefresh }, { SqsOrderQueue }] = await Promise.all([
    import('../../functions/common/config.ts'),
    import('../../functions/common/sync-context.ts'),
    import('../../functions/sku-refresh.ts'),
    import('../../functions/adapters/sqs/sqs-order-queue.ts'),
  ]);
  const sqs = createSqsClient({ region: target.region, sqsEndpoint: target.sqsEndpoint });
  try {
    const result = await runSkuRefresh({ sync: createSyncContext(loadConfig(target.env)), queue: new SqsOrderQueue(sqs, target.ordersQueueUrl) });
    return { requeued: result.requeued, items: result.items };
  } finally {
    sqs.destroy();
  }
}
