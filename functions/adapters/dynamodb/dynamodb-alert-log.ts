/**
 * Which dead letters have been announced, in the ledger table (`alert#<messageId>`, kept 30 days). A claim is a
 * conditional write, so the alarm-triggered run and the scheduled sweep never announce the same arrival twice;
 * a claim left by a run that died mid-send goes stale after five minutes and is taken over.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertLog } from '../../core/ports.ts';
import { DynamoDbTable } from './dynamodb-table.ts';

const STALE_CLAIM_MS = 5 * 60_000;
const KEEP_SECONDS = 30 * 24 * 3600;
const key = (messageId: string) => ({ pk: `alert#${messageId}` });

export class DynamoDbAlertLog extends DynamoDbTable implements AlertLog {
  async claim(messageId: string, owner: string): Promise<boolean> {
    const now = this.now();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key(messageId), alertState: 'sending', owner, claimedAt: now, expiresAt: Math.ceil(now / 1000) + KEEP_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk) OR (alertState = :sending AND claimedAt < :stale)',
          ExpressionAttributeValues: { ':sending': 'sending', ':stale': now - STALE_CLAIM_MS },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async markSent(messageId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(messageId),
        UpdateExpression: 'SET alertState = :sent, sentAt = :iso',
        ExpressionAttributeValues: { ':sent': 'sent', ':iso': new Date(this.now()).toISOString() },
      }),
    );
  }

  async release(messageId: string, owner: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({ TableName: this.tableName, Key: key(messageId), ConditionExpression: '#owner = :owner', ExpressionAttributeNames: { '#owner': 'owner' }, ExpressionAttributeValues: { ':owner': owner } }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
