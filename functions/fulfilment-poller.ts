/**
 * Scheduled (every 5 minutes by default): NetSuite item fulfilments of our sales orders become BigCommerce
 * shipments with their tracking, exactly once (core/ship-fulfilments.ts). One run at a time; what a run leaves
 * unfinished (time, a rate limit, an outage) the next one picks up from the cursor.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { BigCommerceClient } from './adapters/bigcommerce/bigcommerce-client.ts';
import { BigCommerceShipments } from './adapters/bigcommerce/bigcommerce-shipments.ts';
import { createDocumentClient } from './adapters/dynamodb/dynamodb-client.ts';
import { DynamoDbAlertLog } from './adapters/dynamodb/dynamodb-alert-log.ts';
import { DynamoDbFulfilmentPollerState } from './adapters/dynamodb/dynamodb-poller-state.ts';
import { DynamoDbShipmentLedger } from './adapters/dynamodb/dynamodb-shipment-ledger.ts';
import { NetSuiteFulfilments } from './adapters/netsuite/netsuite-fulfilments.ts';
import { SlackAlerter } from './adapters/slack/slack-alerter.ts';
import { shipFulfilments, type ShipDeps, type ShipResult } from './core/ship-fulfilments.ts';
import { loadFulfilmentPollerConfig, type FulfilmentPollerConfig } from './common/config.ts';
import { deadlineFromContext, withDeadline } from './common/deadline.ts';
import { logger, metrics, once, tracer } from './common/powertools.ts';
import type { RetryPolicy } from './common/retry.ts';
import { resolveEnv } from './common/secrets.ts';
import { createNetSuite } from './common/sync-context.ts';

/** Stop taking new fulfilments this long before Lambda's timeout, leaving time to release the lease. */
const STOP_BEFORE_MS = 30_000;
const DEADLINE_MARGIN_MS = 10_000;
/** SuiteQL pages hold at most 1,000 rows. */
const PAGE_SIZE = 1000;

export type FulfilmentPollerDeps = Omit<ShipDeps, 'owner' | 'timeLeftMs' | 'stopBeforeMs'>;

export function fulfilmentPollerDepsFromConfig(config: FulfilmentPollerConfig, options: { retry?: RetryPolicy } = {}): FulfilmentPollerDeps {
  const db = createDocumentClient({ region: config.aws.region, endpoint: config.aws.dynamodbEndpoint });
  const { netsuite } = createNetSuite(config.netsuite, options);
  const bigcommerce = new BigCommerceClient({ ...config.bigcommerce, retry: options.retry });
  return {
    source: new NetSuiteFulfilments(netsuite, {
      storeHash: config.storeHash,
      skuField: config.netsuite.skuField,
      ...(config.lineIdField ? { lineIdField: config.lineIdField } : {}),
      ...(config.shipmentIdField ? { shipmentIdField: config.shipmentIdField } : {}),
    }),
    store: new BigCommerceShipments(bigcommerce),
    ledger: new DynamoDbShipmentLedger(db, config.aws.ledgerTable, config.storeHash),
    state: new DynamoDbFulfilmentPollerState(db, config.aws.ledgerTable),
    alerts: new DynamoDbAlertLog(db, config.aws.ledgerTable),
    alerter: new SlackAlerter({ webhookUrl: config.slackWebhookUrl }),
    settings: {
      storeHash: config.storeHash,
      shipStatuses: config.shipStatuses,
      carriers: config.carriers,
      overlapMs: config.overlapMs,
      initialLookbackMs: config.initialLookbackMs,
      leaseMs: config.leaseMs,
      claimLeaseMs: config.claimLeaseMs,
      pageSize: PAGE_SIZE,
    },
    log: (message, details) => logger.warn(message, details),
  };
}

export function createFulfilmentPollerHandler(deps: () => Promise<FulfilmentPollerDeps>) {
  return (
    middy<unknown, ShipResult, Error, Context>()
      // Tracer, then Logger, then Metrics: the order Powertools recommends with middy.
      .use(captureLambdaHandler(tracer, { captureResponse: false }))
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics))
      .handler(async (_event, context) => {
        const pollerDeps = await deps();
        const result = await withDeadline(deadlineFromContext(context, DEADLINE_MARGIN_MS), () =>
          shipFulfilments({ ...pollerDeps, owner: context.awsRequestId, timeLeftMs: () => context.getRemainingTimeInMillis(), stopBeforeMs: STOP_BEFORE_MS }),
        );
        if (result.status === 'interrupted') logger.warn('fulfilment poll interrupted; the next run resumes', { error: result.error });
        logger.info('fulfilment poll finished', { ...result });
        metrics.addMetric('ShipmentsPosted', MetricUnit.Count, result.posted);
        metrics.addMetric('ShipmentsAdopted', MetricUnit.Count, result.adopted);
        metrics.addMetric('FulfilmentsFailed', MetricUnit.Count, result.outcomes.failed ?? 0);
        metrics.addMetric('FulfilmentAlertFailures', MetricUnit.Count, result.alertFailures);
        return result;
      })
  );
}

export const handler = createFulfilmentPollerHandler(once(async () => fulfilmentPollerDepsFromConfig(loadFulfilmentPollerConfig(await resolveEnv()))));
