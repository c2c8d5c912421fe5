/**
 * Orders parked for missing SKUs, as one map in one ledger item (`parked#orders`): the SKU refresh reads it in
 * a single request instead of scanning the ledger. A map of order id → SKUs stays far below DynamoDB's 400 KB
 * item limit for any realistic backlog (thousands of orders).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ParkedOrders } from '../../core/ports.ts';
import { DynamoDbTable } from './dynamodb-table.ts';

const KEY = { pk: 'parked#orders' };

export class DynamoDbParkedOrders extends DynamoDbTable implements ParkedOrders {
  async park(orderId: number, skus: string[]): Promise<void> {
    const names = { '#id': String(orderId) };
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: KEY,
          UpdateExpression: 'SET orders.#id = :skus',
          ConditionExpression: 'attribute_exists(orders)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':skus': skus },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // First parked order: create the map, unless a concurrent writer just did (then set our entry in it).
      try {
        await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...KEY, orders: { [orderId]: skus } }, ConditionExpression: 'attribute_not_exists(pk)' }));
      } catch (raced) {
        if (!(raced instanceof ConditionalCheckFailedException)) throw raced;
        await this.park(orderId, skus);
      }
    }
  }

  async unpark(orderId: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: KEY,
          UpdateExpression: 'REMOVE orders.#id',
          ConditionExpression: 'attribute_exists(orders)',
          ExpressionAttributeNames: { '#id': String(orderId) },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error; // nothing parked at all
    }
  }

  async list(): Promise<Array<{ orderId: number; skus: string[] }>> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: KEY, ConsistentRead: true }));
    const orders = (result.Item?.orders ?? {}) as Record<string, string[]>;
    return Object.entries(orders).map(([orderId, skus]) => ({ orderId: Number(orderId), skus }));
  }
}
