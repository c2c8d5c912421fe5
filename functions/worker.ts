/**
 * SQS → the sync core. Records of a batch are processed concurrently (the NetSuite client's budget caps
 * what reaches NetSuite) and only failed records go back to the queue (partial batch response).
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { PermanentError, SyncError } from './core/errors.ts';
import { syncOrder, type SyncOutcome } from './core/sync-order.ts';
import { loadConfig } from './shared/config.ts';
import { parseOrderMessage } from './shared/order-message.ts';
import { logger, metrics, once } from './shared/powertools.ts';
import { createSyncContext, type SyncContext } from './shared/sync-context.ts';

/** Syncs the order one queue record asks for; throws to send the record back to the queue. */
export async function processRecord(record: SQSRecord, context: SyncContext, requestId: string): Promise<SyncOutcome> {
  const message = parseOrderMessage(record.body);
  if (message.storeHash !== context.settings.storeHash) {
    throw new PermanentError(`message for store ${message.storeHash}, but this deployment serves ${context.settings.storeHash}`);
  }
  const orderLog = { orderId: message.orderId, source: message.source, receiveCount: Number(record.attributes.ApproximateReceiveCount) };
  try {
    const outcome = await syncOrder(message.orderId, { ...context, workerId: `${requestId}/${record.messageId}` });
    logger.info(`order ${outcome.status}`, { ...orderLog, ...outcome });
    metrics.addMetric(outcome.status === 'synced' ? 'OrdersSynced' : outcome.status === 'skipped' ? 'OrdersSkipped' : 'OrdersAlreadySynced', MetricUnit.Count, 1);
    return outcome;
  } catch (error) {
    const retryable = !(error instanceof SyncError) || error.retryable;
    logger.warn('order failed', { ...orderLog, retryable, error: error instanceof Error ? error.message : String(error), details: error instanceof SyncError ? error.details : undefined });
    metrics.addMetric(retryable ? 'OrderTransientFailures' : 'OrderPermanentFailures', MetricUnit.Count, 1);
    throw error;
  }
}

export function createWorkerHandler(deps: () => Promise<SyncContext>) {
  const processor = new BatchProcessor(EventType.SQS);
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event, lambdaContext) => {
      const context = await deps();
      return processPartialResponse(event, (record: SQSRecord) => processRecord(record, context, lambdaContext.awsRequestId), processor, {
        context: lambdaContext,
        throwOnFullBatchFailure: false, // report every record as failed rather than fail the invocation
      });
    });
}

export const handler = createWorkerHandler(once(() => createSyncContext(loadConfig())));
