/**
 * E-mail → NetSuite customer id, kept in the ledger table so a returning shopper costs no NetSuite lookup.
 * Entries expire after a month, so customers merged in NetSuite are looked up afresh eventually; a sales
 * order rejected for its customer drops the entry at once.
 */
import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { normalizeEmail } from '../../core/external-ids.ts';
import type { CustomerCache } from '../../core/ports.ts';
import { DynamoDbTable } from './dynamodb-table.ts';

const TTL_SECONDS = 30 * 24 * 3600;

export class DynamoDbCustomerCache extends DynamoDbTable implements CustomerCache {
  async get(email: string): Promise<string | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: key(email) } }));
    const item = result.Item;
    if (!item || Number(item.expiresAt) <= this.now() / 1000) return undefined;
    return String(item.customerId);
  }

  async put(email: string, customerId: string): Promise<void> {
    const expiresAt = Math.ceil(this.now() / 1000) + TTL_SECONDS;
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: key(email), customerId, expiresAt } }));
  }

  async forget(email: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: key(email) } }));
  }
}

/**
 * A hash of the normalised address, never the address itself: the ledger table is backed up (PITR), and a cache
 * key has no need to be readable. Entries written under raw addresses by earlier versions simply miss and expire.
 */
function key(email: string): string {
  return `customer#${createHash('sha256').update(normalizeEmail(email)).digest('hex')}`;
}
