/**
 * Everything one store's sync runs on, in the merchant's own account: the webhook endpoint, the poller, the
 * orders queue and its dead-letter queue, the worker, the ledger and SKU map tables, the SKU refresh, the
 * dead-letter notifier, alarms and a dashboard. Environment-agnostic (no lookups), so it synthesizes offline.
 */
import { Annotations, CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { ordersQueue, WORKER_TIMEOUT_SECONDS } from '../functions/adapters/sqs/queue-definitions.ts';
import { SECRET_BOUNDARIES, SECRET_BOUNDARY_NAMES, type SecretBoundary } from '../functions/common/secret-boundaries.ts';
import { RECONCILE_INDEX } from '../functions/adapters/dynamodb/table-definitions.ts';
import { ALERT_KEY_PREFIX } from '../functions/adapters/dynamodb/dynamodb-alert-log.ts';
import { CIRCUIT_KEY_PREFIX } from '../functions/adapters/dynamodb/dynamodb-circuits.ts';
import { HELD_KEY_PREFIX, PARKED_KEY_PREFIX } from '../functions/adapters/dynamodb/dynamodb-parked-orders.ts';
import { FULFILMENT_POLLER_KEY_PREFIX, POLLER_KEY_PREFIX } from '../functions/adapters/dynamodb/dynamodb-poller-state.ts';
import { FULFILMENT_KEY_PREFIX, SHIPMENT_KEY_PREFIX } from '../functions/adapters/dynamodb/dynamodb-shipment-ledger.ts';
import { ORDER_KEY_PREFIX } from '../functions/core/external-ids.ts';
import { AppSecrets } from './constructs/app-secrets.ts';
import { SyncDashboard } from './constructs/dashboard.ts';
import { DlqAlerting } from './constructs/dlq-alerting.ts';
import { OperationalAlarms } from './constructs/operational-alarms.ts';
import { OrderQueues } from './constructs/order-queues.ts';
import { Schedules } from './constructs/schedules.ts';
import { ServiceFunction } from './constructs/service-function.ts';
import { StateTables } from './constructs/state-tables.ts';
import { WebhookApi } from './constructs/webhook-api.ts';
import { planNetSuiteConcurrency, type NetSuiteConcurrencyPlan } from './netsuite-concurrency.ts';
import { missingRequiredSettings, type StageConfig } from './stage-config.ts';

/** Function sizes: memory in MB. Timeouts are next to each function. */
export const MEMORY_MB = { webhook: 512, poller: 512, worker: 1024, skuRefresh: 1024, notifier: 256, reconciler: 512, fulfilmentPoller: 512 } as const;

export const TIMEOUTS = {
  /** Authenticate, validate, enqueue: milliseconds when warm, a cold start's secret read included. */
  webhook: Duration.seconds(10),
  /** The poller's lease is as long as its run may be (POLLER_LEASE_MS), and runs are ten minutes apart. */
  poller: Duration.minutes(5),
  /** From the queue definitions, which size the visibility timeout to six times this. */
  worker: Duration.seconds(WORKER_TIMEOUT_SECONDS),
  /** Pages through every item in NetSuite. */
  skuRefresh: Duration.minutes(15),
  notifier: Duration.seconds(30),
  /** A batch of 1,000 orders is one query; a backlog stops between batches and continues at the next run. */
  reconciler: Duration.minutes(5),
  /** Its lease is as long as a run (FULFILMENT_LEASE_MS); a backlog continues at the next run, five minutes on. */
  fulfilmentPoller: Duration.minutes(5),
} as const;

/**
 * A NetSuite request that hangs must fail the one record, not time out the worker's whole batch (whose records
 * would then all wait out the visibility timeout): half the worker's time. A create that outlives it is found
 * by its externalId on the retry.
 */
export const WORKER_NETSUITE_TIMEOUT_MS = (WORKER_TIMEOUT_SECONDS * 1000) / 2;

/**
 * The secrets each function reads, and so may read: one per trust boundary, and no more than its configuration
 * loader needs (test/infra/function-config.test.ts proves both). The reconciler reads Slack for its drift alerts;
 * the notifier reads nothing but Slack.
 */
export const SECRETS_READ_BY = {
  webhook: ['webhook'],
  poller: ['bigcommerce'],
  worker: ['bigcommerce', 'netsuite'],
  skuRefresh: ['bigcommerce', 'netsuite'],
  notifier: ['slack'],
  reconciler: ['netsuite', 'slack'],
  fulfilmentPoller: ['bigcommerce', 'netsuite', 'slack'],
} as const satisfies Record<string, readonly SecretBoundary[]>;

/**
 * The ledger items the poller, notifier and SKU refresh may touch, by key prefix (`dynamodb:LeadingKeys`). The
 * worker uses every kind of item and the reconciler reads through an index, so their access stays table-wide.
 */
export const LEDGER_PREFIXES = {
  /** Its lease and cursors, the held orders it requeues, the circuits it reads and opens. */
  poller: [POLLER_KEY_PREFIX, HELD_KEY_PREFIX, CIRCUIT_KEY_PREFIX],
  /** Failure reasons of orders, its alert markers, the circuits it announces. */
  notifier: [ORDER_KEY_PREFIX, ALERT_KEY_PREFIX, CIRCUIT_KEY_PREFIX],
  /** The parked orders it requeues or releases. */
  skuRefresh: [PARKED_KEY_PREFIX],
  /** Its lease and cursor, the shipment claims and fulfilment records, its alert markers. */
  fulfilmentPoller: [FULFILMENT_POLLER_KEY_PREFIX, SHIPMENT_KEY_PREFIX, FULFILMENT_KEY_PREFIX, ALERT_KEY_PREFIX],
} as const;

export interface BcNetSuiteSyncStackProps extends StackProps {
  config: StageConfig;
}

export class BcNetSuiteSyncStack extends Stack {
  readonly concurrency: NetSuiteConcurrencyPlan;
  readonly functions: Record<'webhook' | 'poller' | 'worker' | 'skuRefresh' | 'notifier' | 'reconciler' | 'fulfilmentPoller', ServiceFunction>;

  constructor(scope: Construct, id: string, props: BcNetSuiteSyncStackProps) {
    super(scope, id, props);
    const { config } = props;
    const missing = missingRequiredSettings(config);
    if (missing.length > 0) {
      Annotations.of(this).addWarningV2(
        'bc-netsuite-sync:missing-settings',
        `${missing.join(' and ')} not set: the functions will refuse to start. Deploy with ${missing.map((key) => `-c ${key}=…`).join(' ')} (or set them in cdk.json).`,
      );
    }

    const secrets = new AppSecrets(this, 'Secrets', { legacySecretName: config.appSecretName });
    const queues = new OrderQueues(this, 'Queues');
    const tables = new StateTables(this, 'Tables', { consoleIndexes: config.ledgerConsoleIndexes });
    this.concurrency = planNetSuiteConcurrency(config.netsuiteConcurrencyBudget, ordersQueue.batchSize);

    const storeHash = definedOnly({ BIGCOMMERCE_STORE_HASH: config.storeHash });
    const syncSettings = {
      ...storeHash,
      NETSUITE_AUTH: config.netsuiteAuth,
      NETSUITE_SKU_FIELD: config.netsuiteSkuField,
      ...definedOnly({
        NETSUITE_ACCOUNT_ID: config.netsuiteAccountId,
        NETSUITE_API_URL: config.netsuiteApiUrl,
        NETSUITE_SUBSIDIARY_ID: config.subsidiaryId,
        NETSUITE_LOCATION_ID: config.locationId,
        NETSUITE_DEPARTMENT_ID: config.departmentId,
        NETSUITE_CLASS_ID: config.classId,
        NETSUITE_DISCOUNT_ITEM_ID: config.discountItemId,
        NETSUITE_GIFT_CERTIFICATE_ITEM_ID: config.giftCertificateItemId,
        NETSUITE_NO_SKU_ITEM_ID: config.noSkuItemId,
        NETSUITE_WRAPPING_ITEM_ID: config.wrappingItemId,
        NETSUITE_HANDLING_ITEM_ID: config.handlingItemId,
        NETSUITE_FEE_ITEM_ID: config.feeItemId,
        NETSUITE_TAX_ITEM_ID: config.taxItemId,
        NETSUITE_NON_TAXABLE_TAX_CODE_ID: config.nonTaxableTaxCodeId,
        NETSUITE_SHIP_METHODS: config.shipMethods ? JSON.stringify(config.shipMethods) : undefined,
        NETSUITE_DEFAULT_SHIP_METHOD_ID: config.defaultShipMethodId,
        NETSUITE_LINE_ID_FIELD: config.lineIdField,
        NETSUITE_REFUND_ITEM_ID: config.refundItemId,
        NETSUITE_DEPOSIT_ACCOUNT_ID: config.depositAccountId,
      }),
      SYNC_PAYMENTS: config.payments,
      NETSUITE_MULTI_SHIP_ROUTES: String(config.multiShipRoutes),
      NETSUITE_CUSTOMER_ENTITY_ID: config.customerEntityId,
      NETSUITE_OTHER_SUBSIDIARY_CUSTOMER: config.otherSubsidiaryCustomer,
      NETSUITE_PRICE_LEVEL: config.priceLevel,
      SYNC_TRIGGER_STATUSES: config.triggerStatuses,
      SYNC_TIME_ZONE: config.timeZone,
      SYNC_TAX_MODE: config.taxMode,
      SYNC_TAX_LINES: config.taxLines,
      LEDGER_TABLE: tables.ledger.tableName,
      SKU_MAP_TABLE: tables.skuMap.tableName,
      ORDERS_QUEUE_URL: queues.orders.queueUrl,
    };
    const common = { logLevel: config.logLevel, logRetention: config.logRetentionDays };

    const webhook = new ServiceFunction(this, 'Webhook', {
      ...common,
      entry: 'webhook.ts',
      description: 'BigCommerce order webhooks to the orders queue',
      memorySize: MEMORY_MB.webhook,
      timeout: TIMEOUTS.webhook,
      failureHandling: 'Invoked synchronously by API Gateway: a failure is answered 5xx and BigCommerce retries the callback (for up to two days).',
      environment: {
        ...storeHash,
        ORDERS_QUEUE_URL: queues.orders.queueUrl,
        WEBHOOK_SECRET_HEADER: config.webhookSecretHeader,
      },
    });
    webhook.addEnvironment(secrets.bind(webhook.function, SECRETS_READ_BY.webhook));
    queues.orders.grantSendMessages(webhook.function);

    const poller = new ServiceFunction(this, 'Poller', {
      ...common,
      entry: 'poller.ts',
      description: 'Enqueues orders in a trigger status modified since the last run (the webhook safety net)',
      memorySize: MEMORY_MB.poller,
      timeout: TIMEOUTS.poller,
      failureHandling:
        'Scheduled, with an event that carries nothing: the next run redoes the work (its cursor only moves past what was enqueued), and failures raise the PollerErrors alarm.',
      environment: {
        ...storeHash,
        SYNC_TRIGGER_STATUSES: config.triggerStatuses,
        POLLER_LEASE_MS: String(TIMEOUTS.poller.toMilliseconds()),
        LEDGER_TABLE: tables.ledger.tableName, // its lease and cursor
        ORDERS_QUEUE_URL: queues.orders.queueUrl,
      },
    });
    poller.addEnvironment(secrets.bind(poller.function, SECRETS_READ_BY.poller));
    queues.orders.grantSendMessages(poller.function);
    tables.grantLedgerItems(poller.function, LEDGER_PREFIXES.poller);

    const worker = new ServiceFunction(this, 'Worker', {
      ...common,
      entry: 'worker.ts',
      description: 'Orders queue to NetSuite sales orders (the sync core)',
      memorySize: MEMORY_MB.worker,
      timeout: TIMEOUTS.worker,
      failureHandling:
        "Invoked synchronously by the SQS event source: failed records return to the orders queue, whose redrive policy is the worker's dead-letter queue.",
      environment: {
        ...syncSettings,
        NETSUITE_CONCURRENCY: String(this.concurrency.workerConcurrency),
        NETSUITE_TIMEOUT_MS: String(WORKER_NETSUITE_TIMEOUT_MS),
      },
    });
    worker.addEnvironment(secrets.bind(worker.function, SECRETS_READ_BY.worker));
    // Grants ReceiveMessage, DeleteMessage and ChangeMessageVisibility, which sets each failed record's backoff.
    const ordersSource = new SqsEventSource(queues.orders, {
      batchSize: ordersQueue.batchSize,
      reportBatchItemFailures: true,
      maxConcurrency: this.concurrency.workerMaxConcurrency,
    });
    worker.function.addEventSource(ordersSource);
    const ordersMapping = worker.function.node.children.find((child) => child instanceof EventSourceMapping);
    Validations.of(ordersMapping ?? worker.function).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event sources take no on-failure destination: failed records go back to the orders queue, whose redrive policy moves them to the dead-letter queue after maxReceiveCount receives.',
    });
    tables.grantItems(worker.function, tables.ledger);
    tables.grantItems(worker.function, tables.skuMap);

    const skuRefresh = new ServiceFunction(this, 'SkuRefresh', {
      ...common,
      entry: 'sku-refresh.ts',
      description: 'Nightly: reloads the SKU map from NetSuite, requeues orders parked for a missing SKU',
      memorySize: MEMORY_MB.skuRefresh,
      timeout: TIMEOUTS.skuRefresh,
      failureHandling:
        'Scheduled nightly, with an event that carries nothing: the next run reloads everything, per-order lookups cover new SKUs meanwhile, and failures raise the SkuRefreshErrors alarm.',
      environment: { ...syncSettings, NETSUITE_CONCURRENCY: String(this.concurrency.skuRefreshConcurrency) },
    });
    skuRefresh.addEnvironment(secrets.bind(skuRefresh.function, SECRETS_READ_BY.skuRefresh));
    tables.grantItems(skuRefresh.function, tables.skuMap, [], { scan: true });
    tables.grantLedgerItems(skuRefresh.function, LEDGER_PREFIXES.skuRefresh);
    queues.orders.grantSendMessages(skuRefresh.function);

    const notifier = new ServiceFunction(this, 'DlqNotifier', {
      ...common,
      entry: 'dlq-notifier.ts',
      description: 'Dead-letter queue to Slack; peeks, never deletes',
      memorySize: MEMORY_MB.notifier,
      timeout: TIMEOUTS.notifier,
      failureHandling:
        'Invoked by the DLQ alarm and every minute by a schedule: the next sweep redoes a failed one, the dead letters stay in the DLQ, and failures raise the NotifierErrors alarm.',
      environment: {
        ...storeHash,
        DEAD_LETTER_QUEUE_URL: queues.deadLetters.queueUrl,
        LEDGER_TABLE: tables.ledger.tableName, // order failure reasons, and which dead letters were announced
      },
    });
    notifier.addEnvironment(secrets.bind(notifier.function, SECRETS_READ_BY.notifier));
    // Peek only: no DeleteMessage, so whatever it reads stays for the console's redrive.
    notifier.function.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:ReceiveMessage', 'sqs:GetQueueAttributes'], resources: [queues.deadLetters.queueArn] }),
    );
    tables.grantLedgerItems(notifier.function, LEDGER_PREFIXES.notifier);

    const reconciler = new ServiceFunction(this, 'Reconciler', {
      ...common,
      entry: 'reconciler.ts',
      description: "Every 15 minutes: compares NetSuite's totals of newly synced sales orders with what BigCommerce charged",
      memorySize: MEMORY_MB.reconciler,
      timeout: TIMEOUTS.reconciler,
      failureHandling:
        'Scheduled, with an event that carries nothing: orders stay pending in the ledger until a run checks them, and failures raise the ReconcilerErrors alarm.',
      environment: {
        ...storeHash,
        ...definedOnly({ NETSUITE_ACCOUNT_ID: config.netsuiteAccountId, NETSUITE_API_URL: config.netsuiteApiUrl }),
        NETSUITE_AUTH: config.netsuiteAuth,
        NETSUITE_CONCURRENCY: String(this.concurrency.reconcilerConcurrency),
        LEDGER_TABLE: tables.ledger.tableName, // the booked snapshots, drift results and alert markers
      },
    });
    reconciler.addEnvironment(secrets.bind(reconciler.function, SECRETS_READ_BY.reconciler));
    // Its one index query needs the reconcile index; nothing else of the table's indexes.
    tables.grantItems(reconciler.function, tables.ledger, [RECONCILE_INDEX.name]);

    const fulfilmentPoller = new ServiceFunction(this, 'FulfilmentPoller', {
      ...common,
      entry: 'fulfilment-poller.ts',
      description: 'Every 5 minutes: NetSuite item fulfilments with tracking become BigCommerce shipments, exactly once',
      memorySize: MEMORY_MB.fulfilmentPoller,
      timeout: TIMEOUTS.fulfilmentPoller,
      failureHandling:
        'Scheduled, with an event that carries nothing: its cursor waits before any fulfilment not yet handled, a shipment claimed but not recorded is found by its marker on the next run, and failures raise the FulfilmentPollerErrors alarm.',
      environment: {
        ...storeHash,
        ...definedOnly({
          NETSUITE_ACCOUNT_ID: config.netsuiteAccountId,
          NETSUITE_API_URL: config.netsuiteApiUrl,
          NETSUITE_LINE_ID_FIELD: config.lineIdField,
          NETSUITE_SHIPMENT_ID_FIELD: config.shipmentIdField,
          FULFILMENT_CARRIERS: Object.keys(config.fulfilmentCarriers ?? {}).length > 0 ? JSON.stringify(config.fulfilmentCarriers) : undefined,
        }),
        NETSUITE_AUTH: config.netsuiteAuth,
        NETSUITE_SKU_FIELD: config.netsuiteSkuField,
        NETSUITE_CONCURRENCY: String(this.concurrency.fulfilmentPollerConcurrency),
        FULFILMENT_SHIP_STATUS: config.fulfilmentShipStatus,
        FULFILMENT_LEASE_MS: String(TIMEOUTS.fulfilmentPoller.toMilliseconds()),
        LEDGER_TABLE: tables.ledger.tableName, // its lease, cursor, shipment claims and alert markers
      },
    });
    fulfilmentPoller.addEnvironment(secrets.bind(fulfilmentPoller.function, SECRETS_READ_BY.fulfilmentPoller));
    tables.grantLedgerItems(fulfilmentPoller.function, LEDGER_PREFIXES.fulfilmentPoller);

    this.functions = { webhook, poller, worker, skuRefresh, notifier, reconciler, fulfilmentPoller };

    const api = new WebhookApi(this, 'WebhookApi', { handler: webhook.function, logRetention: config.logRetentionDays });

    new Schedules(this, 'Schedules', {
      poller: poller.function,
      skuRefresh: skuRefresh.function,
      notifier: notifier.function,
      reconciler: reconciler.function,
      fulfilmentPoller: fulfilmentPoller.function,
      reconcileSchedule: config.reconcileSchedule,
      fulfilmentPollerSchedule: config.fulfilmentPollerSchedule,
      pollerSchedule: config.pollerSchedule,
      skuRefreshSchedule: config.skuRefreshSchedule,
      timeZone: config.timeZone,
    });

    // Every alarm also reaches the operator's own topic when one is given (the subscriber rule: stage-config.ts).
    const alsoNotify = config.alarmTopicArn ? Topic.fromTopicArn(this, 'AlarmSubscriberTopic', config.alarmTopicArn) : undefined;
    const dlqAlerting = new DlqAlerting(this, 'DlqAlerting', {
      deadLetters: queues.deadLetters,
      notifier: notifier.function,
      alarmEmail: config.alarmEmail,
      alsoNotify,
    });
    const alarms = new OperationalAlarms(this, 'Alarms', {
      ordersQueue: queues.orders,
      deadLetters: queues.deadLetters,
      worker: worker.function,
      webhookApi: api.api,
      poller: poller.function,
      skuRefresh: skuRefresh.function,
      notifier: notifier.function,
      reconciler: reconciler.function,
      fulfilmentPoller: fulfilmentPoller.function,
      alarmEmail: config.alarmEmail,
      alsoNotify,
    });
    const dashboard = new SyncDashboard(this, 'Dashboard', {
      ordersQueue: queues.orders,
      deadLetters: queues.deadLetters,
      worker: worker.function,
      webhookApi: api.api,
      alarms: [dlqAlerting.alarm, ...alarms.alarms],
    });

    new CfnOutput(this, 'WebhookUrl', { value: api.webhookUrl, description: 'Register with: npm run webhook:register -- --url <this>' });
    if (secrets.legacy) {
      new CfnOutput(this, 'AppSecretArn', {
        value: secrets.legacy.secretArn,
        description: 'The single secret every function reads (migrate: see docs/operators-guide.md)',
      });
    } else {
      for (const boundary of SECRET_BOUNDARY_NAMES) {
        const name = `${boundary[0]!.toUpperCase()}${boundary.slice(1)}SecretArn`;
        new CfnOutput(this, name, {
          value: secrets.secrets[boundary].secretArn,
          description: `Fill in ${SECRET_BOUNDARIES[boundary].keys.join(', ')} here (see docs/operators-guide.md)`,
        });
      }
    }
    new CfnOutput(this, 'OrdersQueueUrl', { value: queues.orders.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: queues.deadLetters.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueConsole', {
      value: `https://${this.region}.console.aws.amazon.com/sqs/v3/home?region=${this.region}#/queues/https%3A%2F%2Fsqs.${this.region}.${this.urlSuffix}%2F${this.account}%2F${queues.deadLetters.queueName}`,
      description: 'Where to look at and redrive dead letters',
    });
    new CfnOutput(this, 'LedgerTableName', { value: tables.ledger.tableName });
    new CfnOutput(this, 'SkuMapTableName', { value: tables.skuMap.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn, description: 'Subscribe here to hear every alarm but the dead-letter one' });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName });
    // What `npm run console` and `npm run status` find the deployment by (with the operator's own credentials).
    new CfnOutput(this, 'SkuRefreshFunctionName', { value: skuRefresh.function.functionName, description: 'The console\'s "Run the SKU refresh now"' });
    new CfnOutput(this, 'StoreHash', { value: config.storeHash ?? '' });
    new CfnOutput(this, 'NetSuiteAccountId', { value: config.netsuiteAccountId ?? '' });
  }
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
