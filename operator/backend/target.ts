/**
 * Where the operator's tools (`npm run status`, `npm run console`) look: a deployed stack, found by its name from
 * its CloudFormation outputs and read with the operator's own AWS credentials, or the local stack `npm start` is
 * running (it leaves a note of its endpoints and tables in .local-data/local-stack.json while it runs).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

export interface OperatorTarget {
  kind: 'aws' | 'local';
  /** "stack BcNetSuiteSync in eu-west-1", "the local stack". */
  label: string;
  region: string;
  ledgerTable: string;
  ordersQueueUrl: string;
  deadLetterQueueUrl: string;
  storeHash: string;
  netsuiteAccountId: string;
  /** AWS: the SKU refresh function the console invokes. */
  skuRefreshFunctionName?: string;
  /** Local: DynamoDB Local and the SQS emulator, and the whole environment (to run the SKU refresh in process). */
  dynamodbEndpoint?: string;
  sqsEndpoint?: string;
  env?: Record<string, string>;
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LOCAL_STACK_FILE = join(repoRoot, '.local-data', 'local-stack.json');

/** Written by `npm start` (only local endpoints, the simulators' throwaway credentials and table names). */
export function writeLocalTarget(target: OperatorTarget & { consoleUrl?: string }): void {
  mkdirSync(dirname(LOCAL_STACK_FILE), { recursive: true });
  writeFileSync(LOCAL_STACK_FILE, JSON.stringify(target, null, 2), { mode: 0o600 });
}

export function removeLocalTarget(): void {
  rmSync(LOCAL_STACK_FILE, { force: true });
}

export function readLocalTarget(): (OperatorTarget & { consoleUrl?: string }) | undefined {
  if (!existsSync(LOCAL_STACK_FILE)) return undefined;
  return JSON.parse(readFileSync(LOCAL_STACK_FILE, 'utf8')) as OperatorTarget & { consoleUrl?: string };
}

/** `--stack <name>` (and `--region`, else AWS_REGION): the deployed stack; otherwise the running local stack. */
export async function resolveTarget(options: { stack?: string; region?: string }): Promise<OperatorTarget> {
  if (options.stack) return stackTarget(options.stack, options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1');
  const local = readLocalTarget();
  if (!local) throw new Error('no local stack is running (start one with `npm start`), and no --stack <name> was given for a deployed one');
  return local;
}

async function stackTarget(stackName: string, region: string): Promise<OperatorTarget> {
  const client = new CloudFormationClient({ region });
  try {
    const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = Object.fromEntries((Stacks[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue ?? '']));
    const need = (name: string) => {
      const value = outputs[name];
      if (!value) throw new Error(`stack ${stackName} has no ${name} output: deploy this version of the stack (npm run deploy) first`);
      return value;
    };
    return {
      kind: 'aws',
      label: `stack ${stackName} in ${region}`,
      region,
      ledgerTable: need('LedgerTableName'),
      ordersQueueUrl: need('OrdersQueueUrl'),
      deadLetterQueueUrl: need('DeadLetterQueueUrl'),
      skuRefreshFunctionName: need('SkuRefreshFunctionName'),
      storeHash: need('StoreHash'),
      netsuiteAccountId: outputs.NetSuiteAccountId ?? '',
    };
  } finally {
    client.destroy();
  }
}

/** The operator's view of a running local stack. */
export function localTarget(stack: { env: Record<string, string>; queues: { ordersQueueUrl: string; deadLetterQueueUrl: string } }): OperatorTarget {
  const env = stack.env;
  return {
    kind: 'local',
    label: 'the local stack',
    region: env.AWS_REGION ?? 'us-east-1',
    ledgerTable: env.LEDGER_TABLE!,
    ordersQueueUrl: stack.queues.ordersQueueUrl,
    deadLetterQueueUrl: stack.queues.deadLetterQueueUrl,
    storeHash: env.BIGCOMMERCE_STORE_HASH!,
    netsuiteAccountId: env.NETSUITE_ACCOUNT_ID ?? '',
    ...(env.DYNAMODB_ENDPOINT ? { dynamodbEndpoint: env.DYNAMODB_ENDPOINT } : {}),
    ...(env.SQS_ENDPOINT ? { sqsEndpoint: env.SQS_ENDPOINT } : {}),
    env,
  };
}
