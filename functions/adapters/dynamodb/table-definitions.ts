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
}

/** Order ledger (one item per storefront order), customer id cache and, later, the poller cursor. */
export const ledgerTable: TableDefinition = { id: 'ledger', partitionKey: 'pk', timeToLiveAttribute: 'expiresAt' };

/** SKU → NetSuite item id, bulk-loaded from NetSuite; negative entries expire. */
export const skuMapTable: TableDefinition = { id: 'sku-map', partitionKey: 'sku', timeToLiveAttribute: 'expiresAt' };

export const tableDefinitions = [ledgerTable, skuMapTable] as const;
