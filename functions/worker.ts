/**
 * SQS → the sync core. Records of a batch are processed concurrently (the NetSuite client's budget caps
 * what reaches NetSuite), only failed records go back to the queue (partial batch response), and each
 * failed record's visibility timeout is set to its backoff: seconds for an order another worker holds,
 * zero for a permanent failure (so it reaches the dead-letter queue within a minute), exponential for
 * transient ones (about an hour in all before the dead-letter queue).
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createSqsClient } from './adapters/sqs/sqs-client.ts';
import { SqsRedelivery } from './adapters/sqs/sqs-redelivery.ts';
import { circuitAdvice, CircuitGuard } from './core/circuit.ts';
import { PermanentError, SyncError } from './core/errors.ts';
import type { RedeliveryControl } from './core/ports.ts';
import { defaultRetrySchedule, type RetrySchedule } from './core/retry-schedule.ts';
import { syncOrder, UNKNOWN_ORDER, type SyncOutcome } from './core/sync-order.ts';
import { loadConfig, loadQueueConfig } from './common/config.ts';
import { deadlineFromContext, withDeadline } from './common/deadline.ts';
import { parseOrderMessage } from './common/order-message.ts';
import { logger, metrics, once, tracer } from './common/powertools.ts';
import { resolveEnv } from './common/secrets.ts';
import { createSyncContext, type SyncContext } from './common/sync-context.ts';

export interface WorkerDeps {
  sync: SyncContext;
  redelivery: RedeliveryControl;
  schedule?: RetrySchedule;
  /** Time kept back from Lambda's timeout for recording failures and setting their backoff. */
  deadlineMarginMs?: number;
}

/**
 * Every record's work ends this long before Lambda's timeout: enough to mark a record failed in the ledger and set
 * its backoff, so a hanging request fails its own record instead of timing out the whole batch.
 */
export const WORKER_DEADLINE_MARGIN_MS = 10_000;

/** Syncs the order one queue record asks for; throws to send the record back to the queue. */
export async function processRecord(record: SQSRecord, context: SyncContext, requestId: string): Promise<SyncOutcome> {
  const message = parseOrderMessage(record.body);
  if (message.storeHash !== context.settings.storeHash) {
    throw new PermanentError(`message for store ${message.storeHash}, but this deployment serves ${context.settings.storeHash}`);
  }
  const outcome = await syncOrder(message.orderId, {
    ...context,
    workerId: `${requestId}/${record.messageId}`,
    // First delivery: a new event, or a redrive after someone fixed the cause. Retries trust cached misses.
    recheckMissingSkus: receiveCount(record) === 1,
    trigger: { source: message.source, receivedAt: message.receivedAt, messageId: record.messageId, receiveCount: receiveCount(record) },
  });
  // A held order back from the poller (as a probe) is done waiting once it went through.
  if (message.source === 'circuit') await context.held.unpark(message.orderId);
  const enqueuedPaid = message.statusId !== undefined && context.settings.triggerStatusIds.includes(message.statusId);
  if (outcome.status === 'skipped' && outcome.reason.startsWith(UNKNOWN_ORDER)) {
    // A forged or mistyped id (or an order deleted since): skipped, never dead-lettered, but visible.
    logger.warn('order unknown to BigCommerce was skipped', { source: message.source, orderId: outcome.orderId });
    metrics.addMetric('UnknownOrdersSkipped', MetricUnit.Count, 1);
  } else if (outcome.status === 'skipped' && enqueuedPaid) {
    // It was paid when enqueued and is not now (cancelled, refunded, put on hold): never silent.
    logger.warn('order enqueued in a paid status was skipped', { source: message.source, enqueuedStatusId: message.statusId, ...outcome });
    metrics.addMetric('PaidOrdersSkipped', MetricUnit.Count, 1);
  } else if (outcome.status === 'synced' && outcome.warnings) {
    // Synced, with storefront data NetSuite would have refused left out (a malformed phone): said, not silent.
    logger.warn('order synced with data left out', { source: message.source, receiveCount: receiveCount(record), ...outcome });
  } else {
    logger.info(`order ${outcome.status}`, { source: message.source, receiveCount: receiveCount(record), ...outcome });
  }
  const metric = { synced: 'OrdersSynced', skipped: 'OrdersSkipped', already_synced: 'OrdersAlreadySynced', changed: 'OrderChangesApplied' }[outcome.status];
  metrics.addMetric(metric, MetricUnit.Count, 1);
  return outcome;
}

/**
 * Holds a record while a circuit is open: the order goes into the held list (the poller requeues it when the circuit
 * closes, or as the next probe) and the message is deleted, so waiting spends none of its receives. False for a
 * message that is not an order request: it takes its normal course.
 */
async function hold(record: SQSRecord, services: string[], sync: SyncContext): Promise<boolean> {
  let orderId: number;
  try {
    orderId = parseOrderMessage(record.body).orderId;
  } catch {
    return false;
  }
  await sync.held.park(orderId, services);
  logger.info('order held while a circuit is open', { orderId, circuits: services, receiveCount: receiveCount(record) });
  metrics.addMetric('OrdersHeld', MetricUnit.Count, 1);
  return true;
}

function receiveCount(record: SQSRecord): number {
  return Number(record.attributes.ApproximateReceiveCount) || 1;
}

/** Logs a failed record and sets when it comes back. */
async function scheduleRetry(record: SQSRecord, error: unknown, deps: WorkerDeps): Promise<void> {
  const attempt = receiveCount(record);
  const retryable = !(error instanceof SyncError) || error.retryable;
  const delaySeconds = (deps.schedule ?? defaultRetrySchedule).delaySeconds(error, attempt);
  logger.warn('order failed', {
    messageId: record.messageId,
    body: record.body.slice(0, 500),
    receiveCount: attempt,
    retryable,
    retryInSeconds: delaySeconds,
    error: error instanceof Error ? error.message : String(error),
    details: error instanceof SyncError ? { ...error.details, cause: undefined } : undefined,
  });
  metrics.addMetric(retryable ? 'OrderTransientFailures' : 'OrderPermanentFailures', MetricUnit.Count, 1);
  try {
    await deps.redelivery.postpone(record.receiptHandle, delaySeconds);
  } catch (failure) {
    // The queue's own visibility timeout then applies: later than planned, but nothing is lost.
    logger.warn('could not set the retry delay', { messageId: record.messageId, error: String(failure) });
  }
}

export function createWorkerHandler(deps: () => Promise<WorkerDeps>) {
  return (
    middy<SQSEvent, SQSBatchResponse, Error, Context>()
      // Tracer, then Logger, then Metrics: the order Powertools recommends with middy.
      .use(captureLambdaHandler(tracer, { captureResponse: false }))
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics))
      .handler(async (event, lambdaContext) => {
        const workerDeps = await deps();
        const deadline = deadlineFromContext(lambdaContext, workerDeps.deadlineMarginMs ?? WORKER_DEADLINE_MARGIN_MS);
        // A processor keeps the batch's records and results: one per invocation, never shared by two batches
        // (the local runtime runs several invocations in one process; sharing lost failed records there).
        const processor = new BatchProcessor(EventType.SQS);
        const failures = new Map<string, unknown>();
        const guard = await CircuitGuard.start(workerDeps.sync.circuits, workerDeps.sync.circuitOptions);
        const response = await processPartialResponse(
          event,
          async (record: SQSRecord) => {
            const admitted = guard.admit();
            if (admitted === 'hold' && (await hold(record, guard.openServices, workerDeps.sync))) return { status: 'held' };
            try {
              const outcome = await withDeadline(deadline, () => processRecord(record, workerDeps.sync, lambdaContext.awsRequestId));
              if (admitted !== 'hold') await guard.succeeded(admitted);
              if (admitted === 'probe') logger.info('probe succeeded: circuits closed', { orderId: outcome.orderId });
              return outcome;
            } catch (error) {
              if (admitted !== 'hold') {
                const { hold: mustHold, opened } = await guard.failed(error, admitted);
                if (opened) {
                  logger.error('circuit opened: orders are held until a probe succeeds', { ...opened, advice: circuitAdvice(opened) });
                  metrics.addMetric('CircuitsOpened', MetricUnit.Count, 1);
                }
                if (mustHold && (await hold(record, guard.openServices, workerDeps.sync))) return { status: 'held' };
              }
              failures.set(record.messageId, error);
              throw error;
            }
          },
          processor,
          { context: lambdaContext, throwOnFullBatchFailure: false }, // report every record as failed rather than fail the invocation
        );
        await Promise.all(
          event.Records.filter((record) => failures.has(record.messageId)).map((record) => scheduleRetry(record, failures.get(record.messageId), workerDeps)),
        );
        return response;
      })
  );
}

export const handler = createWorkerHandler(
  once(async () => {
    const env = await resolveEnv();
    const queue = loadQueueConfig(env);
    return { sync: createSyncContext(loadConfig(env)), redelivery: new SqsRedelivery(createSqsClient(queue), queue.queueUrl) };
  }),
);
