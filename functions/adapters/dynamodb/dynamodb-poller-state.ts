/**
 * The poller's lease and cursors, kept in the ledger table. The lease is a conditional write with an
 * expiry, so a crashed run blocks the next one only until its lease runs out.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PollerCursor, PollerState } from '../../core/ports.ts';
import { DynamoDbTable } from './dynamodb-table.ts';

export const POLLER_KEY_PREFIX = 'poller#';
/** The fulfilment poller's own lease and cursor, beside the order poller's. */
export const FULFILMENT_POLLER_KEY_PREFIX = 'fulfilment-poller#';

export class DynamoDbPollerState extends DynamoDbTable implements PollerState {
  /** Where this poller's lease and cursors live in the table (each poller has its own prefix). */
  protected readonly keyPrefix: string = POLLER_KEY_PREFIX;
  private get leaseKey(): string {
    return `${this.keyPrefix}lease`;
  }
  /** A cursor per trigger status, and one for the refund sweep. */
  private cursorKey(statusId: number | 'refunds'): string {
    return `${this.keyPrefix}cursor#${statusId}`;
  }

  async acquireLease(owner: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: this.leaseKey, owner, leaseExpiresAt: now + leaseMs },
          ConditionExpression: 'attribute_not_exists(pk) OR leaseExpiresAt < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now, ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async releaseLease(owner: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: this.leaseKey },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error; // someone took over an expired lease
    }
  }

  async getCursor(statusId: number | 'refunds'): Promise<PollerCursor | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: this.cursorKey(statusId) }, ConsistentRead: true }));
    if (!result.Item) return undefined;
    return { at: new Date(Number(result.Item.cursorMs)), recent: (result.Item.recent as Record<string, number> | undefined) ?? {} };
  }

  async advanceCursor(statusId: number | 'refunds', cursor: PollerCursor): Promise<void> {
    const to = cursor.at.getTime();
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: this.cursorKey(statusId) },
          UpdateExpression: 'SET cursorMs = :to, cursorIso = :iso, recent = :recent, updatedAt = :now',
          ConditionExpression: 'attribute_not_exists(cursorMs) OR cursorMs <= :to',
          ExpressionAttributeValues: { ':to': to, ':iso': cursor.at.toISOString(), ':recent': cursor.recent, ':now': new Date(this.now()).toISOString() },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error; // already further on
    }
  }
}

/** The fulfilment poller's lease and its one cursor (status id 0), under their own keys. */
export class DynamoDbFulfilmentPollerState extends DynamoDbPollerState {
  protected override readonly keyPrefix: string = FULFILMENT_POLLER_KEY_PREFIX;
}
