/**
 * The order ledger on DynamoDB. Conditional writes make the claim atomic: exactly one worker holds an
 * order's lease at a time, and a synced order is never claimed again.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BookedTotals } from '../../core/build-sales-order.ts';
import { SYNCED_STATES, type AttemptFailure, type ClaimResult, type DriftComponent, type LedgerEntry, type OrderLedger, type ReconciliationLedger, type SyncedOrder } from '../../core/ports.ts';
import { RECONCILE_INDEX } from './table-definitions.ts';
import { DynamoDbTable } from './dynamodb-table.ts';

export class DynamoDbLedger extends DynamoDbTable implements OrderLedger, ReconciliationLedger {
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
            'attribute_not_exists(pk) OR (NOT #state IN (:synced, :reconciled, :drift) AND (attribute_not_exists(leaseExpiresAt) OR leaseExpiresAt < :now OR leaseOwner = :owner))',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':inProgress': 'in_progress',
            ':synced': 'synced',
            ':reconciled': 'reconciled',
            ':drift': 'synced_with_drift',
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
      return SYNCED_STATES.has(entry.state) ? { outcome: 'already_synced', entry } : { outcome: 'busy', entry };
    }
  }

  async markSynced(orderKey: string, owner: string, salesOrderId: string, booked: BookedTotals): Promise<void> {
    const iso = new Date(this.now()).toISOString();
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: orderKey },
        // reconcileState puts the order in the reconciler's index; money in `booked` is in ten-thousandths.
        UpdateExpression:
          'SET #state = :synced, salesOrderId = :id, syncedAt = :iso, updatedAt = :iso, lastSyncedBy = :owner, booked = :booked, reconcileState = :pending ' +
          'REMOVE leaseOwner, leaseExpiresAt, missingSkus',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':synced': 'synced', ':id': salesOrderId, ':iso': iso, ':owner': owner, ':booked': booked, ':pending': 'pending' },
      }),
    );
  }

  async listPending(limit: number, syncedBefore: Date): Promise<SyncedOrder[]> {
    return this.queryReconcileIndex('pending', { until: syncedBefore.toISOString(), limit });
  }

  async listSynced(since: Date, until: Date): Promise<SyncedOrder[]> {
    const range = { since: since.toISOString(), until: until.toISOString() };
    const states = await Promise.all((['pending', 'reconciled', 'drift'] as const).map((state) => this.queryReconcileIndex(state, range)));
    // BETWEEN includes `until`; the range is half-open so consecutive ranges never count an order twice.
    return states
      .flat()
      .filter((order) => order.syncedAt < range.until)
      .sort((a, b) => a.syncedAt.localeCompare(b.syncedAt) || a.orderId - b.orderId);
  }

  async recordReconciliation(orderKey: string, outcome: { state: 'reconciled' | 'drift'; drift: DriftComponent[] }): Promise<boolean> {
    const iso = new Date(this.now()).toISOString();
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: orderKey },
          UpdateExpression: 'SET #state = :state, reconcileState = :outcome, reconciledAt = :iso, updatedAt = :iso, drift = :drift',
          ConditionExpression: 'reconcileState = :pending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':state': outcome.state === 'reconciled' ? 'reconciled' : 'synced_with_drift',
            ':outcome': outcome.state,
            ':iso': iso,
            ':drift': outcome.drift,
            ':pending': 'pending',
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Orders in one reconciliation state synced in [since, until] (both optional), oldest first. */
  private async queryReconcileIndex(state: string, range: { since?: string; until?: string; limit?: number }): Promise<SyncedOrder[]> {
    const found: SyncedOrder[] = [];
    let startKey: Record<string, unknown> | undefined;
    const bounds =
      range.since && range.until ? 'syncedAt BETWEEN :since AND :until' : range.until ? 'syncedAt <= :until' : range.since ? 'syncedAt >= :since' : undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: RECONCILE_INDEX.name,
          KeyConditionExpression: `reconcileState = :state${bounds ? ` AND ${bounds}` : ''}`,
          ExpressionAttributeValues: {
            ':state': state,
            ...(range.since ? { ':since': range.since } : {}),
            ...(range.until ? { ':until': range.until } : {}),
          },
          ...(range.limit ? { Limit: range.limit - found.length } : {}),
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) found.push(toSyncedOrder(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey && (!range.limit || found.length < range.limit));
    return found;
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

function toSyncedOrder(item: Record<string, unknown>): SyncedOrder {
  const orderKey = String(item.pk);
  return {
    orderKey,
    orderId: Number(orderKey.split('#').at(-1)),
    salesOrderId: String(item.salesOrderId),
    syncedAt: String(item.syncedAt),
    booked: item.booked as BookedTotals,
    reconcileState: item.reconcileState as SyncedOrder['reconcileState'],
    ...(Array.isArray(item.drift) && item.drift.length > 0 ? { drift: item.drift as DriftComponent[] } : {}),
  };
}

function toEntry(orderKey: string, item: Record<string, unknown> | undefined): LedgerEntry {
  const { pk: _pk, ...rest } = item ?? {};
  return { orderKey, state: 'in_progress', attempts: 0, ...rest } as LedgerEntry;
}
