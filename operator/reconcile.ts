/**
 * `npm run reconcile -- --since <ISO date> [--until <ISO date>] [--csv]`
 *
 * The reconciler's check on demand: first the scheduled run's work (every pending order in the ledger is compared
 * with NetSuite's totals, marked reconciled or synced_with_drift, and drift is alerted once), then a report of
 * every order synced in the window, per order and per day, from NetSuite's totals as they are now. `--csv` writes
 * the per-order rows as CSV on stdout for finance (the day totals go to stderr). Exits 1 when any order in the
 * window drifts, 2 on bad arguments.
 *
 * Honours the same environment variables as the functions (NETSUITE_*, LEDGER_TABLE, SLACK_WEBHOOK_URL); without
 * NetSuite credentials it runs against the simulators: the demo store is synced first, then reconciled.
 */
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '../functions/adapters/dynamodb/dynamodb-client.ts';
import { DynamoDbLedger } from '../functions/adapters/dynamodb/dynamodb-ledger.ts';
import { dailyTotals, reconcileOrders, reconciliationReport, reportCsv } from '../functions/core/reconcile-orders.ts';
import type { DriftAlerter } from '../functions/core/ports.ts';
import { syncOrder } from '../functions/core/sync-order.ts';
import { refreshSkuMap } from '../functions/core/refresh-sku-map.ts';
import { loadConfig, loadReconcilerConfig } from '../functions/common/config.ts';
import { createSyncContext } from '../functions/common/sync-context.ts';
import { reconcilerDepsFromConfig } from '../functions/reconciler.ts';
import { startDynamoDbLocal } from '../local/engines/dynamodb-local.ts';
import { printTable } from '../local/runtime/print-table.ts';
import { parseDateArg, usageFailure } from './cli-args.ts';
import { startSimulatedEnvironment } from '../local/simulated-environment.ts';
import { demoStore } from '../local/simulators/bigcommerce/fixtures/demo-store.ts';
import { demoTaxSetup, seedDemoAccount } from '../local/simulators/netsuite/fixtures/demo-account.ts';

const fail: (message: string) => never = usageFailure('reconcile', '--since <ISO date> [--until <ISO date>] [--csv]');
const parseDate = (text: string | undefined, name: string) => parseDateArg(text, name, fail);

let args;
try {
  args = parseArgs({ options: { since: { type: 'string' }, until: { type: 'string' }, csv: { type: 'boolean', default: false } } }).values;
} catch (error) {
  fail((error as Error).message);
}
const since = parseDate(args.since, 'since') ?? fail('--since is required');
const untilArg = parseDate(args.until, 'until');
if (untilArg && untilArg < since) fail('--until is before --since');
// With --csv, stdout carries only the CSV.
const say = args.csv ? (...parts: unknown[]) => console.error(...parts) : (...parts: unknown[]) => console.log(...parts);

/** Without Slack configured, drift is announced here. */
const consoleAlerter: DriftAlerter = {
  sendDrift: async (alert) => say(`🔔 order ${alert.orderId} (sales order ${alert.salesOrderId}): ${alert.drift.map((part) => part.cause).join('; ')}`),
};

const cleanups: Array<() => Promise<void>> = [];
let exitCode = 0;
try {
  let env: Record<string, string | undefined> = process.env;
  if (!process.env.NETSUITE_ACCOUNT_ID) {
    say('No NetSuite credentials in the environment: syncing the demo store into the simulators, then reconciling it.');
    const dynamodb = await startDynamoDbLocal();
    cleanups.push(dynamodb.stop);
    const simulated = await startSimulatedEnvironment({ dynamodbEndpoint: dynamodb.endpoint, netsuite: demoTaxSetup });
    cleanups.push(simulated.close);
    env = { ...simulated.env, ...seedDemoAccount(simulated.ns) };
    const context = createSyncContext(loadConfig(env));
    await refreshSkuMap(context);
    for (const orderId of simulated.bc.addOrders(demoStore)) await syncOrder(orderId, { ...context, workerId: `demo-${randomUUID()}` }).catch(() => undefined);
  }
  const slack = Boolean(env.SLACK_WEBHOOK_URL);
  const config = loadReconcilerConfig({ SLACK_WEBHOOK_URL: 'https://hooks.slack.invalid/unused', ...env });
  const deps = { ...reconcilerDepsFromConfig(config), ...(slack ? {} : { alerter: consoleAlerter }), minAgeMs: 0 };
  say(
    `Ledger: table ${config.aws.ledgerTable}${config.aws.dynamodbEndpoint ? ` at ${config.aws.dynamodbEndpoint}` : ` in ${config.aws.region}`}; drift alerts ${slack ? 'to Slack' : 'printed here'}.`,
  );

  const run = await reconcileOrders({ ...deps, owner: `reconcile-cli-${randomUUID()}` });
  say(
    `Checked ${run.checked} pending order(s) with ${run.netsuiteQueries} SuiteQL quer${run.netsuiteQueries === 1 ? 'y' : 'ies'}: ${run.reconciled} reconciled, ${run.drifted.length} with drift.`,
  );
  if (run.alertFailures > 0) say(`${run.alertFailures} drift alert(s) could not be sent; those orders stay pending.`);

  const ledger = new DynamoDbLedger(createDocumentClient({ region: config.aws.region, endpoint: config.aws.dynamodbEndpoint }), config.aws.ledgerTable);
  const until = untilArg ?? new Date(); // now, after the check above synced and reconciled
  const synced = await ledger.listSynced(since, until);
  const rows = await reconciliationReport(synced, deps.erp);
  say(`\n${rows.length} order(s) synced from ${since.toISOString()} to ${until.toISOString()}:\n`);
  if (args.csv) process.stdout.write(reportCsv(rows));
  else
    printTable(
      ['Date', 'Order', 'Sales order', 'State', 'Currency', 'BigCommerce', 'NetSuite', 'Difference', 'Why'],
      rows.map((row) => [
        row.date,
        row.orderId,
        row.salesOrderId,
        row.state,
        row.currency,
        row.bigcommerceTotal,
        row.netsuiteTotal,
        row.difference,
        row.components,
      ]),
    );
  say('\nPer day:\n');
  const days = dailyTotals(rows).map((day) => [day.date, day.currency, day.orders, day.drifted, day.bigcommerceTotal, day.netsuiteTotal, day.difference]);
  printTable(['Date', 'Currency', 'Orders', 'Drifted', 'BigCommerce', 'NetSuite', 'Difference'], days, say);
  if (rows.some((row) => row.state === 'drift')) exitCode = 1;
} catch (error) {
  console.error(`npm run reconcile failed: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}
process.exit(exitCode);
