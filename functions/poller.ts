/**
 * Scheduled safety net: enqueues every order in a trigger status modified since the last run, so an
 * order whose webhook never arrived (hook deactivated, delivery failed for two days) still syncs.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { BigCommerceClient } from './adapters/bigcommerce/bigcommerce-client.ts';
import { BigCommerceOrderSource } from './adapters/bigcommerce/bigcommerce-order-source.ts';
import { createDocumentClient } from './adapters/dynamodb/dynamodb-client.ts';
import { DynamoDbCircuits } from './adapters/dynamodb/dynamodb-circuits.ts';
import { DynamoDbHeldOrders } from './adapters/dynamodb/dynamodb-parked-orders.ts';
import { DynamoDbPollerState } from './adapters/dynamodb/dynamodb-poller-state.ts';
import { createSqsClient } from './adapters/sqs/sqs-client.ts';
import { SqsOrderQueue } from './adapters/sqs/sqs-order-queue.ts';
import { pollOrders, type PollDeps, type PollResult } from './core/poll-orders.ts';
import { loadPollerConfig, type PollerConfig } from './common/config.ts';
import { deadlineFromContext, withDeadline } from './common/deadline.ts';
import { logger, metrics, once, tracer } from './common/powertools.ts';
import { resolveEnv } from './common/secrets.ts';

/** Stop paging this long before Lambda's timeout, leaving time to release the lease and flush metrics. */
const STOP_BEFORE_MS = 20_000;
/** Requests and retries end this long before Lambda's timeout, whatever page the run is on. */
const DEADLINE_MARGIN_MS = 10_000;

export type PollerDeps = Omit<PollDeps, 'owner' | 'timeLeftMs' | 'stopBeforeMs'>;

export function pollerDepsFromConfig(config: PollerConfig): PollerDeps {
  const client = new BigCommerceClient(config.bigcommerce);
  const db = createDocumentClient({ region: config.aws.region, endpoint: config.aws.dynamodbEndpoint });
  const source = new BigCommerceOrderSource(client, config.bigcommerce.storeHash, config.bigcommerce.pageSize);
  return {
    lister: source,
    refunds: source,
    queue: new SqsOrderQueue(createSqsClient(config.queue), config.queue.queueUrl),
    state: new DynamoDbPollerState(db, config.aws.ledgerTable),
    circuits: new DynamoDbCircuits(db, config.aws.ledgerTable),
    held: new DynamoDbHeldOrders(db, config.aws.ledgerTable),
    settings: {
      storeHash: config.bigcommerce.storeHash,
      triggerStatusIds: config.triggerStatusIds,
      overlapMs: config.overlapMs,
      initialLookbackMs: config.initialLookbackMs,
      leaseMs: config.leaseMs,
    },
  };
}

export function createPollerHandler(deps: () => Promise<PollerDeps>) {
  return (
    middy<unknown, PollResult, Error, Context>()
      // Tracer, then Logger, then Metrics: the order Powertools recommends with middy.
      .use(captureLambdaHandler(tracer, { captureResponse: false }))
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics))
      .handler(async (_event, context) => {
        const pollerDeps = await deps();
        // No request or retry runs into the time the run needs to release its lease and flush metrics.
        const result = await withDeadline(deadlineFromContext(context, DEADLINE_MARGIN_MS), () =>
          pollOrders({ ...pollerDeps, owner: context.awsRequestId, timeLeftMs: () => context.getRemainingTimeInMillis(), stopBeforeMs: STOP_BEFORE_MS }),
        );
        logger.info('poll finished', { ...result });
        metrics.addMetric('PollerOrdersEnqueued', MetricUnit.Count, result.enqueued);
        return result;
      })
  );
}

export const handler = createPollerHandler(once(async () => pollerDepsFromConfig(loadPollerConfig(await resolveEnv()))));
