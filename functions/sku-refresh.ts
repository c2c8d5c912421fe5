/**
 * Nightly SKU map refresh: reloads every active NetSuite item into the SKU map, then re-enqueues orders parked
 * for SKUs that now exist, so a missing item fixed in NetSuite heals its orders without anyone redriving them.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createSqsClient } from './adapters/sqs/sqs-client.ts';
import { SqsOrderQueue } from './adapters/sqs/sqs-order-queue.ts';
import type { OrderQueue } from './core/ports.ts';
import { refreshSkuMap } from './core/refresh-sku-map.ts';
import { requeueParkedOrders } from './core/requeue-parked.ts';
import { loadConfig, loadQueueConfig } from './common/config.ts';
import { deadlineFromContext, withDeadline } from './common/deadline.ts';
import { logger, metrics, once, tracer } from './common/powertools.ts';
import { resolveEnv } from './common/secrets.ts';
import { createSyncContext, type SyncContext } from './common/sync-context.ts';

/** Requests and retries end this long before Lambda's timeout; what is loaded by then stays loaded. */
const DEADLINE_MARGIN_MS = 30_000;

export interface SkuRefreshDeps {
  sync: SyncContext;
  queue: OrderQueue;
}

export interface SkuRefreshResult {
  items: number;
  pages: number;
  requeued: number[];
  stillParked: number;
  /** Parked orders cancelled, refunded or deleted in BigCommerce since: no longer waiting. */
  released: number[];
}

export async function runSkuRefresh({ sync, queue }: SkuRefreshDeps): Promise<SkuRefreshResult> {
  const loaded = await refreshSkuMap(sync);
  const { requeued, stillMissing, released } = await requeueParkedOrders({
    parked: sync.parked,
    skuMap: sync.skuMap,
    queue,
    storeHash: sync.settings.storeHash,
    source: sync.source,
    history: sync.ledger,
  });
  return { ...loaded, requeued, stillParked: stillMissing, released };
}

export function createSkuRefreshHandler(deps: () => Promise<SkuRefreshDeps>) {
  return (
    middy<unknown, SkuRefreshResult, Error, Context>()
      // Tracer, then Logger, then Metrics: the order Powertools recommends with middy.
      .use(captureLambdaHandler(tracer, { captureResponse: false }))
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics))
      .handler(async (_event, context) => {
        const refreshDeps = await deps();
        const result = await withDeadline(deadlineFromContext(context, DEADLINE_MARGIN_MS), () => runSkuRefresh(refreshDeps));
        logger.info('SKU map refreshed', {
          items: result.items,
          pages: result.pages,
          requeued: result.requeued,
          stillParked: result.stillParked,
          released: result.released,
        });
        metrics.addMetric('SkuMapItems', MetricUnit.Count, result.items);
        metrics.addMetric('ParkedOrdersRequeued', MetricUnit.Count, result.requeued.length);
        return result;
      })
  );
}

export const handler = createSkuRefreshHandler(
  once(async () => {
    const env = await resolveEnv();
    const queue = loadQueueConfig(env);
    return { sync: createSyncContext(loadConfig(env)), queue: new SqsOrderQueue(createSqsClient(queue), queue.queueUrl) };
  }),
);
