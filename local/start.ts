/**
 * `npm start`: the whole pipeline on a laptop. Starts the local stack (DynamoDB Local, the SQS emulator, the
 * webhook on localhost, the poller on a timer, the worker draining the queue), and, on embedded defaults,
 * the BigCommerce and NetSuite simulators with a demo store: it places the demo orders, whose webhooks
 * flow through the queue into NetSuite, and prints what happened to each order.
 *
 *   npm start                 keep running after the demo (Ctrl-C stops everything)
 *   npm start -- --once       exit after the demo report (non-zero if an order failed)
 *   --webhook-port, --dynamodb-port, --sqs-port, --bigcommerce-port, --netsuite-port   fixed ports (default: free ones)
 *   --poll-interval-seconds   how often the poller runs (default 60)
 *   --reconcile-interval-seconds   how often the reconciler checks NetSuite's totals (default 900, as in AWS)
 *   --fulfillment-poll-interval-seconds   how often NetSuite item fulfilments become BigCommerce shipments (default 300, as in AWS)
 *   --console-port            the operator console's port on 127.0.0.1 (default: a free one)
 *
 * With BIGCOMMERCE_* and NETSUITE_* set, it runs the same pipeline against the real APIs (poller only:
 * BigCommerce cannot deliver webhooks to localhost), on a deployed stack's ledger (`--stack`, or AWS credentials
 * present) or on a local one that persists in .local-data/.
 */
import { parseArgs } from 'node:util';

// Before the handlers load: their JSON logs and metrics would drown the demo's report.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR'; // failures show in the report and the Slack sink; POWERTOOLS_LOG_LEVEL=INFO shows every decision
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const { orderKey } = await import('../functions/core/external-ids.ts');
const { SALES_ORDER_STATUS_NAMES } = await import('../functions/core/model.ts');
const { demoStore } = await import('./simulators/bigcommerce/fixtures/demo-store.ts');
const { demoTaxSetup, seedDemoAccount } = await import('./simulators/netsuite/fixtures/demo-account.ts');
const { hasRealCredentials, startLocalStack } = await import('./runtime/local-stack.ts');
const { printOrderReport } = await import('./runtime/order-report.ts');
const { shipInNetSuite } = await import('./runtime/warehouse.ts');
const { startLocalConsole } = await import('../operator/console/local-console.ts');
const { removeLocalTarget, writeLocalTarget } = await import('../operator/backend/target.ts');
type LocalStack = import('./runtime/local-stack.ts').LocalStack;
type OrderReportRow = import('./runtime/order-report.ts').OrderReportRow;

const { values } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    'webhook-port': { type: 'string' },
    'dynamodb-port': { type: 'string' },
    'sqs-port': { type: 'string' },
    'bigcommerce-port': { type: 'string' },
    'netsuite-port': { type: 'string' },
    'poll-interval-seconds': { type: 'string', default: '60' },
    'reconcile-interval-seconds': { type: 'string', default: '900' },
    'fulfillment-poll-interval-seconds': { type: 'string', default: '300' },
    stack: { type: 'string' },
    'console-port': { type: 'string' },
  },
});

/** Left out of the simulated NetSuite at first, so the demo shows a failure, its alert, and its healing. */
const MISSING_SKU = 'GIFTSET-COFFEE';

function port(name: 'webhook-port' | 'dynamodb-port' | 'sqs-port' | 'bigcommerce-port' | 'netsuite-port' | 'console-port'): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`--${name} must be a port number, got "${text}"`);
    process.exit(2);
  }
  return value;
}

let stack: LocalStack | undefined;
let ledger: import('../operator/ledger-target.ts').LedgerTarget | undefined;
let consoleServer: { close(): Promise<void> } | undefined;
let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    removeLocalTarget();
    await consoleServer?.close();
    await stack?.stop();
    if (ledger?.kind === 'local') await ledger.stop();
  }
  process.exit(code);
}
process.once('SIGINT', () => void shutdown(130));
process.once('SIGTERM', () => void shutdown(143));

const real = hasRealCredentials(process.env);
console.log(
  real ? 'Starting the local stack against the real BigCommerce and NetSuite APIs…' : 'Starting the local stack with the BigCommerce and NetSuite simulators…',
);
// With real APIs, the same ledger rules as `npm run sync`: a deployed stack's, or one that persists locally.
if (real) {
  const { chooseLedger, LedgerUnavailable } = await import('../operator/ledger-target.ts');
  try {
    ledger = await chooseLedger({ ...(values.stack ? { stack: values.stack } : {}), env: process.env });
  } catch (error) {
    if (!(error instanceof LedgerUnavailable)) throw error;
    console.error(`npm start: no ledger: ${error.message}`);
    process.exit(2);
  }
  console.log(`  ledger    ${ledger.describe}`);
}
stack = await startLocalStack({
  ...(ledger ? { ledger: ledger.env } : {}),
  // The demo store's orders are from 2025: let the poller's first run look back far enough to see them.
  env: real ? process.env : { POLLER_INITIAL_LOOKBACK_HOURS: String(3 * 365 * 24), WEBHOOK_SECRET: process.env.WEBHOOK_SECRET },
  ports: {
    webhook: port('webhook-port'),
    dynamodb: port('dynamodb-port'),
    sqs: port('sqs-port'),
    bigcommerce: port('bigcommerce-port'),
    netsuite: port('netsuite-port'),
  },
  pollIntervalMs: Number(values['poll-interval-seconds']) * 1000,
  notifyIntervalMs: 60_000,
  reconcileIntervalMs: Number(values['reconcile-interval-seconds']) * 1000,
  fulfilmentPollIntervalMs: Number(values['fulfillment-poll-interval-seconds']) * 1000,
  simulator: { netsuite: demoTaxSetup },
  seed: ({ ns }) => seedDemoAccount(ns, { skip: [MISSING_SKU] }),
});
console.log(`  webhook   POST ${stack.webhookUrl}  with header ${stack.env.WEBHOOK_SECRET_HEADER ?? 'x-webhook-secret'}: ${stack.webhookSecret}`);
console.log(`  queue     ${stack.queues.ordersQueueUrl}`);
console.log(`  poller    every ${values['poll-interval-seconds']} s, trigger statuses ${stack.config.sync.triggerStatusIds.join(', ')}`);
console.log(`  reconciler every ${values['reconcile-interval-seconds']} s`);
console.log(`  fulfilments every ${values['fulfillment-poll-interval-seconds']} s: NetSuite item fulfilments → BigCommerce shipments`);
// The operator's console on this stack (as `npm run console -- --stack <name>` is on a deployed one), and a note
// of where this stack is for `npm run status` and `npm run console` in another terminal.
const consoleAt = await startLocalConsole(stack, { port: port('console-port') });
consoleServer = consoleAt;
writeLocalTarget({ ...consoleAt.target, consoleUrl: consoleAt.url });
console.log(`  console   ${consoleAt.url}`);

if (stack.simulated) {
  const { bc, ns } = stack.simulated;
  const report = async (orderIds: number[]) => {
    const rows: OrderReportRow[] = [];
    for (const [index, orderId] of orderIds.entries()) {
      const entry = await stack!.context.ledger.get(orderKey(stack!.config.sync.storeHash, orderId));
      const salesOrder = ns.salesOrders().find((order) => order.id === entry?.salesOrderId);
      rows.push({ orderId, entry, lines: salesOrder?.lines.length, note: demoStore[index]?.note });
    }
    printOrderReport(rows);
    return rows;
  };

  console.log(`\nPlacing ${demoStore.length} demo orders in the simulated store; their webhooks drive the pipeline…`);
  console.log(`(NetSuite has no item for ${MISSING_SKU} yet, to show what a failure looks like.)`);
  const started = Date.now();
  const orderIds = bc.addOrders(demoStore);
  await stack.settle();
  console.log(`All webhooks processed in ${Date.now() - started} ms. Running the poller once as the safety net…`);
  const poll = await stack.pollNow();
  await stack.worker.waitForIdle();
  console.log(`Poller found ${poll.enqueued} order(s) in trigger statuses; the ledger made re-syncing them free.`);
  const alerts = await stack.notifyNow();
  console.log(`Dead-letter notifier: ${alerts.announced} Slack alert(s):`);
  for (const text of stack.slack?.texts() ?? []) console.log(`  🔔 ${text}`);
  console.log('');
  await report(orderIds);

  console.log(`\nNow the item ${MISSING_SKU} is created in NetSuite, and the SKU refresh (nightly in AWS) runs…`);
  ns.addItem({ itemId: MISSING_SKU, displayName: 'Coffee Lover Gift Set' });
  const refresh = await stack.refreshSkusNow();
  await stack.worker.waitForIdle();
  console.log(`It loaded ${refresh.items} items and re-enqueued the parked order(s) ${refresh.requeued.join(', ') || '(none)'}.\n`);
  await report(orderIds);

  console.log("\nThe reconciler (every 15 minutes in AWS) compares NetSuite's own totals with what BigCommerce charged…");
  const reconciled = await stack.reconcileNow();
  console.log(
    `It checked ${reconciled.checked} sales order(s) with ${reconciled.netsuiteQueries} SuiteQL quer${reconciled.netsuiteQueries === 1 ? 'y' : 'ies'}: ${reconciled.reconciled} reconciled, ${reconciled.drifted.length} with drift.`,
  );
  for (const text of (stack.slack?.texts() ?? []).slice(alerts.announced)) console.log(`  🔔 ${text}`);
  console.log('');
  console.log('\nAfter the sales orders exist, the store keeps changing: a shopper cancels an order, another has a quantity edited…');
  const [cancelled, edited] = [orderIds[0]!, orderIds[2]!];
  const editedLine = bc.getOrderProducts(edited)[0]!;
  bc.setStatus(cancelled, 5); // fires store/order/updated and store/order/statusUpdated
  bc.editOrder(edited, { products: [{ id: editedLine.id, quantity: editedLine.quantity + 1 }] });
  await stack.settle();
  for (const orderId of [cancelled, edited]) {
    const entry = await stack.context.ledger.get(orderKey(stack.config.sync.storeHash, orderId));
    const salesOrder = entry?.salesOrderId ? ns.salesOrder(entry.salesOrderId) : undefined;
    const change = [...(entry?.history ?? [])].reverse().find((event) => event.source === 'lifecycle');
    console.log(
      `  order ${orderId} → sales order ${entry?.salesOrderId} is ${salesOrder ? SALES_ORDER_STATUS_NAMES[salesOrder.status] : '?'} (${salesOrder?.lines.filter((line) => line.isClosed).length ?? 0} of ${salesOrder?.lines.length ?? 0} lines closed): ${change?.detail ?? 'no change recorded'}`,
    );
  }

  console.log('');
  const rows = await report(orderIds);

  // The warehouse ships one order in NetSuite; the fulfilment poller (every 5 minutes in AWS) brings it home.
  const shippable = rows.find(
    (row) => row.orderId !== cancelled && row.orderId !== edited && row.entry?.salesOrderId && (bc.getOrder(row.orderId)?.shipping_address_count ?? 0) > 0,
  );
  if (shippable) {
    const salesOrderId = shippable.entry!.salesOrderId!;
    const trackingNumber = '1Z999AA10123456784';
    console.log(
      `\nThe warehouse ships order ${shippable.orderId} in NetSuite: an item fulfilment of sales order ${salesOrderId}, UPS tracking ${trackingNumber}…`,
    );
    const fulfilmentId = await shipInNetSuite(stack.context.netsuite, salesOrderId, { tracking: trackingNumber, carrier: 'packageUps' });
    const shipped = await stack.shipNow();
    console.log(`The fulfilment poller found item fulfilment ${fulfilmentId} and posted ${shipped.posted} shipment(s) to the store:`);
    for (const shipment of bc.shipments(shippable.orderId)) {
      const items = shipment.items.map((item) => `${item.quantity} × product ${item.order_product_id}`).join(', ');
      console.log(
        `  📦 shipment ${shipment.id}: tracking ${shipment.tracking_number || '(none)'}${shipment.shipping_provider ? ` via ${shipment.shipping_provider}` : ''}, ${items}`,
      );
    }
    const order = bc.getOrder(shippable.orderId)!;
    console.log(
      `  BigCommerce order ${shippable.orderId} is now "${order.status}", and the shopper got ${bc.shipmentEmails(shippable.orderId)} shipping e-mail.`,
    );
  }

  // After the sales order: the warehouse ships and bills one order, then the shopper is refunded one unit of it.
  const shipped = rows.find(
    (row) =>
      row.orderId !== cancelled &&
      row.orderId !== edited &&
      row.orderId !== shippable?.orderId &&
      row.entry?.salesOrderId &&
      bc.getOrderProducts(row.orderId).some((line) => line.type === 'physical'),
  );
  if (shipped) {
    const salesOrderId = shipped.entry!.salesOrderId!;
    const line = bc.getOrderProducts(shipped.orderId).find((product) => product.type === 'physical')!;
    console.log(`\nNetSuite ships and bills order ${shipped.orderId} (a cash sale); then BigCommerce refunds one "${line.name}"…`);
    try {
      ns.fulfil(salesOrderId);
      ns.bill(salesOrderId, 'cashSale');
      const items = [{ item_type: 'PRODUCT', item_id: line.id, quantity: 1 }];
      const quote = await fetch(
        `${stack.env.BIGCOMMERCE_API_URL}/stores/${stack.config.sync.storeHash}/v3/orders/${shipped.orderId}/payment_actions/refund_quotes`,
        {
          method: 'POST',
          headers: { 'X-Auth-Token': stack.env.BIGCOMMERCE_ACCESS_TOKEN!, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ items }),
        },
      );
      const amount = ((await quote.json()) as { data: { total_refund_amount: number } }).data.total_refund_amount;
      const refund = bc.refund(shipped.orderId, { items, payments: [{ provider_id: 'custom', amount, offline: true }], reason: 'demo: one returned' });
      await stack.settle();
      const credit = ns.records('cashRefund').find((record) => record.memo?.includes(`-RF${refund.id}]`));
      const entry = await stack.context.ledger.get(orderKey(stack.config.sync.storeHash, shipped.orderId));
      console.log(
        credit
          ? `BigCommerce refund ${refund.id} (${amount.toFixed(2)}) arrived as NetSuite cash refund ${credit.tranId} (${credit.total.toFixed(2)}, externalId ${credit.externalId}).`
          : `BigCommerce refund ${refund.id} was not booked: ${entry?.history?.at(-1)?.detail ?? 'see the order history'}`,
      );
      for (const event of (entry?.history ?? []).filter((item) => item.event === 'refunded')) console.log(`  history: ${event.detail}`);
    } catch (error) {
      console.log(`  (the refund demo could not run: ${(error as Error).message})`);
      const entry = await stack.context.ledger.get(orderKey(stack.config.sync.storeHash, shipped.orderId));
      for (const event of (entry?.history ?? []).slice(-6)) console.log(`  history: ${event.event} ${event.detail ?? ''}`);
    }
  }
  console.log(`\nNetSuite now holds ${ns.salesOrders().length} sales orders and ${ns.customers().length} customers.`);
  if (values.once) await shutdown(rows.some((row) => row.entry?.state === 'failed') ? 1 : 0);
}
console.log('\nRunning. Send webhooks to the URL above, or wait for the poller. Ctrl-C stops everything.');
