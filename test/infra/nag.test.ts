/**
 * cdk-nag v3, AwsSolutions and Serverless packs, over the app exactly as bin/app.ts builds it: no finding may be
 * left unacknowledged, and every acknowledgement names its rule, sits on the construct it concerns (never the
 * stack or the app) and gives a reason.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../lib/build-app.ts';
import { cdkJson, DEPLOY_CONTEXT } from './synth.ts';

function build(context: Record<string, unknown> = {}): App {
  const app = new App({ context: { ...cdkJson.context, ...DEPLOY_CONTEXT, ...context, 'aws:cdk:bundling-stacks': [] } });
  buildApp(app);
  return app;
}

/** Unacknowledged findings, one line each, so a failure reads like cdk synth's report. */
function findings(app: App): string[] {
  return [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) =>
    pack
      .validateScope(app)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}: ${violation.description}`),
      ),
  );
}

function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

test.each([
  ['the defaults', {}],
  ['an alarm e-mail and an imported secret', { alarmEmail: 'ops@example.com', appSecretName: 'prod/bc-netsuite-sync' }],
  ['TBA and a large NetSuite budget', { netsuiteAuth: 'tba', netsuiteConcurrencyBudget: 55 }],
])('no unacknowledged finding with %s, and synth passes the packs', (_, context) => {
  const app = build(context);
  expect(() => app.synth()).not.toThrow();
  expect(findings(app)).toEqual([]);
});

test('every acknowledgement is scoped to its construct and says why', () => {
  const app = build({ alarmEmail: 'ops@example.com' });
  const acks = acknowledgements(app);
  for (const ack of acks) {
    expect(ack.path.split('/').length).toBeGreaterThan(1); // not the app or the stack
    expect(ack.reason.length).toBeGreaterThan(60);
  }
  const byRule: Record<string, string[]> = {};
  for (const ack of acks)
    (byRule[ack.id.replace(/\[Resource::<\w+\.Arn>:\*\]$/, '[Resource::<function>:*]')] ??= []).push(ack.path.replace(/^BcNetSuiteSync\//, ''));
  expect(byRule).toEqual({
    'AwsSolutions-SMG4': ['Secrets/WebhookSecret', 'Secrets/BigcommerceSecret', 'Secrets/NetsuiteSecret', 'Secrets/SlackSecret'],
    'Serverless-SQSRedrivePolicy': ['Queues/DeadLetterQueue'],
    'AwsSolutions-IAM5[Resource::*]': [
      'Webhook/Role',
      'Poller/Role',
      'Worker/Role',
      'SkuRefresh/Role',
      'DlqNotifier/Role',
      'Reconciler/Role',
      'FulfilmentPoller/Role',
    ],
    'Serverless-LambdaDLQ': [
      'Webhook/Function',
      'Poller/Function',
      'Worker/Function',
      'SkuRefresh/Function',
      'DlqNotifier/Function',
      'Reconciler/Function',
      'FulfilmentPoller/Function',
    ],
    'Serverless-LambdaEventSourceMappingDestination': [expect.stringMatching(/^Worker\/Function\/SqsEventSource:/)],
    'AwsSolutions-APIG4': ['WebhookApi/Api/POST--webhooks--bigcommerce'],
    'AwsSolutions-IAM5[Resource::<function>:*]': [
      'Schedules/PollerRole',
      'Schedules/SkuRefreshRole',
      'Schedules/NotifierSweepRole',
      'Schedules/ReconcilerRole',
      'Schedules/FulfilmentPollerRole',
    ],
    'Serverless-SNSRedrivePolicy': [
      expect.stringMatching(/^DlqNotifier\/Function\/Topic/),
      'DlqAlerting/Notifications/Topic/ops@example.com',
      'Alarms/Notifications/Topic/ops@example.com',
    ],
  });
});
