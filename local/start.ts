/**
 * `npm start`: the sync on a laptop, on embedded defaults. Starts DynamoDB Local and the two API
 * simulators, seeds the demo store, loads the SKU map, syncs every demo order through the same code the
 * Lambda worker runs, and prints what happened to each order. Nothing is left running afterwards.
 */
import { randomUUID } from 'node:crypto';
import { SyncError } from '../functions/core/errors.ts';
import { refreshSkuMap } from '../functions/core/refresh-sku-map.ts';
import { syncOrder } from '../functions/core/sync-order.ts';
import { loadConfig } from '../functions/shared/config.ts';
import { createSyncContext } from '../functions/shared/sync-context.ts';
import { startDynamoDbLocal } from './engines/dynamodb-local.ts';
import { startSimulatedEnvironment } from './simulated-environment.ts';
import { demoCatalog, demoStore } from './simulators/bigcommerce/fixtures/demo-store.ts';

interface Row {
  order: number;
  result: string;
  salesOrder: string;
  detail: string;
}

async function main(): Promise<void> {
  const cleanups: Array<() => Promise<void>> = [];
  const shutdown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  process.once('SIGINT', () => void shutdown().then(() => process.exit(130)));
  process.once('SIGTERM', () => void shutdown().then(() => process.exit(143)));

  try {
    console.log('Starting DynamoDB Local and the BigCommerce and NetSuite simulators…');
    const dynamodb = await startDynamoDbLocal();
    cleanups.push(dynamodb.stop);
    const environment = await startSimulatedEnvironment({ dynamodbEndpoint: dynamodb.endpoint });
    cleanups.push(environment.close);
    const { bc, ns } = environment;

    for (const product of demoCatalog) ns.addItem({ itemId: product.sku, displayName: product.name });
    // One shopper NetSuite already knows, so the demo shows matching as well as creating.
    ns.addCustomer({ email: 'dana.whitfield@example.com', firstName: 'Dana', lastName: 'Whitfield', isPerson: true });
    const orderIds = bc.addOrders(demoStore);

    const config = loadConfig({ ...environment.env, SYNC_TIME_ZONE: 'America/Chicago' });
    const context = createSyncContext(config);
    const loaded = await refreshSkuMap(context);
    console.log(`SKU map loaded from NetSuite: ${loaded.items} items in ${loaded.pages} page(s).`);
    console.log(`Syncing ${orderIds.length} demo orders (trigger statuses: ${config.sync.triggerStatusIds.join(', ')})…\n`);

    const rows: Row[] = [];
    for (const orderId of orderIds) {
      const started = Date.now();
      try {
        const outcome = await syncOrder(orderId, { ...context, workerId: `local-${randomUUID()}` });
        if (outcome.status === 'skipped') {
          rows.push({ order: orderId, result: 'skipped', salesOrder: '', detail: outcome.reason });
        } else {
          const record = ns.salesOrders().find((order) => order.id === outcome.salesOrderId);
          rows.push({
            order: orderId,
            result: outcome.status === 'synced' ? 'synced' : 'already synced',
            salesOrder: outcome.salesOrderId,
            detail: `${plural(record?.lines.length ?? 0, "line")}, customer ${record?.entity ?? "?"}, ${Date.now() - started} ms`,
          });
        }
      } catch (error) {
        const kind = error instanceof SyncError && error.retryable ? 'failed (will retry)' : 'failed';
        rows.push({ order: orderId, result: kind, salesOrder: '', detail: error instanceof Error ? error.message : String(error) });
      }
    }

    printTable(rows);
    const customers = ns.customers();
    console.log(`\nNetSuite now holds ${ns.salesOrders().length} sales orders and ${customers.length} customers.`);
    console.log('Run it again any time: every run starts from a fresh simulated store.');
    process.exitCode = rows.some((row) => row.result.startsWith('failed')) ? 1 : 0;
  } finally {
    await shutdown();
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function printTable(rows: Row[]): void {
  const headers: Row = { order: 'Order' as unknown as number, result: 'Result', salesOrder: 'Sales order', detail: 'Detail' };
  const all = [headers, ...rows];
  const width = (key: keyof Row) => Math.max(...all.map((row) => String(row[key]).length));
  const widths = { order: width('order'), result: width('result'), salesOrder: width('salesOrder') };
  const line = (row: Row) =>
    `${String(row.order).padEnd(widths.order)}  ${row.result.padEnd(widths.result)}  ${row.salesOrder.padEnd(widths.salesOrder)}  ${row.detail}`;
  console.log(line(headers));
  console.log('-'.repeat(widths.order + widths.result + widths.salesOrder + 40));
  for (const row of rows) console.log(line(row));
}

await main();
