import { orderKey } from './external-ids.ts';
import { historyEvent } from './order-history.ts';
import type { OrderHistory, OrderQueue, ParkedOrders, SkuMapStore } from './ports.ts';

/**
 * After the SKU map is refreshed: every order parked for missing SKUs whose SKUs now all have NetSuite items
 * goes back into the queue. The worker syncs it as usual (exactly once; a later DLQ redrive of the same order
 * finds it synced).
 */
export async function requeueParkedOrders(deps: {
  parked: ParkedOrders;
  skuMap: SkuMapStore;
  queue: OrderQueue;
  storeHash: string;
  history: OrderHistory;
  now?: () => number;
}): Promise<{ requeued: number[]; stillMissing: number }> {
  const parked = await deps.parked.list();
  if (parked.length === 0) return { requeued: [], stillMissing: 0 };
  // DynamoDB refuses an empty key. Orders parked under '' (by versions that parked lines without a SKU) go back to
  // the queue: the worker now books such a line on the configured item or fails naming it.
  const known = await deps.skuMap.get([...new Set(parked.flatMap((order) => order.skus))].filter((sku) => sku !== ''));
  const ready = parked.filter((order) => order.skus.every((sku) => { const entry = known.get(sku); return sku === '' || (entry !== undefined && 'itemId' in entry); }));
  const receivedAt = new Date((deps.now ?? Date.now)()).toISOString();
  // Recorded before the enqueue, so the history shows it before the worker's steps (a failed enqueue is retried next run).
  for (const order of ready) {
    const detail = `SKUs ${order.skus.join(', ') || '(none)'} now have NetSuite items; re-enqueued`;
    await deps.history.append(orderKey(deps.storeHash, order.orderId), [historyEvent('sku-refresh', 'unparked', detail, undefined, new Date(receivedAt))]);
  }
  await deps.queue.enqueue(ready.map((order) => ({ storeHash: deps.storeHash, orderId: order.orderId, source: 'sku-refresh' as const, receivedAt })));
  // Unparked only once enqueued: a crash in between re-enqueues next night, which is harmless.
  for (const order of ready) await deps.parked.unpark(order.orderId);
  return { requeued: ready.map((order) => order.orderId), stillMissing: parked.length - ready.length };
}
