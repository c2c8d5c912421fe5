import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What every DynamoDB-backed store holds: the document client, its table, and a clock tests can set. */
export abstract class DynamoDbTable {
  protected readonly db: DynamoDBDocumentClient;
  protected readonly tableName: string;
  protected readonly now: () => number;

  constructor(db: DynamoDBDocumentClient, tableName: string, now: () => number = Date.now) {
    this.db = db;
    this.tableName = tableName;
    this.now = now;
  }
}
