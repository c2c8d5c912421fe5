import { NotFoundError } from './errors.ts';
import { orderKey } from './external-ids.ts';
import { historyEvent } from './order-history.ts';
import type { OrderHistory, OrderQueue, OrderSource, ParkedOrders, SkuMapStore } from './ports.ts';

/** Refunded, Cancelled, Declined: an order in one of these will never be booked, so it stops waiting for its SKUs. */
export const CLOSED_STATUS_IDS: ReadonlySet<number> = new Set([4, 5, 6]);

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
  /** When given, every parked order is looked up first, and those cancelled, refunded or deleted are released. */
  source?: Pick<OrderSource, 'getOrder'>;
  now?: () => number;
}): Promise<{ requeued: number[]; stillMissing: number; released: number[] }> {
  const listed = await deps.parked.list();
  if (listed.length === 0) return { requeued: [], stillMissing: 0, released: [] };
  const released = deps.source
    ? await releaseClosed(
        listed.map((order) => order.orderId),
        deps.source,
        deps.parked,
        deps.history,
        deps.storeHash,
      )
    : [];
  const parked = listed.filter((order) => !released.includes(order.orderId));
  // DynamoDB refuses an empty key. Orders parked under '' (by versions that parked lines without a SKU) go back to
  // the queue: the worker now books such a line on the configured item or fails naming it.
  const known = await deps.skuMap.get([...new Set(parked.flatMap((order) => order.skus))].filter((sku) => sku !== ''));
  const ready = parked.filter((order) =>
    order.skus.every((sku) => {
      const entry = known.get(sku);
      return sku === '' || (entry !== undefined && 'itemId' in entry);
    }),
  );
  const receivedAt = new Date((deps.now ?? Date.now)()).toISOString();
  // Recorded before the enqueue, so the history shows it before the worker's steps (a failed enqueue is retried next run).
  for (const order of ready) {
    const detail = `SKUs ${order.skus.join(', ') || '(none)'} now have NetSuite items; re-enqueued`;
    await deps.history.append(orderKey(deps.storeHash, order.orderId), [historyEvent('sku-refresh', 'unparked', detail, undefined, new Date(receivedAt))]);
  }
  await deps.queue.enqueue(ready.map((order) => ({ storeHash: deps.storeHash, orderId: order.orderId, source: 'sku-refresh' as const, receivedAt })));
  // Unparked only once enqueued: a crash in between re-enqueues next night, which is harmless.
  for (const order of ready) await deps.parked.unpark(order.orderId);
  return { requeued: ready.map((order) => order.orderId), stillMissing: parked.length - ready.length, released };
}

/** Without this, a parked order cancelled since would be requeued every night its SKUs exist, forever. */
async function releaseClosed(
  orderIds: number[],
  source: Pick<OrderSource, 'getOrder'>,
  parked: ParkedOrders,
  history: OrderHistory,
  storeHash: string,
): Promise<number[]> {
  const released: number[] = [];
  for (const orderId of orderIds) {
    let closed: boolean;
    try {
      closed = CLOSED_STATUS_IDS.has((await source.getOrder(orderId)).statusId);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      closed = true; // deleted from the store
    }
    if (!closed) continue;
    await history.append(orderKey(storeHash, orderId), [
      historyEvent('sku-refresh', 'unparked', 'the order was cancelled, refunded or deleted in BigCommerce: it no longer waits for its SKUs'),
    ]);
    await parked.unpark(orderId);
    released.push(orderId);
  }
  return released;
}
