/**
 * The whole product on one machine, with Lambda's semantics: DynamoDB Local and the fauxqs SQS emulator
 * (tables and queues from the stack's own definitions), the webhook handler behind a local HTTP server, the
 * poller on a timer, and the worker driven from the queue in batches with partial batch responses,
 * visibility timeouts and dead-lettering. The same handler modules run here and in Lambda.
 *
 * Without BigCommerce and NetSuite credentials it runs against the simulators; with BIGCOMMERCE_* and
 * NETSUITE_* set it talks to the real APIs.
 */
import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ledgerTable, skuMapTable } from '../../functions/adapters/dynamodb/table-definitions.ts';
import { ordersQueue, WORKER_TIMEOUT_SECONDS } from '../../functions/adapters/sqs/queue-definitions.ts';
import { createSqsClient } from '../../functions/adapters/sqs/sqs-client.ts';
import { SqsRedelivery } from '../../functions/adapters/sqs/sqs-redelivery.ts';
import { ORDER_SCOPES } from '../../functions/adapters/http/bigcommerce-webhook.ts';
import type { RetrySchedule } from '../../functions/core/retry-schedule.ts';
import type { PollResult } from '../../functions/core/poll-orders.ts';
import { createPollerHandler, pollerDepsFromConfig } from '../../functions/poller.ts';
import { loadConfig, loadPollerConfig, loadWebhookConfig, type AppConfig } from '../../functions/common/config.ts';
import { createSyncContext, type SyncContext } from '../../functions/common/sync-context.ts';
import { createWebhookHandler, webhookDepsFromConfig } from '../../functions/webhook.ts';
import { createWorkerHandler } from '../../functions/worker.ts';
import { createNotifierHandler, notifierDepsFromConfig } from '../../functions/dlq-notifier.ts';
import { createSkuRefreshHandler, type SkuRefreshResult } from '../../functions/sku-refresh.ts';
import { SqsOrderQueue } from '../../functions/adapters/sqs/sqs-order-queue.ts';
import type { AnnounceResult } from '../../functions/core/announce-dead-letters.ts';
import { loadNotifierConfig, loadReconcilerConfig } from '../../functions/common/config.ts';
import { createReconcilerHandler, reconcilerDepsFromConfig } from '../../functions/reconciler.ts';
import type { ReconcileResult } from '../../functions/core/reconcile-orders.ts';
import { createFulfilmentPollerHandler, fulfilmentPollerDepsFromConfig } from '../../functions/fulfilment-poller.ts';
import { loadFulfilmentPollerConfig } from '../../functions/common/config.ts';
import type { ShipResult } from '../../functions/core/ship-fulfilments.ts';
import { SlackSink } from '../simulators/slack/slack-sink.ts';
import { redriveDeadLetters } from './redrive.ts';
import { startDynamoDbLocal } from '../engines/dynamodb-local.ts';
import { createTables } from '../engines/create-tables.ts';
import { createQueues, startSqs, type QueueUrls } from '../engines/fauxqs.ts';
import { startSimulatedEnvironment, type SimulatedEnvironment, type SimulatedEnvironmentOptions } from '../simulated-environment.ts';
import { lambdaContext } from './lambda-context.ts';
import { SqsEventSource } from './sqs-event-source.ts';
import { serveWebhook } from './webhook-server.ts';

export interface LocalStackOptions {
  /** Real credentials and settings; when BigCommerce and NetSuite credentials are absent, simulators stand in. */
  env?: Record<string, string | undefined>;
  /** Reuse a running DynamoDB Local (tests share one); otherwise one is started. */
  dynamodbEndpoint?: string;
  /**
   * With real credentials: the ledger chosen by the operator command (a deployed stack's tables, or the persistent
   * local ledger), as environment variables. Without it, fresh tables in an in-memory DynamoDB Local.
   */
  ledger?: Record<string, string>;
  /** Fixed ports (random free ones when absent). */
  ports?: { webhook?: number; dynamodb?: number; sqs?: number; bigcommerce?: number; netsuite?: number };
  /** How often the poller runs; 0 disables the timer (call pollNow). */
  pollIntervalMs?: number;
  /** How often the dead-letter notifier sweeps (AWS: every minute and on the DLQ alarm); 0 disables the timer. */
  notifyIntervalMs?: number;
  /** How often the reconciler checks NetSuite's totals (AWS: every 15 minutes); 0 disables the timer. */
  reconcileIntervalMs?: number;
  /** How often the fulfilment poller runs (AWS: every 5 minutes); 0 disables the timer (call shipNow). */
  fulfilmentPollIntervalMs?: number;
  /** Worker event source: records per invocation and concurrent invocations. */
  batchSize?: number;
  maxConcurrency?: number;
  /** Shorter than the stack's for tests that need failed messages to come back quickly. */
  visibilityTimeoutSeconds?: number;
  /** Settings for the simulated environment (ignored with real APIs). */
  simulator?: Pick<SimulatedEnvironmentOptions, 'concurrencyLimit' | 'rateLimit' | 'bigcommerce' | 'netsuite'>;
  /** Backoff between a failed order's attempts; tests shorten it. */
  retrySchedule?: RetrySchedule;
  /** Seeds the simulators (items, customers) before the SKU map is loaded; may return settings (e.g. item ids). */
  seed?: (simulated: SimulatedEnvironment) => Record<string, string> | void;
}

export interface LocalStack {
  /** The product's configuration environment, as a deployed function would see it. */
  env: Record<string, string>;
  config: AppConfig;
  context: SyncContext;
  webhookUrl: string;
  webhookSecret: string;
  sqs: SQSClient;
  queues: QueueUrls;
  worker: SqsEventSource;
  /** Present when running against the simulators. */
  simulated?: SimulatedEnvironment;
  /** The local Slack incoming webhook (present unless SLACK_WEBHOOK_URL points elsewhere). */
  slack?: SlackSink;
  /**
   * Waits until the simulated store has no webhook to deliver and the worker's queue is idle. It loops: the
   * worker's own write-back (the order's metafield) fires store/order/updated, which can reach the queue after
   * the queue looked idle.
   */
  settle(): Promise<void>;
  pollNow(timeoutMs?: number): Promise<PollResult>;
  notifyNow(): Promise<AnnounceResult>;
  refreshSkusNow(): Promise<SkuRefreshResult>;
  reconcileNow(): Promise<ReconcileResult>;
  /** One run of the fulfilment poller: NetSuite item fulfilments → BigCommerce shipments. */
  shipNow(timeoutMs?: number): Promise<ShipResult>;
  /** Every reconciler run so far (timer and on demand), for benchmarks. */
  readonly reconcileRuns: readonly ReconcileResult[];
  /** The console's "Start DLQ redrive", locally. */
  redrive(): Promise<number>;
  /** Stops the poller and notifier timers (and waits for a run in progress). */
  stopSchedules(): Promise<void>;
  stop(): Promise<void>;
}

export function hasRealCredentials(env: Record<string, string | undefined>): boolean {
  return Boolean(env.BIGCOMMERCE_ACCESS_TOKEN && env.NETSUITE_ACCOUNT_ID);
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((error: unknown) => console.error('[local] stop failed', error));
  };
  try {
    const given = options.env ?? {};
    const prefix = `local-${randomUUID().slice(0, 8)}`;
    let dynamodbEndpoint = options.ledger ? (options.ledger.DYNAMODB_ENDPOINT ?? '') : options.dynamodbEndpoint;
    if (dynamodbEndpoint === undefined) {
      const dynamodb = await startDynamoDbLocal({ ...(options.ports?.dynamodb ? { port: options.ports.dynamodb } : {}) });
      stops.push(dynamodb.stop);
      dynamodbEndpoint = dynamodb.endpoint;
    }

    let simulated: SimulatedEnvironment | undefined;
    let base: Record<string, string>;
    if (hasRealCredentials(given) && options.ledger) {
      base = { ...definedOnly(given), ...options.ledger };
    } else if (hasRealCredentials(given)) {
      base = { ...definedOnly(given), DYNAMODB_ENDPOINT: dynamodbEndpoint, LEDGER_TABLE: `${prefix}-ledger`, SKU_MAP_TABLE: `${prefix}-sku-map` };
      await createTables(dynamodbEndpoint, [
        { definition: ledgerTable, name: base.LEDGER_TABLE! },
        { definition: skuMapTable, name: base.SKU_MAP_TABLE! },
      ]);
    } else {
      simulated = await startSimulatedEnvironment({
        dynamodbEndpoint,
        tablePrefix: prefix,
        ...options.simulator,
        ports: { bigcommerce: options.ports?.bigcommerce, netsuite: options.ports?.netsuite },
      });
      stops.push(simulated.close);
      const seeded = options.seed?.(simulated) ?? {};
      base = { ...simulated.env, ...seeded, ...definedOnly(given) };
    }

    const sqsServer = await startSqs(options.ports?.sqs);
    stops.push(sqsServer.stop);
    const sqs = createSqsClient({ region: 'us-east-1', sqsEndpoint: sqsServer.endpoint });
    stops.push(async () => sqs.destroy());
    const queues = await createQueues(sqs, prefix, { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds });

    let slack: SlackSink | undefined;
    if (!base.SLACK_WEBHOOK_URL) {
      slack = await SlackSink.start();
      stops.push(() => slack!.close());
    }
    const webhookSecret = base.WEBHOOK_SECRET ?? randomUUID();
    const env: Record<string, string> = {
      ...base,
      ORDERS_QUEUE_URL: queues.ordersQueueUrl,
      DEAD_LETTER_QUEUE_URL: queues.deadLetterQueueUrl,
      SQS_ENDPOINT: sqsServer.endpoint,
      WEBHOOK_SECRET: webhookSecret,
      ...(slack ? { SLACK_WEBHOOK_URL: slack.webhookUrl } : {}),
    };

    const config = loadConfig(env);
    const context = createSyncContext(config);
    const skuRefresh = createSkuRefreshHandler(async () => ({ sync: context, queue: new SqsOrderQueue(sqs, queues.ordersQueueUrl) }));
    const refreshSkusNow = () => skuRefresh({}, lambdaContext('sku-refresh', 900_000));
    await refreshSkusNow(); // what the nightly refresh function does in AWS

    const webhookConfig = loadWebhookConfig(env);
    const webhook = await serveWebhook(
      createWebhookHandler(async () => webhookDepsFromConfig(webhookConfig)),
      { port: options.ports?.webhook },
    );
    stops.push(webhook.close);

    const worker = new SqsEventSource({
      sqs,
      queueUrl: queues.ordersQueueUrl,
      handler: createWorkerHandler(async () => ({
        sync: context,
        redelivery: new SqsRedelivery(sqs, queues.ordersQueueUrl),
        ...(options.retrySchedule ? { schedule: options.retrySchedule } : {}),
      })),
      batchSize: options.batchSize ?? ordersQueue.batchSize,
      maxConcurrency: options.maxConcurrency ?? 2,
      functionTimeoutMs: WORKER_TIMEOUT_SECONDS * 1000,
    });
    await worker.start();
    stops.push(() => worker.stop());

    const pollerDeps = pollerDepsFromConfig(loadPollerConfig(env));
    const poller = createPollerHandler(async () => pollerDeps);
    const pollNow = (timeoutMs = 300_000) => poller({}, lambdaContext('poller', timeoutMs));
    const schedules: Array<() => Promise<void>> = [];
    const stopSchedules = async () => {
      await Promise.all(schedules.splice(0).map((stopSchedule) => stopSchedule()));
    };
    stops.push(stopSchedules);
    every(options.pollIntervalMs ?? 0, pollNow, 'poller', schedules);

    const notifierDeps = notifierDepsFromConfig(loadNotifierConfig(env));
    // Locally a peek hides messages for a second only, so tests can redrive right after an alert.
    const notifier = createNotifierHandler(async () => ({ ...notifierDeps, peekHideSeconds: 1 }));
    const notifyNow = () => notifier({}, lambdaContext('dlq-notifier', 60_000));
    every(options.notifyIntervalMs ?? 0, notifyNow, 'notifier', schedules);

    // Locally an order may be reconciled as soon as it is synced (the simulator computes totals at once).
    const reconcilerDeps = reconcilerDepsFromConfig(loadReconcilerConfig({ RECONCILE_MIN_AGE_SECONDS: '0', ...env }));
    const reconciler = createReconcilerHandler(async () => reconcilerDeps);
    const reconcileRuns: ReconcileResult[] = [];
    const reconcileNow = async () => {
      const run = await reconciler({}, lambdaContext('reconciler', 300_000));
      reconcileRuns.push(run);
      return run;
    };
    every(options.reconcileIntervalMs ?? 0, reconcileNow, 'reconciler', schedules);

    const fulfilmentDeps = fulfilmentPollerDepsFromConfig(loadFulfilmentPollerConfig(env));
    const fulfilmentPoller = createFulfilmentPollerHandler(async () => fulfilmentDeps);
    const shipNow = (timeoutMs = 300_000) => fulfilmentPoller({}, lambdaContext('fulfilment-poller', timeoutMs));
    every(options.fulfilmentPollIntervalMs ?? 0, shipNow, 'fulfilment-poller', schedules);

    if (simulated) await registerSimulatorWebhook(simulated, webhook.url, webhookConfig.secretHeader, webhookSecret);

    return {
      env,
      config,
      context,
      webhookUrl: webhook.url,
      webhookSecret,
      sqs,
      queues,
      worker,
      simulated,
      slack,
      settle: async () => {
        do {
          await simulated?.bc.flushWebhooks();
          await worker.waitForIdle();
        } while ((simulated?.bc.webhooksPending ?? 0) > 0);
      },
      pollNow,
      notifyNow,
      refreshSkusNow,
      reconcileNow,
      shipNow,
      reconcileRuns,
      redrive: () => redriveDeadLetters(sqs, queues.deadLetterQueueUrl, queues.ordersQueueUrl),
      stopSchedules,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Registers the local webhook with the simulated store, as `npm run webhook:register` does with a real one. */
async function registerSimulatorWebhook(simulated: SimulatedEnvironment, url: string, header: string, secret: string): Promise<void> {
  for (const scope of ORDER_SCOPES) {
    const response = await fetch(`${simulated.bc.baseUrl}/stores/${simulated.env.BIGCOMMERCE_STORE_HASH}/v3/hooks`, {
      method: 'POST',
      headers: { 'X-Auth-Token': simulated.env.BIGCOMMERCE_ACCESS_TOKEN!, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ scope, destination: url, is_active: true, headers: { [header]: secret } }),
    });
    if (!response.ok) throw new Error(`could not register the local webhook: ${response.status} ${await response.text()}`);
  }
}

/** Runs `task` every `intervalMs` like a schedule would, skipping a tick while the previous run is busy. */
function every(intervalMs: number, task: () => Promise<unknown>, name: string, schedules: Array<() => Promise<void>>): void {
  if (!intervalMs) return;
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = task()
      .catch((error: unknown) => console.error(`[local] ${name} failed:`, error instanceof Error ? error.message : error))
      .finally(() => (running = undefined));
  }, intervalMs);
  // Stopping a schedule also waits for a run in progress, so nothing runs against stopped engines.
  schedules.push(async () => {
    clearInterval(timer);
    await running;
  });
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}
