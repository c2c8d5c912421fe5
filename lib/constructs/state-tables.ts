/**
 * The ledger and SKU map tables, built from the definitions the local runtime also uses
 * (functions/adapters/dynamodb/table-definitions.ts): on demand, point-in-time recovery, TTL, and kept when
 * the stack is deleted (the ledger is what makes every order sync exactly once).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { ledgerTable, skuMapTable, type TableDefinition } from '../../functions/adapters/dynamodb/table-definitions.ts';

function buildTable(scope: Construct, id: string, definition: TableDefinition): Table {
  return new Table(scope, id, {
    partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: definition.timeToLiveAttribute,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

export class StateTables extends Construct {
  /** Orders, the customer cache, the poller's lease and cursor, the notifier's alert markers. */
  readonly ledger: Table;
  readonly skuMap: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.ledger = buildTable(this, 'Ledger', ledgerTable);
    this.skuMap = buildTable(this, 'SkuMap', skuMapTable);
  }
}
