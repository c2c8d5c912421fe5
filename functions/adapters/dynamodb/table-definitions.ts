/**
 * The DynamoDB tables, defined once: the CDK stack and the local runtime both build from these, so the
 * tables a laptop runs against are the tables AWS gets.
 */
export interface TableDefinition {
  /** Logical name, used for construct ids and local table names. */
  id: 'ledger' | 'sku-map';
  partitionKey: string;
  /** Attribute holding an epoch-seconds expiry that DynamoDB's TTL deletes by. */
  timeToLiveAttribute: string;
  /** Global secondary indexes (string keys; all attributes projected unless `keysOnly`). */
  indexes?: ReadonlyArray<IndexDefinition>;
}

export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey: string;
  /** Only the table's and the index's keys: small index items, cheap to write and to count. */
  keysOnly?: boolean;
}

/**
 * Synced orders by reconciliation state (pending, reconciled, drift) and sync time: the reconciler reads the
 * pending ones and reports read a time range, without scanning the ledger. Only order items carry the key.
 */
export const RECONCILE_INDEX = { name: 'by-reconcile-state', partitionKey: 'reconcileState', sortKey: 'syncedAt' } as const;

/**
 * Orders by state (in_progress, synced, reconciled, synced_with_drift, failed, skipped), newest change first: the
 * console's lists and counts. Keys only, so an index item is ~100 bytes (counting 100,000 orders reads ~10 MB, and
 * a ledger write costs the index one small write); the console reads a page's items by key afterwards.
 * Only order items have a `state`.
 */
export const STATE_INDEX = { name: 'by-state', partitionKey: 'state', sortKey: 'updatedAt', keysOnly: true } as const;

/**
 * Orders by the SHA-256 of the shopper's normalised e-mail (the address itself is not stored): the console's search.
 * Sparse: only order items the worker has read carry `emailHash`.
 */
export const EMAIL_INDEX = { name: 'by-email', partitionKey: 'emailHash', sortKey: 'updatedAt', keysOnly: true } as const;

/** Order ledger (one item per storefront order), customer id cache and, later, the poller cursor. */
export const ledgerTable: TableDefinition = {
  id: 'ledger',
  partitionKey: 'pk',
  timeToLiveAttribute: 'expiresAt',
  indexes: [RECONCILE_INDEX, STATE_INDEX, EMAIL_INDEX],
};

/** SKU → NetSuite item id, bulk-loaded from NetSuite; negative entries expire. */
export const skuMapTable: TableDefinition = { id: 'sku-map', partitionKey: 'sku', timeToLiveAttribute: 'expiresAt' };

export const tableDefinitions = [ledgerTable, skuMapTable] as const;
