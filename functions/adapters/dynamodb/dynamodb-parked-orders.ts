/**
 * Orders parked for missing SKUs, as one map in one ledger item (`parked#orders`): the SKU refresh reads it in
 * a single request instead of scanning the ledger. A map of order id → SKUs stays far below DynamoDB's 400 KB
 * item limit for any realistic backlog (thousands of orders).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ParkedOrders } from '../../core/ports.ts';
import { DynamoDbTable } from './dynamodb-table.ts';

export const PARKED_KEY_PREFIX = 'parked#';
export const HELD_KEY_PREFIX = 'held#';

export class DynamoDbParkedOrders extends DynamoDbTable implements ParkedOrders {
  /** The one item holding the map; the held orders of an open circuit use the same shape under their own key. */
  protected readonly key: { pk: string } = { pk: `${PARKED_KEY_PREFIX}orders` };

  async park(orderId: number, skus: string[]): Promise<void> {
    const names = { '#id': String(orderId) };
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key,
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
        await this.db.send(
          new PutCommand({ TableName: this.tableName, Item: { ...this.key, orders: { [orderId]: skus } }, ConditionExpression: 'attribute_not_exists(pk)' }),
        );
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
          Key: this.key,
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
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: this.key, ConsistentRead: true }));
    const orders = (result.Item?.orders ?? {}) as Record<string, string[]>;
    return Object.entries(orders).map(([orderId, skus]) => ({ orderId: Number(orderId), skus }));
  }
}

/** Orders held while a circuit is open (their messages deleted, so none burns receives); the poller requeues them. */
export class DynamoDbHeldOrders extends DynamoDbParkedOrders {
  protected override readonly key = { pk: `${HELD_KEY_PREFIX}orders` };
}
