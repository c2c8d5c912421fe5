/**
 * Which ledger an operator command works against, decided before any BigCommerce or NetSuite call:
 *
 * - a deployed stack (`--stack <name>`, or the default stack name when AWS credentials are present): its tables and
 *   orders queue, found from the stack's outputs, so the deployed worker paces NetSuite and shares the ledger;
 * - otherwise an embedded DynamoDB Local whose data persists in `.local-data/` (git-ignored), so re-running a
 *   backfill is free and exactly-once across runs.
 *
 * An unreachable ledger fails here, with the reason, not after the first orders have been read.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ledgerTable, skuMapTable } from '../functions/adapters/dynamodb/table-definitions.ts';
import { createTables } from '../local/engines/create-tables.ts';
import { startDynamoDbLocal } from '../local/engines/dynamodb-local.ts';

export const DEFAULT_STACK_NAME = 'BcNetSuiteSync';
/** Where the embedded ledger keeps its data between runs (git-ignored). */
export const LOCAL_DATA_DIR = '.local-data/dynamodb';

export type LedgerTarget =
  | { kind: 'deployed'; stackName: string; region: string; env: Record<string, string>; ordersQueueUrl: string; describe: string }
  | { kind: 'local'; dataDir: string; env: Record<string, string>; describe: string; stop: () => Promise<void> };

/** AWS credentials the SDK would find without asking the network (environment, profile, shared files). */
export function hasAwsCredentials(env: Record<string, string | undefined>): boolean {
  if (env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_WEB_IDENTITY_TOKEN_FILE) return true;
  const home = env.HOME ?? homedir();
  const files = [env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'), env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config')];
  return files.some((file) => existsSync(file));
}

export class LedgerUnavailable extends Error {}

export async function chooseLedger(options: { stack?: string; env: Record<string, string | undefined>; dataDir?: string }): Promise<LedgerTarget> {
  const { env } = options;
  if (options.stack || hasAwsCredentials(env)) return deployedLedger(options.stack ?? DEFAULT_STACK_NAME, env);
  return localLedger(options.dataDir ?? LOCAL_DATA_DIR);
}

async function deployedLedger(stackName: string, env: Record<string, string | undefined>): Promise<LedgerTarget> {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const cloudFormation = new CloudFormationClient({ region });
  const dynamodb = new DynamoDBClient({ region });
  try {
    let outputs: Record<string, string>;
    try {
      const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
      outputs = Object.fromEntries((Stacks[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
    } catch (error) {
      throw new LedgerUnavailable(
        `cannot read the outputs of stack ${stackName} in ${region} (${error instanceof Error ? error.message : String(error)}). Deploy it, pass --stack <name> and AWS_REGION, or run without AWS credentials to use a local ledger.`,
      );
    }
    const ledger = outputs.LedgerTableName;
    const skuMap = outputs.SkuMapTableName;
    const ordersQueueUrl = outputs.OrdersQueueUrl;
    if (!ledger || !skuMap || !ordersQueueUrl)
      throw new LedgerUnavailable(`stack ${stackName} has no LedgerTableName, SkuMapTableName and OrdersQueueUrl outputs: is it a bc-netsuite-sync stack?`);
    try {
      await dynamodb.send(new DescribeTableCommand({ TableName: ledger }));
    } catch (error) {
      throw new LedgerUnavailable(
        `the ledger table ${ledger} of stack ${stackName} is not reachable with these credentials (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    return {
      kind: 'deployed',
      stackName,
      region,
      ordersQueueUrl,
      env: { LEDGER_TABLE: ledger, SKU_MAP_TABLE: skuMap, ORDERS_QUEUE_URL: ordersQueueUrl, AWS_REGION: region },
      describe: `the ledger of stack ${stackName} (table ${ledger} in ${region})`,
    };
  } finally {
    cloudFormation.destroy();
    dynamodb.destroy();
  }
}

async function localLedger(dataDir: string): Promise<LedgerTarget> {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dataDir, { recursive: true });
  let dynamodb;
  try {
    dynamodb = await startDynamoDbLocal({ dataDir });
  } catch (error) {
    throw new LedgerUnavailable(`cannot start the local ledger in ${dataDir} (${error instanceof Error ? error.message : String(error)})`);
  }
  const names = { ledger: 'bc-netsuite-sync-ledger', skuMap: 'bc-netsuite-sync-sku-map' };
  await createTables(dynamodb.endpoint, [
    { definition: ledgerTable, name: names.ledger },
    { definition: skuMapTable, name: names.skuMap },
  ]);
  return {
    kind: 'local',
    dataDir,
    env: { LEDGER_TABLE: names.ledger, SKU_MAP_TABLE: names.skuMap, DYNAMODB_ENDPOINT: dynamodb.endpoint, AWS_REGION: 'us-east-1' },
    describe: `the local ledger in ${dataDir} (DynamoDB Local; it persists between runs, so a synced order is never synced again)`,
    stop: dynamodb.stop,
  };
}
