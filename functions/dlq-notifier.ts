/**
 * Dead-letter queue → Slack. Invoked by the DLQ alarm (through SNS) and by a one-minute schedule, because an
 * alarm that is already firing says nothing about later arrivals. Announces each dead-lettered order once,
 * and only peeks: its role cannot delete from the queue, so the console's redrive always has the messages.
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
import { queueConsoleUrl, SlackAlerter } from './adapters/slack/slack-alerter.ts';
import { createSqsClient } from './adapters/sqs/sqs-client.ts';
import { SqsDeadLetterQueue } from './adapters/sqs/sqs-dead-letter-queue.ts';
import { announceDeadLetters, type AnnounceDeps, type AnnounceResult } from './core/announce-dead-letters.ts';
import { announceOpenCircuits, type CircuitAlerter } from './core/circuit.ts';
import type { CircuitStore } from './core/ports.ts';
import { DynamoDbCircuits } from './adapters/dynamodb/dynamodb-circuits.ts';
import { loadNotifierConfig, type NotifierConfig } from './common/config.ts';
import { deadlineFromContext, withDeadline } from './common/deadline.ts';
import { logger, metrics, once, tracer } from './common/powertools.ts';
import { resolveEnv } from './common/secrets.ts';

export type NotifierDeps = Omit<AnnounceDeps, 'owner' | 'timeLeftMs' | 'stopBeforeMs' | 'alerter'> & {
  alerter: AnnounceDeps['alerter'] & CircuitAlerter;
  circuits: CircuitStore;
};

export interface NotifierResult extends AnnounceResult {
  /** Circuits open now, and how many were announced by this run (once per opening). */
  openCircuits: number;
  circuitsAnnounced: number;
}

/** Slack posts and claim writes end this long before the 30 s timeout. */
const DEADLINE_MARGIN_MS = 3_000;
/** No new peek with less than this left: the rest of the time is for posting (one digest, or a few in parallel). */
const STOP_READING_BEFORE_MS = 12_000;

export function notifierDepsFromConfig(config: NotifierConfig): NotifierDeps {
  const db = createDocumentClient({ region: config.aws.region, endpoint: config.aws.dynamodbEndpoint });
  return {
    deadLetters: new SqsDeadLetterQueue(createSqsClient({ region: config.aws.region, sqsEndpoint: config.sqsEndpoint }), config.deadLetterQueueUrl),
    alerts: new DynamoDbAlertLog(db, config.aws.ledgerTable),
    circuits: new DynamoDbCircuits(db, config.aws.ledgerTable),
    alerter: new SlackAlerter({ webhookUrl: config.slackWebhookUrl, deadLetterConsoleUrl: queueConsoleUrl(config.deadLetterQueueUrl, config.aws.region) }),
    ledger: new DynamoDbLedger(db, config.aws.ledgerTable),
    storeHash: config.storeHash,
  };
}

export function createNotifierHandler(deps: () => Promise<NotifierDeps>) {
  return (
    middy<unknown, NotifierResult, Error, Context>()
      // Tracer, then Logger, then Metrics: the order Powertools recommends with middy.
      .use(captureLambdaHandler(tracer, { captureResponse: false }))
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics))
      .handler(async (_event, context) => {
        // The event (alarm notification or schedule) only says "look"; what to announce is in the queue.
        const notifierDeps = await deps();
        // Reading stops with time left to post; whatever is not read is announced by the next sweep, a minute later.
        const deadline = deadlineFromContext(context, DEADLINE_MARGIN_MS);
        // Circuits first: a global failure is the news, and it explains the dead letters (if any) behind it.
        const circuits = await withDeadline(deadline, () => announceOpenCircuits({ ...notifierDeps, owner: context.awsRequestId }));
        // Every minute while a circuit is open: the CircuitOpen alarm reads this (workers may see no traffic).
        metrics.addMetric('CircuitOpen', MetricUnit.Count, circuits.open);
        const announced = await withDeadline(deadline, () =>
          announceDeadLetters({
            ...notifierDeps,
            owner: context.awsRequestId,
            timeLeftMs: () => context.getRemainingTimeInMillis(),
            stopBeforeMs: STOP_READING_BEFORE_MS,
          }),
        );
        const result: NotifierResult = { ...announced, openCircuits: circuits.open, circuitsAnnounced: circuits.announced };
        if (result.seen > 0) logger.info('dead letters checked', { ...result });
        metrics.addMetric('DeadLetterAlertsSent', MetricUnit.Count, result.announced);
        if (result.digest) metrics.addMetric('DeadLetterDigests', MetricUnit.Count, 1);
        return result;
      })
  );
}

export const handler = createNotifierHandler(once(async () => notifierDepsFromConfig(loadNotifierConfig(await resolveEnv()))));
