/**
 * The numbers and wiring that make the deployed sync behave as designed, asserted on the synthesized template:
 * queue timing against the worker, dead-lettering, partial batch responses, the NetSuite concurrency cap, the
 * DLQ alarm path to the notifier, schedules, least privilege, no credentials in environments, tables.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { ledgerTable, skuMapTable } from '../../functions/adapters/dynamodb/table-definitions.ts';
import { deadLetterQueue, ordersQueue, WORKER_TIMEOUT_SECONDS } from '../../functions/adapters/sqs/queue-definitions.ts';
import { SERVICE_NAME } from '../../functions/common/powertools.ts';
import { LEDGER_PREFIXES, SECRETS_READ_BY, WORKER_NETSUITE_TIMEOUT_MS } from '../../lib/bc-netsuite-sync-stack.ts';
import { CREDENTIAL_KEYS, SECRET_BOUNDARIES, SECRET_BOUNDARY_NAMES, type SecretBoundary } from '../../functions/common/secret-boundaries.ts';
import { APP_METRICS } from '../../lib/constructs/dashboard.ts';
import { DEAD_LETTER_AGE_ALARM_SECONDS } from '../../lib/constructs/operational-alarms.ts';
import { POWERTOOLS_SERVICE_NAME } from '../../lib/constructs/service-function.ts';
import { WEBHOOK_PATH } from '../../lib/constructs/webhook-api.ts';
import { RECONCILE_INDEX } from '../../functions/adapters/dynamodb/table-definitions.ts';
import {
  actionsOf,
  FUNCTION_PATHS,
  SUBSCRIBER_TOPIC_ARN,
  functionId,
  functionResource,
  logicalId,
  resources,
  statementsOf,
  synth,
  type FunctionName,
  type Synthesized,
} from './synth.ts';

let s: Synthesized;
beforeAll(() => {
  s = synth();
});

const queueId = (path: string) => logicalId(s.stack, s.template, 'AWS::SQS::Queue', path);
const ordersId = () => queueId('/Queues/OrdersQueue/');
const dlqId = () => queueId('/Queues/DeadLetterQueue/');
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const names = Object.keys(FUNCTION_PATHS) as FunctionName[];

describe('orders queue and dead-letter queue', () => {
  test('the visibility timeout is the definition, at least six times the worker timeout', () => {
    const orders = resources(s.template, 'AWS::SQS::Queue')[ordersId()]!.Properties;
    const workerTimeout = functionResource(s, 'worker').Properties.Timeout;
    expect(workerTimeout).toBe(WORKER_TIMEOUT_SECONDS);
    expect(orders.VisibilityTimeout).toBe(ordersQueue.visibilityTimeoutSeconds);
    expect(orders.VisibilityTimeout).toBeGreaterThanOrEqual(6 * workerTimeout);
    expect(orders.MessageRetentionPeriod).toBe(ordersQueue.retentionSeconds);
  });

  test('messages go to the DLQ after maxReceiveCount receives, and the DLQ keeps them 14 days', () => {
    const orders = resources(s.template, 'AWS::SQS::Queue')[ordersId()]!.Properties;
    expect(orders.RedrivePolicy).toEqual({ deadLetterTargetArn: arnOf(dlqId()), maxReceiveCount: ordersQueue.maxReceiveCount });
    const dlq = resources(s.template, 'AWS::SQS::Queue')[dlqId()]!.Properties;
    expect(dlq.MessageRetentionPeriod).toBe(1_209_600);
    expect(dlq.MessageRetentionPeriod).toBe(deadLetterQueue.retentionSeconds);
    expect(dlq.RedrivePolicy).toBeUndefined();
    expect(dlq.FifoQueue).toBeUndefined();
  });

  test('both queues are encrypted and refuse requests without TLS', () => {
    for (const id of [ordersId(), dlqId()]) {
      expect(resources(s.template, 'AWS::SQS::Queue')[id]!.Properties.SqsManagedSseEnabled).toBe(true);
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  test('nothing may send to the dead-letter queue: only SQS moves messages there', () => {
    for (const name of names) {
      const sends = statementsOf(s, name).filter((statement) => actionsOf(statement).some((action) => /^sqs:(SendMessage|\*)/.test(action)));
      for (const statement of sends) expect(statement.Resource).not.toEqual(arnOf(dlqId()));
    }
  });
});

describe('worker event source', () => {
  test('partial batch responses, the batch size from the definition, and a concurrency cap', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(ordersId()),
      FunctionName: { Ref: functionId(s, 'worker') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: ordersQueue.batchSize,
      ScalingConfig: { MaximumConcurrency: s.stack.concurrency.workerMaxConcurrency },
    });
    s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });

  test('NetSuite requests in flight stay within the budget: maxConcurrency × NETSUITE_CONCURRENCY + the SKU refresh + the reconciler + the fulfilment poller', () => {
    const [mapping] = Object.values(resources(s.template, 'AWS::Lambda::EventSourceMapping'));
    const maxConcurrency = mapping!.Properties.ScalingConfig.MaximumConcurrency as number;
    const workerConcurrency = Number(functionResource(s, 'worker').Properties.Environment.Variables.NETSUITE_CONCURRENCY);
    const refreshConcurrency = Number(functionResource(s, 'skuRefresh').Properties.Environment.Variables.NETSUITE_CONCURRENCY);
    const reconcilerConcurrency = Number(functionResource(s, 'reconciler').Properties.Environment.Variables.NETSUITE_CONCURRENCY);
    const fulfilmentConcurrency = Number(functionResource(s, 'fulfilmentPoller').Properties.Environment.Variables.NETSUITE_CONCURRENCY);
    expect(maxConcurrency).toBeGreaterThanOrEqual(2);
    expect(maxConcurrency * workerConcurrency + refreshConcurrency + reconcilerConcurrency + fulfilmentConcurrency).toBeLessThanOrEqual(5); // cdk.json's budget
    expect({ maxConcurrency, workerConcurrency, refreshConcurrency, reconcilerConcurrency, fulfilmentConcurrency }).toEqual({
      maxConcurrency: 2,
      workerConcurrency: 1,
      refreshConcurrency: 1,
      reconcilerConcurrency: 1,
      fulfilmentConcurrency: 1,
    });

    const larger = synth({ netsuiteConcurrencyBudget: '15' });
    const [largerMapping] = Object.values(resources(larger.template, 'AWS::Lambda::EventSourceMapping'));
    const largerWorker = Number(functionResource(larger, 'worker').Properties.Environment.Variables.NETSUITE_CONCURRENCY);
    expect(largerMapping!.Properties.ScalingConfig.MaximumConcurrency * largerWorker + 1 + 1 + 1).toBeLessThanOrEqual(15);
  });

  test('the worker may change visibility (its per-record backoff) and delete, on the orders queue only', () => {
    const sqs = statementsOf(s, 'worker').filter((statement) => actionsOf(statement).some((action) => action.startsWith('sqs:')));
    expect(sqs).toEqual([expect.objectContaining({ Resource: arnOf(ordersId()) })]);
    expect(actionsOf(sqs[0]!)).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']));
    expect(actionsOf(sqs[0]!)).not.toContain('sqs:SendMessage');
  });
});

describe('functions', () => {
  test('seven functions, every one arm64 on Node 24, traced, with explicit memory, timeout and a log group with retention', () => {
    s.template.resourceCountIs('AWS::Lambda::Function', 7);
    for (const name of names) {
      const fn = functionResource(s, name).Properties;
      expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', TracingConfig: { Mode: 'Active' } });
      expect(fn.MemorySize).toEqual(expect.any(Number));
      expect(fn.Timeout).toEqual(expect.any(Number));
      const logGroupId = fn.LoggingConfig.LogGroup.Ref as string;
      expect(resources(s.template, 'AWS::Logs::LogGroup')[logGroupId]!.Properties.RetentionInDays).toBe(30);
      expect(fn.Environment.Variables).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: 'BcNetSuiteSync',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
    }
    expect(POWERTOOLS_SERVICE_NAME).toBe(SERVICE_NAME);
    expect(functionResource(s, 'worker').Properties.Timeout).toBe(WORKER_TIMEOUT_SECONDS);
  });

  test('every log group in the stack has a retention', () => {
    for (const group of Object.values(resources(s.template, 'AWS::Logs::LogGroup'))) expect(group.Properties.RetentionInDays).toEqual(expect.any(Number));
  });

  test('roles start with no managed policy (not even AWSLambdaBasicExecutionRole) and write only their own log group', () => {
    for (const name of names) {
      const logGroupId = functionResource(s, name).Properties.LoggingConfig.LogGroup.Ref as string;
      const logs = statementsOf(s, name).filter((statement) => actionsOf(statement).some((action) => action.startsWith('logs:')));
      expect(logs).toEqual([expect.objectContaining({ Resource: arnOf(logGroupId) })]);
    }
  });

  test('the worker gives a hanging NetSuite request half its time, not all of it', () => {
    expect(functionResource(s, 'worker').Properties.Environment.Variables.NETSUITE_TIMEOUT_MS).toBe(String(WORKER_NETSUITE_TIMEOUT_MS));
    expect(WORKER_NETSUITE_TIMEOUT_MS).toBeLessThan(WORKER_TIMEOUT_SECONDS * 1000);
  });
});

describe('credentials', () => {
  const secretId = (boundary: SecretBoundary) =>
    logicalId(s.stack, s.template, 'AWS::SecretsManager::Secret', `/Secrets/${boundary[0]!.toUpperCase()}${boundary.slice(1)}Secret/`);
  const arnVariables = SECRET_BOUNDARY_NAMES.map((boundary) => SECRET_BOUNDARIES[boundary].arnVariable as string);

  test('no function environment holds a credential: only the ARNs of the secrets it reads, as references', () => {
    for (const name of names) {
      const env = functionResource(s, name).Properties.Environment.Variables as Record<string, unknown>;
      for (const key of CREDENTIAL_KEYS) expect(env).not.toHaveProperty(key);
      expect(
        Object.keys(env).filter((key) => /TOKEN|SECRET|PASSWORD|PRIVATE|SLACK/.test(key) && !arnVariables.includes(key) && key !== 'WEBHOOK_SECRET_HEADER'),
      ).toEqual([]);
      const named = Object.fromEntries(Object.entries(env).filter(([key]) => arnVariables.includes(key)));
      expect(named).toEqual(
        Object.fromEntries(SECRETS_READ_BY[name].map((boundary) => [SECRET_BOUNDARIES[boundary].arnVariable, { Ref: secretId(boundary) }])),
      );
      expect(env).not.toHaveProperty('APP_SECRET_ARN');
      for (const value of Object.values(env)) if (typeof value === 'string') expect(value.length).toBeLessThan(100);
    }
  });

  test('one secret per trust boundary, and each function may read exactly the secrets it reads, no other', () => {
    s.template.resourceCountIs('AWS::SecretsManager::Secret', SECRET_BOUNDARY_NAMES.length);
    for (const name of names) {
      const reads = statementsOf(s, name).filter((statement) => actionsOf(statement).some((action) => action.startsWith('secretsmanager:')));
      const readable = reads.flatMap((statement) => [statement.Resource].flat()).map((resource) => (resource as { Ref: string }).Ref);
      expect(readable.sort()).toEqual(SECRETS_READ_BY[name].map(secretId).sort());
      for (const statement of reads) expect(actionsOf(statement).sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    }
    // The internet-facing webhook and the notifier hold nothing that reaches BigCommerce or NetSuite.
    expect(SECRETS_READ_BY.webhook).toEqual(['webhook']);
    expect(SECRETS_READ_BY.notifier).toEqual(['slack']);
    expect(SECRETS_READ_BY.poller).toEqual(['bigcommerce']);
  });

  test('each secret starts with its keys empty (the webhook secret generated), and outlives the stack', () => {
    const secrets = resources(s.template, 'AWS::SecretsManager::Secret');
    for (const boundary of SECRET_BOUNDARY_NAMES) expect(secrets[secretId(boundary)]!.DeletionPolicy).toBe('Retain');
    const webhook = secrets[secretId('webhook')]!.Properties.GenerateSecretString;
    expect(webhook).toMatchObject({ GenerateStringKey: 'WEBHOOK_SECRET', ExcludePunctuation: true, PasswordLength: 48 });
    // Pinned: CloudFormation writes a new secret value when these change, wiping the credentials an operator
    // filled in. Add new keys by documenting them, not by changing the initial values.
    expect(webhook.SecretStringTemplate).toBe('{"WEBHOOK_SIGNING_SECRET":""}');
    expect(secrets[secretId('bigcommerce')]!.Properties.SecretString).toBe('{"BIGCOMMERCE_ACCESS_TOKEN":""}');
    expect(secrets[secretId('slack')]!.Properties.SecretString).toBe('{"SLACK_WEBHOOK_URL":""}');
    expect(secrets[secretId('netsuite')]!.Properties.SecretString).toBe(
      '{"NETSUITE_CLIENT_ID":"","NETSUITE_CERTIFICATE_ID":"","NETSUITE_PRIVATE_KEY":"","NETSUITE_CONSUMER_KEY":"","NETSUITE_CONSUMER_SECRET":"","NETSUITE_TOKEN_ID":"","NETSUITE_TOKEN_SECRET":""}',
    );
  });

  test('a deployment from before the split keeps its single secret (appSecretName), read by every function, with a warning', () => {
    const imported = synth({ appSecretName: 'prod/bc-netsuite-sync' });
    imported.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    for (const name of names) {
      const env = functionResource(imported, name).Properties.Environment.Variables;
      expect(JSON.stringify(env.APP_SECRET_ARN)).toContain(':secret:prod/bc-netsuite-sync');
      for (const variable of arnVariables) expect(env).not.toHaveProperty(variable);
    }
    const warnings = imported.stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === 'aws:cdk:warning').map((entry) => String(entry.data)));
    expect(warnings).toEqual(expect.arrayContaining([expect.stringContaining('every function can read every credential')]));
  });
});

describe('dead-letter notifier', () => {
  test('peeks at the DLQ only: ReceiveMessage and GetQueueAttributes, never DeleteMessage or sqs:*', () => {
    const statements = statementsOf(s, 'notifier');
    const actions = statements.flatMap(actionsOf);
    expect(actions).not.toContain('sqs:DeleteMessage');
    expect(actions).not.toContain('sqs:DeleteMessageBatch');
    expect(actions).not.toContain('sqs:PurgeQueue');
    expect(actions).not.toContain('sqs:*');
    expect(actions).not.toContain('*');
    const sqs = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('sqs:')));
    expect(sqs).toEqual([{ Effect: 'Allow', Action: ['sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], Resource: arnOf(dlqId()) }]);
  });

  test('the DLQ alarm (visible messages, Maximum over 1 minute, > 0) notifies an SNS topic on ALARM and OK, and the notifier is subscribed', () => {
    const alarmId = logicalId(s.stack, s.template, 'AWS::CloudWatch::Alarm', '/DlqAlerting/Alarm/');
    const topicId = logicalId(s.stack, s.template, 'AWS::SNS::Topic', '/DlqAlerting/Notifications/Topic/');
    expect(resources(s.template, 'AWS::CloudWatch::Alarm')[alarmId]!.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId(), 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }, SUBSCRIBER_TOPIC_ARN],
      OKActions: [{ Ref: topicId }, SUBSCRIBER_TOPIC_ARN],
    });
    s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', TopicArn: { Ref: topicId }, Endpoint: arnOf(functionId(s, 'notifier')) });
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
      FunctionName: arnOf(functionId(s, 'notifier')),
      SourceArn: { Ref: topicId },
    });
    // The DLQ topic is the notifier's alone; the other alarms publish elsewhere.
    for (const [id, alarm] of Object.entries(resources(s.template, 'AWS::CloudWatch::Alarm'))) {
      if (id !== alarmId) expect(alarm.Properties.AlarmActions).not.toContainEqual({ Ref: topicId });
    }
  });

  test("both alarm topics let CloudWatch publish, for this stack's alarms only, and refuse publishing without TLS", () => {
    // A topic policy replaces SNS's default one; without this grant alarms would change state and notify no one.
    const alarmIds = Object.keys(resources(s.template, 'AWS::CloudWatch::Alarm'));
    const topicPolicies = Object.values(resources(s.template, 'AWS::SNS::TopicPolicy'));
    expect(topicPolicies).toHaveLength(2);
    const published = new Set<string>();
    for (const policy of topicPolicies) {
      const statements = policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>;
      const topicRef = policy.Properties.Topics[0];
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
      const allow = statements.find((statement) => statement.Effect === 'Allow')!;
      expect(allow).toMatchObject({ Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' }, Resource: topicRef });
      expect(allow.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
      const sources = [allow.Condition.ArnEquals['aws:SourceArn']].flat() as Array<{ 'Fn::GetAtt': [string, string] }>;
      for (const source of sources) published.add(source['Fn::GetAtt'][0]);
      // Each alarm that notifies this topic may publish to it.
      for (const [id, alarm] of Object.entries(resources(s.template, 'AWS::CloudWatch::Alarm'))) {
        if (JSON.stringify(alarm.Properties.AlarmActions[0]) === JSON.stringify(topicRef)) expect(sources).toContainEqual({ 'Fn::GetAtt': [id, 'Arn'] });
      }
    }
    expect([...published].sort()).toEqual(alarmIds.sort());
  });

  test('nothing consumes the DLQ (no event source, no pipe)', () => {
    for (const mapping of Object.values(resources(s.template, 'AWS::Lambda::EventSourceMapping')))
      expect(mapping.Properties.EventSourceArn).not.toEqual(arnOf(dlqId()));
    s.template.resourceCountIs('AWS::Pipes::Pipe', 0);
  });
});

describe('schedules', () => {
  const schedules = () => Object.values(resources(s.template, 'AWS::Scheduler::Schedule')).map((schedule) => schedule.Properties);

  test('the poller every 10 minutes, the SKU refresh nightly in the store time zone, the notifier sweep every minute, the reconciler every 15, the fulfilment poller every 5', () => {
    expect(schedules()).toHaveLength(5);
    const byTarget = Object.fromEntries(schedules().map((schedule) => [schedule.Target.Arn['Fn::GetAtt'][0], schedule]));
    expect(byTarget[functionId(s, 'poller')]).toMatchObject({ ScheduleExpression: 'rate(10 minutes)', State: 'ENABLED' });
    expect(byTarget[functionId(s, 'skuRefresh')]).toMatchObject({ ScheduleExpression: 'cron(0 3 * * ? *)', ScheduleExpressionTimezone: 'UTC' });
    expect(byTarget[functionId(s, 'notifier')]).toMatchObject({ ScheduleExpression: 'rate(1 minute)' });
    expect(byTarget[functionId(s, 'reconciler')]).toMatchObject({ ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' });
    expect(byTarget[functionId(s, 'fulfilmentPoller')]).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED' });
  });

  test('each schedule role may invoke its own function only', () => {
    for (const schedule of schedules()) {
      const roleId = schedule.Target.RoleArn['Fn::GetAtt'][0] as string;
      const target = schedule.Target.Arn['Fn::GetAtt'][0] as string;
      const policies = Object.values(resources(s.template, 'AWS::IAM::Policy')).filter((policy) =>
        policy.Properties.Roles.some((ref: any) => ref.Ref === roleId),
      );
      const statements = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
      expect(statements).toHaveLength(1);
      expect(statements[0].Action).toBe('lambda:InvokeFunction');
      expect(
        JSON.stringify(statements[0].Resource)
          .match(/"Fn::GetAtt":\["(\w+)"/g)
          ?.every((ref) => ref.includes(target)),
      ).toBe(true);
    }
  });

  test('schedule expressions and the time zone come from context', () => {
    const custom = synth({ pollerSchedule: 'rate(5 minutes)', skuRefreshSchedule: 'cron(30 1 * * ? *)', timeZone: 'America/Chicago' });
    const expressions = Object.values(resources(custom.template, 'AWS::Scheduler::Schedule')).map((schedule) => schedule.Properties);
    expect(expressions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ScheduleExpression: 'rate(5 minutes)' }),
        expect.objectContaining({ ScheduleExpression: 'cron(30 1 * * ? *)', ScheduleExpressionTimezone: 'America/Chicago' }),
      ]),
    );
  });
});

describe('webhook endpoint', () => {
  test('POST /webhooks/bigcommerce → the webhook function, throttled, with access logs', () => {
    const integrationId = logicalId(s.stack, s.template, 'AWS::ApiGatewayV2::Integration', '/WebhookApi/');
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: `POST ${WEBHOOK_PATH}`,
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
    });
    s.template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: arnOf(functionId(s, 'webhook')),
      PayloadFormatVersion: '2.0',
    });
    const accessLogsId = logicalId(s.stack, s.template, 'AWS::Logs::LogGroup', '/WebhookApi/AccessLogs/');
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: arnOf(accessLogsId), Format: Match.stringLikeRegexp('requestId') },
    });
    const stage = Object.values(resources(s.template, 'AWS::ApiGatewayV2::Stage'))[0]!;
    expect(stage.Properties.AccessLogSettings.Format).not.toMatch(/header/i); // one header is the shared secret
  });
});

describe('least privilege per function', () => {
  const grants = (name: FunctionName) =>
    statementsOf(s, name)
      .filter(
        (statement) => !actionsOf(statement).some((action) => action.startsWith('logs:') || action.startsWith('xray:') || action.startsWith('secretsmanager:')),
      )
      .map((statement) => ({ service: actionsOf(statement)[0]!.split(':')[0], resource: statement.Resource }));
  const table = (path: string) => arnOf(logicalId(s.stack, s.template, 'AWS::DynamoDB::Table', path));

  test('each function reaches only what it uses', () => {
    expect(grants('webhook')).toEqual([{ service: 'sqs', resource: arnOf(ordersId()) }]);
    expect(grants('poller')).toEqual(
      expect.arrayContaining([
        { service: 'sqs', resource: arnOf(ordersId()) },
        { service: 'dynamodb', resource: table('/Tables/Ledger/') },
      ]),
    );
    expect(grants('poller')).toHaveLength(2);
    expect(grants('worker')).toEqual([
      { service: 'sqs', resource: arnOf(ordersId()) },
      { service: 'dynamodb', resource: [table('/Tables/Ledger/'), table('/Tables/SkuMap/')] },
    ]);
    // The SKU map, and the ledger in a statement of its own (limited to its key prefix: see below).
    expect(grants('skuRefresh')).toEqual(
      expect.arrayContaining([
        { service: 'sqs', resource: arnOf(ordersId()) },
        { service: 'dynamodb', resource: table('/Tables/SkuMap/') },
        { service: 'dynamodb', resource: table('/Tables/Ledger/') },
      ]),
    );
    expect(grants('skuRefresh')).toHaveLength(3);
    // Only the SKU refresh scans, and only the SKU map (its nightly clean-up of items gone from NetSuite).
    for (const name of names) {
      const scans = statementsOf(s, name).filter((statement) => actionsOf(statement).includes('dynamodb:Scan'));
      expect(scans.map((statement) => statement.Resource)).toEqual(name === 'skuRefresh' ? [table('/Tables/SkuMap/')] : []);
    }
    expect(grants('notifier')).toEqual([
      { service: 'sqs', resource: arnOf(dlqId()) },
      { service: 'dynamodb', resource: table('/Tables/Ledger/') },
    ]);
    // The reconciler: the ledger and its reconcile index only (no other index, no queue).
    expect(grants('reconciler')).toEqual([
      { service: 'dynamodb', resource: [table('/Tables/Ledger/'), { 'Fn::Join': ['', [table('/Tables/Ledger/'), `/index/${RECONCILE_INDEX.name}`]] }] },
    ]);
  });
});

describe('ledger access by key prefix', () => {
  test('the poller, notifier, SKU refresh and fulfilment poller reach only their own ledger items (dynamodb:LeadingKeys)', () => {
    const ledger = arnOf(logicalId(s.stack, s.template, 'AWS::DynamoDB::Table', '/Tables/Ledger/'));
    const expected = {
      poller: ['poller#*', 'held#*', 'circuit#*'],
      notifier: ['order#*', 'alert#*', 'circuit#*'],
      skuRefresh: ['parked#*'],
      fulfilmentPoller: ['fulfilment-poller#*', 'shipment#*', 'fulfilment#*', 'alert#*'],
    } as const;
    for (const [name, prefixes] of Object.entries(expected) as Array<[FunctionName, readonly string[]]>) {
      const onLedger = statementsOf(s, name).filter(
        (statement) =>
          actionsOf(statement).some((action) => action.startsWith('dynamodb:')) && JSON.stringify(statement.Resource).includes(String(ledger['Fn::GetAtt'][0])),
      );
      expect(onLedger).toHaveLength(1);
      expect((onLedger[0] as { Condition?: unknown }).Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes } });
      expect(LEDGER_PREFIXES[name as keyof typeof LEDGER_PREFIXES].map((prefix) => `${prefix}*`)).toEqual(prefixes);
    }
  });
});

describe('tables', () => {
  test.each([
    ['/Tables/Ledger/', ledgerTable],
    ['/Tables/SkuMap/', skuMapTable],
  ])('%s: on demand, PITR, TTL and key from the definition, retained on delete', (path, definition) => {
    const table = resources(s.template, 'AWS::DynamoDB::Table')[logicalId(s.stack, s.template, 'AWS::DynamoDB::Table', path)]!;
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: definition.partitionKey, KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
    });
    const indexes = definition.indexes ?? [];
    expect(table.Properties.AttributeDefinitions).toEqual(
      [...new Set([definition.partitionKey, ...indexes.flatMap((index) => [index.partitionKey, index.sortKey])])].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
    );
    expect(table.Properties.GlobalSecondaryIndexes ?? []).toEqual(
      indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.keysOnly ? 'KEYS_ONLY' : 'ALL' },
      })),
    );
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });
});

describe('alarms and dashboard', () => {
  test('orders queue age, worker errors and throttles, webhook 5xx, and the scheduled functions failing', () => {
    const alarms = Object.values(resources(s.template, 'AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
    const metric = (name: string) => alarms.filter((alarm) => alarm.MetricName === name);
    expect(metric('ApproximateAgeOfOldestMessage')).toHaveLength(2);
    expect(metric('ApproximateAgeOfOldestMessage')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId(), 'QueueName'] } }],
          Threshold: DEAD_LETTER_AGE_ALARM_SECONDS,
        }),
        expect.objectContaining({ Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ordersId(), 'QueueName'] } }] }),
      ]),
    );
    expect(metric('Throttles')).toEqual([expect.objectContaining({ Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(s, 'worker') } }] })]);
    const erroring = metric('Errors').map((alarm) => alarm.Dimensions[0].Value.Ref);
    expect(erroring.sort()).toEqual(
      (['worker', 'poller', 'skuRefresh', 'notifier', 'reconciler', 'fulfilmentPoller'] as const).map((name) => functionId(s, name)).sort(),
    );
    expect(metric('5xx')).toHaveLength(1);
    for (const alarm of alarms) {
      // Its own topic, and the operator's subscriber topic: every alarm reaches a person without Slack.
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.any(String) }, SUBSCRIBER_TOPIC_ARN]);
      expect(alarm.OKActions).toEqual(alarm.AlarmActions);
      expect(alarm.AlarmDescription).toEqual(expect.any(String));
    }
  });

  test('a production stage refuses to synthesize without an alarm subscriber; a dev stage is exempt', () => {
    expect(() => synth({ alarmTopicArn: '' })).toThrow(/production stage needs an alarm subscriber.*alarmEmail.*alarmTopicArn/);
    expect(() => synth({ alarmTopicArn: 'arn:aws:sns:us-east-1:123:short' })).toThrow(/alarmTopicArn: must be an SNS topic ARN/);
    expect(() => synth({ alarmTopicArn: '', alarmEmail: 'ops@example.com' })).not.toThrow();
    const dev = synth({ alarmTopicArn: '', stage: 'dev' });
    dev.template.resourceCountIs('AWS::SNS::Subscription', 1); // the notifier only
  });

  test('an open circuit (credentials refused, NetSuite down) raises one alarm, from the metric the notifier emits every minute', () => {
    const alarm = resources(s.template, 'AWS::CloudWatch::Alarm')[logicalId(s.stack, s.template, 'AWS::CloudWatch::Alarm', '/Alarms/CircuitOpen/')]!.Properties;
    expect(alarm).toMatchObject({
      Namespace: 'BcNetSuiteSync',
      MetricName: 'CircuitOpen',
      Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
      Statistic: 'Maximum',
      Threshold: 1,
    });
    expect(alarm.AlarmActions).toContain(SUBSCRIBER_TOPIC_ARN);
  });

  test('NotifierErrors and the dead-letter age alarm reach the subscriber, not only Slack', () => {
    const alarms = resources(s.template, 'AWS::CloudWatch::Alarm');
    const notifierErrors = alarms[logicalId(s.stack, s.template, 'AWS::CloudWatch::Alarm', '/Alarms/NotifierErrors/')]!.Properties;
    const deadLetterAge = alarms[logicalId(s.stack, s.template, 'AWS::CloudWatch::Alarm', '/Alarms/DeadLettersWaiting/')]!.Properties;
    for (const alarm of [notifierErrors, deadLetterAge]) expect(alarm.AlarmActions).toContain(SUBSCRIBER_TOPIC_ARN);
    const withEmail = synth({ alarmTopicArn: '', alarmEmail: 'ops@example.com' });
    const opsTopic = logicalId(withEmail.stack, withEmail.template, 'AWS::SNS::Topic', '/Alarms/Notifications/Topic/');
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', TopicArn: { Ref: opsTopic }, Endpoint: 'ops@example.com' });
    const emailed = resources(withEmail.template, 'AWS::CloudWatch::Alarm')[
      logicalId(withEmail.stack, withEmail.template, 'AWS::CloudWatch::Alarm', '/Alarms/NotifierErrors/')
    ]!;
    expect(emailed.Properties.AlarmActions).toEqual([{ Ref: opsTopic }]);
  });

  test('an alarm e-mail, when configured, is subscribed to both topics', () => {
    s.template.resourceCountIs('AWS::SNS::Subscription', 1);
    const withEmail = synth({ alarmEmail: 'ops@example.com' });
    const emails = Object.values(resources(withEmail.template, 'AWS::SNS::Subscription')).filter(
      (subscription) => subscription.Properties.Protocol === 'email',
    );
    expect(emails).toHaveLength(2);
    expect(emails.every((subscription) => subscription.Properties.Endpoint === 'ops@example.com')).toBe(true);
  });

  test('the dashboard shows queue depth and age, the DLQ, the worker, and the Powertools metrics', () => {
    const [dashboard] = Object.values(resources(s.template, 'AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const name of [...APP_METRICS.outcomes, ...APP_METRICS.intake]) expect(body).toContain(name);
    for (const name of ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage', 'Errors', 'Duration', 'Throttles', '5xx'])
      expect(body).toContain(name);
    expect(body).toContain('BcNetSuiteSync');
  });
});

describe('outputs', () => {
  test('the webhook URL, the secret, the queues and the alarm topic', () => {
    const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'WebhookUrl',
        'WebhookSecretArn',
        'BigcommerceSecretArn',
        'NetsuiteSecretArn',
        'SlackSecretArn',
        'OrdersQueueUrl',
        'DeadLetterQueueUrl',
        'DeadLetterQueueConsole',
        'AlarmTopicArn',
      ]),
    );
    expect(JSON.stringify(outputs.WebhookUrl!.Value)).toContain(WEBHOOK_PATH);
  });

  test('what the operator console finds the deployment by: ledger, queues, the SKU refresh function, store and account', () => {
    const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['LedgerTableName', 'OrdersQueueUrl', 'DeadLetterQueueUrl', 'SkuRefreshFunctionName', 'StoreHash', 'NetSuiteAccountId']),
    );
    expect(outputs.SkuRefreshFunctionName!.Value).toEqual({ Ref: logicalId(s.stack, s.template, 'AWS::Lambda::Function', '/SkuRefresh/') });
  });
});

describe('console indexes', () => {
  test("the ledger has keys-only by-state and by-email indexes besides the reconciler's, and no new public endpoint", () => {
    const table = resources(s.template, 'AWS::DynamoDB::Table')[logicalId(s.stack, s.template, 'AWS::DynamoDB::Table', '/Tables/Ledger/')]!;
    const indexes = (table.Properties.GlobalSecondaryIndexes as Array<{ IndexName: string; KeySchema: unknown; Projection: { ProjectionType: string } }>).map(
      (index) => [index.IndexName, index.Projection.ProjectionType],
    );
    expect(indexes).toEqual([
      ['by-reconcile-state', 'ALL'],
      ['by-state', 'KEYS_ONLY'],
      ['by-email', 'KEYS_ONLY'],
    ]);
    expect(Object.keys(resources(s.template, 'AWS::ApiGatewayV2::Route'))).toHaveLength(1);
    expect(resources(s.template, 'AWS::Lambda::Url')).toEqual({});
  });

  test('a stack deployed before the console upgrades one index per deploy (CloudFormation creates one per update)', () => {
    const indexNames = (context: Record<string, unknown>) => {
      const synthesized = synth(context);
      const table = resources(synthesized.template, 'AWS::DynamoDB::Table')[
        logicalId(synthesized.stack, synthesized.template, 'AWS::DynamoDB::Table', '/Tables/Ledger/')
      ]!;
      return (table.Properties.GlobalSecondaryIndexes as Array<{ IndexName: string }>).map((index) => index.IndexName);
    };
    expect(indexNames({ ledgerConsoleIndexes: '0' })).toEqual(['by-reconcile-state']);
    expect(indexNames({ ledgerConsoleIndexes: '1' })).toEqual(['by-reconcile-state', 'by-state']);
  });
});
