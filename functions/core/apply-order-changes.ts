/**
 * After the sales order exists: brings NetSuite to the BigCommerce order's current state, one change at a time
 * per order (the ledger's change lease), whatever event asked (updated, statusUpdated, the poller, a redrive).
 *
 * Every change is a diff against the snapshot of what was last applied, and the snapshot moves only after
 * NetSuite accepted the change. What cannot be applied safely (a line already shipped or billed, an order
 * already billed) is refused: the history says why, and the order's message goes to the dead-letter path so a
 * person hears of it. A refusal is remembered by the BigCommerce `date_modified` it concerns, so the same
 * refusal is not announced again until the order changes again.
 *
 * Sources: lifecycle.md §2.4 (edits), §3.4 (cancellations), §1.5 (NetSuite sales order statuses), §4.4 (refunds,
 * apply-refunds.ts), §6.4 (payments, record-payments.ts).
 */
import { PermanentError, SyncError, TransientError } from './errors.ts';
import { orderKey } from './external-ids.ts';
import { SALES_ORDER_STATUS_NAMES, type ErpSalesOrder, type SalesOrderLineChange, type StoreOrder } from './model.ts';
import { historyEvent } from './order-history.ts';
import { lessRefunded, orderHash, snapshotOf, type OrderSnapshot, type SnapshotLine } from './order-snapshot.ts';
import { CANCEL_STATUS_IDS, statusName } from './order-statuses.ts';
import type { AppliedChanges, ChangeFailure, HistoryEvent, LedgerEntry } from './ports.ts';
import { planSalesOrder, type SyncDeps } from './sync-order.ts';
import { applyRefunds } from './apply-refunds.ts';
import { holdChangeLease } from './change-lease.ts';
import { recordPayments } from './record-payments.ts';

export type ChangeOutcome =
  | { status: 'unchanged'; orderId: number; salesOrderId: string }
  | { status: 'changed'; orderId: number; salesOrderId: string; changes: string[] }
  | { status: 'not_synced'; orderId: number };

const BUSY_WAIT_MS = 10_000;
const BUSY_POLL_MS = 250;

/** A change NetSuite's state makes unsafe to apply; applied parts stay applied, and a person is told. */
export class ChangeRefusedError extends PermanentError {}

/** What one step found: what to record, in words, and whether a person must act. */
export interface StepResult {
  applied: AppliedChanges;
  events: HistoryEvent[];
  changes: string[];
  /** In plain words, for the alert; the step's changes (if any) are still recorded. */
  refusal?: string;
  /** A failure after part of the step was applied: what was applied is recorded, then this is thrown. */
  failure?: unknown;
}

export async function applyOrderChanges(orderId: number, deps: SyncDeps, given?: { order?: StoreOrder }): Promise<ChangeOutcome> {
  const { ledger, settings, workerId } = deps;
  const key = orderKey(settings.storeHash, orderId);
  const messageId = deps.trigger?.messageId;
  let claim = await ledger.claimChange(key, workerId, settings.leaseMs, messageId);
  // One change fires several webhooks (updated and statusUpdated), so a sibling often holds the lease for the
  // second it takes. Waiting that out here is cheaper than a retry, which must wait for the lease to end (its
  // holder may have died) and would hold the change back for minutes.
  for (let waited = 0; claim.outcome === 'busy' && waited < BUSY_WAIT_MS; waited += BUSY_POLL_MS) {
    await new Promise((resolve) => setTimeout(resolve, BUSY_POLL_MS));
    claim = await ledger.claimChange(key, workerId, settings.leaseMs, messageId);
  }
  if (claim.outcome === 'not_synced') return { status: 'not_synced', orderId };
  if (claim.outcome === 'busy') {
    const leaseLeftMs = Math.max(0, (claim.entry.changeLeaseExpiresAt ?? 0) - Date.now());
    throw new TransientError(`order ${orderId}: another worker is applying a change to it`, { source: 'order', code: 'ORDER_BUSY', retryAfterMs: leaseLeftMs });
  }
  const entry = claim.entry;
  const salesOrderId = entry.salesOrderId!;
  const result: StepResult = { applied: {}, events: [], changes: [] };
  const held = holdChangeLease(ledger, key, workerId, settings.leaseMs, deps.erp);
  try {
    const order = given?.order ?? (await deps.source.getOrder(orderId));
    // Payments first, so a refund can find the deposit it pays back; refunds after the order's own state.
    for (const step of [recordPayments, applyOrderState, applyRefunds]) {
      // Each step builds on the snapshot the steps before it moved.
      const current = result.applied.snapshot ? { ...entry, snapshot: result.applied.snapshot } : entry;
      const outcome = await step(order, current, salesOrderId, { ...deps, erp: held.erp });
      merge(result, outcome);
      if (outcome.failure) throw outcome.failure;
    }
  } catch (error) {
    held.release();
    // Nothing was applied by the failing step (or it is safe to re-apply): release the lease, keep the history.
    const message = error instanceof Error ? error.message : String(error);
    const failure: ChangeFailure = {
      message,
      errorClass: error instanceof SyncError && !error.retryable ? 'permanent' : 'transient',
      ...(deps.trigger?.messageId ? { messageId: deps.trigger.messageId } : {}),
    };
    await ledger
      .finishChange(key, workerId, { ...result.applied, failure }, [...result.events, historyEvent('lifecycle', 'failed', message)])
      .catch(() => undefined); // the original failure is the one worth reporting
    throw error;
  }
  held.release();
  await ledger.finishChange(key, workerId, result.applied, result.events);
  if (result.refusal) throw new ChangeRefusedError(`order ${orderId} (NetSuite sales order ${salesOrderId}): ${result.refusal}`, { source: 'order' });
  return result.changes.length > 0 ? { status: 'changed', orderId, salesOrderId, changes: result.changes } : { status: 'unchanged', orderId, salesOrderId };
}

/** Cancellation or edit, whichever the order's status and modification time call for. */
async function applyOrderState(order: StoreOrder, entry: LedgerEntry, salesOrderId: string, deps: SyncDeps): Promise<StepResult> {
  const snapshot = entry.snapshot;
  const refused = snapshot?.refused;
  if (refused?.dateModified === order.dateModified.toISOString() && (refused.orderHash === undefined || refused.orderHash === orderHash(order))) {
    // The announcing message's own retries fail again, so it reaches the dead-letter queue; others pass quietly.
    const announcing = refused.messageId !== undefined && refused.messageId === deps.trigger?.messageId;
    return announcing ? { ...none(), refusal: refused.reason } : none();
  }
  if (CANCEL_STATUS_IDS.includes(order.statusId)) {
    if (snapshot?.cancelled) return none();
    return cancel(order, snapshot, salesOrderId, deps);
  }
  if (!snapshot) {
    // Synced before this release kept snapshots: today's order becomes the baseline (nothing is applied).
    return baseline(order, deps);
  }
  // Older than what was applied: a stale read. The same second is diffed all the same: date_modified has
  // one-second resolution, and our own write-back may share a second with a real edit.
  if (order.dateModified.getTime() < Date.parse(snapshot.dateModified)) return none();
  if (!deps.settings.triggerStatusIds.includes(order.statusId)) {
    // Refunded, on hold, disputed…: not an edit to apply (refunds are their own flow); remember the state seen.
    return { ...none(), applied: { snapshot: { ...snapshot, dateModified: order.dateModified.toISOString(), statusId: order.statusId } } };
  }
  return edit(order, snapshot, salesOrderId, deps);
}

async function baseline(order: StoreOrder, deps: SyncDeps): Promise<StepResult> {
  if (!deps.settings.triggerStatusIds.includes(order.statusId)) return none();
  const plan = await planSalesOrder(order.orderId, deps, { dryRun: true, order });
  if ('skipped' in plan) return none();
  return {
    applied: { snapshot: snapshotOf(plan.draft, order.dateModified, order.statusId) },
    events: [
      historyEvent('lifecycle', 'edited', 'no snapshot of what was applied (synced by an earlier release): today’s order is the baseline for later edits'),
    ],
    changes: [],
  };
}

/**
 * Cancelled or declined in BigCommerce: close what NetSuite has not shipped (lifecycle.md §3.4). REST has no
 * cancel action for sales orders; closing every line is Oracle's "Close a Sales Order" use case.
 */
async function cancel(order: StoreOrder, snapshot: OrderSnapshot | undefined, salesOrderId: string, deps: SyncDeps): Promise<StepResult> {
  const what = statusName(order.statusId).toLowerCase();
  const salesOrder = await readSalesOrder(salesOrderId, deps);
  const done = (detail: string, changes: string[], refusal?: string): StepResult => ({
    applied: {
      snapshot: {
        ...(snapshot ?? emptySnapshot()),
        dateModified: order.dateModified.toISOString(),
        statusId: order.statusId,
        cancelled: true,
        ...(refusal ? { refused: refusalMark(order, refusal, deps) } : {}),
      },
    },
    events: [historyEvent('lifecycle', 'cancelled', detail, { salesOrderId })],
    changes,
    ...(refusal ? { refusal } : {}),
  });
  switch (salesOrder.status) {
    case 'C':
    case 'H':
      return done(`${what} in BigCommerce; the sales order is ${SALES_ORDER_STATUS_NAMES[salesOrder.status]} already`, []);
    case 'A':
    case 'B': {
      const open = salesOrder.lines.filter((line) => !line.isClosed);
      if (open.length > 0) await deps.erp.updateSalesOrder(salesOrderId, { lines: open.map((line) => ({ line: line.line, isClosed: true })) });
      return done(`${what} in BigCommerce: closed ${open.length} line(s)`, [`closed ${open.length} line(s)`]);
    }
    case 'D':
    case 'E': {
      // Closing a partly fulfilled line closes what is left of it; what was shipped needs a return or refund.
      const open = salesOrder.lines.filter((line) => !line.isClosed && line.quantityFulfilled < line.quantity);
      const shipped = salesOrder.lines.reduce((sum, line) => sum + line.quantityFulfilled, 0);
      if (open.length > 0) await deps.erp.updateSalesOrder(salesOrderId, { lines: open.map((line) => ({ line: line.line, isClosed: true })) });
      return done(
        `${what} in BigCommerce: closed ${open.length} unshipped line(s); ${shipped} unit(s) were already shipped`,
        [`closed ${open.length} line(s)`],
        `${what} in BigCommerce after NetSuite shipped ${shipped} unit(s) (${SALES_ORDER_STATUS_NAMES[salesOrder.status]}): the rest is closed; the shipped part needs a return or refund`,
      );
    }
    default:
      return refuse(
        order,
        snapshot,
        salesOrderId,
        deps,
        `${what} in BigCommerce, but the sales order is ${SALES_ORDER_STATUS_NAMES[salesOrder.status]}: it was shipped and billed, so this is a refund or return, not a cancellation; nothing was changed in NetSuite`,
      );
  }
}

/**
 * Edited in BigCommerce: quantities, prices, added and removed lines, shipping cost and address, in one PATCH
 * keyed by line (lifecycle.md §2.4). All or nothing: if any part conflicts with what NetSuite shipped or
 * billed, nothing is applied.
 */
async function edit(order: StoreOrder, snapshot: OrderSnapshot, salesOrderId: string, deps: SyncDeps): Promise<StepResult> {
  const plan = await planSalesOrder(order.orderId, deps, { dryRun: true, order });
  if ('skipped' in plan) return none();
  // BigCommerce's quantities and shipping still count what refunds took off the unbilled sales order.
  const desired = lessRefunded(snapshotOf(plan.draft, order.dateModified, order.statusId), snapshot.refunded);
  const open = desired.lines.filter((line) => !line.closed);
  const linesChanged = !sameLines(
    open,
    snapshot.lines.filter((line) => !line.closed),
  );
  let shippingChanged = desired.shippingCost !== snapshot.shippingCost;
  // (Unverified: the address that earlier attempt sent is not known, and is taken to be the order's.)
  const addressChanged = !snapshot.unverified && desired.shippingAddressHash !== snapshot.shippingAddressHash;
  const chargesChanged = desired.chargesHash !== snapshot.chargesHash;
  // Our own write-back (a metafield) and other changes that book nothing move date_modified only.
  if (!linesChanged && !shippingChanged && !addressChanged && !chargesChanged) return { ...none(), applied: { snapshot: { ...snapshot, ...moved(desired) } } };
  if (chargesChanged) {
    return refuse(
      order,
      snapshot,
      salesOrderId,
      deps,
      'the edit changes discounts, coupons, fees, handling, wrapping, tax lines, the ship method or ship groups, which are not applied automatically; update the sales order by hand',
    );
  }
  const lineIdField = deps.settings.lineIdField;
  if (snapshot.unverified && !lineIdField) {
    // Found already made, and no line link to compare NetSuite's lines with: today's order is the baseline.
    return { ...none(), applied: { snapshot: desired } };
  }
  if (linesChanged && !lineIdField) {
    return refuse(
      order,
      snapshot,
      salesOrderId,
      deps,
      'the edit changes lines, and NETSUITE_LINE_ID_FIELD is not set, so NetSuite lines cannot be matched to BigCommerce lines',
    );
  }
  const salesOrder = await readSalesOrder(salesOrderId, deps);
  if (salesOrder.status === 'C' || salesOrder.status === 'G' || salesOrder.status === 'H') {
    return refuse(order, snapshot, salesOrderId, deps, `the sales order is ${SALES_ORDER_STATUS_NAMES[salesOrder.status]}; nothing was changed in NetSuite`);
  }
  // (A multiple-shipping-routes order has no header shipping cost: its ship groups carry it.)
  if (snapshot.unverified) shippingChanged = desired.shippingCost !== undefined && desired.shippingCost !== (salesOrder.shippingCost ?? 0);
  const problems: string[] = [];
  const lines: SalesOrderLineChange[] = [];
  const changes: string[] = [];
  if (linesChanged) {
    // Match by the line link against NetSuite as it is now, not the snapshot: a retry after a lost response
    // finds the line it added and updates it instead of adding it twice.
    const linked = new Map<number, ErpSalesOrder['lines'][number]>();
    for (const line of salesOrder.lines) {
      if (line.orderProductId === undefined) continue;
      const known = linked.get(line.orderProductId);
      if (known && !known.isClosed && !line.isClosed) {
        // One BigCommerce line, two open NetSuite lines (added by hand, or twice): which one is meant is a person's call.
        problems.push(`NetSuite lines ${known.line} and ${line.line} both carry BigCommerce line ${line.orderProductId}; close the extra one`);
      }
      if (!known || (known.isClosed && !line.isClosed)) linked.set(line.orderProductId, line);
    }
    const unlinked = snapshot.lines.filter((line) => !line.closed && !linked.has(line.orderProductId));
    if (unlinked.length > 0) {
      return refuse(
        order,
        snapshot,
        salesOrderId,
        deps,
        `the sales order's lines carry no ${lineIdField} for BigCommerce line(s) ${unlinked.map((line) => line.orderProductId).join(', ')} (created before the field existed?); apply the edit by hand`,
      );
    }
    const draftLines = new Map(plan.draft.lines.flatMap((line) => (line.orderProductId === undefined ? [] : [[line.orderProductId, line] as const])));
    for (const want of open) {
      const have = linked.get(want.orderProductId);
      const draftLine = draftLines.get(want.orderProductId)!;
      if (!have || have.isClosed) {
        lines.push({
          itemId: want.itemId,
          quantity: want.quantity,
          rate: want.rate,
          amount: want.amount,
          description: draftLine.description,
          orderProductId: want.orderProductId,
          ...(draftLine.taxCodeId ? { taxCodeId: draftLine.taxCodeId } : {}),
        });
        changes.push(`added line ${want.orderProductId} (${want.quantity} × ${draftLine.description})`);
        continue;
      }
      if (have.itemId !== want.itemId) {
        problems.push(
          `BigCommerce line ${want.orderProductId} now books item ${want.itemId}, NetSuite line ${have.line} item ${have.itemId}; a changed item is not applied`,
        );
        continue;
      }
      if (have.quantity === want.quantity && have.rate === want.rate && have.amount === want.amount) continue;
      if (want.quantity < have.quantityFulfilled) {
        problems.push(`line ${want.orderProductId}: quantity ${want.quantity} is below the ${have.quantityFulfilled} NetSuite already fulfilled`);
        continue;
      }
      if (have.quantityBilled > 0) {
        problems.push(`line ${want.orderProductId}: ${have.quantityBilled} unit(s) are billed already, so its quantity and price stay`);
        continue;
      }
      lines.push({ line: have.line, quantity: want.quantity, rate: want.rate, amount: want.amount });
      changes.push(`line ${want.orderProductId}: ${have.quantity} × ${have.rate} → ${want.quantity} × ${want.rate}`);
    }
    const wanted = new Set(open.map((line) => line.orderProductId));
    for (const [orderProductId, have] of linked) {
      if (wanted.has(orderProductId) || have.isClosed) continue;
      if (have.quantityFulfilled > 0 || have.quantityBilled > 0) {
        problems.push(`line ${orderProductId} was removed in BigCommerce, but NetSuite already fulfilled ${have.quantityFulfilled} of it; that needs a return`);
        continue;
      }
      lines.push({ line: have.line, isClosed: true });
      changes.push(`closed line ${orderProductId} (removed in BigCommerce)`);
    }
  }
  if (salesOrder.status === 'F' && (lines.length > 0 || shippingChanged)) {
    problems.push('the sales order is fully fulfilled (Pending Billing): only its shipping address may still change');
  }
  if (problems.length > 0)
    return refuse(order, snapshot, salesOrderId, deps, `the edit conflicts with NetSuite: ${problems.join('; ')}; nothing was changed in NetSuite`);
  if (shippingChanged) changes.push(`shipping cost ${snapshot.shippingCost ?? 0} → ${desired.shippingCost ?? 0}`);
  if (addressChanged) changes.push('shipping address');
  // Nothing differs from NetSuite itself (a sales order found already made, exactly as the order is now).
  if (changes.length === 0) return { ...none(), applied: { snapshot: desired } };
  await deps.erp.updateSalesOrder(salesOrderId, {
    ...(lineIdField ? { lineIdField } : {}),
    lines,
    ...(shippingChanged ? { shippingCost: desired.shippingCost ?? 0 } : {}),
    ...(addressChanged && plan.draft.shippingAddress ? { shippingAddress: plan.draft.shippingAddress } : {}),
  });
  // Lines closed here stay in the snapshot as closed, so a BigCommerce line that comes back is added afresh.
  const closed = snapshot.lines
    .filter((line) => !desired.lines.some((want) => want.orderProductId === line.orderProductId))
    .map((line) => ({ ...line, closed: true }));
  return {
    // New totals go back to the reconciler, unless refunds took parts off: BigCommerce's totals still count them.
    applied: { snapshot: { ...desired, lines: [...desired.lines, ...closed] }, ...(snapshot.refunded ? {} : { booked: plan.booked }) },
    events: [historyEvent('lifecycle', 'edited', changes.join('; '), { salesOrderId })],
    changes,
  };
}

async function readSalesOrder(salesOrderId: string, deps: SyncDeps): Promise<ErpSalesOrder> {
  const salesOrder = await deps.erp.readSalesOrder(salesOrderId, deps.settings.lineIdField);
  if (!salesOrder) throw new PermanentError(`NetSuite sales order ${salesOrderId} no longer exists (deleted in NetSuite?)`, { source: 'netsuite' });
  return salesOrder;
}

/** A refused change: nothing applied, the refusal remembered by the order state it concerns. */
function refuse(order: StoreOrder, snapshot: OrderSnapshot | undefined, salesOrderId: string, deps: SyncDeps, reason: string): StepResult {
  return {
    applied: { snapshot: { ...(snapshot ?? emptySnapshot()), refused: refusalMark(order, reason, deps) } },
    events: [historyEvent('lifecycle', 'change_refused', reason, { salesOrderId })],
    changes: [],
    refusal: reason,
  };
}

function refusalMark(order: StoreOrder, reason: string, deps: SyncDeps): NonNullable<OrderSnapshot['refused']> {
  const messageId = deps.trigger?.messageId;
  return { dateModified: order.dateModified.toISOString(), orderHash: orderHash(order), reason, ...(messageId ? { messageId } : {}) };
}

function sameLines(a: SnapshotLine[], b: SnapshotLine[]): boolean {
  const key = (line: SnapshotLine) => `${line.orderProductId}:${line.itemId}:${line.quantity}:${line.rate}:${line.amount}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

function moved(desired: OrderSnapshot): Pick<OrderSnapshot, 'dateModified' | 'statusId'> {
  return { dateModified: desired.dateModified, statusId: desired.statusId };
}

function none(): StepResult {
  return { applied: {}, events: [], changes: [] };
}

function emptySnapshot(): OrderSnapshot {
  return { dateModified: new Date(0).toISOString(), statusId: 0, lines: [], chargesHash: '' };
}

function merge(into: StepResult, step: StepResult): void {
  Object.assign(into.applied, step.applied);
  into.events.push(...step.events);
  into.changes.push(...step.changes);
  if (step.refusal) into.refusal = into.refusal ? `${into.refusal}; ${step.refusal}` : step.refusal;
}
