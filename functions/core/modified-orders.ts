import type { OrderLister } from './ports.ts';

export interface ModifiedOrdersPage {
  orders: Array<{ orderId: number; dateModified: Date }>;
  /** Modification time of the newest order read so far: everything up to it has been yielded. */
  newest: Date;
}

/**
 * Every order in `statusId` modified since `since` (and until `until`), a page at a time, each order once.
 * Pages by keyset on the modification time (restarting at the newest time seen) rather than by offset, so
 * orders that change or leave the status while we page cannot shift others out of view.
 */
export async function* modifiedOrders(lister: OrderLister, filter: { since: Date; until?: Date; statusId: number }): AsyncGenerator<ModifiedOrdersPage> {
  let since = filter.since;
  let page = 1;
  const seen = new Set<number>();
  for (;;) {
    const orders = await lister.listModifiedOrders({ since, statusId: filter.statusId, page, ...(filter.until ? { until: filter.until } : {}) });
    const newest = orders.at(-1)?.dateModified;
    if (!newest) return; // 204: nothing (more) to read
    const fresh = orders.filter((order) => !seen.has(order.orderId));
    for (const order of fresh) seen.add(order.orderId);
    yield { orders: fresh, newest };
    if (orders.length < lister.pageSize) return; // a short page is the last one
    if (newest.getTime() > since.getTime()) {
      since = newest; // keyset: continue from the newest time seen, page 1 again
      page = 1;
    } else {
      page += 1; // a whole page shares one timestamp: step past it by offset
    }
  }
}
