/**
 * EventBridge Scheduler (not the legacy scheduled rules): the poller, the nightly SKU refresh, the reconciler, the fulfilment poller
 * and the dead-letter notifier's one-minute sweep. The sweep exists because the DLQ alarm speaks only when it goes from
 * OK to ALARM: orders dead-lettered while it is already in ALARM would otherwise go unannounced.
 */
import { Duration, Stack, TimeZone, Validations, type CfnElement } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';

export const NOTIFIER_SWEEP = 'rate(1 minute)';

export interface SchedulesProps {
  poller: IFunction;
  skuRefresh: IFunction;
  notifier: IFunction;
  reconciler: IFunction;
  fulfilmentPoller: IFunction;
  reconcileSchedule: string;
  fulfilmentPollerSchedule: string;
  pollerSchedule: string;
  skuRefreshSchedule: string;
  /** IANA zone the cron expressions are read in. */
  timeZone: string;
}

interface ScheduleOptions {
  description: string;
  expression: ScheduleExpression;
  target: IFunction;
  retryAttempts: number;
  maxEventAge: Duration;
}

export class Schedules extends Construct {
  readonly poller: Schedule;
  readonly skuRefresh: Schedule;
  readonly notifierSweep: Schedule;
  readonly reconciler: Schedule;
  readonly fulfilmentPoller: Schedule;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const timeZone = TimeZone.of(props.timeZone);
    // Each run does all outstanding work (the poller from its cursor, the sweep over the whole DLQ), so an
    // invocation Scheduler could not deliver soon is better dropped than delivered late, after the next one.
    this.poller = this.schedule('Poller', {
      description: 'bc-netsuite-sync: enqueue orders whose webhook never arrived',
      expression: ScheduleExpression.expression(props.pollerSchedule, timeZone),
      target: props.poller,
      retryAttempts: 2,
      maxEventAge: Duration.minutes(5),
    });
    this.skuRefresh = this.schedule('SkuRefresh', {
      description: 'bc-netsuite-sync: reload the SKU map from NetSuite, requeue orders parked for a missing SKU',
      expression: ScheduleExpression.expression(props.skuRefreshSchedule, timeZone),
      target: props.skuRefresh,
      retryAttempts: 3,
      maxEventAge: Duration.hours(1),
    });
    this.notifierSweep = this.schedule('NotifierSweep', {
      description: 'bc-netsuite-sync: announce dead letters the DLQ alarm did not (it fires once per OK to ALARM)',
      expression: ScheduleExpression.expression(NOTIFIER_SWEEP),
      target: props.notifier,
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
    });
    this.reconciler = this.schedule('Reconciler', {
      description: "bc-netsuite-sync: compare NetSuite's totals of synced sales orders with BigCommerce's",
      expression: ScheduleExpression.expression(props.reconcileSchedule, timeZone),
      target: props.reconciler,
      retryAttempts: 1,
      maxEventAge: Duration.minutes(10),
    });
    this.fulfilmentPoller = this.schedule('FulfilmentPoller', {
      description: 'bc-netsuite-sync: NetSuite item fulfilments to BigCommerce shipments',
      expression: ScheduleExpression.expression(props.fulfilmentPollerSchedule, timeZone),
      target: props.fulfilmentPoller,
      retryAttempts: 2,
      maxEventAge: Duration.minutes(5),
    });
  }

  private schedule(id: string, options: ScheduleOptions): Schedule {
    const stack = Stack.of(this);
    // One role per schedule, for this account's default schedule group only (as CDK's own role would be).
    const role = new Role(this, `${id}Role`, {
      description: `EventBridge Scheduler: invoke the ${id} function`,
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
          },
        },
      }),
    });
    const functionLogicalId = stack.getLogicalId(options.target.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the function and its qualified ARNs, as grantInvoke writes it; the function publishes no versions or aliases, so it reaches this one function only.',
    });
    return new Schedule(this, id, {
      description: options.description,
      schedule: options.expression,
      target: new LambdaInvoke(options.target, { role, retryAttempts: options.retryAttempts, maxEventAge: options.maxEventAge }),
    });
  }
}
