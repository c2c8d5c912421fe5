import { buildSalesOrder, skusToResolve, type BookedTotals, type SalesOrderSettings } from './build-sales-order.ts';
import { AlreadyExistsError, MissingSkuError, NotFoundError, PermanentError, SyncError, TransientError } from './errors.ts';
import { orderKey, salesOrderExternalId, shipToAddressKey } from './external-ids.ts';
import { REFUND_STATUS_IDS, statusName } from './order-statuses.ts';
import type { SalesOrderDraft, StoreOrder } from './model.ts';
import { emailHash, historyEvent } from './order-history.ts';
import { snapshotOf, unverifiedSnapshot, type OrderSnapshot } from './order-snapshot.ts';
import { applyOrderChanges } from './apply-order-changes.ts';
import { formatMoney } from './money.ts';
import type { AttemptFailure, AttemptTrail, CustomerCache, Erp, HistorySource, OrderLedger, OrderSource, ParkedOrders, SkuMapStore } from './ports.ts';
import { resolveCustomer, toErpAddress, type CustomerResolution } from './resolve-customer.ts';
import { resolveItems } from './resolve-items.ts';

export interface SyncSettings extends SalesOrderSettings {
  storeHash: string;
  /** BigCommerce status ids whose orders become sales orders. */
  triggerStatusIds: number[];
  /** How long a worker may hold an order before another may take over (must exceed one attempt's duration). */
  leaseMs: number;
  /** How long "NetSuite has no item for this SKU" is believed before asking again. */
  negativeSkuTtlSeconds: number;
  /** The Customer ID new customers get (for accounts without auto-numbering). */
  customerEntityId?: 'auto' | 'email' | 'name';
  /** OneWorld: a shopper known only in another subsidiary gets a customer of ours, or the order fails. */
  otherSubsidiaryCustomer?: 'create' | 'fail';
  /** Item that refunded amounts not tied to a line (ORDER, FEE, gift wrapping) book on (NETSUITE_REFUND_ITEM_ID). */
  refundItemId?: string;
  /** deposit: captured payments become customer deposits on the sales order (SYNC_PAYMENTS; default off). */
  payments?: 'off' | 'deposit';
  /** Record test-gateway payments too (a sandbox store). */
  includeTestPayments?: boolean;
  /** Unset: deposits go to Undeposited Funds. */
  depositAccountId?: string;
}

export interface SyncDeps {
  source: OrderSource;
  erp: Erp;
  skuMap: SkuMapStore;
  customers: CustomerCache;
  ledger: OrderLedger;
  parked: ParkedOrders;
  settings: SyncSettings;
  /** Identifies this worker in the ledger's lease (e.g. the Lambda request id). */
  workerId: string;
  /** Ask NetSuite again about SKUs remembered as missing (set for a message's first delivery). */
  recheckMissingSkus?: boolean;
  /** What asked for this attempt, for the order's history (a direct call is a backfill). */
  trigger?: SyncTrigger;
}

export interface SyncTrigger {
  source: HistorySource;
  /** When the event reached us (the queue message's receivedAt). */
  receivedAt?: string;
  /** The queue message and its delivery count. */
  messageId?: string;
  receiveCount?: number;
}

export type SyncOutcome =
  | { status: 'synced'; orderId: number; salesOrderId: string; created: boolean; booked: BookedTotals; warnings?: string[] }
  | { status: 'skipped'; orderId: number; reason: string }
  | { status: 'already_synced'; orderId: number; salesOrderId: string }
  /** A synced order whose later changes (edit, cancellation) were applied to its sales order. */
  | { status: 'changed'; orderId: number; salesOrderId: string; changes: string[] };

/**
 * One BigCommerce order becomes exactly one NetSuite sales order.
 *
 * The ledger makes re-runs free (a synced order costs one DynamoDB read and no NetSuite call) and keeps two
 * workers from racing; NetSuite's externalId uniqueness is the final guard for everything the ledger cannot
 * see, such as a crash between the create and the ledger write, or a create whose response was lost.
 */
export async function syncOrder(orderId: number, deps: SyncDeps): Promise<SyncOutcome> {
  const { ledger, settings, workerId } = deps;
  const key = orderKey(settings.storeHash, orderId);
  const trigger = deps.trigger ?? { source: 'backfill' };
  const source = trigger.source;
  const delivery = trigger.receiveCount ? `delivery ${trigger.receiveCount}` : undefined;
  const received = trigger.receivedAt ? `event of ${trigger.receivedAt}` : undefined;
  // The history's first two steps ride on the claim itself; a claim refused (synced already, or busy) writes nothing.
  const claim = await ledger.claim(key, workerId, settings.leaseMs, [
    historyEvent(source, 'received', [`${source} request`, received, delivery].filter(Boolean).join(', '), { messageId: trigger.messageId }),
    historyEvent(source, 'claimed', undefined, { worker: workerId }),
  ]);

  if (claim.outcome === 'already_synced') {
    const salesOrderId = claim.entry.salesOrderId!;
    if (!claim.entry.writeBackDone) await writeBack(orderId, salesOrderId, key, deps, trigger.source);
    // Whatever the event, NetSuite is brought to the order's current state (nothing to do costs no NetSuite call).
    const change = await applyOrderChanges(orderId, deps);
    return change.status === 'changed' ? change : { status: 'already_synced', orderId, salesOrderId };
  }
  if (claim.outcome === 'busy') {
    // Come back when the lease ends: if its holder crashed, that is when the order can be taken over.
    const leaseLeftMs = Math.max(0, (claim.entry.leaseExpiresAt ?? 0) - Date.now());
    throw new TransientError(`order ${orderId} is being synced by another worker`, { source: 'order', code: 'ORDER_BUSY', retryAfterMs: leaseLeftMs });
  }

  // Every later step is collected here and written with the attempt's final ledger update.
  const trail: AttemptTrail = { events: [] };
  // A first delivery of an order the notifier saw in the dead-letter queue: someone redrove it.
  // (A console retry or a SKU refresh says so itself.)
  if (claim.entry.deadLetteredAt && trigger.receiveCount === 1 && source !== 'console' && source !== 'sku-refresh') {
    trail.events.push(
      historyEvent('redrive', 'redriven', `first delivery of its ${source} message since it was dead-lettered at ${claim.entry.deadLetteredAt}`),
    );
  }
  let result: CreatedSalesOrder | { skipped: string };
  try {
    result = await createSalesOrder(orderId, deps, trail);
    // Not to be synced now (cancelled, refunded, on hold), but an earlier attempt may have created the sales order
    // and died before the ledger heard of it: then it is adopted, and brought to the order's state below.
    if ('skipped' in result && claim.entry.attempts > 1 && !result.skipped.startsWith(UNKNOWN_ORDER)) {
      result = (await adoptOrphan(orderId, deps, trail)) ?? result;
    }
    if ('skipped' in result) {
      trail.events.push(historyEvent(source, 'skipped', result.skipped));
      await ledger.markSkipped(key, workerId, result.skipped, trail);
      // Not payable now (cancelled, refunded, deleted): it stops waiting for its SKUs; a later paid event brings it back.
      if (claim.entry.missingSkus) await deps.parked.unpark(orderId);
      return { status: 'skipped', orderId, reason: result.skipped };
    }
    trail.events.push(
      historyEvent(source, 'synced', `booked ${formatMoney(result.booked.total)} ${result.booked.currency}`, { salesOrderId: result.salesOrderId }),
    );
    // (The SKU refresh records its own unparking when it re-enqueues.)
    if (claim.entry.missingSkus && source !== 'sku-refresh')
      trail.events.push(historyEvent(source, 'unparked', `SKUs ${claim.entry.missingSkus.join(', ')} now have NetSuite items`));
    // The snapshot of what was booked lets the reconciler check NetSuite's totals without asking BigCommerce again.
    await ledger.markSynced(key, workerId, result.salesOrderId, { booked: result.booked, snapshot: result.snapshot }, trail);
  } catch (error) {
    const failure = describeFailure(error);
    trail.events.push(historyEvent(source, 'failed', failure.message, { class: failure.errorClass, error: failure.errorName }));
    // Parked until the SKU refresh finds the items; it re-enqueues the order then.
    if (failure.missingSkus)
      trail.events.push(
        historyEvent(source, 'parked', `waiting for NetSuite items for ${failure.missingSkus.join(', ')}`, { skus: failure.missingSkus.join(',') }),
      );
    await ledger.markFailed(key, workerId, failure, trail).catch(() => undefined); // the original failure is the one worth reporting
    if (failure.missingSkus) await deps.parked.park(orderId, failure.missingSkus).catch(() => undefined);
    throw error;
  }
  if (claim.entry.missingSkus) await deps.parked.unpark(orderId);
  // After the ledger says synced, nothing below can lead to a second sales order.
  await writeBack(orderId, result.salesOrderId, key, deps, source);
  if (result.adopted || !result.created) {
    // Found already made by an attempt that died before the ledger write: the order may have moved on since
    // (edited, cancelled), so NetSuite is brought to its current state now.
    const change = await applyOrderChanges(orderId, deps);
    if (change.status === 'changed') return change;
  } else if (result.order && (settings.payments === 'deposit' || REFUND_STATUS_IDS.includes(result.order.statusId))) {
    // Payments (and refunds) that came before the sales order do not wait for another event. A refund before it is
    // rare: a refunded order is not in a trigger status, so this runs only when its status says refunded.
    await applyOrderChanges(orderId, deps, { order: result.order });
  }
  const { warnings, snapshot: _snapshot, adopted: _adopted, order: _order, ...synced } = result;
  return { status: 'synced', orderId, ...synced, ...(warnings.length > 0 ? { warnings } : {}) };
}

type CreatedSalesOrder = {
  salesOrderId: string;
  created: boolean;
  booked: BookedTotals;
  snapshot: OrderSnapshot;
  /** The order as read for this attempt (absent when an orphan was adopted). */
  order?: StoreOrder;
  warnings: string[];
  /** Found in NetSuite for an order no longer to be synced (see adoptOrphan). */
  adopted?: boolean;
};

/**
 * A sales order an earlier attempt created before dying (no ledger write), for an order that is not to be synced
 * any more: recorded as synced with what it booked, so its later changes apply to it. Undefined when there is none.
 */
async function adoptOrphan(orderId: number, deps: SyncDeps, trail: AttemptTrail): Promise<CreatedSalesOrder | undefined> {
  const externalId = salesOrderExternalId(deps.settings.storeHash, orderId);
  const salesOrderId = await deps.erp.findSalesOrderByExternalId(externalId);
  if (!salesOrderId) return undefined;
  const plan = await planSalesOrder(orderId, deps, { dryRun: true, anyStatus: true });
  if ('skipped' in plan) return undefined;
  trail.events.push(
    historyEvent(deps.trigger?.source ?? 'backfill', 'sales_order_found', `NetSuite already had ${externalId}, created by an attempt that did not finish`, {
      salesOrderId,
    }),
  );
  // The snapshot is of the order as booked: the order's current status is applied to it as a change.
  const snapshot = unverifiedSnapshot(snapshotOf(plan.draft, new Date(0), deps.settings.triggerStatusIds[0] ?? 11));
  return { salesOrderId, created: false, booked: plan.booked, snapshot, warnings: plan.warnings, adopted: true };
}

/** How a skip for an order BigCommerce does not have begins (the worker counts these apart). */
export const UNKNOWN_ORDER = 'BigCommerce has no order';

export type SalesOrderPlan =
  | { skipped: string }
  | {
      order: StoreOrder;
      customer: CustomerResolution;
      draft: SalesOrderDraft;
      booked: BookedTotals;
      /** The SKU of each draft line (undefined for configured items), and the SKUs NetSuite was just asked about. */
      lineSkus: Array<string | undefined>;
      freshSkus: ReadonlySet<string>;
      /** Storefront data that could not be kept (a phone NetSuite would refuse), for the log. */
      warnings: string[];
    };

/**
 * Everything short of creating the sales order: reads the order, gates on its status, resolves items and
 * customer, builds the draft. A dry run creates no customer and writes nothing to either system.
 */
export async function planSalesOrder(
  orderId: number,
  deps: Omit<SyncDeps, 'ledger' | 'parked' | 'workerId'>,
  options: { dryRun?: boolean; trail?: AttemptTrail; order?: StoreOrder; anyStatus?: boolean } = {},
): Promise<SalesOrderPlan> {
  const { source, erp, settings } = deps;
  const step = deps.trigger?.source ?? 'backfill';
  const trail = options.trail;
  let order: StoreOrder;
  try {
    // (A caller that has just read the order passes it in.)
    order = options.order ?? (await source.getOrder(orderId));
  } catch (error) {
    // Anyone holding the webhook secret can send any id: an order BigCommerce does not have is nothing to sync,
    // not a failure to dead-letter and alert on.
    if (error instanceof NotFoundError && error.details.source === 'bigcommerce') return { skipped: `${UNKNOWN_ORDER} ${orderId} (deleted, or never placed)` };
    throw error;
  }
  if (trail && order.billing.email) trail.emailHash = emailHash(order.billing.email);
  // Webhooks fire for every change, including unpaid and incomplete orders; only trigger statuses sync.
  if (!options.anyStatus && !settings.triggerStatusIds.includes(order.statusId)) {
    return { skipped: `status is ${statusName(order.statusId)} (${order.statusId}), not one that triggers a sync` };
  }
  // Items first: an order that cannot be synced for a missing SKU must not leave a new customer behind.
  const itemIds = await resolveItems(
    skusToResolve(order, settings),
    { erp, skuMap: deps.skuMap, negativeTtlSeconds: settings.negativeSkuTtlSeconds },
    { recheckMissing: deps.recheckMissingSkus ?? false },
  );
  trail?.events.push(
    historyEvent(
      step,
      'items_resolved',
      itemIds.size === 0
        ? 'no SKU lines'
        : `${itemIds.size} SKU(s)${itemIds.lookedUp.size > 0 ? `, ${itemIds.lookedUp.size} looked up in NetSuite` : ' from the SKU map'}`,
      {
        items: [...itemIds]
          .map(([sku, itemId]) => `${sku}:${itemId}`)
          .join(',')
          .slice(0, 200),
      },
    ),
  );
  const currency = await erp.findCurrency(order.currencyCode);
  if (!currency) {
    throw new PermanentError(
      `order ${order.orderId} is in ${order.currencyCode}, a currency NetSuite does not have (add it under Lists > Accounting > Currencies)`,
      {
        source: 'netsuite',
      },
    );
  }
  // A single-currency account (no Multiple Currencies) books everything in its base currency, and has no currency
  // field to set: sending one would be refused as an unknown field.
  const currencyId = currency.multiple ? currency.id : undefined;
  const taxByClass = settings.taxMode === 'line' && settings.taxLines === 'class' ? await source.getTaxByClass(orderId) : undefined;
  const customer = await resolveCustomer(
    order,
    {
      erp,
      customers: deps.customers,
      subsidiaryId: settings.subsidiaryId,
      currencyId,
      entityIdMode: settings.customerEntityId ?? 'auto',
      otherSubsidiary: settings.otherSubsidiaryCustomer ?? 'create',
    },
    options,
  );
  if (trail && customer.via !== 'would_create') {
    trail.customerId = customer.customerId;
    const how = {
      cache: 'by e-mail, from the customer cache',
      lookup: 'by e-mail in NetSuite',
      created: 'new customer',
      created_concurrently: 'created by a concurrent order',
    }[customer.via];
    trail.events.push(historyEvent(step, customer.via === 'created' ? 'customer_created' : 'customer_matched', how, { customerId: customer.customerId }));
  }
  const shipToAddressIds = await shipToAddresses(order, customer, deps, options);
  const refs = {
    customerId: customer.customerId,
    itemIds,
    ...(currencyId ? { currencyId } : {}),
    ...(taxByClass ? { taxByClass } : {}),
    ...(shipToAddressIds ? { shipToAddressIds } : {}),
  };
  const { draft, booked, lineSkus, warnings } = buildSalesOrder(order, refs, settings);
  return { order, customer, draft, booked, lineSkus, freshSkus: itemIds.lookedUp, warnings: [...new Set([...customer.warnings, ...warnings])] };
}

/**
 * Multiple shipping routes: every consignment's address in the customer's address book (NetSuite ships lines only
 * to those), by BigCommerce address id. A dry run adds nothing and plans with placeholders.
 */
async function shipToAddresses(
  order: StoreOrder,
  customer: CustomerResolution,
  deps: Pick<SyncDeps, 'erp' | 'settings'>,
  options: { dryRun?: boolean },
): Promise<Map<number, string> | undefined> {
  if (order.consignments.length < 2 || !deps.settings.multiShipRoutes) return undefined;
  const keyed = order.consignments.map((consignment) => ({ consignment, address: toErpAddress(consignment.address) }));
  const withKeys = keyed.map((entry) => ({ ...entry, key: shipToAddressKey(order.storeHash, entry.address) }));
  if (options.dryRun || customer.via === 'would_create')
    return new Map(withKeys.map(({ consignment }) => [consignment.addressId, `(new address ${consignment.addressId})`]));
  const ids = await deps.erp.ensureShipToAddresses(
    customer.customerId,
    withKeys.map(({ key, address }) => ({ key, address })),
  );
  return new Map(withKeys.map(({ consignment, key }) => [consignment.addressId, ids.get(key)!]));
}

async function createSalesOrder(orderId: number, deps: SyncDeps, trail: AttemptTrail): Promise<CreatedSalesOrder | { skipped: string }> {
  const plan = await planSalesOrder(orderId, deps, { trail });
  if ('skipped' in plan) return plan;
  const { order, customer, draft, booked, lineSkus, freshSkus, warnings } = plan;
  try {
    const created = await createOnce(draft, deps.erp);
    const step = deps.trigger?.source ?? 'backfill';
    trail.events.push(
      created.created
        ? historyEvent(step, 'sales_order_created', `${draft.lines.length} line(s), externalId ${draft.externalId}`, { salesOrderId: created.salesOrderId })
        : historyEvent(step, 'sales_order_found', `NetSuite already had ${draft.externalId} (an earlier attempt created it)`, {
            salesOrderId: created.salesOrderId,
          }),
    );
    // Shipping on a multiple-shipping-routes order is set per ship group once the groups exist; also after a
    // crash between the create and here (the retry finds the order by externalId and sets the same rates).
    if (draft.shipGroups) await deps.erp.setShipGroupRates(created.salesOrderId, draft.shipGroups);
    const snapshot = snapshotOf(draft, order.dateModified, order.statusId);
    return { ...created, booked, snapshot: created.created ? snapshot : unverifiedSnapshot(snapshot), order, warnings };
  } catch (error) {
    const refusedLine = error instanceof SyncError ? /^item\.items\[(\d+)\]\.item$/.exec(error.details.path ?? '') : null;
    const refusedSku = refusedLine ? lineSkus[Number(refusedLine[1])] : undefined;
    if (refusedSku !== undefined) {
      // The SKU map pointed at an item NetSuite refuses (inactivated, deleted or changed since the last refresh):
      // forget it and look it up afresh. Refused again right after a fresh lookup, it is a person's to fix.
      await deps.skuMap.forget([refusedSku]);
      const itemId = draft.lines[Number(refusedLine![1])]?.itemId;
      if (freshSkus.has(refusedSku)) {
        throw new PermanentError(`NetSuite refuses item ${itemId} for SKU ${refusedSku}: ${(error as Error).message}`, { source: 'netsuite', cause: error });
      }
      throw new TransientError(`NetSuite refused item ${itemId} for SKU ${refusedSku}, which the SKU map held; looking the SKU up again`, {
        source: 'netsuite',
        cause: error,
      });
    }
    if (error instanceof SyncError && error.details.path === 'currency') {
      throw new PermanentError(
        `NetSuite customer ${customer.customerId} (${customer.email}) cannot transact in ${booked.currency}: add ${booked.currency} to the customer's currencies in NetSuite, then redrive (NetSuite said: ${error.message})`,
        { source: 'netsuite', cause: error },
      );
    }
    if (customer.via === 'cache' && error instanceof SyncError && error.details.path === 'entity') {
      // The cached customer was merged or deleted in NetSuite: forget it and resolve afresh on the retry.
      await deps.customers.forget(customer.email);
      throw new TransientError(`cached NetSuite customer ${customer.customerId} is no longer valid; re-resolving`, {
        source: 'netsuite',
        cause: error,
      });
    }
    throw error;
  }
}

async function createOnce(draft: SalesOrderDraft, erp: Erp): Promise<{ salesOrderId: string; created: boolean }> {
  try {
    return { salesOrderId: await erp.createSalesOrder(draft), created: true };
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    const existing = await erp.findSalesOrderByExternalId(draft.externalId);
    if (!existing) throw new TransientError(`sales order ${draft.externalId} reported as existing but not readable yet`, { source: 'netsuite' });
    return { salesOrderId: existing, created: false };
  }
}

function describeFailure(error: unknown): AttemptFailure {
  return {
    errorClass: error instanceof SyncError && !error.retryable ? 'permanent' : 'transient',
    errorName: error instanceof Error ? error.name : 'UnknownError',
    message: error instanceof Error ? error.message : String(error),
    ...(error instanceof MissingSkuError ? { missingSkus: error.skus } : {}),
  };
}

async function writeBack(orderId: number, salesOrderId: string, key: string, deps: SyncDeps, source: HistorySource): Promise<void> {
  await deps.source.recordSalesOrderId(orderId, salesOrderId);
  await deps.ledger.markWriteBackDone(key, [historyEvent(source, 'written_back', 'NetSuite id saved on the BigCommerce order (metafield)', { salesOrderId })]);
}
