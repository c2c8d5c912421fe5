import { modifiedOrders } from './modified-orders.ts';
import { CANCEL_STATUS_IDS } from './order-statuses.ts';
import { CIRCUIT_THRESHOLDS, circuitFailureOf, FIRST_PROBE_MS, requeueHeldOrders } from './circuit.ts';
import type { CircuitStore, OrderLister, OrderQueue, ParkedOrders, PollerState } from './ports.ts';

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
  /** The global circuits and the orders held while one is open (the poller requeues them). */
  circuits: CircuitStore;
  held: ParkedOrders;
  settings: PollSettings;
  /** Identifies this run in the lease. */
  owner: string;
  /** Milliseconds this run may still use (Lambda's remaining time); the run stops cleanly below `stopBeforeMs`. */
  timeLeftMs: () => number;
  stopBeforeMs: number;
  now?: () => number;
}

export interface PollResult {
  /** circuit_open: BigCommerce refuses our token; the cursor waits, nothing is lost. */
  status: 'completed' | 'stopped_early' | 'locked_out' | 'circuit_open';
  enqueued: number;
  /** Held orders put back in the queue (all of them once the circuits close, or one as a probe). */
  requeuedHeld?: number;
  /** Pages read from BigCommerce. */
  pages: number;
}

/**
 * The safety net behind webhooks: finds every order in a trigger status (or cancelled or declined) modified
 * since the last run and enqueues it. The cursor moves only past orders already enqueued, so a run that stops or dies loses
 * nothing; the next run starts from the cursor, less an overlap for orders that raced the previous run, and
 * skips the orders it already enqueued at the same modification time (a quiet store is not re-enqueued forever).
 */
/** The enqueued orders the next run's overlap will read again; older ones cannot come back. */
function withinOverlap(enqueued: Map<number, number>, fromMs: number): Record<string, number> {
  return Object.fromEntries([...enqueued].filter(([, modifiedMs]) => modifiedMs >= fromMs).map(([orderId, modifiedMs]) => [String(orderId), modifiedMs]));
}

export async function pollOrders(deps: PollDeps): Promise<PollResult> {
  const { queue, state, settings, owner } = deps;
  const now = deps.now ?? Date.now;
  const result: PollResult = { status: 'completed', enqueued: 0, pages: 0 };
  if (!(await state.acquireLease(owner, settings.leaseMs))) return { ...result, status: 'locked_out' };
  try {
    const held = await requeueHeldOrders({ circuits: deps.circuits, held: deps.held, queue, storeHash: settings.storeHash, now });
    result.requeuedHeld = held.requeued.length + (held.probe === undefined ? 0 : 1);
    // While BigCommerce refuses our token, polling would only fail again: the cursor waits for the probe to succeed.
    if ((await deps.circuits.read()).get('bigcommerce')?.open) return { ...result, status: 'circuit_open' };
    return await pollStatuses(deps, result, now);
  } catch (error) {
    const failure = circuitFailureOf(error);
    if (failure?.service !== 'bigcommerce') throw error;
    const { open } = await deps.circuits.recordFailure(failure, CIRCUIT_THRESHOLDS[failure.kind], FIRST_PROBE_MS);
    if (!open) throw error;
    return { ...result, status: 'circuit_open' };
  } finally {
    await state.releaseLease(owner);
  }
}

async function pollStatuses(deps: PollDeps, result: PollResult, now: () => number): Promise<PollResult> {
  const { lister, queue, state, settings } = deps;
  // Cancelled and declined orders too: one we synced has its sales order closed (the worker skips the others).
  for (const statusId of [...new Set([...settings.triggerStatusIds, ...CANCEL_STATUS_IDS])]) {
    const saved = await state.getCursor(statusId);
    const cursor = saved?.at.getTime() ?? now() - settings.initialLookbackMs;
    // Orders already enqueued at their current modification time are not enqueued again by the overlap.
    const enqueued = new Map(Object.entries(saved?.recent ?? {}).map(([orderId, modifiedMs]) => [Number(orderId), modifiedMs]));
    const pages = modifiedOrders(lister, { since: new Date(cursor - settings.overlapMs), statusId });
    for (;;) {
      if (deps.timeLeftMs() < deps.stopBeforeMs) return { ...result, status: 'stopped_early' };
      const next = await pages.next();
      if (next.done) break;
      const { orders, newest } = next.value;
      result.pages += 1;
      const fresh = orders.filter((order) => enqueued.get(order.orderId) !== order.dateModified.getTime());
      if (fresh.length > 0) {
        const receivedAt = new Date(now()).toISOString();
        await queue.enqueue(fresh.map((order) => ({ storeHash: settings.storeHash, orderId: order.orderId, source: 'poller' as const, receivedAt, statusId })));
        result.enqueued += fresh.length;
      }
      for (const order of orders) enqueued.set(order.orderId, order.dateModified.getTime());
      await state.advanceCursor(statusId, { at: newest, recent: withinOverlap(enqueued, newest.getTime() - settings.overlapMs) });
    }
  }
  return result;
}
