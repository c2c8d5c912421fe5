/**
 * The SKU map on DynamoDB: one BatchGetItem per 100 SKUs (an order costs one round trip, never one per
 * line), batch writes for the nightly bulk load, and negative entries that DynamoDB's TTL removes.
 */
import { BatchGetCommand, BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SkuLookup, SkuMapStore } from '../../core/ports.ts';
import { DynamoDbTable } from './dynamodb-table.ts';

const READ_BATCH = 100; // BatchGetItem's limit
const WRITE_BATCH = 25; // BatchWriteItem's limit

export class DynamoDbSkuMap extends DynamoDbTable implements SkuMapStore {
  async get(skus: string[]): Promise<Map<string, SkuLookup>> {
    const found = new Map<string, SkuLookup>();
    const nowSeconds = this.now() / 1000;
    for (let start = 0; start < skus.length; start += READ_BATCH) {
      let keys: Array<Record<string, unknown>> = skus.slice(start, start + READ_BATCH).map((sku) => ({ sku }));
      for (let round = 0; keys.length > 0; round++) {
        if (round > 0) await sleep(Math.min(1000, 50 * 2 ** round)); // throttled: back off, then fetch the rest
        const result = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
        for (const item of result.Responses?.[this.tableName] ?? []) {
          // TTL deletes lazily (up to days later), so an expired negative entry is treated as never seen.
          if (item.missing === true && Number(item.expiresAt) <= nowSeconds) continue;
          found.set(
            String(item.sku),
            item.missing === true ? { missing: true, ...(item.reason ? { reason: String(item.reason) } : {}) } : { itemId: String(item.itemId) },
          );
        }
        keys = (result.UnprocessedKeys?.[this.tableName]?.Keys as Array<Record<string, unknown>> | undefined) ?? [];
      }
    }
    return found;
  }

  async put(entries: Array<{ sku: string; itemId: string }>): Promise<void> {
    const refreshedAt = new Date(this.now()).toISOString();
    await this.write(entries.map(({ sku, itemId }) => ({ sku, itemId, refreshedAt })));
  }

  async putMissing(entries: Array<{ sku: string; reason?: string }>, ttlSeconds: number): Promise<void> {
    const expiresAt = Math.ceil(this.now() / 1000) + ttlSeconds;
    await this.write(entries.map(({ sku, reason }) => ({ sku, missing: true, expiresAt, ...(reason ? { reason } : {}) })));
  }

  async forget(skus: string[]): Promise<void> {
    await this.writeRequests([...new Set(skus)].filter((sku) => sku !== '').map((sku) => ({ DeleteRequest: { Key: { sku } } })));
  }

  /**
   * The nightly refresh's clean-up: one scan of the SKU map (never on an order's path), deleting item entries
   * older than this refresh. Negative entries are left to their TTL.
   */
  async removeNotRefreshedSince(since: Date): Promise<number> {
    const stale: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          ProjectionExpression: 'sku',
          FilterExpression: 'attribute_exists(itemId) AND (attribute_not_exists(refreshedAt) OR refreshedAt < :since)',
          ExpressionAttributeValues: { ':since': since.toISOString() },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) stale.push(String(item.sku));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    await this.forget(stale);
    return stale.length;
  }

  private async write(items: Array<Record<string, unknown>>): Promise<void> {
    // BatchWriteItem refuses two requests for one key in a batch: the first entry for a SKU wins (callers list
    // items oldest first, and the oldest item is the one a SKU maps to).
    const bySku = new Map<string, Record<string, unknown>>();
    for (const item of items) if (!bySku.has(String(item.sku))) bySku.set(String(item.sku), item);
    await this.writeRequests([...bySku.values()].map((Item) => ({ PutRequest: { Item } })));
  }

  private async writeRequests(all: Array<Record<string, unknown>>): Promise<void> {
    for (let start = 0; start < all.length; start += WRITE_BATCH) {
      let requests = all.slice(start, start + WRITE_BATCH);
      for (let round = 0; requests.length > 0; round++) {
        if (round > 0) await sleep(Math.min(1000, 50 * 2 ** round));
        const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = (result.UnprocessedItems?.[this.tableName] as typeof requests | undefined) ?? [];
      }
    }
  }
}
