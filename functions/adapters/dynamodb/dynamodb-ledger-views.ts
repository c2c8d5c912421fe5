/**
 * The ledger as the operator sees it (the console and `npm run status`): orders by state, newest change first, a
 * page at a time; counts; search by e-mail; one order in full. Everything goes through the keys-only by-state and
 * by-email indexes and item reads by key: nothing scans the table, so a page costs the same with 100 orders or
 * 100,000.
 */
import { BatchGetCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emailHash } from '../../core/order-history.ts';
import type { LedgerEntry, LedgerState } from '../../core/ports.ts';
import { DynamoDbTable } from './dynamodb-table.ts';
import { EMAIL_INDEX, RECONCILE_INDEX, STATE_INDEX } from './table-definitions.ts';

/** Counts stop here (see countByState). */
export const COUNT_CAP = 5_000;

export const LEDGER_STATES: readonly LedgerState[] = ['in_progress', 'synced', 'reconciled', 'synced_with_drift', 'failed', 'skipped'];

/** What a list row shows (the history is left out: it is the bulk of an item). */
export interface OrderSummary {
  orderId: number;
  orderKey: string;
  state: LedgerState;
  updatedAt: string;
  attempts: number;
  salesOrderId?: string;
  lastErrorClass?: string;
  lastErrorName?: string;
  lastErrorMessage?: string;
  missingSkus?: string[];
  skipReason?: string;
  deadLetteredAt?: string;
  drift?: LedgerEntry['drift'];
}

const SUMMARY_FIELDS = [
  'pk',
  '#state',
  'updatedAt',
  'attempts',
  'salesOrderId',
  'lastErrorClass',
  'lastErrorName',
  'lastErrorMessage',
  'missingSkus',
  'skipReason',
  'deadLetteredAt',
  'drift',
];

export interface OrderPage {
  orders: OrderSummary[];
  /** Opaque; pass back for the next page. Absent on the last page. */
  next?: string;
}

export class DynamoDbLedgerViews extends DynamoDbTable {
  private readonly storeHash: string;

  constructor(db: DynamoDBDocumentClient, tableName: string, storeHash: string) {
    super(db, tableName);
    this.storeHash = storeHash;
  }

  orderKey(orderId: number): string {
    return `order#${this.storeHash}#${orderId}`;
  }

  /** The keys-only state index, one state's partition. */
  private inState(state: LedgerState) {
    return {
      TableName: this.tableName,
      IndexName: STATE_INDEX.name,
      KeyConditionExpression: '#state = :state',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':state': state },
    };
  }

  /** One page of orders in a state, most recently changed first. */
  async listByState(state: LedgerState, options: { limit?: number; cursor?: string } = {}): Promise<OrderPage> {
    const page = await this.db.send(
      new QueryCommand({
        ...this.inState(state),
        ScanIndexForward: false,
        Limit: options.limit ?? 50,
        ExclusiveStartKey: decodeCursor(options.cursor),
      }),
    );
    const keys = (page.Items ?? []).map((item) => String(item.pk)).filter((key) => key.startsWith('order#'));
    return { orders: await this.summaries(keys), ...(page.LastEvaluatedKey ? { next: encodeCursor(page.LastEvaluatedKey) } : {}) };
  }

  /**
   * Orders in a state, counted through the keys-only index (about 100 bytes read per order), up to `cap`: the answer
   * is then `cap`, shown as "cap+" (an operator needs exact counts of the few failed or drifting orders, not of the
   * hundred thousand reconciled ones, and counting those would cost a read of the whole partition each time).
   */
  async countByState(state: LedgerState, cap = COUNT_CAP): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          ...this.inState(state),
          Select: 'COUNT',
          Limit: cap - count,
          ExclusiveStartKey: startKey,
        }),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey && count < cap);
    return count;
  }

  /** Every order of a shopper, by the hash of the normalised e-mail (newest first, up to `limit`). */
  async findByEmail(email: string, limit = 100): Promise<OrderSummary[]> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: EMAIL_INDEX.name,
        KeyConditionExpression: 'emailHash = :hash',
        ExpressionAttributeValues: { ':hash': emailHash(email) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return this.summaries((page.Items ?? []).map((item) => String(item.pk)));
  }

  /** The whole ledger entry, history included. */
  async getOrder(orderId: number): Promise<LedgerEntry | undefined> {
    const key = this.orderKey(orderId);
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: key }, ConsistentRead: true }));
    if (!result.Item) return undefined;
    const { pk: _pk, ...rest } = result.Item;
    return { orderKey: key, attempts: 0, ...rest } as LedgerEntry;
  }

  /** Sync times of the orders in one reconciliation state synced since `since` (for charts; only the time is read back). */
  async syncTimes(reconcileState: 'pending' | 'reconciled' | 'drift', since: Date): Promise<string[]> {
    const times: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: RECONCILE_INDEX.name,
          KeyConditionExpression: 'reconcileState = :state AND syncedAt >= :since',
          ExpressionAttributeValues: { ':state': reconcileState, ':since': since.toISOString() },
          ProjectionExpression: 'syncedAt',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) times.push(String(item.syncedAt));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return times;
  }

  /** Up to `max` orders of a state, page by page (for the dead-letter and failure views). */
  async listAll(state: LedgerState, max: number): Promise<OrderSummary[]> {
    const found: OrderSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listByState(state, { limit: Math.min(100, max - found.length), cursor });
      found.push(...page.orders);
      cursor = page.next;
    } while (cursor && found.length < max);
    return found;
  }

  /** Items by key, in the keys' order, without their history (BatchGetItem takes 100 keys a request). */
  private async summaries(keys: string[]): Promise<OrderSummary[]> {
    const byKey = new Map<string, Record<string, unknown>>();
    for (let start = 0; start < keys.length; start += 100) {
      let request:
        Record<string, { Keys: Array<Record<string, unknown>>; ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> }> | undefined = {
        [this.tableName]: {
          Keys: keys.slice(start, start + 100).map((pk) => ({ pk })),
          ProjectionExpression: SUMMARY_FIELDS.join(', '),
          ExpressionAttributeNames: { '#state': 'state' },
        },
      };
      for (let round = 0; request && Object.keys(request).length > 0 && round < 10; round++) {
        const result = await this.db.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of result.Responses?.[this.tableName] ?? []) byKey.set(String(item.pk), item);
        request = result.UnprocessedKeys as typeof request;
      }
    }
    return keys.flatMap((key) => {
      const item = byKey.get(key);
      return item ? [toSummary(item)] : [];
    });
  }
}

function toSummary(item: Record<string, unknown>): OrderSummary {
  const orderKey = String(item.pk);
  const { pk: _pk, ...rest } = item;
  return { attempts: 0, ...rest, orderKey, orderId: Number(orderKey.split('#').at(-1)) } as OrderSummary;
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A cursor is only ever the index's own key, with string values; anything else is ignored. */
function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!key || typeof key !== 'object' || Array.isArray(key)) return undefined;
    const entries = Object.entries(key);
    const allowed = new Set(['pk', STATE_INDEX.partitionKey, STATE_INDEX.sortKey]);
    if (entries.length === 0 || !entries.every(([name, value]) => allowed.has(name) && typeof value === 'string')) return undefined;
    return key as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
