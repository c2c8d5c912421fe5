/**
 * The order ledger on DynamoDB. Conditional writes make the claim atomic: exactly one worker holds an
 * order's lease at a time, and a synced order is never claimed again.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BookedTotals } from '../../core/build-sales-order.ts';
import type { OrderSnapshot } from '../../core/order-snapshot.ts';
import { historyEvent, trimHistory } from '../../core/order-history.ts';
import {
  SYNCED_STATES,
  type AttemptFailure,
  type AppliedChanges,
  type AttemptTrail,
  type ChangeClaim,
  type ClaimResult,
  type DriftComponent,
  type HistoryEvent,
  type HistorySummary,
  type LedgerEntry,
  type OrderHistory,
  type OrderLedger,
  type ReconciliationLedger,
  type SyncedOrder,
} from '../../core/ports.ts';
import { RECONCILE_INDEX } from './table-definitions.ts';
import { DynamoDbTable } from './dynamodb-table.ts';

/** Appends to the history in the same update: `history` grows by the attempt's events (no extra round trip). */
const APPEND_HISTORY = 'history = list_append(if_not_exists(history, :noEvents), :events)';

export class DynamoDbLedger extends DynamoDbTable implements OrderLedger, ReconciliationLedger, OrderHistory {
  async claim(orderKey: string, owner: string, leaseMs: number, events: HistoryEvent[] = []): Promise<ClaimResult> {
    const now = this.now();
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: orderKey },
          UpdateExpression:
            'SET #state = :inProgress, leaseOwner = :owner, leaseExpiresAt = :expires, attempts = if_not_exists(attempts, :zero) + :one, ' +
            `createdAt = if_not_exists(createdAt, :iso), updatedAt = :iso, ${APPEND_HISTORY}`,
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
            ':noEvents': [],
            ':events': events,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      // Rarely (an order past HISTORY_LIMIT + HISTORY_TRIM_SLACK events: many failed attempts), one trimming write.
      await this.trimIfLong(orderKey, result.Attributes);
      return { outcome: 'claimed', entry: toEntry(orderKey, result.Attributes) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Lost the race or already done: read the winner's state (rare path, so one extra read is fine).
      const entry = (await this.get(orderKey))!;
      return SYNCED_STATES.has(entry.state) ? { outcome: 'already_synced', entry } : { outcome: 'busy', entry };
    }
  }

  async markSynced(
    orderKey: string,
    owner: string,
    salesOrderId: string,
    { booked, snapshot }: { booked: BookedTotals; snapshot: OrderSnapshot },
    trail: AttemptTrail = { events: [] },
  ): Promise<void> {
    const iso = new Date(this.now()).toISOString();
    const facts = trailFacts(trail);
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: orderKey },
        // reconcileState puts the order in the reconciler's index; money in `booked` is in ten-thousandths.
        UpdateExpression:
          `SET #state = :synced, salesOrderId = :id, syncedAt = :iso, updatedAt = :iso, lastSyncedBy = :owner, booked = :booked, #snapshot = :snapshot, reconcileState = :pending, ${APPEND_HISTORY}${facts.set} ` +
          'REMOVE leaseOwner, leaseExpiresAt, missingSkus, deadLetteredAt',
        ExpressionAttributeNames: { '#state': 'state', '#snapshot': 'snapshot' }, // both DynamoDB reserved words
        ExpressionAttributeValues: {
          ':synced': 'synced',
          ':id': salesOrderId,
          ':iso': iso,
          ':owner': owner,
          ':booked': booked,
          ':snapshot': snapshot,
          ':pending': 'pending',
          ':noEvents': [],
          ':events': trail.events,
          ...facts.values,
        },
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
          UpdateExpression: `SET #state = :state, reconcileState = :outcome, reconciledAt = :iso, updatedAt = :iso, drift = :drift, ${APPEND_HISTORY}`,
          ConditionExpression: 'reconcileState = :pending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':state': outcome.state === 'reconciled' ? 'reconciled' : 'synced_with_drift',
            ':outcome': outcome.state,
            ':iso': iso,
            ':drift': outcome.drift,
            ':pending': 'pending',
            ':noEvents': [],
            ':events': [
              outcome.state === 'reconciled'
                ? historyEvent('reconciler', 'reconciled', "NetSuite's totals match what BigCommerce charged, to the cent", undefined, new Date(this.now()))
                : historyEvent(
                    'reconciler',
                    'drift',
                    outcome.drift.map((part) => part.cause).join('; '),
                    { components: outcome.drift.map((part) => part.component).join(',') },
                    new Date(this.now()),
                  ),
            ],
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

  async markWriteBackDone(orderKey: string, events: HistoryEvent[] = []): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: orderKey },
        UpdateExpression: `SET writeBackDone = :true, updatedAt = :iso, ${APPEND_HISTORY}`,
        ExpressionAttributeValues: { ':true': true, ':iso': new Date(this.now()).toISOString(), ':noEvents': [], ':events': events },
      }),
    );
  }

  async append(orderKey: string, events: HistoryEvent[], marks: { deadLettered?: boolean } = {}): Promise<void> {
    if (events.length === 0) return;
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: orderKey },
          UpdateExpression: `SET ${APPEND_HISTORY}${marks.deadLettered ? ', deadLetteredAt = :iso' : ''}`,
          // Only orders the ledger knows: an event must not create an order item without a state.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':noEvents': [], ':events': events, ...(marks.deadLettered ? { ':iso': new Date(this.now()).toISOString() } : {}) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      await this.trimIfLong(orderKey, result.Attributes);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Keeps the newest HISTORY_LIMIT events and folds the rest into `historySummary`. Conditional on the history's
   * length, so an event appended meanwhile is never lost (the trim is simply left to the next write).
   */
  private async trimIfLong(orderKey: string, item: Record<string, unknown> | undefined): Promise<void> {
    const history = item?.history as HistoryEvent[] | undefined;
    const trimmed = history ? trimHistory(history, item?.historySummary as HistorySummary | undefined) : undefined;
    if (!trimmed) return;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: orderKey },
          UpdateExpression: 'SET history = :kept, historySummary = :summary',
          ConditionExpression: 'size(history) = :length',
          ExpressionAttributeValues: { ':kept': trimmed.kept, ':summary': trimmed.summary, ':length': history!.length },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async markFailed(orderKey: string, owner: string, failure: AttemptFailure, trail: AttemptTrail = { events: [] }): Promise<void> {
    await this.release(orderKey, owner, 'failed', trail, {
      lastErrorClass: failure.errorClass,
      lastErrorName: failure.errorName,
      lastErrorMessage: failure.message.slice(0, 1000),
      lastFailedAt: new Date(this.now()).toISOString(),
      missingSkus: failure.missingSkus ?? null,
    });
  }

  async markSkipped(orderKey: string, owner: string, reason: string, trail: AttemptTrail = { events: [] }): Promise<void> {
    await this.release(orderKey, owner, 'skipped', trail, { skipReason: reason });
  }

  /** Ends this worker's lease with a final state; a null field is removed. */
  private async release(
    orderKey: string,
    owner: string,
    state: 'failed' | 'skipped',
    trail: AttemptTrail,
    given: Record<string, string | string[] | null>,
  ): Promise<void> {
    const fields: Record<string, string | string[] | null> = {
      ...given,
      ...(trail.emailHash ? { emailHash: trail.emailHash } : {}),
      ...(trail.customerId ? { customerId: trail.customerId } : {}),
      // The attempt after a redrive clears the mark; a new dead letter sets it again.
      deadLetteredAt: null,
    };
    const names = Object.keys(fields).filter((name) => fields[name] !== null);
    const removed = Object.keys(fields).filter((name) => fields[name] === null);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: orderKey },
          UpdateExpression: `SET #state = :state, updatedAt = :iso, ${APPEND_HISTORY}, ${names.map((name) => `${name} = :${name}`).join(', ')} REMOVE ${['leaseOwner', 'leaseExpiresAt', ...removed].join(', ')}`,
          // Only the lease holder may; a taken-over order belongs to its new worker.
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':state': state,
            ':iso': new Date(this.now()).toISOString(),
            ':owner': owner,
            ':noEvents': [],
            ':events': trail.events,
            ...Object.fromEntries(names.map((name) => [`:${name}`, fields[name]])),
          },
        }),
      );
    } catch (failure) {
      if (!(failure instanceof ConditionalCheckFailedException)) throw failure;
    }
  }

  async claimChange(orderKey: string, owner: string, leaseMs: number, messageId?: string): Promise<ChangeClaim> {
    const now = this.now();
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: orderKey },
          // A lease of its own, so the order keeps its synced state (and its place in the indexes) meanwhile.
          UpdateExpression: 'SET changeLeaseOwner = :owner, changeLeaseExpiresAt = :expires, changeAttempt = :attempt',
          ConditionExpression:
            '#state IN (:synced, :reconciled, :drift) AND (attribute_not_exists(changeLeaseExpiresAt) OR changeLeaseExpiresAt < :now OR changeLeaseOwner = :owner)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':synced': 'synced',
            ':reconciled': 'reconciled',
            ':drift': 'synced_with_drift',
            ':owner': owner,
            ':expires': now + leaseMs,
            ':now': now,
            ':attempt': { at: new Date(now).toISOString(), ...(messageId ? { messageId } : {}) },
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { outcome: 'claimed', entry: toEntry(orderKey, result.Attributes) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const entry = await this.get(orderKey);
      return entry && SYNCED_STATES.has(entry.state) ? { outcome: 'busy', entry } : { outcome: 'not_synced', ...(entry ? { entry } : {}) };
    }
  }

  async renewChange(orderKey: string, owner: string, leaseMs: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: orderKey },
          UpdateExpression: 'SET changeLeaseExpiresAt = :expires',
          // Still its holder: a lease that ran out is kept unless another worker took it meanwhile (updates to one
          // item are serialised, so this and a rival's claim cannot both succeed). Ended leases are gone.
          ConditionExpression: 'changeLeaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner, ':expires': this.now() + leaseMs },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async finishChange(orderKey: string, owner: string, applied: AppliedChanges, events: HistoryEvent[]): Promise<void> {
    const iso = new Date(this.now()).toISOString();
    const set: Record<string, unknown> = {
      ...(applied.snapshot ? { '#snapshot': applied.snapshot } : {}),
      // New totals go back to the reconciler: NetSuite recomputes tax and totals after every edit.
      ...(applied.booked ? { booked: applied.booked, reconcileState: 'pending', '#state': 'synced', syncedAt: iso } : {}),
      ...(applied.refunds ? { refunds: applied.refunds } : {}),
      ...(applied.deposits ? { deposits: applied.deposits } : {}),
      ...(applied.failure ? { changeFailure: applied.failure } : {}),
    };
    const names = Object.keys(set);
    const placeholder = (name: string) => `:${name.replace('#', '')}`;
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: orderKey },
          UpdateExpression:
            `SET updatedAt = :iso, ${APPEND_HISTORY}${names.map((name) => `, ${name} = ${placeholder(name)}`).join('')} ` +
            `REMOVE changeLeaseOwner, changeLeaseExpiresAt, changeAttempt${applied.failure ? '' : ', changeFailure'}`,
          ConditionExpression: 'changeLeaseOwner = :owner',
          ...(names.some((name) => name.startsWith('#'))
            ? {
                ExpressionAttributeNames: Object.fromEntries(names.filter((name) => name.startsWith('#')).map((name) => [name, name.slice(1)])),
              }
            : {}),
          ExpressionAttributeValues: {
            ':iso': iso,
            ':owner': owner,
            ':noEvents': [],
            ':events': events,
            ...Object.fromEntries(names.map((name) => [placeholder(name), set[name]])),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      await this.trimIfLong(orderKey, result.Attributes);
    } catch (error) {
      // Taken over after this worker's lease ran out: the new holder re-reads NetSuite and applies the same change.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async get(orderKey: string): Promise<LedgerEntry | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: orderKey }, ConsistentRead: true }));
    return result.Item ? toEntry(orderKey, result.Item) : undefined;
  }
}

/** The facts an attempt learned (e-mail hash, customer id), as SET clauses for its update. */
function trailFacts(trail: AttemptTrail): { set: string; values: Record<string, string> } {
  const facts = { ...(trail.emailHash ? { emailHash: trail.emailHash } : {}), ...(trail.customerId ? { customerId: trail.customerId } : {}) };
  return {
    set: Object.keys(facts)
      .map((name) => `, ${name} = :${name}`)
      .join(''),
    values: Object.fromEntries(Object.entries(facts).map(([name, value]) => [`:${name}`, value])),
  };
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
