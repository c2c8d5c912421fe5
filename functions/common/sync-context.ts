/**
 * The composition root: turns configuration into the adapters the sync core runs on. Handlers, the local
 * runtime, scripts and tests all build their dependencies here, so there is one way to wire the product.
 */
import { BigCommerceClient } from '../adapters/bigcommerce/bigcommerce-client.ts';
import { BigCommerceOrderSource } from '../adapters/bigcommerce/bigcommerce-order-source.ts';
import { createDocumentClient } from '../adapters/dynamodb/dynamodb-client.ts';
import { DynamoDbCustomerCache } from '../adapters/dynamodb/dynamodb-customer-cache.ts';
import { DynamoDbLedger } from '../adapters/dynamodb/dynamodb-ledger.ts';
import { DynamoDbCircuits } from '../adapters/dynamodb/dynamodb-circuits.ts';
import { DynamoDbHeldOrders, DynamoDbParkedOrders } from '../adapters/dynamodb/dynamodb-parked-orders.ts';
import { DynamoDbSkuMap } from '../adapters/dynamodb/dynamodb-sku-map.ts';
import { createNetSuiteAuth } from '../adapters/netsuite/netsuite-auth.ts';
import { NetSuiteClient } from '../adapters/netsuite/netsuite-client.ts';
import { NetSuiteErp } from '../adapters/netsuite/netsuite-erp.ts';
import { MAX_PROBE_INTERVAL_MS, type CircuitGuardOptions } from '../core/circuit.ts';
import type { CircuitStore, OrderLister, ParkedOrders } from '../core/ports.ts';
import type { SyncDeps } from '../core/sync-order.ts';
import type { AppConfig } from './config.ts';
import type { RetryPolicy } from './retry.ts';

export interface SyncContext extends Omit<SyncDeps, 'workerId'> {
  bigcommerce: BigCommerceClient;
  netsuite: NetSuiteClient;
  /** Lists modified orders for backfills (the same BigCommerce adapter as `source`). */
  lister: OrderLister;
  /** The global circuits, and the orders held while one is open. */
  circuits: CircuitStore;
  held: ParkedOrders;
  circuitOptions: CircuitGuardOptions;
}

/** The NetSuite client and the Erp port on it, for every function that talks to NetSuite. */
export function createNetSuite(
  config: AppConfig['netsuite'],
  options: { retry?: RetryPolicy; oneWorld?: boolean } = {},
): { netsuite: NetSuiteClient; erp: NetSuiteErp } {
  const netsuite = new NetSuiteClient({
    apiUrl: config.apiUrl,
    auth: createNetSuiteAuth(config.auth, config.accountId, config.apiUrl, config.timeoutMs),
    concurrency: config.concurrency,
    timeoutMs: config.timeoutMs,
    retry: options.retry,
  });
  return { netsuite, erp: new NetSuiteErp(netsuite, { skuField: config.skuField, priceLevel: config.priceLevel, oneWorld: options.oneWorld ?? false }) };
}

export function createSyncContext(config: AppConfig, options: { retry?: RetryPolicy } = {}): SyncContext {
  const db = createDocumentClient({ region: config.aws.region, endpoint: config.aws.dynamodbEndpoint });
  const bigcommerce = new BigCommerceClient({ ...config.bigcommerce, retry: options.retry });
  // A subsidiary to book in means OneWorld: customers are matched by the subsidiaries they may transact in.
  const { netsuite, erp } = createNetSuite(config.netsuite, { ...options, oneWorld: config.sync.subsidiaryId !== undefined });
  const orders = new BigCommerceOrderSource(bigcommerce, config.bigcommerce.storeHash, config.bigcommerce.pageSize);
  return {
    bigcommerce,
    netsuite,
    source: orders,
    lister: orders,
    erp,
    skuMap: new DynamoDbSkuMap(db, config.aws.skuMapTable),
    customers: new DynamoDbCustomerCache(db, config.aws.ledgerTable),
    ledger: new DynamoDbLedger(db, config.aws.ledgerTable),
    parked: new DynamoDbParkedOrders(db, config.aws.ledgerTable),
    circuits: new DynamoDbCircuits(db, config.aws.ledgerTable),
    held: new DynamoDbHeldOrders(db, config.aws.ledgerTable),
    circuitOptions: { firstProbeMs: config.sync.circuitFirstProbeMs, maxProbeIntervalMs: MAX_PROBE_INTERVAL_MS },
    settings: config.sync,
  };
}
