/**
 * Dead letters → Slack without touching them: a CloudWatch alarm on the DLQ's visible messages publishes to an
 * SNS topic the notifier function is subscribed to; the notifier peeks at the queue and posts to Slack. Nothing
 * consumes the DLQ, so every message stays there, redrivable to the orders queue from the console.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic.ts';

export interface DlqAlertingProps {
  deadLetters: IQueue;
  notifier: IFunction;
  alarmEmail?: string;
  alsoNotify?: ITopic;
}

export class DlqAlerting extends Construct {
  readonly topic: Topic;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: DlqAlertingProps) {
    super(scope, id);
    const alarmTopic = new AlarmTopic(this, 'Notifications', {
      displayName: 'bc-netsuite-sync dead letters',
      email: props.alarmEmail,
      alsoNotify: props.alsoNotify,
    });
    this.topic = alarmTopic.topic;
    this.alarm = new Alarm(this, 'Alarm', {
      alarmDescription:
        'Orders are in the dead-letter queue: they failed permanently or kept failing for about an hour. Slack has the reasons. ' +
        'Fix the cause (a missing SKU, a NetSuite validation error, credentials), then redrive the DLQ to the orders queue from the SQS console.',
      // Visible, not NotVisible (which can read 1 on an empty queue) nor NumberOfMessagesSent (which ignores redrive moves).
      metric: props.deadLetters.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    // OK too, so subscribers also hear when the queue has been drained.
    alarmTopic.notify(this.alarm);
    const notifierSubscription = this.topic.addSubscription(new LambdaSubscription(props.notifier));
    Validations.of(notifierSubscription).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason: 'A notification SNS cannot deliver loses nothing: the dead letters stay in the DLQ, and the one-minute sweep schedule runs the notifier anyway.',
    });
  }
}
