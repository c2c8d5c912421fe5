/**
 * `npm run bench -- --orders N --concurrency-limit C --latency-ms L`
 *
 * Runs N orders through the local runtime (BigCommerce webhook → the webhook handler → SQS → the worker) with
 * the simulated NetSuite account limited to C concurrent requests and taking L ms per record write, and
 * reports throughput against NetSuite's ceiling (C × 1000 / L orders per second, at one write per order),
 * requests per order, 429s, webhook-to-sales-order latency, and the worker bundle's size and cold load time.
 * The reconciler runs on its timer meanwhile (`--reconcile-interval-seconds`, default 30; 900 in AWS): the bench
 * reports its NetSuite requests per order and the seconds from sync to reconciled.
 * Shoppers are known to NetSuite and the SKU map is warm: the steady state a live store is in.
 */
import { parseArgs } from 'node:util';

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const { orderKey } = await import('../functions/core/external-ids.ts');
const { SYNCED_STATES } = await import('../functions/core/ports.ts');
const { ordersQueue } = await import('../functions/adapters/sqs/queue-definitions.ts');
const { startLocalStack } = await import('../local/runtime/local-stack.ts');
const { integerArg, percentile, printTable } = await import('./stats.ts');
const { measureWorkerBundle } = await import('./worker-bundle.ts');

const { values } = parseArgs({
  options: {
    orders: { type: 'string' },
    'concurrency-limit': { type: 'string' },
    'latency-ms': { type: 'string' },
    workers: { type: 'string' },
    'reconcile-interval-seconds': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const orders = integerArg(values, 'orders', 300);
const limit = integerArg(values, 'concurrency-limit', 5);
const latencyMs = integerArg(values, 'latency-ms', 250);
/** Concurrent worker invocations (the event source's maximum concurrency). */
const workers = integerArg(values, 'workers', 4);
const reconcileIntervalSeconds = integerArg(values, 'reconcile-interval-seconds', 30);

const skus = Array.from({ length: 25 }, (_, index) => `BENCH-${String(index + 1).padStart(3, '0')}`);
const shoppers = Array.from({ length: 50 }, (_, index) => `shopper${index}@example.com`);

const stack = await startLocalStack({
  maxConcurrency: workers,
  reconcileIntervalMs: reconcileIntervalSeconds * 1000,
  // One process holds every worker here, so one budget of C requests covers them all.
  env: { NETSUITE_CONCURRENCY: String(limit), BIGCOMMERCE_PAGE_SIZE: '250' },
  // The workers get C; the account allows one more for the reconciler, whose slot the stack's budget also sets apart.
  simulator: { concurrencyLimit: limit + 1, rateLimit: { quota: 1_000_000, windowMs: 30_000 } },
  seed: ({ ns }) => {
    for (const sku of skus) ns.addItem({ itemId: sku });
    for (const email of shoppers) ns.addCustomer({ email, firstName: 'Bench', lastName: 'Shopper', isPerson: true });
  },
});
try {
  const { bc, ns } = stack.simulated!;
  ns.server.setLatency({ method: 'POST', path: '/services/rest/record/' }, latencyMs);
  ns.server.setLatency({ path: '/services/rest/query/' }, Math.min(200, Math.round(latencyMs / 5)));
  ns.server.resetLog();
  bc.server.resetLog();

  console.log(
    `Placing ${orders} orders (NetSuite: ${limit} concurrent requests for the workers and 1 for the reconciler, ${latencyMs} ms per write; ${workers} worker invocations × batch ${ordersQueue.batchSize})…`,
  );
  const placedAt = new Map<number, number>();
  const started = Date.now();
  for (let index = 0; index < orders; index++) {
    const lines = Array.from({ length: 1 + (index % 3) }, (_, line) => ({
      sku: skus[(index + line * 7) % skus.length]!,
      quantity: 1 + (line % 2),
      priceExTax: '9.9900',
    }));
    const email = shoppers[index % shoppers.length]!;
    const orderId = bc.addOrder({
      billing: { firstName: 'Bench', lastName: 'Shopper', street1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', countryIso2: 'US', email },
      lines,
    });
    placedAt.set(orderId, Date.now());
  }
  await bc.flushWebhooks();
  await stack.worker.waitForIdle({ timeoutMs: 3_600_000 });

  const latencies: number[] = [];
  let lastSynced = started;
  let unsynced = 0;
  for (const [orderId, placed] of placedAt) {
    const entry = await stack.context.ledger.get(orderKey(stack.config.sync.storeHash, orderId));
    if (!entry || !SYNCED_STATES.has(entry.state) || !entry.syncedAt) {
      unsynced += 1;
      continue;
    }
    const synced = Date.parse(entry.syncedAt);
    latencies.push(synced - placed);
    lastSynced = Math.max(lastSynced, synced);
  }
  const seconds = (lastSynced - started) / 1000;
  // The sync's own NetSuite cost, before the reconciler's queries join the log.
  const nsRequests = ns.server.count({ path: '/services/rest/record/' }) + ns.server.count({ path: '/services/rest/query/' });

  // The reconciler keeps running on its timer until every synced order has been checked.
  const reconcileDeadline = Date.now() + (reconcileIntervalSeconds * 3 + 60) * 1000;
  const toReconcile = [...placedAt.keys()];
  const reconciledAfter: number[] = [];
  let unreconciled = toReconcile.length;
  while (Date.now() < reconcileDeadline) {
    reconciledAfter.length = 0;
    unreconciled = 0;
    for (const orderId of toReconcile) {
      const entry = await stack.context.ledger.get(orderKey(stack.config.sync.storeHash, orderId));
      if (!entry?.reconciledAt || !entry.syncedAt) unreconciled += 1;
      else reconciledAfter.push(Date.parse(entry.reconciledAt) - Date.parse(entry.syncedAt));
    }
    if (unreconciled === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await stack.stopSchedules();
  const reconcileQueries = stack.reconcileRuns.reduce((sum, run) => sum + run.netsuiteQueries, 0);
  const reconciledOrders = stack.reconcileRuns.reduce((sum, run) => sum + run.checked, 0);
  const tooMany = ns.server.log.filter((entry) => entry.status === 429).length;
  const ceiling = (limit * 1000) / latencyMs;
  const throughput = latencies.length / seconds;
  const bundle = await measureWorkerBundle();

  const result = {
    orders,
    synced: latencies.length,
    unsynced,
    salesOrders: ns.salesOrders().length,
    concurrencyLimit: limit,
    latencyMs,
    seconds: Number(seconds.toFixed(2)),
    ordersPerSecond: Number(throughput.toFixed(2)),
    ceilingOrdersPerSecond: Number(ceiling.toFixed(2)),
    ratioToCeiling: Number((throughput / ceiling).toFixed(3)),
    netsuiteRequestsPerOrder: Number((nsRequests / orders).toFixed(3)),
    bigcommerceRequestsPerOrder: Number((bc.server.count() / orders).toFixed(3)),
    netsuite429s: tooMany,
    netsuite429Rate: Number((tooMany / Math.max(1, nsRequests + tooMany)).toFixed(4)),
    netsuitePeakConcurrency: ns.peakConcurrency,
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    reconcilerRuns: stack.reconcileRuns.length,
    reconcilerNetsuiteRequestsPerOrder: Number((reconcileQueries / Math.max(1, reconciledOrders)).toFixed(4)),
    unreconciled,
    syncToReconciledP50Seconds: Number((percentile(reconciledAfter, 50) / 1000).toFixed(1)),
    syncToReconciledMaxSeconds: Number((Math.max(0, ...reconciledAfter) / 1000).toFixed(1)),
    workerBundleBytes: bundle.bytes,
    workerColdLoadMs: Number(bundle.coldLoadMs.toFixed(1)),
  };
  printTable('Throughput benchmark', [
    ['orders synced', `${result.synced} of ${orders} (${result.salesOrders} sales orders in NetSuite)`],
    ['orders per second', `${result.ordersPerSecond} (ceiling ${result.ceilingOrdersPerSecond} = ${limit} × 1000 / ${latencyMs} ms)`],
    ['ratio to ceiling', `${(result.ratioToCeiling * 100).toFixed(1)} %`],
    ['NetSuite requests/order', String(result.netsuiteRequestsPerOrder)],
    ['BigCommerce requests/order', String(result.bigcommerceRequestsPerOrder)],
    ['NetSuite 429s', `${tooMany} (${(result.netsuite429Rate * 100).toFixed(2)} % of NetSuite requests; peak ${result.netsuitePeakConcurrency} in flight)`],
    ['webhook → sales order', `p50 ${result.latencyP50Ms} ms, p95 ${result.latencyP95Ms} ms`],
    [
      'reconciler',
      `${reconcileQueries} SuiteQL quer${reconcileQueries === 1 ? 'y' : 'ies'} for ${reconciledOrders} orders in ${stack.reconcileRuns.length} runs every ${reconcileIntervalSeconds} s = ${result.reconcilerNetsuiteRequestsPerOrder} NetSuite requests per order`,
    ],
    [
      'sync → reconciled',
      `p50 ${result.syncToReconciledP50Seconds} s, max ${result.syncToReconciledMaxSeconds} s (every ${reconcileIntervalSeconds} s here; 900 s in AWS)${unreconciled ? `; ${unreconciled} not reconciled` : ''}`,
    ],
    ['worker bundle', `${(bundle.bytes / 1024).toFixed(0)} KiB minified, cold load ${result.workerColdLoadMs} ms`],
  ]);
  console.log(`\n${JSON.stringify(result)}`);
  process.exitCode = unsynced === 0 && unreconciled === 0 ? 0 : 1;
} finally {
  await stack.stop();
}
