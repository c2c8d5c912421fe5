/**
 * The poller's lease and cursors, kept in the ledger table. The lease is a conditional write with an
 * expiry, so a crashed run blocks the next one only until its lease runs out.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PollerCursor, PollerState } from '../../core/ports.ts';
import { DynamoDbTable } from './dynamodb-table.ts';

export const POLLER_KEY_PREFIX = 'poller#';
const LEASE_KEY = `${POLLER_KEY_PREFIX}lease`;
const cursorKey = (statusId: number | 'refunds') => `${POLLER_KEY_PREFIX}cursor#${statusId}`;

export class DynamoDbPollerState extends DynamoDbTable implements PollerState {
  async acquireLease(owner: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: LEASE_KEY, owner, leaseExpiresAt: now + leaseMs },
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
          Key: { pk: LEASE_KEY },
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
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: cursorKey(statusId) }, ConsistentRead: true }));
    if (!result.Item) return undefined;
    return { at: new Date(Number(result.Item.cursorMs)), recent: (result.Item.recent as Record<string, number> | undefined) ?? {} };
  }

  async advanceCursor(statusId: number | 'refunds', cursor: PollerCursor): Promise<void> {
    const to = cursor.at.getTime();
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: cursorKey(statusId) },
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
