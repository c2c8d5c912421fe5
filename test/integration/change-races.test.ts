/**
 * Changes to one synced order that meet each other, against DynamoDB Local and both simulators over HTTP: a worker
 * slower than its change lease must not write an older read of the order over a newer change, and a change in the
 * same second as a refused one (BigCommerce's `date_modified` has whole seconds) is not mistaken for it.
 */
import { applyOrderChanges, ChangeRefusedError } from '../../functions/core/apply-order-changes.ts';
import { holdChangeLease } from '../../functions/core/change-lease.ts';
import { TransientError } from '../../functions/core/errors.ts';
import { orderKey } from '../../functions/core/external-ids.ts';
import type { Erp } from '../../functions/core/ports.ts';
import { salesOrderIdOf, shopper, startHarness, type Harness } from '../support/sync-harness.ts';

const LEASE_MS = 300;
let h: Harness;
/** The store's clock, stopped while set (two edits in one second). */
let frozenAt: number | undefined;

beforeEach(async () => {
  frozenAt = undefined;
  h = await startHarness({ env: { SYNC_LEASE_MS: String(LEASE_MS) }, bigcommerce: { clock: () => frozenAt ?? Date.now() } });
  for (const sku of ['MUG-11OZ', 'CAP-BLK']) h.ns.addItem({ itemId: sku });
});
afterEach(async () => h.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Erp with its next sales-order read held until `release` (a worker stalled by a slow NetSuite). */
function stalledErp(erp: Erp): { erp: Erp; entered: Promise<void>; release: () => void } {
  let release!: () => void;
  let entered!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const inside = new Promise<void>((resolve) => (entered = resolve));
  let held = false;
  const stalled = new Proxy(erp, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== 'readSalesOrder') return (value as (...args: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        if (!held) {
          held = true;
          entered();
          await gate;
        }
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { erp: stalled, entered: inside, release };
}

test('a worker stalled past its change lease does not undo the newer edit a sibling applied meanwhile', async () => {
  const orderId = h.bc.addOrder({
    billing: shopper('race@example.com'),
    shipping: [shopper('race@example.com')],
    shippingCostExTax: '5.0000',
    lines: [
      { sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.5000' },
      { sku: 'CAP-BLK', quantity: 1, priceExTax: '15.0000' },
    ],
  });
  const salesOrderId = salesOrderIdOf(await h.sync(orderId));
  const [mug, cap] = h.bc.getOrderProducts(orderId);

  // Edit 1 (two mugs) is read by worker A, which then stalls on NetSuite for three leases.
  h.bc.editOrder(orderId, { products: [{ id: mug!.id, quantity: 2 }] });
  const slow = stalledErp(h.context.erp);
  const workerA = applyOrderChanges(orderId, { ...h.context, erp: slow.erp, workerId: 'worker-a' });
  await slow.entered;
  // Edit 2 removes the cap; worker B's message arrives while A is stalled.
  h.bc.editOrder(orderId, { products: [{ id: cap!.id, quantity: 0 }] });
  const workerB = applyOrderChanges(orderId, { ...h.context, workerId: 'worker-b' });
  await sleep(LEASE_MS * 3);
  slow.release();
  await Promise.allSettled([workerA, workerB]);
  // Any later event about the order (a poller pass) settles what is left.
  await applyOrderChanges(orderId, { ...h.context, workerId: 'worker-c' });

  const lines = h.ns.salesOrder(salesOrderId)!.lines;
  const open = lines.filter((line) => !line.isClosed).map((line) => [line.customFields.custcol_bc_line_id, line.quantity]);
  expect(open).toEqual([[String(mug!.id), 2]]);
});

test('a worker whose change lease was taken over writes nothing to NetSuite', async () => {
  const orderId = h.bc.addOrder({ billing: shopper('fence@example.com'), lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.5000' }] });
  const salesOrderId = salesOrderIdOf(await h.sync(orderId));
  const key = orderKey(h.context.settings.storeHash, orderId);
  // A's lease runs out (its process stalled: no renewal ran), and B takes the order over.
  expect((await h.context.ledger.claimChange(key, 'worker-a', 1)).outcome).toBe('claimed');
  await sleep(10);
  expect((await h.context.ledger.claimChange(key, 'worker-b', 60_000)).outcome).toBe('claimed');

  const held = holdChangeLease(h.context.ledger, key, 'worker-a', 60_000, h.context.erp);
  try {
    const write = held.erp.updateSalesOrder(salesOrderId, { lines: [{ line: 1, isClosed: true }] });
    await expect(write).rejects.toThrow(TransientError);
    await expect(write).rejects.toThrow(/another worker took the order over/);
  } finally {
    held.release();
  }
  expect(h.ns.server.count({ method: 'PATCH' })).toBe(0);
  // Reads need no lease.
  expect(await held.erp.readSalesOrder(salesOrderId)).toBeDefined();
});

test('an edit in the same second as a refused one is applied, not taken for the refused one', async () => {
  const orderId = h.bc.addOrder({
    billing: shopper('same.second@example.com'),
    shipping: [shopper('same.second@example.com')],
    lines: [
      { sku: 'MUG-11OZ', quantity: 2, priceExTax: '12.5000' },
      { sku: 'CAP-BLK', quantity: 1, priceExTax: '15.0000' },
    ],
  });
  const salesOrderId = salesOrderIdOf(await h.sync(orderId));
  const [mug, cap] = h.bc.getOrderProducts(orderId);
  const lineOf = (id: number) => h.ns.salesOrder(salesOrderId)!.lines.find((line) => line.customFields.custcol_bc_line_id === String(id))!;
  h.ns.fulfil(salesOrderId, { lines: { [lineOf(mug!.id).line]: 2 } });

  frozenAt = Date.now();
  h.bc.editOrder(orderId, { products: [{ id: mug!.id, quantity: 1 }] }); // below what NetSuite shipped: refused
  const first = applyOrderChanges(orderId, { ...h.context, workerId: 'worker-a', trigger: { source: 'webhook', messageId: 'message-1' } });
  await expect(first).rejects.toThrow(ChangeRefusedError);
  // The merchant puts the mug back and adds two caps, within the same second.
  h.bc.editOrder(orderId, {
    products: [
      { id: mug!.id, quantity: 2 },
      { id: cap!.id, quantity: 3 },
    ],
  });
  const second = await applyOrderChanges(orderId, { ...h.context, workerId: 'worker-b', trigger: { source: 'webhook', messageId: 'message-2' } });

  expect(second.status).toBe('changed');
  expect(lineOf(cap!.id).quantity).toBe(3);
  expect(lineOf(mug!.id).quantity).toBe(2);
});
