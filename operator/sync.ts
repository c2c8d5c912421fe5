/**
 * `npm run sync -- --since <ISO date> [--until <ISO date>] [--status <ids or names>] [--dry-run]`
 *
 * One-shot backfill: every order in the given statuses modified in the window goes through the same sync
 * core the worker runs, and a per-order report is printed. Exits 1 when any order failed, 2 on bad arguments.
 * Honours the same environment variables as the functions; without BigCommerce and NetSuite credentials it
 * runs against the simulators seeded with the demo store. With them, the ledger is a deployed stack's when AWS
 * credentials (or --stack) are present, where the orders are enqueued for the deployed worker (--in-process syncs
 * here against the deployed tables); otherwise a local ledger that persists in .local-data/ (--data-dir). `--dry-run` resolves customers and items and
 * prints the sales orders it would create, writing nothing to NetSuite or BigCommerce.
 */
import pLimit from 'p-limit';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { SyncError } from '../functions/core/errors.ts';
import { orderKey } from '../functions/core/external-ids.ts';
import { modifiedOrders } from '../functions/core/modified-orders.ts';
import { parseStatusList } from '../functions/core/order-statuses.ts';
import { refreshSkuMap } from '../functions/core/refresh-sku-map.ts';
import { planSalesOrder, syncOrder } from '../functions/core/sync-order.ts';
import { loadConfig } from '../functions/common/config.ts';
import { createSyncContext } from '../functions/common/sync-context.ts';
import { startDynamoDbLocal } from '../local/engines/dynamodb-local.ts';
import { createSqsClient } from '../functions/adapters/sqs/sqs-client.ts';
import { SqsOrderQueue } from '../functions/adapters/sqs/sqs-order-queue.ts';
import { chooseLedger, LedgerUnavailable, type LedgerTarget } from './ledger-target.ts';
import { hasRealCredentials } from '../local/runtime/local-stack.ts';
import { printOrderReport, type OrderReportRow } from '../local/runtime/order-report.ts';
import { parseDateArg, usageFailure } from './cli-args.ts';
import { startSimulatedEnvironment } from '../local/simulated-environment.ts';
import { demoStore } from '../local/simulators/bigcommerce/fixtures/demo-store.ts';
import { demoTaxSetup, seedDemoAccount } from '../local/simulators/netsuite/fixtures/demo-account.ts';

const fail: (message: string) => never = usageFailure(
  'sync',
  '--since <ISO date> [--until <ISO date>] [--status 11,"Awaiting Shipment"] [--dry-run] [--stack <name>] [--in-process] [--data-dir <folder>]',
);
const parseDate = (text: string | undefined, name: string) => parseDateArg(text, name, fail);

let args;
try {
  args = parseArgs({
    options: {
      since: { type: 'string' },
      until: { type: 'string' },
      status: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      stack: { type: 'string' },
      'in-process': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
    },
  }).values;
} catch (error) {
  fail((error as Error).message);
}
const since = parseDate(args.since, 'since') ?? fail('--since is required');
const until = parseDate(args.until, 'until');
if (until && until < since) fail('--until is before --since');
let statusIds: number[] | undefined;
try {
  statusIds = args.status === undefined ? undefined : parseStatusList(args.status);
} catch (error) {
  fail((error as Error).message);
}
const dryRun = args['dry-run'];

const cleanups: Array<() => Promise<void>> = [];
let exitCode: number;
try {
  let env: Record<string, string | undefined> = process.env;
  if (!hasRealCredentials(process.env)) {
    console.log('No BigCommerce/NetSuite credentials in the environment: running against the simulators with the demo store.');
    const dynamodb = await startDynamoDbLocal();
    cleanups.push(dynamodb.stop);
    const simulated = await startSimulatedEnvironment({ dynamodbEndpoint: dynamodb.endpoint, netsuite: demoTaxSetup });
    cleanups.push(simulated.close);
    const settings = seedDemoAccount(simulated.ns);
    simulated.bc.addOrders(demoStore);
    env = { ...simulated.env, ...settings };
  }
  let target: LedgerTarget | undefined;
  if (hasRealCredentials(process.env)) {
    // Which ledger, decided (and reached) before any BigCommerce or NetSuite call.
    try {
      target = await chooseLedger({
        ...(args.stack ? { stack: args.stack } : {}),
        env: process.env,
        ...(args['data-dir'] ? { dataDir: args['data-dir'] } : {}),
      });
    } catch (error) {
      if (!(error instanceof LedgerUnavailable)) throw error;
      console.error(`npm run sync: no ledger: ${error.message}`);
      process.exit(2);
    }
    if (target.kind === 'local') cleanups.push(target.stop);
    env = { ...process.env, ...target.env };
    console.log(`Ledger: ${target.describe}.`);
  }
  const config = loadConfig(env);
  const context = createSyncContext(config);
  if (!hasRealCredentials(process.env)) await refreshSkuMap(context);
  const statuses = statusIds ?? config.sync.triggerStatusIds;
  const startedAt = new Date().toISOString();
  const settings = { ...config.sync, triggerStatusIds: statuses };

  const found = new Set<number>(); // an order can appear under two statuses while it moves
  for (const statusId of statuses) {
    for await (const page of modifiedOrders(context.lister, { since, ...(until ? { until } : {}), statusId })) {
      for (const order of page.orders) found.add(order.orderId);
    }
  }
  const orderIds = [...found];
  console.log(
    `${orderIds.length} order(s) modified since ${since.toISOString()}${until ? ` until ${until.toISOString()}` : ''} in status ${statuses.join(', ')}${dryRun ? ' (dry run: nothing is written)' : ''}.\n`,
  );

  if (target?.kind === 'deployed' && !args['in-process'] && !dryRun) {
    // The deployed worker syncs them, paced by the stack's NetSuite budget, and the ledger it shares keeps it exactly once.
    const receivedAt = new Date().toISOString();
    const queue = new SqsOrderQueue(createSqsClient({ region: target.region }), target.ordersQueueUrl);
    await queue.enqueue(orderIds.map((orderId) => ({ storeHash: config.sync.storeHash, orderId, source: 'backfill' as const, receivedAt })));
    console.log(`Enqueued ${orderIds.length} order(s) into ${target.ordersQueueUrl}: the deployed worker syncs them (orders already synced cost nothing).`);
    process.exit(0);
  }

  const limit = pLimit(config.netsuite.concurrency);
  const rows: OrderReportRow[] = await Promise.all(
    orderIds.map((orderId) =>
      limit(async (): Promise<OrderReportRow> => {
        const key = orderKey(config.sync.storeHash, orderId);
        if (!dryRun) {
          await syncOrder(orderId, { ...context, settings, workerId: `backfill-${randomUUID()}` }).catch(() => undefined); // the ledger records why
          return { orderId, entry: await context.ledger.get(key) };
        }
        try {
          const plan = await planSalesOrder(orderId, { ...context, settings }, { dryRun: true });
          if ('skipped' in plan) return { orderId, entry: { orderKey: key, state: 'skipped', attempts: 0, skipReason: plan.skipped }, result: 'would skip' };
          const { draft } = plan;
          const customer = plan.customer.via === 'would_create' ? `a new customer ${plan.customer.email}` : `customer ${plan.customer.customerId}`;
          const goods = draft.lines.reduce((sum, line) => sum + Math.round(line.amount * 100), 0) / 100;
          const extras = [draft.shippingCost ? `shipping ${draft.shippingCost}` : '', draft.discount ? `discount ${draft.discount.amount}` : ''].filter(
            Boolean,
          );
          return {
            orderId,
            entry: { orderKey: key, state: 'synced', attempts: 0 },
            result: 'would sync',
            detail: `${draft.externalId} for ${customer}: ${draft.lines.length} line(s), ${goods.toFixed(2)}${extras.length ? ` + ${extras.join(', ')}` : ''}, tranDate ${draft.tranDate}`,
          };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          return {
            orderId,
            entry: { orderKey: key, state: 'failed', attempts: 0, lastErrorMessage: message },
            detail: `${error instanceof SyncError ? error.name : 'Error'}: ${message}`,
          };
        }
      }),
    ),
  );
  printOrderReport(rows.sort((a, b) => a.orderId - b.orderId));
  const earlier = rows.filter((row) => row.entry?.syncedAt !== undefined && row.entry.syncedAt < startedAt).length;
  if (!dryRun && earlier > 0)
    console.log(`${earlier} order(s) were synced by an earlier run and cost no NetSuite request now (${target?.describe ?? "this run's ledger"}).`);
  exitCode = rows.some((row) => row.entry?.state === 'failed' || row.entry === undefined) ? 1 : 0;
} catch (error) {
  console.error(`npm run sync failed: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}
process.exit(exitCode);
