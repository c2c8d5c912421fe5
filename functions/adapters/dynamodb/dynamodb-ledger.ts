/**
 * The order ledger on DynamoDB. Conditional writes make the claim atomic: exactly one worker holds an
 * order's lease at a time, and a synced order is never claimed again.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttemptFailure, ClaimResult, LedgerEntry, OrderLedger } from '../../core/ports.ts';
import { DynamoDbTable } from './dynamodb-table.ts';

export class DynamoDbLedger extends DynamoDbTable implements OrderLedger {
  async claim(orderKey: string, owner: string, leaseMs: number): Promise<ClaimResult> {
    const now = this.now();
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: orderKey },
          UpdateExpression:
            'SET #state = :inProgress, leaseOwner = :owner, leaseExpiresAt = :expires, attempts = if_not_exists(attempts, :zero) + :one, ' +
            'createdAt = if_not_exists(createdAt, :iso), updatedAt = :iso',
          ConditionExpression:
            'attribute_not_exists(pk) OR (#state <> :synced AND (attribute_not_exists(leaseExpiresAt) OR leaseExpiresAt < :now OR leaseOwner = :owner))',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':inProgress': 'in_progress',
            ':synced': 'synced',
            ':owner': owner,
            ':expires': now + leaseMs,
            ':now': now,
            ':zero': 0,
            ':one': 1,
            ':iso': new Date(now).toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { outcome: 'claimed', entry: toEntry(orderKey, result.Attributes) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Lost the race or already done: read the winner's state (rare path, so one extra read is fine).
      const entry = (await this.get(orderKey))!;
      return entry.state === 'synced' ? { outcome: 'already_synced', entry } : { outcome: 'busy', entry };
    }
  }

  async markSynced(orderKey: string, owner: string, salesOrderId: string): Promise<void> {
    const iso = new Date(this.now()).toISOString();
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: orderKey },
        UpdateExpression: 'SET #state = :synced, salesOrderId = :id, syncedAt = :iso, updatedAt = :iso, lastSyncedBy = :owner REMOVE leaseOwner, leaseExpiresAt, missingSkus',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':synced': 'synced', ':id': salesOrderId, ':iso': iso, ':owner': owner },
      }),
    );
  }

  async markWriteBackDone(orderKey: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: orderKey },
        UpdateExpression: 'SET writeBackDone = :true, updatedAt = :iso',
        ExpressionAttributeValues: { ':true': true, ':iso': new Date(this.now()).toISOString() },
      }),
    );
  }

  async markFailed(orderKey: string, owner: string, failure: AttemptFailure): Promise<void> {
    await this.release(orderKey, owner, 'failed', {
      lastErrorClass: failure.errorClass,
      lastErrorName: failure.errorName,
      lastErrorMessage: failure.message.slice(0, 1000),
      lastFailedAt: new Date(this.now()).toISOString(),
      missingSkus: failure.missingSkus ?? null,
    });
  }

  async markSkipped(orderKey: string, owner: string, reason: string): Promise<void> {
    await this.release(orderKey, owner, 'skipped', { skipReason: reason });
  }

  /** Ends this worker's lease with a final state; a null field is removed. */
  private async release(orderKey: string, owner: string, state: 'failed' | 'skipped', fields: Record<string, string | string[] | null>): Promise<void> {
    const names = Object.keys(fields).filter((name) => fields[name] !== null);
    const removed = Object.keys(fields).filter((name) => fields[name] === null);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: orderKey },
          UpdateExpression: `SET #state = :state, updatedAt = :iso, ${names.map((name) => `${name} = :${name}`).join(', ')} REMOVE ${['leaseOwner', 'leaseExpiresAt', ...removed].join(', ')}`,
          // Only the lease holder may; a taken-over order belongs to its new worker.
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':state': state,
            ':iso': new Date(this.now()).toISOString(),
            ':owner': owner,
            ...Object.fromEntries(names.map((name) => [`:${name}`, fields[name]])),
          },
        }),
      );
    } catch (failure) {
      if (!(failure instanceof ConditionalCheckFailedException)) throw failure;
    }
  }

  async get(orderKey: string): Promise<LedgerEntry | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: orderKey }, ConsistentRead: true }));
    return result.Item ? toEntry(orderKey, result.Item) : undefined;
  }
}

function toEntry(orderKey: string, item: Record<string, unknown> | undefined): LedgerEntry {
  const { pk: _pk, ...rest } = item ?? {};
  return { orderKey, state: 'in_progress', attempts: 0, ...rest } as LedgerEntry;
}
