/**
 * The totals check, on the local stack (webhook → queue → worker → NetSuite, then the reconciler against the
 * simulated NetSuite's SuiteQL, the ledger in DynamoDB Local and the Slack sink), and the paid-status rules
 * driven through the webhook and the queue as BigCommerce drives them.
 */
import { orderKey } from '../../functions/core/external-ids.ts';
import { type LocalStack, type LocalStackOptions } from '../../local/runtime/local-stack.ts';
import { startTestStack } from '../support/test-stack.ts';
import { shopper } from '../support/sync-harness.ts';

let stack: LocalStack;
afterEach(async () => stack?.stop());

const TAXED = {
  taxCodes: [
    { id: '-8', name: '-Not Taxable-', rate: 0 },
    { id: '5', name: 'TX 8.25%', rate: 0.0825 },
    { id: '6', name: 'TX 9%', rate: 0.09 },
  ],
  defaultTaxCode: '5',
  shippingTaxCode: '5',
};

async function start(options: Partial<LocalStackOptions> = {}) {
  stack = await startTestStack({
    simulator: { netsuite: TAXED },
    seed: ({ ns }) => {
      ns.addItem({ itemId: 'MUG-11OZ' });
      ns.addItem({ itemId: 'BEANS-250G', taxCode: '6' }); // NetSuite taxes this item at 9 %, the store at 8.25 %
    },
    ...options,
  });
}

const sim = () => stack.simulated!;
const ledgerEntry = (orderId: number) => stack.context.ledger.get(orderKey('abc123', orderId));
const place = (sku: string) =>
  sim().bc.addOrder({ billing: shopper('ann@example.com'), taxRate: 0.0825, lines: [{ sku, quantity: 2, priceExTax: '12.25' }], shippingCostExTax: '5' });

test('a clean order is reconciled with one SuiteQL query and no alert', async () => {
  await start();
  const orderId = place('MUG-11OZ');
  await stack.settle();
  expect(await ledgerEntry(orderId)).toMatchObject({ state: 'synced', reconcileState: 'pending' });

  const queriesBefore = sim().ns.server.count({ path: '/services/rest/query/v1/suiteql' });
  const result = await stack.reconcileNow();

  expect(result).toMatchObject({ checked: 1, reconciled: 1, drifted: [], netsuiteQueries: 1 });
  expect(sim().ns.server.count({ path: '/services/rest/query/v1/suiteql' }) - queriesBefore).toBe(1);
  expect(await ledgerEntry(orderId)).toMatchObject({ state: 'reconciled', reconcileState: 'reconciled', drift: [] });
  expect(stack.slack!.messages).toHaveLength(0);
});

test('an order whose NetSuite tax differs ends synced_with_drift, with one alert naming the component', async () => {
  await start();
  const clean = place('MUG-11OZ');
  const drifting = place('BEANS-250G');
  await stack.settle();

  const first = await stack.reconcileNow();
  const again = await stack.reconcileNow();

  expect(first).toMatchObject({ checked: 2, reconciled: 1, netsuiteQueries: 1, alertsSent: 1 });
  expect(again).toMatchObject({ checked: 0, netsuiteQueries: 0 });
  expect(await ledgerEntry(clean)).toMatchObject({ state: 'reconciled' });
  const entry = await ledgerEntry(drifting);
  // 9 % of 24.50 = 2.21 in NetSuite, 8.25 % = 2.02 in BigCommerce; the total differs by the same 0.19.
  expect(entry).toMatchObject({ state: 'synced_with_drift', reconcileState: 'drift' });
  expect(entry!.drift!.map((part) => [part.component, part.netsuite, part.bigcommerce])).toEqual([
    ['tax', '2.62', '2.43'],
    ['total', '32.12', '31.93'],
  ]);
  expect(entry!.drift![0]!.cause).toMatch(/^NetSuite tax 2.62 vs BigCommerce 2.43: check the tax code on item \d+/);
  expect(entry!.drift![1]!.cause).toContain('explained by the parts above');
  expect(stack.slack!.messages).toHaveLength(1);
  expect(stack.slack!.texts()[0]).toContain(`Order ${drifting} is booked in NetSuite with different totals: NetSuite tax 2.62 vs BigCommerce 2.43`);
  // The sales order stays as booked.
  expect(sim().ns.salesOrders()).toHaveLength(2);
});

test('a drift alert Slack refuses leaves the order pending, and the next run sends it', async () => {
  await start();
  const orderId = place('BEANS-250G');
  await stack.settle();
  stack.slack!.server.injectFault({ method: 'POST' }, { kind: 'status', status: 400 }, 1); // Slack refuses once (a permanent answer)

  const failed = await stack.reconcileNow();
  expect(failed).toMatchObject({ alertFailures: 1, drifted: [] });
  expect(await ledgerEntry(orderId)).toMatchObject({ reconcileState: 'pending' });

  const retried = await stack.reconcileNow();
  expect(retried).toMatchObject({ alertsSent: 1, drifted: [{ orderId }] });
  expect(stack.slack!.messages).toHaveLength(1);
});

test('an order that moves 11 → 2 (shipped) while NetSuite is failing is synced once NetSuite recovers', async () => {
  await start();
  sim().ns.server.injectFault({ method: 'POST', path: '/record/v1/salesOrder' }, { kind: 'status', status: 503 }, 9); // more than one attempt's in-process retries
  const orderId = place('MUG-11OZ');
  await sim().bc.flushWebhooks();
  // The warehouse ships it while NetSuite is down.
  await new Promise((resolve) => setTimeout(resolve, 300));
  sim().bc.updateOrderStatus(orderId, 2);
  await stack.settle();

  const orders = sim().ns.salesOrders();
  expect(orders).toHaveLength(1);
  expect(orders[0]).toMatchObject({ otherRefNum: String(orderId) });
  expect(await ledgerEntry(orderId)).toMatchObject({ state: 'synced' });
});

test('an order cancelled after its paid webhook is skipped, recorded with the reason, and never booked', async () => {
  await start();
  sim().ns.server.injectFault({ method: 'POST', path: '/record/v1/salesOrder' }, { kind: 'status', status: 503 }, 4);
  // The paid webhook is fired, then the order is cancelled before it is delivered: the worker reads it cancelled,
  // whatever the machine's speed (a worker that read it paid would book it, and the cancel would only close it).
  sim().bc.pauseWebhooks();
  const orderId = place('MUG-11OZ');
  sim().bc.updateOrderStatus(orderId, 5);
  sim().bc.resumeWebhooks();
  await stack.settle();

  expect(sim().ns.salesOrders()).toHaveLength(0);
  expect(await ledgerEntry(orderId)).toMatchObject({ state: 'skipped', skipReason: expect.stringContaining('Cancelled (5)') });
});
