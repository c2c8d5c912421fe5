/**
 * API Gateway (HTTP API) → BigCommerce order webhooks → the orders queue. Answers within milliseconds:
 * it authenticates, validates and enqueues; the worker does the rest. Duplicate deliveries are harmless
 * because the worker is idempotent per order.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { OrderQueue } from './core/ports.ts';
import { authenticateWebhook, parseWebhookEvent, WebhookRejection } from './adapters/http/bigcommerce-webhook.ts';
import { createSqsClient } from './adapters/sqs/sqs-client.ts';
import { SqsOrderQueue } from './adapters/sqs/sqs-order-queue.ts';
import { loadWebhookConfig, type WebhookConfig } from './common/config.ts';
import { logger, metrics, once, tracer } from './common/powertools.ts';
import { resolveEnv } from './common/secrets.ts';

export interface WebhookDeps {
  config: WebhookConfig;
  queue: OrderQueue;
}

function reply(statusCode: number, body: Record<string, unknown>): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export async function handleWebhook(event: APIGatewayProxyEventV2, { config, queue }: WebhookDeps): Promise<APIGatewayProxyStructuredResultV2> {
  const body = event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  // API Gateway lower-cases HTTP API header names.
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  try {
    authenticateWebhook(headers, body, config);
    if (Buffer.byteLength(body) > config.maxBodyBytes) throw new WebhookRejection(400, `body larger than ${config.maxBodyBytes} bytes`);
    const webhook = parseWebhookEvent(body);
    if (webhook.producer && webhook.producer !== `stores/${config.storeHash}`) {
      logger.warn('webhook for another store ignored', { scope: webhook.scope, producer: webhook.producer });
      return reply(200, { status: 'ignored', reason: `this deployment serves stores/${config.storeHash}` });
    }
    if (webhook.kind === 'other') {
      logger.info('webhook scope ignored', { scope: webhook.scope });
      return reply(200, { status: 'ignored', reason: `scope ${webhook.scope} does not concern orders` });
    }
    const statusId = webhook.statusId === undefined ? {} : { statusId: webhook.statusId };
    await queue.enqueue([{ storeHash: config.storeHash, orderId: webhook.orderId, source: 'webhook', receivedAt: new Date().toISOString(), ...statusId }]);
    logger.info('order enqueued', { orderId: webhook.orderId, scope: webhook.scope });
    metrics.addMetric('WebhookOrdersEnqueued', MetricUnit.Count, 1);
    return reply(200, { status: 'enqueued', orderId: webhook.orderId });
  } catch (error) {
    if (!(error instanceof WebhookRejection)) throw error; // our failure: API Gateway answers 500 and BigCommerce retries
    logger.warn('webhook rejected', { statusCode: error.statusCode, reason: error.message });
    metrics.addMetric('WebhookRejected', MetricUnit.Count, 1);
    return reply(error.statusCode, { error: error.message });
  }
}

export function createWebhookHandler(deps: () => Promise<WebhookDeps>) {
  return (
    middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
      // Tracer, then Logger, then Metrics: the order Powertools recommends with middy.
      .use(captureLambdaHandler(tracer, { captureResponse: false }))
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics))
      .handler(async (event) => handleWebhook(event, await deps()))
  );
}

export function webhookDepsFromConfig(config: WebhookConfig): WebhookDeps {
  return { config, queue: new SqsOrderQueue(createSqsClient(config.queue), config.queue.queueUrl) };
}

export const handler = createWebhookHandler(once(async () => webhookDepsFromConfig(loadWebhookConfig(await resolveEnv()))));
