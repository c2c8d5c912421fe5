/**
 * The ledger and SKU map tables, built from the definitions the local runtime also uses
 * (functions/adapters/dynamodb/table-definitions.ts): on demand, point-in-time recovery, TTL, and kept when
 * the stack is deleted (the ledger is what makes every order sync exactly once).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EMAIL_INDEX, ledgerTable, skuMapTable, STATE_INDEX, type TableDefinition } from '../../functions/adapters/dynamodb/table-definitions.ts';

function buildTable(scope: Construct, id: string, definition: TableDefinition): Table {
  const table = new Table(scope, id, {
    partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: definition.timeToLiveAttribute,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const index of definition.indexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      projectionType: index.keysOnly ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
    });
  }
  return table;
}

export class StateTables extends Construct {
  /** Orders, the customer cache, the poller's lease and cursor, the notifier's alert markers. */
  readonly ledger: Table;
  readonly skuMap: Table;

  /** `consoleIndexes`: how many of the console's indexes to build (CloudFormation adds one index per update). */
  constructor(scope: Construct, id: string, options: { consoleIndexes?: number } = {}) {
    super(scope, id);
    const consoleIndexes: readonly string[] = [STATE_INDEX.name, EMAIL_INDEX.name].slice(0, options.consoleIndexes ?? 2);
    const left = new Set<string>([STATE_INDEX.name, EMAIL_INDEX.name].filter((name) => !consoleIndexes.includes(name)));
    this.ledger = buildTable(this, 'Ledger', { ...ledgerTable, indexes: (ledgerTable.indexes ?? []).filter((index) => !left.has(index.name)) });
    this.skuMap = buildTable(this, 'SkuMap', skuMapTable);
  }

  /**
   * Item reads and writes on one table, and queries on the named indexes only. Table.grantReadWriteData would
   * also grant every index (`index/*`) and scans, which no function needs.
   */
  grantItems(grantee: IGrantable, table: Table, indexes: readonly string[] = [], options: { scan?: boolean } = {}): Grant {
    return Grant.addToPrincipal({
      grantee,
      // Scan only for the nightly SKU refresh's clean-up of items gone from NetSuite.
      actions: options.scan ? [...ITEM_ACTIONS, 'dynamodb:Scan'] : ITEM_ACTIONS,
      resourceArns: [table.tableArn, ...indexes.map((index) => `${table.tableArn}/index/${index}`)],
    });
  }

  /**
   * Item access to the ledger limited to items whose key starts with one of `prefixes` (`dynamodb:LeadingKeys`): a
   * function that keeps its own state in the shared ledger cannot read or change orders, customers or the rest.
   */
  grantLedgerItems(grantee: IGrantable, prefixes: readonly string[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ITEM_ACTIONS,
        resources: [this.ledger.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((prefix) => `${prefix}*`) } },
      }),
    );
  }
}

const ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:DescribeTable',
];
