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
  /** Global secondary indexes (string keys, all attributes projected). */
  indexes?: ReadonlyArray<{ name: string; partitionKey: string; sortKey: string }>;
}

/**
 * Synced orders by reconciliation state (pending, reconciled, drift) and sync time: the reconciler reads the
 * pending ones and reports read a time range, without scanning the ledger. Only order items carry the key.
 */
export const RECONCILE_INDEX = { name: 'by-reconcile-state', partitionKey: 'reconcileState', sortKey: 'syncedAt' } as const;

/** Order ledger (one item per storefront order), customer id cache and, later, the poller cursor. */
export const ledgerTable: TableDefinition = { id: 'ledger', partitionKey: 'pk', timeToLiveAttribute: 'expiresAt', indexes: [RECONCILE_INDEX] };

/** SKU → NetSuite item id, bulk-loaded from NetSuite; negative entries expire. */
export const skuMapTable: TableDefinition = { id: 'sku-map', partitionKey: 'sku', timeToLiveAttribute: 'expiresAt' };

export const tableDefinitions = [ledgerTable, skuMapTable] as const;
