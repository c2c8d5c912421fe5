import { modifiedOrders } from './modified-orders.ts';
import { CANCEL_STATUS_IDS } from './order-statuses.ts';
import { CIRCUIT_THRESHOLDS, circuitFailureOf, FIRST_PROBE_MS, requeueHeldOrders } from './circuit.ts';
import type { CircuitStore, OrderLister, OrderQueue, OrderSource, ParkedOrders, PollerState } from './ports.ts';

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
  /** The refund sweep's source (v3 refunds by creation time); absent, no sweep. */
  refunds?: Pick<OrderSource, 'listRefundsCreatedSince'>;
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
    const polled = await pollStatuses(deps, result, now);
    if (polled.status === 'completed' && deps.refunds) await sweepRefunds(deps, deps.refunds, polled, now);
    return polled;
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

/**
 * The safety net behind `store/order/refund/created`: refunds created since the cursor (less the overlap) enqueue
 * their orders, whatever the order's status (a refunded order is in none that triggers a sync). Refunds enqueued
 * within the overlap are remembered by id, so a quiet store is not re-enqueued (lifecycle.md §4.4 step 1).
 */
async function sweepRefunds(deps: PollDeps, source: Pick<OrderSource, 'listRefundsCreatedSince'>, result: PollResult, now: () => number): Promise<void> {
  const { queue, state, settings } = deps;
  const saved = await state.getCursor('refunds');
  const cursor = saved?.at.getTime() ?? now() - settings.initialLookbackMs;
  const seen = new Map(Object.entries(saved?.recent ?? {}).map(([refundId, createdMs]) => [Number(refundId), createdMs]));
  const refunds = await source.listRefundsCreatedSince(new Date(cursor - settings.overlapMs));
  result.pages += 1;
  const fresh = refunds.filter((refund) => !seen.has(refund.id));
  const orderIds = [...new Set(fresh.map((refund) => refund.orderId))];
  if (orderIds.length > 0) {
    const receivedAt = new Date(now()).toISOString();
    await queue.enqueue(orderIds.map((orderId) => ({ storeHash: settings.storeHash, orderId, source: 'poller' as const, receivedAt })));
    result.enqueued += orderIds.length;
  }
  for (const refund of refunds) seen.set(refund.id, refund.created.getTime());
  const newest = Math.max(cursor, ...refunds.map((refund) => refund.created.getTime()));
  await state.advanceCursor('refunds', { at: new Date(newest), recent: withinOverlap(seen, newest - settings.overlapMs) });
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
