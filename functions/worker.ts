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
import { PermanentError, SyncError } from './core/errors.ts';
import type { RedeliveryControl } from './core/ports.ts';
import { defaultRetrySchedule, type RetrySchedule } from './core/retry-schedule.ts';
import { syncOrder, type SyncOutcome } from './core/sync-order.ts';
import { loadConfig, loadQueueConfig } from './common/config.ts';
import { parseOrderMessage } from './common/order-message.ts';
import { logger, metrics, once, tracer } from './common/powertools.ts';
import { resolveEnv } from './common/secrets.ts';
import { createSyncContext, type SyncContext } from './common/sync-context.ts';

export interface WorkerDeps {
  sync: SyncContext;
  redelivery: RedeliveryControl;
  schedule?: RetrySchedule;
}

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
  const enqueuedPaid = message.statusId !== undefined && context.settings.triggerStatusIds.includes(message.statusId);
  if (outcome.status === 'skipped' && enqueuedPaid) {
    // It was paid when enqueued and is not now (cancelled, refunded, put on hold): never silent.
    logger.warn('order enqueued in a paid status was skipped', { source: message.source, enqueuedStatusId: message.statusId, ...outcome });
    metrics.addMetric('PaidOrdersSkipped', MetricUnit.Count, 1);
  } else if (outcome.status === 'synced' && outcome.warnings) {
    // Synced, with storefront data NetSuite would have refused left out (a malformed phone): said, not silent.
    logger.warn('order synced with data left out', { source: message.source, receiveCount: receiveCount(record), ...outcome });
  } else {
    logger.info(`order ${outcome.status}`, { source: message.source, receiveCount: receiveCount(record), ...outcome });
  }
  metrics.addMetric(outcome.status === 'synced' ? 'OrdersSynced' : outcome.status === 'skipped' ? 'OrdersSkipped' : 'OrdersAlreadySynced', MetricUnit.Count, 1);
  return outcome;
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
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    // Tracer, then Logger, then Metrics: the order Powertools recommends with middy.
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event, lambdaContext) => {
      const workerDeps = await deps();
      // A processor keeps the batch's records and results: one per invocation, never shared by two batches
      // (the local runtime runs several invocations in one process; sharing lost failed records there).
      const processor = new BatchProcessor(EventType.SQS);
      const failures = new Map<string, unknown>();
      const response = await processPartialResponse(
        event,
        async (record: SQSRecord) => {
          try {
            return await processRecord(record, workerDeps.sync, lambdaContext.awsRequestId);
          } catch (error) {
            failures.set(record.messageId, error);
            throw error;
          }
        },
        processor,
        { context: lambdaContext, throwOnFullBatchFailure: false }, // report every record as failed rather than fail the invocation
      );
      await Promise.all(event.Records.filter((record) => failures.has(record.messageId)).map((record) => scheduleRetry(record, failures.get(record.messageId), workerDeps)));
      return response;
    });
}

export const handler = createWorkerHandler(
  once(async () => {
    const env = await resolveEnv();
    const queue = loadQueueConfig(env);
    return { sync: createSyncContext(loadConfig(env)), redelivery: new SqsRedelivery(createSqsClient(queue), queue.queueUrl) };
  }),
);
