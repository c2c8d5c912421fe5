/**
 * Scheduled totals check (every 15 minutes by default): NetSuite's own totals of newly synced sales orders, one
 * SuiteQL query per 1,000 orders, compared to the cent with what BigCommerce charged. Drift is marked in the
 * ledger and announced once per order in Slack; the sales order itself is never changed.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createDocumentClient } from './adapters/dynamodb/dynamodb-client.ts';
import { DynamoDbAlertLog } from './adapters/dynamodb/dynamodb-alert-log.ts';
import { DynamoDbLedger } from './adapters/dynamodb/dynamodb-ledger.ts';
import { SlackAlerter } from './adapters/slack/slack-alerter.ts';
import { reconcileOrders, type ReconcileDeps, type ReconcileResult } from './core/reconcile-orders.ts';
import { loadReconcilerConfig, type ReconcilerConfig } from './common/config.ts';
import { deadlineFromContext, withDeadline } from './common/deadline.ts';
import { logger, metrics, once, tracer } from './common/powertools.ts';
import type { RetryPolicy } from './common/retry.ts';
import { resolveEnv } from './common/secrets.ts';
import { createNetSuite } from './common/sync-context.ts';

/** A query or alert in flight ends this long before Lambda's timeout (a new batch starts only with 30 s left). */
const DEADLINE_MARGIN_MS = 10_000;

export type ReconcilerDeps = Omit<ReconcileDeps, 'owner' | 'timeLeftMs'>;

export function reconcilerDepsFromConfig(config: ReconcilerConfig, options: { retry?: RetryPolicy } = {}): ReconcilerDeps {
  const db = createDocumentClient({ region: config.aws.region, endpoint: config.aws.dynamodbEndpoint });
  return {
    ledger: new DynamoDbLedger(db, config.aws.ledgerTable),
    erp: createNetSuite(config.netsuite, options).erp,
    alerts: new DynamoDbAlertLog(db, config.aws.ledgerTable),
    alerter: new SlackAlerter({ webhookUrl: config.slackWebhookUrl }),
    storeHash: config.storeHash,
    minAgeMs: config.minAgeMs,
  };
}

export function createReconcilerHandler(deps: () => Promise<ReconcilerDeps>) {
  return (
    middy<unknown, ReconcileResult, Error, Context>()
      // Tracer, then Logger, then Metrics: the order Powertools recommends with middy.
      .use(captureLambdaHandler(tracer, { captureResponse: false }))
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics))
      .handler(async (_event, context) => {
        // A large backlog is worked through batch by batch; what is left when time runs short waits for the next run.
        const reconcilerDeps = await deps();
        const result = await withDeadline(deadlineFromContext(context, DEADLINE_MARGIN_MS), () =>
          reconcileOrders({ ...reconcilerDeps, owner: context.awsRequestId, timeLeftMs: () => context.getRemainingTimeInMillis(), stopBeforeMs: 30_000 }),
        );
        for (const order of result.drifted) logger.warn('sales order totals drift from BigCommerce', { orderId: order.orderId, drift: order.drift });
        if (result.checked > 0)
          logger.info('orders reconciled', {
            checked: result.checked,
            reconciled: result.reconciled,
            drifted: result.drifted.length,
            netsuiteQueries: result.netsuiteQueries,
          });
        if (result.alertFailures > 0) logger.error('drift alerts could not be sent; the orders stay pending', { alertFailures: result.alertFailures });
        metrics.addMetric('OrdersReconciled', MetricUnit.Count, result.reconciled);
        metrics.addMetric('OrdersWithDrift', MetricUnit.Count, result.drifted.length);
        metrics.addMetric('DriftAlertFailures', MetricUnit.Count, result.alertFailures);
        return result;
      })
  );
}

export const handler = createReconcilerHandler(once(async () => reconcilerDepsFromConfig(loadReconcilerConfig(await resolveEnv()))));
