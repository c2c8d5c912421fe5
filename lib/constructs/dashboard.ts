/**
 * One CloudWatch dashboard with what an operator looks at first: orders synced and failing (the handlers'
 * Powertools metrics), intake, the queues, the worker, the webhook endpoint, and every alarm's state.
 */
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AlarmStatusWidget, Dashboard, GraphWidget, Metric, type IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from './service-function.ts';

/** The metrics the handlers emit through Powertools (EMF), shown on the dashboard. */
export const APP_METRICS = {
  outcomes: ['OrdersSynced', 'OrderTransientFailures', 'OrderPermanentFailures', 'OrdersHeld'],
  intake: ['WebhookOrdersEnqueued', 'WebhookRejected', 'PollerOrdersEnqueued'],
} as const;

export interface SyncDashboardProps {
  ordersQueue: IQueue;
  deadLetters: IQueue;
  worker: IFunction;
  webhookApi: IHttpApi;
  alarms: IAlarm[];
}

const period = Duration.minutes(5);

export function appMetric(metricName: string): Metric {
  // Powertools adds the service name as the `service` dimension of every metric.
  return new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: POWERTOOLS_SERVICE_NAME }, statistic: 'Sum', period });
}

export class SyncDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: SyncDashboardProps) {
    super(scope, id);
    const { ordersQueue, deadLetters, worker, webhookApi } = props;
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(24) });
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Orders', left: APP_METRICS.outcomes.map(appMetric), width: 12 }),
      new GraphWidget({ title: 'Intake', left: APP_METRICS.intake.map(appMetric), width: 12 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Orders queue',
        left: [
          ordersQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: 'Waiting' }),
          ordersQueue.metricApproximateNumberOfMessagesNotVisible({ period, statistic: 'Maximum', label: 'In flight or backing off' }),
        ],
        right: [ordersQueue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum', label: 'Age of oldest (s)' })],
        width: 12,
      }),
      new GraphWidget({
        title: 'Dead-letter queue',
        left: [deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum', label: 'Dead letters' })],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Worker',
        left: [
          worker.metricInvocations({ period, statistic: 'Sum' }),
          worker.metricErrors({ period, statistic: 'Sum' }),
          worker.metricThrottles({ period, statistic: 'Sum' }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Worker duration (ms)',
        left: [
          worker.metricDuration({ period, statistic: 'Average', label: 'Average' }),
          worker.metricDuration({ period, statistic: 'p99', label: 'p99' }),
          worker.metricDuration({ period, statistic: 'Maximum', label: 'Maximum' }),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Webhook endpoint',
        left: [
          webhookApi.metricCount({ period, statistic: 'Sum', label: 'Requests' }),
          webhookApi.metricClientError({ period, statistic: 'Sum', label: '4xx' }),
          webhookApi.metricServerError({ period, statistic: 'Sum', label: '5xx' }),
        ],
        width: 12,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 12 }),
    );
  }
}
