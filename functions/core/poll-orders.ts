import { modifiedOrders } from './modified-orders.ts';
import type { OrderLister, OrderQueue, PollerState } from './ports.ts';

export interface PollSettings {
  storeHash: string;
  triggerStatusIds: number[];
  /** Re-read this far behind the cursor, for orders whose modification raced the previous run. */
  overlapMs: number;
  /** Where the first run ever starts, counted back from now. */
  initialLookbackMs: number;
  leaseMs: number;
}

export interface PollDeps {
  lister: OrderLister;
  queue: OrderQueue;
  state: PollerState;
  settings: PollSettings;
  /** Identifies this run in the lease. */
  owner: string;
  /** Milliseconds this run may still use (Lambda's remaining time); the run stops cleanly below `stopBeforeMs`. */
  timeLeftMs: () => number;
  stopBeforeMs: number;
  now?: () => number;
}

export interface PollResult {
  status: 'completed' | 'stopped_early' | 'locked_out';
  enqueued: number;
  /** Pages read from BigCommerce. */
  pages: number;
}

/**
 * The safety net behind webhooks: finds every order in a trigger status modified since the last run and
 * enqueues it. The cursor moves only past orders already enqueued, so a run that stops or dies loses
 * nothing; the next run starts from the cursor, less an overlap for orders that raced the previous run.
 */
export async function pollOrders(deps: PollDeps): Promise<PollResult> {
  const { lister, queue, state, settings, owner } = deps;
  const now = deps.now ?? Date.now;
  const result: PollResult = { status: 'completed', enqueued: 0, pages: 0 };
  if (!(await state.acquireLease(owner, settings.leaseMs))) return { ...result, status: 'locked_out' };
  try {
    for (const statusId of settings.triggerStatusIds) {
      const cursor = (await state.getCursor(statusId))?.getTime() ?? now() - settings.initialLookbackMs;
      const pages = modifiedOrders(lister, { since: new Date(cursor - settings.overlapMs), statusId });
      for (;;) {
        if (deps.timeLeftMs() < deps.stopBeforeMs) return { ...result, status: 'stopped_early' };
        const next = await pages.next();
        if (next.done) break;
        const { orders, newest } = next.value;
        result.pages += 1;
        if (orders.length > 0) {
          const receivedAt = new Date(now()).toISOString();
          await queue.enqueue(orders.map((order) => ({ storeHash: settings.storeHash, orderId: order.orderId, source: 'poller' as const, receivedAt })));
          result.enqueued += orders.length;
        }
        await state.advanceCursor(statusId, newest);
      }
    }
    return result;
  } finally {
    await state.releaseLease(owner);
  }
}
