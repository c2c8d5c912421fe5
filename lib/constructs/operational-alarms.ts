/**
 * The alarms besides the dead-letter one: intake or processing that has stopped or is failing. They publish to
 * their own topic (e-mailed when `alarmEmail` is set), not the dead-letter topic, whose subscriber is the
 * Slack notifier: that one reads the DLQ and has nothing to say about these. What each one means and what to
 * do is in docs/operators-guide.md.
 */
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic.ts';
import { appMetric } from './dashboard.ts';

/**
 * SQS stops counting a message in the age of the oldest message after its third receive, so orders in retry
 * barely move it: an age this high means the worker is not draining the queue.
 */
export const QUEUE_AGE_ALARM_SECONDS = 30 * 60;

/** Dead letters older than this have been seen by nobody who acted: a reminder that reaches a person without Slack. */
export const DEAD_LETTER_AGE_ALARM_SECONDS = 24 * 3600;

export interface OperationalAlarmsProps {
  ordersQueue: IQueue;
  deadLetters: IQueue;
  worker: IFunction;
  webhookApi: IHttpApi;
  poller: IFunction;
  skuRefresh: IFunction;
  notifier: IFunction;
  reconciler: IFunction;
  fulfilmentPoller: IFunction;
  alarmEmail?: string;
  alsoNotify?: ITopic;
}

export class OperationalAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  private readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    this.alarmTopic = new AlarmTopic(this, 'Notifications', { displayName: 'bc-netsuite-sync alarms', email: props.alarmEmail, alsoNotify: props.alsoNotify });
    this.topic = this.alarmTopic.topic;

    const fiveMinutes = { period: Duration.minutes(5) };
    this.add('OrdersQueueAge', props.ordersQueue.metricApproximateAgeOfOldestMessage({ ...fiveMinutes, statistic: 'Maximum' }), {
      threshold: QUEUE_AGE_ALARM_SECONDS,
      evaluationPeriods: 2,
      description:
        'Orders have waited in the orders queue for over 30 minutes: the worker is not draining it (failing, throttled, or its event source is disabled).',
    });
    this.add('DeadLettersWaiting', props.deadLetters.metricApproximateAgeOfOldestMessage({ ...fiveMinutes, statistic: 'Maximum' }), {
      threshold: DEAD_LETTER_AGE_ALARM_SECONDS,
      description:
        'Orders have been in the dead-letter queue for over a day: nobody has fixed and redriven them (or Slack never told anyone). Read the reasons in the DLQ or the ledger, fix, redrive.',
    });
    this.add('WorkerErrors', props.worker.metricErrors({ ...fiveMinutes, statistic: 'Sum' }), {
      description: 'The worker failed whole invocations (a crash, a timeout, or configuration it cannot start with); failed orders alone do not count here.',
    });
    this.add('WorkerThrottles', props.worker.metricThrottles({ ...fiveMinutes, statistic: 'Sum' }), {
      description: "Lambda throttled the worker: the account's concurrency is exhausted, and throttled receives use up the orders' retries.",
    });
    this.add('Webhook5xx', props.webhookApi.metricServerError({ ...fiveMinutes, statistic: 'Sum' }), {
      description:
        'The webhook endpoint answered BigCommerce with a 5xx: it could not start or could not enqueue. BigCommerce retries, then deactivates the hook.',
    });
    this.add('PollerErrors', props.poller.metricErrors({ ...fiveMinutes, statistic: 'Sum' }), {
      description: 'The poller failed: orders whose webhook never arrived are not being picked up.',
    });
    this.add('SkuRefreshErrors', props.skuRefresh.metricErrors({ ...fiveMinutes, statistic: 'Sum' }), {
      description: 'The nightly SKU map refresh failed: new NetSuite items are only found by per-order lookups, and parked orders are not requeued.',
    });
    this.add('NotifierErrors', props.notifier.metricErrors({ ...fiveMinutes, statistic: 'Sum' }), {
      description: 'The dead-letter notifier failed: orders in the DLQ may not have reached Slack. Check the DLQ in the SQS console.',
    });
    // The notifier counts open circuits every minute, with or without traffic.
    this.add('CircuitOpen', appMetric('CircuitOpen').with({ statistic: 'Maximum', period: Duration.minutes(5) }), {
      description:
        'BigCommerce or NetSuite refused our credentials (token revoked, role lost a permission, integration disabled) or NetSuite kept failing: orders are held, not failed. Slack says which and how to fix it; docs/operators-guide.md lists the fixes. It clears by itself when a probe succeeds.',
    });
    this.add('ReconcilerErrors', props.reconciler.metricErrors({ ...fiveMinutes, statistic: 'Sum' }), {
      description: "The reconciler failed: synced orders are not being checked against NetSuite's totals (they wait, pending, for a run that works).",
    });
    this.add('FulfilmentPollerErrors', props.fulfilmentPoller.metricErrors({ ...fiveMinutes, statistic: 'Sum' }), {
      description:
        'The fulfilment poller failed: NetSuite item fulfilments are not reaching BigCommerce as shipments (they wait behind its cursor for a run that works).',
    });
  }

  private add(id: string, metric: IMetric, options: { description: string; threshold?: number; evaluationPeriods?: number }): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: options.description,
      metric,
      threshold: options.threshold ?? 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      // No datapoint means no invocations or no messages: nothing is wrong.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarmTopic.notify(alarm);
    this.alarms.push(alarm);
  }
}
