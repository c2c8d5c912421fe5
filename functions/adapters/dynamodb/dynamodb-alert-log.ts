/**
 * What has been announced, in the ledger table (`alert#<key>`, expiring by TTL). A claim is a conditional
 * write, so the alarm-triggered run and the scheduled sweep never announce the same thing twice; a claim
 * left by a run that died mid-send goes stale after five minutes and is taken over.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertLog } from '../../core/ports.ts';
import { DynamoDbTable } from './dynamodb-table.ts';

const STALE_CLAIM_MS = 5 * 60_000;
export const ALERT_KEY_PREFIX = 'alert#';
const itemKey = (key: string) => ({ pk: `${ALERT_KEY_PREFIX}${key}` });

export class DynamoDbAlertLog extends DynamoDbTable implements AlertLog {
  async claim(key: string, owner: string, ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...itemKey(key), alertState: 'sending', owner, claimedAt: now, expiresAt: Math.ceil(now / 1000) + ttlSeconds },
          // Expired markers count as absent: DynamoDB's TTL deletes them only eventually.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :nowSeconds OR (alertState = :sending AND claimedAt < :stale)',
          ExpressionAttributeValues: { ':sending': 'sending', ':stale': now - STALE_CLAIM_MS, ':nowSeconds': Math.floor(now / 1000) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async markSent(key: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: itemKey(key),
        UpdateExpression: 'SET alertState = :sent, sentAt = :iso',
        ExpressionAttributeValues: { ':sent': 'sent', ':iso': new Date(this.now()).toISOString() },
      }),
    );
  }

  async release(key: string, owner: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: itemKey(key),
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
