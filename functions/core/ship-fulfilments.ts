/**
 * Fulfilment comes home (lifecycle.md §5.4): NetSuite item fulfilments of our sales orders become BigCommerce
 * shipments, exactly once although shipments carry no external id. Per (fulfilment, BigCommerce address) the
 * ledger is claimed with a conditional write before anything is posted; the shipment's comments carry a marker
 * naming the fulfilment and address; and whoever posts reads the order's shipments first, adopting a marked one
 * instead of posting again (a crash between the POST and the ledger write, or a lost answer, costs no second
 * shipment and no second e-mail). NetSuite owns fulfilment: a BigCommerce shipment is never deleted here.
 */
import { AccessDeniedError, PermanentError, SyncError, TransientError } from './errors.ts';
import { salesOrderExternalId } from './external-ids.ts';
import type {
  AlertLog,
  Fulfilment,
  FulfilmentAlert,
  FulfilmentAlerter,
  FulfilmentRef,
  FulfilmentSource,
  PollerState,
  SalesOrderLineLink,
  ShipmentDraft,
  ShipmentLedger,
  ShipmentSink,
  ShippableLine,
  ShippableOrder,
  WatchedFulfilment,
} from './ports.ts';

/** What a NetSuite ship method or carrier maps to on a BigCommerce shipment. */
export interface CarrierTarget {
  shippingProvider?: string;
  trackingCarrier?: string;
}

export interface ShipSettings {
  storeHash: string;
  /** Ship status letters that count: ['C'] (Shipped, the default) or ['B', 'C'] (Packed too). */
  shipStatuses: string[];
  /** Normalised NetSuite ship method name or carrier code → BigCommerce provider / tracking carrier. */
  carriers: ReadonlyMap<string, CarrierTarget>;
  overlapMs: number;
  initialLookbackMs: number;
  /** The single-poller lease. */
  leaseMs: number;
  /** How long a claim on one shipment protects a POST in flight; longer than any run. */
  claimLeaseMs: number;
  pageSize: number;
}

export interface ShipDeps {
  source: FulfilmentSource;
  store: ShipmentSink;
  ledger: ShipmentLedger;
  state: PollerState;
  alerts: AlertLog;
  alerter: FulfilmentAlerter;
  settings: ShipSettings;
  owner: string;
  timeLeftMs: () => number;
  stopBeforeMs: number;
  now?: () => number;
  log?: (message: string, details: Record<string, unknown>) => void;
}

export type FulfilmentOutcome =
  | 'shipped'
  | 'already_handled'
  | 'unchanged'
  | 'not_shipped_yet'
  | 'deleted'
  | 'changed_after_shipping'
  | 'order_cancelled'
  | 'nothing_to_ship'
  | 'failed'
  /** Another run's claim (a crashed one's, until its lease runs out): left for a later run, the cursor waits for it. */
  | 'busy';

export interface ShipResult {
  /** interrupted: a transient failure (rate limit, outage) stopped the run; the cursor waits before that fulfilment. */
  status: 'completed' | 'stopped_early' | 'locked_out' | 'interrupted';
  pages: number;
  /** Fulfilments looked at, by outcome. */
  outcomes: Partial<Record<FulfilmentOutcome, number>>;
  /** Shipments posted to BigCommerce by this run, and marked ones found there and adopted instead. */
  posted: number;
  adopted: number;
  alertsSent: number;
  alertFailures: number;
  error?: string;
}

/** Another run holds a claim of this fulfilment: it is left for a later run, the others go on. */
export class BusyError extends TransientError {}

/** The poller state's one cursor (the order poller keys its cursors by status id; this poller has one). */
export const FULFILMENT_CURSOR = 0;
const ALERT_TTL_SECONDS = 30 * 24 * 3600;
/** Statuses the fallback moves to Shipped / Partially Shipped; others (Completed, Refunded, Disputed…) stay. */
const MOVABLE_STATUSES = new Set([3, 7, 8, 9, 11, 12]);
const CANCELLED_STATUSES = new Set([5, 6]);
/** Shipped fulfilments are watched for deletion this long, at most this many (one SuiteQL query per run). */
const WATCH_MS = 14 * 24 * 3600_000;
const WATCH_LIMIT = 1000;

/** The marker in a shipment's comments that names the fulfilment and address it came from. */
export function shipmentMarker(fulfilmentId: string, addressId: number): string {
  return `[netsuite-fulfilment:${fulfilmentId}:${addressId}]`;
}

export function normalizeCarrierKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

export async function shipFulfilments(deps: ShipDeps): Promise<ShipResult> {
  const { state, settings, owner } = deps;
  const now = deps.now ?? Date.now;
  const result: ShipResult = { status: 'completed', pages: 0, outcomes: {}, posted: 0, adopted: 0, alertsSent: 0, alertFailures: 0 };
  if (!(await state.acquireLease(owner, settings.leaseMs))) return { ...result, status: 'locked_out' };
  const watch = new Map((await deps.ledger.getWatch()).map((entry) => [entry.fulfilmentId, entry]));
  const watched = watch.size;
  const run: Run = { result, watch };
  try {
    const saved = await state.getCursor(FULFILMENT_CURSOR);
    const cursorMs = saved?.at.getTime() ?? now() - settings.initialLookbackMs;
    // Fulfilments handled at their current modification time are not handled again by the overlap.
    const seen = new Map(Object.entries(saved?.recent ?? {}));
    let after = { modifiedAt: new Date(cursorMs - settings.overlapMs), fulfilmentId: '0' };
    // The first fulfilment left for a later run: the cursor never moves past it.
    let holdAtMs: number | undefined;
    for (;;) {
      if (deps.timeLeftMs() < deps.stopBeforeMs) return { ...result, status: 'stopped_early' };
      const page = await deps.source.listFulfilments(after, settings.pageSize);
      result.pages += 1;
      for (const ref of page) {
        if (seen.get(ref.fulfilmentId) === ref.modifiedAt.getTime()) continue;
        let outcome: FulfilmentOutcome;
        try {
          outcome = await handleFulfilment(deps, ref, run);
        } catch (error) {
          if (error instanceof BusyError) {
            holdAtMs ??= ref.modifiedAt.getTime();
            result.outcomes.busy = (result.outcomes.busy ?? 0) + 1;
            continue;
          }
          // A rate limit or outage: stop here, the cursor stays before this page and the next run resumes. Refused
          // credentials heal no faster: they fail the run, so the FulfilmentPollerErrors alarm tells someone.
          if (error instanceof TransientError && !(error instanceof AccessDeniedError)) return { ...result, status: 'interrupted', error: error.message };
          throw error;
        }
        result.outcomes[outcome] = (result.outcomes[outcome] ?? 0) + 1;
        seen.set(ref.fulfilmentId, ref.modifiedAt.getTime());
      }
      const last = page.at(-1);
      if (last) {
        const at = new Date(Math.min(last.modifiedAt.getTime(), holdAtMs ?? Number.POSITIVE_INFINITY));
        const recent = Object.fromEntries([...seen].filter(([, modifiedMs]) => modifiedMs >= at.getTime() - settings.overlapMs));
        await state.advanceCursor(FULFILMENT_CURSOR, { at, recent });
        after = { modifiedAt: last.modifiedAt, fulfilmentId: last.fulfilmentId };
      }
      if (page.length < settings.pageSize) break;
    }
    await checkDeletions(deps, run, now());
    return result;
  } finally {
    try {
      if (run.changedWatch || watch.size !== watched) await deps.ledger.putWatch([...watch.values()]);
    } finally {
      await state.releaseLease(owner);
    }
  }
}

interface Run {
  result: ShipResult;
  /** Fulfilments shipped lately, by id: watched for their deletion in NetSuite. */
  watch: Map<string, WatchedFulfilment>;
  changedWatch?: boolean;
}

/**
 * SuiteQL has no deletion feed (lifecycle.md §5.1): the fulfilments shipped in the last two weeks are looked up by
 * id, one query per run, and one that is gone is announced (its shipment stays: NetSuite owns fulfilment, people
 * own what to do about a shipment already e-mailed).
 */
async function checkDeletions(deps: ShipDeps, run: Run, nowMs: number): Promise<void> {
  const recent = [...run.watch.values()].filter((entry) => entry.postedAtMs >= nowMs - WATCH_MS).sort((a, b) => b.postedAtMs - a.postedAtMs);
  const kept = recent.slice(0, WATCH_LIMIT);
  if (kept.length !== run.watch.size) {
    run.watch.clear();
    for (const entry of kept) run.watch.set(entry.fulfilmentId, entry);
    run.changedWatch = true;
  }
  if (kept.length === 0) return;
  let existing: Set<string>;
  try {
    existing = await deps.source.existingFulfilments(kept.map((entry) => entry.fulfilmentId));
  } catch (error) {
    if (error instanceof TransientError) return; // the next run looks again
    throw error;
  }
  for (const entry of kept) {
    if (existing.has(entry.fulfilmentId)) continue;
    const ref = { fulfilmentId: entry.fulfilmentId, tranId: entry.tranId, modifiedAt: new Date(entry.postedAtMs) };
    await announce(deps, run.result, ref, {
      storeHash: deps.settings.storeHash,
      fulfilmentId: entry.fulfilmentId,
      tranId: entry.tranId,
      orderId: entry.orderId,
      kind: 'deleted_after_shipping',
      reason: `Item fulfilment ${entry.tranId} was deleted in NetSuite after BigCommerce shipment(s) ${entry.shipmentIds.join(', ')} were created from it. The sync never deletes a BigCommerce shipment: if the goods did not ship, correct the order in the control panel.`,
    });
    run.watch.delete(entry.fulfilmentId);
  }
}

/** The BigCommerce order id of one of our sales orders (`BC-<store hash>-<order id>`), or undefined. */
export function orderIdOf(externalId: string, storeHash: string): number | undefined {
  const prefix = salesOrderExternalId(storeHash, 0).slice(0, -1);
  if (!externalId.startsWith(prefix)) return undefined;
  const id = Number(externalId.slice(prefix.length));
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

/** Lines, quantities and tracking numbers: what must not change once shipped. */
export function fingerprintOf(fulfilment: Fulfilment): string {
  const lines = fulfilment.lines.map((line) => `${line.orderLine ?? '-'}:${line.itemId}:${line.quantity}`).sort();
  return JSON.stringify({ lines, tracking: [...fulfilment.trackingNumbers].sort() });
}

async function handleFulfilment(deps: ShipDeps, ref: FulfilmentRef, run: Run): Promise<FulfilmentOutcome> {
  const { result } = run;
  const { source, ledger, settings } = deps;
  if (!settings.shipStatuses.includes(ref.shipStatus)) return 'not_shipped_yet';
  const orderId = orderIdOf(ref.salesOrderExternalId, settings.storeHash);
  if (orderId === undefined) return 'not_shipped_yet'; // not ours (the query filters these out already)
  const record = await ledger.getRecord(ref.fulfilmentId);
  if (record && record.modifiedAtMs === ref.modifiedAt.getTime()) return 'already_handled';
  const base = { storeHash: settings.storeHash, fulfilmentId: ref.fulfilmentId, tranId: ref.tranId, orderId };

  const fulfilment = await source.getFulfilment(ref.fulfilmentId);
  if (!fulfilment) {
    if (record?.state === 'shipped') {
      run.watch.delete(ref.fulfilmentId); // announced here, not again by the deletion check
      run.changedWatch = true;
      await announce(deps, result, ref, {
        ...base,
        kind: 'deleted_after_shipping',
        reason: `Item fulfilment ${ref.tranId} was deleted in NetSuite after BigCommerce shipment(s) ${record.shipmentIds.join(', ')} were created. BigCommerce shipments are never deleted by the sync: remove or correct them in the control panel if the goods did not ship.`,
      });
    }
    return 'deleted';
  }
  if (!settings.shipStatuses.includes(fulfilment.shipStatus)) return 'not_shipped_yet';
  const fingerprint = fingerprintOf(fulfilment);
  const modifiedAtMs = ref.modifiedAt.getTime();

  if (record && record.fingerprint === fingerprint && record.state !== 'failed') {
    // Modified without a change that matters (our own write-back of the shipment id moves lastModifiedDate too).
    const writtenBack =
      record.state === 'shipped' && !record.writtenBack ? await writeBack(deps, fulfilment.fulfilmentId, record.shipmentIds) : record.writtenBack;
    await ledger.putRecord(ref.fulfilmentId, { ...record, modifiedAtMs, ...(writtenBack !== undefined ? { writtenBack } : {}) });
    return 'unchanged';
  }
  if (record?.state === 'shipped') {
    await ledger.putRecord(ref.fulfilmentId, { ...record, modifiedAtMs, fingerprint });
    await announce(deps, result, ref, {
      ...base,
      kind: 'changed_after_shipping',
      reason: `Item fulfilment ${ref.tranId} changed in NetSuite (lines, quantities or tracking) after BigCommerce shipment(s) ${record.shipmentIds.join(', ')} were created from it. The sync never deletes or re-creates a shipment (the shopper would get another e-mail): correct it in the BigCommerce control panel.`,
    });
    return 'changed_after_shipping';
  }

  try {
    return await shipOne(deps, run, ref, fulfilment, orderId, fingerprint);
  } catch (error) {
    if (error instanceof TransientError || !(error instanceof SyncError)) throw error;
    // Refused for good (BigCommerce 4xx, a record NetSuite will not serve): the dead-letter record, and Slack.
    await ledger.putRecord(ref.fulfilmentId, { state: 'failed', modifiedAtMs, fingerprint, shipmentIds: [], orderId, reason: error.message });
    await announce(deps, result, ref, {
      ...base,
      kind: 'failed',
      reason: `${error.message}. Fix the cause, then edit the item fulfilment in NetSuite (any save) and the next poll tries it again.`,
    });
    return 'failed';
  }
}

interface AddressGroup {
  addressId: number;
  items: Map<number, number>;
}

async function shipOne(deps: ShipDeps, run: Run, ref: FulfilmentRef, fulfilment: Fulfilment, orderId: number, fingerprint: string): Promise<FulfilmentOutcome> {
  const { source, store, ledger, settings, owner } = deps;
  const { result } = run;
  const base = { storeHash: settings.storeHash, fulfilmentId: ref.fulfilmentId, tranId: ref.tranId, orderId };
  const modifiedAtMs = ref.modifiedAt.getTime();
  const order = await store.getShippableOrder(orderId);
  if (!order)
    throw new PermanentError(`BigCommerce order ${orderId} of item fulfilment ${ref.tranId} no longer exists (404)`, { source: 'bigcommerce', status: 404 });
  if (CANCELLED_STATUSES.has(order.statusId)) {
    const reason = `BigCommerce order ${orderId} is ${order.statusId === 5 ? 'cancelled' : 'declined'}, yet NetSuite item fulfilment ${ref.tranId} shipped goods for it. No shipment was created; check whether the goods really left and settle it with the shopper.`;
    await ledger.putRecord(ref.fulfilmentId, { state: 'skipped', modifiedAtMs, fingerprint, shipmentIds: [], orderId, reason });
    await announce(deps, result, ref, { ...base, kind: 'order_cancelled', reason });
    return 'order_cancelled';
  }
  const { groups, notes } = planShipments(fulfilment, await source.salesOrderLines(fulfilment.salesOrderId), order);

  const posted = new Map<number, number>();
  const toPost: AddressGroup[] = [];
  try {
    for (const group of groups) {
      const claim = await ledger.claim(ref.fulfilmentId, group.addressId, owner, settings.claimLeaseMs);
      if (claim.outcome === 'posted') posted.set(group.addressId, claim.shipmentId);
      else if (claim.outcome === 'claimed') toPost.push(group);
      else throw new BusyError(`item fulfilment ${ref.tranId}: another run holds its shipment claim (until its lease runs out)`);
    }
    if (toPost.length > 0) {
      // Read after claiming: a shipment an earlier attempt posted (and could not record) is found here, not posted twice.
      const existing = await store.listShipments(orderId);
      for (const group of toPost) {
        const marker = shipmentMarker(ref.fulfilmentId, group.addressId);
        const found = existing.find((shipment) => shipment.comments.includes(marker));
        if (found) {
          await ledger.markPosted(ref.fulfilmentId, group.addressId, found.id);
          posted.set(group.addressId, found.id);
          result.adopted += 1;
          continue;
        }
        const items = clampToUnshipped(group, order.lines, notes);
        if (items.length === 0) continue;
        const shipment = await store.createShipment(orderId, shipmentDraft(fulfilment, group.addressId, items, settings.carriers, marker));
        await ledger.markPosted(ref.fulfilmentId, group.addressId, shipment.id);
        posted.set(group.addressId, shipment.id);
        result.posted += 1;
      }
    }
  } finally {
    // Claims not (yet) recorded as posted are given up at once, whatever happened: the next attempt reads the order's
    // shipments before posting, so this cannot cause a second shipment. Only a process that dies leaves its claims
    // behind, until their lease runs out.
    for (const group of toPost) if (!posted.has(group.addressId)) await ledger.release(ref.fulfilmentId, group.addressId, owner);
  }

  const shipmentIds = [...posted.values()].sort((a, b) => a - b);
  if (shipmentIds.length > 0) {
    run.watch.set(ref.fulfilmentId, { fulfilmentId: ref.fulfilmentId, tranId: ref.tranId, orderId, shipmentIds, postedAtMs: deps.now?.() ?? Date.now() });
    run.changedWatch = true;
    await setShippedStatus(store, orderId);
  }
  const writtenBack = shipmentIds.length > 0 ? await writeBack(deps, fulfilment.fulfilmentId, shipmentIds) : undefined;
  const reason = notes.length > 0 ? notes.join('; ') : undefined;
  await ledger.putRecord(ref.fulfilmentId, {
    state: shipmentIds.length > 0 ? 'shipped' : 'skipped',
    modifiedAtMs,
    fingerprint,
    shipmentIds,
    orderId,
    ...(reason ? { reason } : {}),
    ...(writtenBack !== undefined ? { writtenBack } : {}),
  });
  if (reason) {
    await announce(deps, result, ref, {
      ...base,
      kind: 'lines_not_shipped',
      reason: `Item fulfilment ${ref.tranId}: ${reason}.${shipmentIds.length > 0 ? ` Shipment(s) ${shipmentIds.join(', ')} carry the rest.` : ' No shipment was created.'}`,
    });
  }
  return shipmentIds.length > 0 ? 'shipped' : 'nothing_to_ship';
}

/**
 * Maps each fulfilled line back to its BigCommerce order product: through the line link column when the sales-order
 * line has it, else by SKU (and then quantity) when exactly one BigCommerce line fits. Lines that cannot be shipped
 * (not on the order, digital, picked up) become notes, never errors: the rest of the fulfilment still ships.
 */
export function planShipments(
  fulfilment: Fulfilment,
  salesOrderLines: SalesOrderLineLink[],
  order: ShippableOrder,
): { groups: Array<{ addressId: number; items: Map<number, number> }>; notes: string[] } {
  const notes: string[] = [];
  const byAddress = new Map<number, Map<number, number>>();
  for (const line of fulfilment.lines) {
    if (line.orderLine === undefined || line.quantity <= 0) continue; // kit members ship with their kit's line
    const soLine = salesOrderLines.find((candidate) => candidate.line === line.orderLine);
    const storeLine = soLine && storeLineOf(soLine, order.lines);
    const what = `sales order line ${line.orderLine} (item ${line.itemId}, quantity ${line.quantity})`;
    if (!storeLine) {
      notes.push(`${what} is not on BigCommerce order ${order.orderId}${soLine?.sku ? ` (no single line with SKU ${soLine.sku})` : ''}`);
      continue;
    }
    if (storeLine.type !== 'physical') {
      notes.push(`${what} is a ${storeLine.type} item in BigCommerce: nothing to ship`);
      continue;
    }
    if (storeLine.pickup) {
      notes.push(`${what} is picked up in store: BigCommerce ships nothing for it`);
      continue;
    }
    const items = byAddress.get(storeLine.addressId) ?? new Map<number, number>();
    items.set(storeLine.lineId, (items.get(storeLine.lineId) ?? 0) + line.quantity);
    byAddress.set(storeLine.addressId, items);
  }
  const groups = [...byAddress].sort(([a], [b]) => a - b).map(([addressId, items]) => ({ addressId, items }));
  return { groups, notes };
}

function storeLineOf(soLine: SalesOrderLineLink, lines: ShippableLine[]): ShippableLine | undefined {
  if (soLine.storeLineId !== undefined) return lines.find((line) => line.lineId === soLine.storeLineId);
  if (!soLine.sku) return undefined;
  const sameSku = lines.filter((line) => line.sku === soLine.sku);
  if (sameSku.length === 1) return sameSku[0];
  const sameQuantity = sameSku.filter((line) => line.quantity === soLine.quantity);
  return sameQuantity.length === 1 ? sameQuantity[0] : undefined;
}

/** What BigCommerce still has unshipped caps each item; the excess becomes a note. */
function clampToUnshipped(group: AddressGroup, lines: ShippableLine[], notes: string[]): Array<{ lineId: number; quantity: number }> {
  const items: Array<{ lineId: number; quantity: number }> = [];
  for (const [lineId, quantity] of group.items) {
    const line = lines.find((candidate) => candidate.lineId === lineId)!;
    const unshipped = Math.max(0, line.quantity - line.quantityShipped);
    if (quantity > unshipped)
      notes.push(`${quantity - unshipped} of order product ${lineId} beyond what BigCommerce still has unshipped (${unshipped}) were not shipped`);
    if (Math.min(quantity, unshipped) > 0) items.push({ lineId, quantity: Math.min(quantity, unshipped) });
  }
  return items;
}

export function shipmentDraft(
  fulfilment: Fulfilment,
  addressId: number,
  items: Array<{ lineId: number; quantity: number }>,
  carriers: ReadonlyMap<string, CarrierTarget>,
  marker: string,
): ShipmentDraft {
  // BigCommerce holds one tracking number of at most 50 characters (orders.v2.oas2.yml L3862-3866); all go in the comments.
  const trackingNumber = fulfilment.trackingNumbers.find((number) => number.length <= 50);
  const target =
    (fulfilment.shipMethod && carriers.get(normalizeCarrierKey(fulfilment.shipMethod))) ||
    (fulfilment.shipCarrier && carriers.get(normalizeCarrierKey(fulfilment.shipCarrier))) ||
    undefined;
  const tracking = fulfilment.trackingNumbers.length > 0 ? ` Tracking: ${fulfilment.trackingNumbers.join(', ')}.` : '';
  return {
    addressId,
    items,
    ...(trackingNumber ? { trackingNumber } : {}),
    // Unmapped: the tracking number alone (no provider, no carrier) rather than a refused shipment.
    ...(target?.shippingProvider ? { shippingProvider: target.shippingProvider } : {}),
    ...(target?.trackingCarrier ? { trackingCarrier: target.trackingCarrier } : {}),
    ...(fulfilment.shipMethod ? { shippingMethod: fulfilment.shipMethod } : {}),
    comments: `Shipped from NetSuite item fulfilment ${fulfilment.tranId}.${tracking} ${marker}`,
  };
}

/** Whether BigCommerce moves the status by itself is unconfirmed (lifecycle.md §5.2): read it back and set it if not. */
async function setShippedStatus(store: ShipmentSink, orderId: number): Promise<void> {
  const order = await store.getShippableOrder(orderId);
  if (!order) return;
  const shippable = order.lines.filter((line) => line.type === 'physical' && !line.pickup);
  const desired = shippable.every((line) => line.quantityShipped >= line.quantity) ? 2 : 3;
  if (order.statusId !== desired && MOVABLE_STATUSES.has(order.statusId)) await store.setOrderStatus(orderId, desired);
}

/** True once written; undefined when no field is configured; false when NetSuite refused it (retried when next seen). */
async function writeBack(deps: ShipDeps, fulfilmentId: string, shipmentIds: number[]): Promise<boolean | undefined> {
  if (!deps.source.shipmentIdField) return undefined;
  try {
    await deps.source.recordShipmentIds(fulfilmentId, shipmentIds.join(','));
    return true;
  } catch (error) {
    // A passing failure interrupts the run (the next one writes it); a refusal is logged and not retried.
    if (error instanceof TransientError || !(error instanceof SyncError)) throw error;
    deps.log?.('shipment id write-back failed', { fulfilmentId, error: error.message });
    return false;
  }
}

/** One Slack message per fulfilment, kind and modification, whichever run gets there first. */
async function announce(deps: ShipDeps, result: ShipResult, ref: Pick<FulfilmentRef, 'fulfilmentId' | 'modifiedAt'>, alert: FulfilmentAlert): Promise<void> {
  const key = `fulfilment#${deps.settings.storeHash}#${ref.fulfilmentId}#${alert.kind}#${ref.modifiedAt.getTime()}`;
  if (!(await deps.alerts.claim(key, deps.owner, ALERT_TTL_SECONDS))) return;
  try {
    await deps.alerter.sendFulfilment(alert);
    await deps.alerts.markSent(key);
    result.alertsSent += 1;
  } catch (error) {
    await deps.alerts.release(key, deps.owner);
    result.alertFailures += 1;
    deps.log?.('fulfilment alert could not be sent', { fulfilmentId: ref.fulfilmentId, kind: alert.kind, error: (error as Error).message });
  }
}
