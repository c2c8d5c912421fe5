/**
 * Each function's environment, as the stack sets it, plus the secret's keys, is exactly what that function's
 * configuration loader (functions/common/config.ts) needs: it starts, reads the settings from the stage config,
 * and carries nothing it does not read.
 */
import { generateKeyPairSync } from 'node:crypto';
import { jest } from '@jest/globals';
import {
  loadConfig,
  loadFulfilmentPollerConfig,
  loadNotifierConfig,
  loadPollerConfig,
  loadQueueConfig,
  loadReconcilerConfig,
  loadWebhookConfig,
} from '../../functions/common/config.ts';
import { resolveEnv } from '../../functions/common/secrets.ts';
import { SECRET_BOUNDARIES, SECRET_BOUNDARY_NAMES, type SecretBoundary } from '../../functions/common/secret-boundaries.ts';
import { SECRETS_READ_BY } from '../../lib/bc-netsuite-sync-stack.ts';
import { functionResource, resources, synth, type FunctionName, type Synthesized } from './synth.ts';

let s: Synthesized;
beforeAll(() => {
  s = synth({
    triggerStatuses: '11,Awaiting Shipment',
    timeZone: 'America/Chicago',
    subsidiaryId: '3',
    discountItemId: '77',
    taxMode: 'line',
    taxItemId: '55',
    nonTaxableTaxCodeId: '-8',
    shipMethods: '{"Flat Rate":"12"}',
  });
});

/** What the Lambda runtime sets, and what every function gets from the house construct. */
const PLATFORM = ['AWS_REGION', 'NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOG_LEVEL'];

/** Values a deployed function would see for the stack's references (queue URLs, table names, the secret ARN). */
function deployedEnv(name: FunctionName): Record<string, string> {
  const variables = functionResource(s, name).Properties.Environment.Variables as Record<string, unknown>;
  const types = Object.fromEntries(
    Object.entries(s.template.toJSON().Resources as Record<string, { Type: string }>).map(([id, resource]) => [id, resource.Type]),
  );
  const resolve = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const ref = (value as { Ref?: string }).Ref;
    if (ref && types[ref] === 'AWS::SQS::Queue') return `https://sqs.us-east-1.amazonaws.com/123456789012/${ref}`;
    if (ref && types[ref] === 'AWS::DynamoDB::Table') return ref;
    if (ref && types[ref] === 'AWS::SecretsManager::Secret') return secretArn(ref);
    throw new Error(`unexpected environment value ${JSON.stringify(value)}`);
  };
  return { AWS_REGION: 'us-east-1', ...Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, resolve(value)])) };
}

const secretArn = (logicalId: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${logicalId}-AbCdEf`;

/** Every credential as an operator fills them in (oauth2), whichever secret holds them. */
const secret: Record<string, string> = {
  BIGCOMMERCE_ACCESS_TOKEN: 'bc-token',
  NETSUITE_CLIENT_ID: 'client',
  NETSUITE_CERTIFICATE_ID: 'cert',
  // A real key (as the secret would hold it, line breaks written \n): the configuration refuses keys NetSuite cannot take.
  NETSUITE_PRIVATE_KEY: generateKeyPairSync('rsa', { modulusLength: 3072 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString()
    .replaceAll('\n', '\\n'),
  WEBHOOK_SECRET: 'a-generated-secret-of-48-characters-000000000000',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X',
};

/** The boundary of each secret ARN in a function's environment. */
function boundariesIn(env: Record<string, string>): SecretBoundary[] {
  return SECRET_BOUNDARY_NAMES.filter((boundary) => env[SECRET_BOUNDARIES[boundary].arnVariable]?.startsWith('arn:aws:secretsmanager:'));
}

/**
 * The function's environment after its cold start read the secrets it names. Each secret is filled with every
 * credential (an operator pasting everything everywhere): only its own boundary's keys may come through.
 */
async function withSecrets(name: FunctionName, without: SecretBoundary[] = []): Promise<Record<string, string | undefined>> {
  const env = deployedEnv(name);
  for (const boundary of without) delete env[SECRET_BOUNDARIES[boundary].arnVariable];
  return resolveEnv(env, async () => secret);
}

/** Loads `name`'s configuration the way its handler does. */
const loaders: Record<FunctionName, (env: Record<string, string | undefined>) => unknown> = {
  webhook: loadWebhookConfig,
  poller: loadPollerConfig,
  worker: (env) => [loadConfig(env), loadQueueConfig(env)],
  skuRefresh: (env) => [loadConfig(env), loadQueueConfig(env)],
  notifier: loadNotifierConfig,
  reconciler: loadReconcilerConfig,
  fulfilmentPoller: loadFulfilmentPollerConfig,
};

/** Per function, the secrets it must read: the webhook and the notifier reach neither BigCommerce nor NetSuite. */
const FUNCTION_SECRETS_EXPECTED: Record<FunctionName, SecretBoundary[]> = {
  webhook: ['webhook'],
  poller: ['bigcommerce'],
  worker: ['bigcommerce', 'netsuite'],
  skuRefresh: ['bigcommerce', 'netsuite'],
  notifier: ['slack'],
  reconciler: ['netsuite', 'slack'],
  fulfilmentPoller: ['bigcommerce', 'netsuite', 'slack'],
};

const secretsRead: Partial<Record<FunctionName, Record<string, string | undefined>>> = {};
beforeAll(async () => {
  for (const name of Object.keys(FUNCTION_SECRETS_EXPECTED) as FunctionName[]) secretsRead[name] = await withSecrets(name);
});
const withSecret = (name: FunctionName) => secretsRead[name]!;

function keysBeyondPlatform(name: FunctionName): string[] {
  return Object.keys(deployedEnv(name))
    .filter((key) => !PLATFORM.includes(key))
    .sort();
}

test('the secrets hold every credential the functions read', () => {
  const keys = SECRET_BOUNDARY_NAMES.flatMap((boundary) => SECRET_BOUNDARIES[boundary].keys as readonly string[]);
  for (const key of Object.keys(secret)) expect(keys).toContain(key);
});

test.each(Object.keys(FUNCTION_SECRETS_EXPECTED))('%s names exactly the secrets it is granted, and needs every one of them', async (name) => {
  const fn = name as FunctionName;
  const named = boundariesIn(deployedEnv(fn));
  expect(named).toEqual([...SECRETS_READ_BY[fn]].sort((a, b) => SECRET_BOUNDARY_NAMES.indexOf(a) - SECRET_BOUNDARY_NAMES.indexOf(b)));
  expect(named).toEqual(FUNCTION_SECRETS_EXPECTED[fn]);
  // It starts with them…
  expect(() => loaders[fn](secretsRead[fn]!)).not.toThrow();
  // …and not without any one of them: no function is granted a secret it does not need.
  for (const boundary of named) {
    const env = await withSecrets(fn, [boundary]);
    expect(() => loaders[fn](env)).toThrow(new RegExp(SECRET_BOUNDARIES[boundary].keys[0]));
  }
});

test('webhook: store hash, queue, header name', () => {
  const config = loadWebhookConfig(withSecret('webhook'));
  expect(config).toMatchObject({ storeHash: 'abc123', secretHeader: 'x-webhook-secret', queue: { queueUrl: expect.stringMatching(/OrdersQueue/) } });
  expect(keysBeyondPlatform('webhook')).toEqual(['BIGCOMMERCE_STORE_HASH', 'ORDERS_QUEUE_URL', 'WEBHOOK_SECRET_ARN', 'WEBHOOK_SECRET_HEADER']);
});

test('poller: BigCommerce, trigger statuses, its lease as long as its timeout, the ledger and the queue', () => {
  const config = loadPollerConfig(withSecret('poller'));
  expect(config.triggerStatusIds).toEqual([11, 9]);
  expect(config.leaseMs).toBe(functionResource(s, 'poller').Properties.Timeout * 1000);
  expect(config.aws.ledgerTable).toMatch(/Ledger/);
  expect(config.queue.queueUrl).toMatch(/OrdersQueue/);
  expect(keysBeyondPlatform('poller')).toEqual([
    'BIGCOMMERCE_SECRET_ARN',
    'BIGCOMMERCE_STORE_HASH',
    'LEDGER_TABLE',
    'ORDERS_QUEUE_URL',
    'POLLER_LEASE_MS',
    'SYNC_TRIGGER_STATUSES',
  ]);
});

test.each(['worker', 'skuRefresh'] as const)('%s: the full sync configuration and the queue', (name) => {
  const env = withSecret(name);
  const config = loadConfig(env);
  expect(env.SLACK_WEBHOOK_URL).toBeUndefined(); // not in the secrets it reads
  expect(config.netsuite).toMatchObject({
    accountId: '1234567_SB1',
    apiUrl: 'https://1234567-sb1.suitetalk.api.netsuite.com',
    auth: { kind: 'oauth2' },
    skuField: 'itemid',
  });
  expect(config.sync).toMatchObject({
    storeHash: 'abc123',
    timeZone: 'America/Chicago',
    taxMode: 'line',
    taxItemId: '55',
    nonTaxableTaxCodeId: '-8',
    triggerStatusIds: [11, 9],
    subsidiaryId: '3',
    discountItemId: '77',
  });
  expect([...config.sync.shipMethods]).toEqual([['flat rate', '12']]);
  expect(config.aws.ledgerTable).toMatch(/Ledger/);
  expect(config.aws.skuMapTable).toMatch(/SkuMap/);
  expect(loadQueueConfig(env).queueUrl).toMatch(/OrdersQueue/);
  expect(Object.keys(deployedEnv(name))).not.toContain('DEAD_LETTER_QUEUE_URL');
});

test('notifier: the DLQ, the ledger and the store hash; Slack from the secret', () => {
  const config = loadNotifierConfig(withSecret('notifier'));
  expect(config.deadLetterQueueUrl).toMatch(/DeadLetterQueue/);
  expect(config.slackWebhookUrl).toBe(secret.SLACK_WEBHOOK_URL);
  expect(config.storeHash).toBe('abc123');
  expect(keysBeyondPlatform('notifier')).toEqual(['BIGCOMMERCE_STORE_HASH', 'DEAD_LETTER_QUEUE_URL', 'LEDGER_TABLE', 'SLACK_SECRET_ARN']);
});

test('reconciler: NetSuite, the ledger and Slack; no BigCommerce token, no queue', () => {
  const config = loadReconcilerConfig(withSecret('reconciler'));
  expect(config.netsuite).toMatchObject({ accountId: '1234567_SB1', auth: { kind: 'oauth2' }, concurrency: 1 });
  expect(config.aws.ledgerTable).toMatch(/Ledger/);
  expect(config.slackWebhookUrl).toBe(secret.SLACK_WEBHOOK_URL);
  expect(keysBeyondPlatform('reconciler')).toEqual([
    'BIGCOMMERCE_STORE_HASH',
    'LEDGER_TABLE',
    'NETSUITE_ACCOUNT_ID',
    'NETSUITE_AUTH',
    'NETSUITE_CONCURRENCY',
    'NETSUITE_SECRET_ARN',
    'SLACK_SECRET_ARN',
  ]);
});

test('fulfilment poller: NetSuite, BigCommerce, its ledger keys and Slack; no queue', () => {
  const config = loadFulfilmentPollerConfig(withSecret('fulfilmentPoller'));
  expect(config.netsuite).toMatchObject({ accountId: '1234567_SB1', auth: { kind: 'oauth2' }, concurrency: 1 });
  expect(config).toMatchObject({ storeHash: 'abc123', shipStatuses: ['C'], slackWebhookUrl: secret.SLACK_WEBHOOK_URL, leaseMs: 300_000 });
  expect(config.aws.ledgerTable).toMatch(/Ledger/);
  expect(keysBeyondPlatform('fulfilmentPoller')).toEqual([
    'BIGCOMMERCE_SECRET_ARN',
    'BIGCOMMERCE_STORE_HASH',
    'FULFILMENT_LEASE_MS',
    'FULFILMENT_SHIP_STATUS',
    'LEDGER_TABLE',
    'NETSUITE_ACCOUNT_ID',
    'NETSUITE_AUTH',
    'NETSUITE_CONCURRENCY',
    'NETSUITE_SECRET_ARN',
    'NETSUITE_SKU_FIELD',
    'SLACK_SECRET_ARN',
  ]);
});

test('without the secret no function starts: the credentials are nowhere else', () => {
  expect(() => loadWebhookConfig(deployedEnv('webhook'))).toThrow(/WEBHOOK_SECRET/);
  expect(() => loadPollerConfig(deployedEnv('poller'))).toThrow(/BIGCOMMERCE_ACCESS_TOKEN/);
  expect(() => loadConfig(deployedEnv('worker'))).toThrow(/BIGCOMMERCE_ACCESS_TOKEN/);
  expect(() => loadNotifierConfig(deployedEnv('notifier'))).toThrow(/SLACK_WEBHOOK_URL/);
  expect(() => loadReconcilerConfig(deployedEnv('reconciler'))).toThrow(/SLACK_WEBHOOK_URL/);
  expect(() => loadFulfilmentPollerConfig(deployedEnv('fulfilmentPoller'))).toThrow(/BIGCOMMERCE_ACCESS_TOKEN/);
});

test('a stack synthesized without the store hash and account says so, and its functions refuse to start', () => {
  const report = jest.spyOn(console, 'error').mockImplementation(() => {}); // the CDK prints the warning report
  const bare = synth({ storeHash: '', netsuiteAccountId: '' });
  expect(report.mock.calls.join('\n')).toContain('bc-netsuite-sync:missing-settings');
  report.mockRestore();
  const warnings = bare.stack.node.metadata.filter((entry) => entry.type === 'aws:cdk:warning').map((entry) => String(entry.data));
  expect(warnings).toEqual([expect.stringContaining('storeHash and netsuiteAccountId not set')]);
  const env = functionResource(bare, 'webhook').Properties.Environment.Variables;
  expect(env).not.toHaveProperty('BIGCOMMERCE_STORE_HASH');
  expect(Object.keys(resources(bare.template, 'AWS::Lambda::Function'))).toHaveLength(7);
});
