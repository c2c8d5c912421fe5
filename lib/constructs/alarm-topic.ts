/**
 * An SNS topic that CloudWatch alarms notify, on ALARM and on OK. TLS is enforced with a topic policy, and a
 * topic policy replaces SNS's default one, which is what let CloudWatch publish: without an explicit grant the
 * alarms would change state and notify no one. So each alarm is allowed to publish, and only those alarms.
 */
import { Lazy, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  displayName: string;
  /** Also e-mailed when set (SNS asks the address to confirm). */
  email?: string;
  /** An existing topic (a pager, Chatbot, a shared ops topic) that also hears every alarm sent here. */
  alsoNotify?: ITopic;
}

export class AlarmTopic extends Construct {
  readonly topic: Topic;
  private readonly alarmArns: string[] = [];
  private readonly alsoNotify: ITopic | undefined;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.alsoNotify = props.alsoNotify;
    this.topic = new Topic(this, 'Topic', { displayName: props.displayName, enforceSSL: true });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisStacksAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          // Resolved at synth: every alarm notify() was called with.
          ArnEquals: { 'aws:SourceArn': Lazy.list({ produce: () => this.alarmArns }) },
        },
      }),
    );
    if (props.email) {
      const subscription = this.topic.addSubscription(new EmailSubscription(props.email));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'An e-mail SNS cannot deliver loses a copy, not the alarm: it stays in ALARM on the dashboard and in the CloudWatch console (and dead letters stay in the DLQ).',
      });
    }
  }

  /** Sends the alarm's ALARM and OK transitions here. */
  notify(alarm: Alarm): void {
    for (const topic of [this.topic, ...(this.alsoNotify ? [this.alsoNotify] : [])]) {
      alarm.addAlarmAction(new SnsAction(topic));
      alarm.addOkAction(new SnsAction(topic));
    }
    this.alarmArns.push(alarm.alarmArn);
  }
}
