/**
 * The totals check on every sales order. NetSuite's create answers 204 with no body, and reading each order back
 * would double our NetSuite traffic, so synced orders are checked in batches afterwards: NetSuite's own totals for
 * up to 1,000 orders per SuiteQL query, compared to the cent with the snapshot the worker kept of what BigCommerce
 * charged. A clean order becomes `reconciled`; a mismatch `synced_with_drift`, with each differing part, its likely
 * cause, and one alert. The sales order stays: the order is real, and the drift is the news.
 */
import type { BookedTotals } from './build-sales-order.ts';
import { formatMoney, type Money } from './money.ts';
import type { AlertLog, DriftAlert, DriftAlerter, DriftComponent, ReconciliationLedger, SalesOrderTotals, SyncedOrder } from './ports.ts';

/** SuiteQL's IN list and page both stop at 1,000. */
export const RECONCILE_BATCH = 1000;
/** One drift alert per order; the marker outlives any retry of the same run. */
const DRIFT_ALERT_SECONDS = 30 * 24 * 3600;

export interface ReconcileDeps {
  ledger: ReconciliationLedger;
  erp: { readSalesOrderTotals(salesOrderIds: string[]): Promise<Map<string, SalesOrderTotals>> };
  alerts: AlertLog;
  alerter: DriftAlerter;
  storeHash: string;
  /** Identifies this run in the alert claims. */
  owner: string;
  /** Orders synced less than this long ago wait for the next run (NetSuite may still be computing). */
  minAgeMs?: number;
  /** Milliseconds this run may still use; it stops between batches below `stopBeforeMs`. */
  timeLeftMs?: () => number;
  stopBeforeMs?: number;
  now?: () => number;
}

export interface ReconcileResult {
  checked: number;
  reconciled: number;
  drifted: Array<{ orderId: number; drift: DriftComponent[] }>;
  /** SuiteQL queries made (the reconciler's whole NetSuite cost). */
  netsuiteQueries: number;
  alertsSent: number;
  /** Drift alerts that could not be sent; their orders stay pending and are checked again next run. */
  alertFailures: number;
}

export async function reconcileOrders(deps: ReconcileDeps): Promise<ReconcileResult> {
  const now = deps.now ?? Date.now;
  const result: ReconcileResult = { checked: 0, reconciled: 0, drifted: [], netsuiteQueries: 0, alertsSent: 0, alertFailures: 0 };
  const skip = new Set<string>(); // pending orders whose alert failed: not again in this run
  for (;;) {
    if (deps.timeLeftMs && deps.timeLeftMs() < (deps.stopBeforeMs ?? 0)) break;
    const pending = (await deps.ledger.listPending(RECONCILE_BATCH + skip.size, new Date(now() - (deps.minAgeMs ?? 0)))).filter(
      (order) => !skip.has(order.orderKey),
    );
    if (pending.length === 0) break;
    const batch = pending.slice(0, RECONCILE_BATCH);
    const totals = await deps.erp.readSalesOrderTotals(batch.map((order) => order.salesOrderId));
    result.netsuiteQueries += 1;
    for (const order of batch) {
      result.checked += 1;
      const drift = compareTotals(order.booked, totals.get(order.salesOrderId));
      if (drift.length === 0) {
        if (await deps.ledger.recordReconciliation(order.orderKey, { state: 'reconciled', drift })) result.reconciled += 1;
        continue;
      }
      // Alert first, then record: a failed alert leaves the order pending, so the next run tries again.
      const sent = await alertOnce(order, drift, deps);
      if (sent === 'failed') {
        result.alertFailures += 1;
        skip.add(order.orderKey);
        continue;
      }
      if (sent === 'sent') result.alertsSent += 1;
      if (await deps.ledger.recordReconciliation(order.orderKey, { state: 'drift', drift })) result.drifted.push({ orderId: order.orderId, drift });
    }
    if (pending.length < RECONCILE_BATCH) break;
  }
  return result;
}

async function alertOnce(order: SyncedOrder, drift: DriftComponent[], deps: ReconcileDeps): Promise<'sent' | 'already' | 'failed'> {
  const key = `drift#${order.orderKey}`;
  if (!(await deps.alerts.claim(key, deps.owner, DRIFT_ALERT_SECONDS))) return 'already';
  const alert: DriftAlert = { storeHash: deps.storeHash, orderId: order.orderId, salesOrderId: order.salesOrderId, currency: order.booked.currency, drift };
  try {
    await deps.alerter.sendDrift(alert);
    await deps.alerts.markSent(key);
    return 'sent';
  } catch {
    await deps.alerts.release(key, deps.owner);
    return 'failed';
  }
}

/** Whole cents: NetSuite keeps money in cents, BigCommerce in ten-thousandths. */
const toCents = (amount: Money): number => Math.round(amount / 100);
const show = (amount: Money) => formatMoney(amount);

/**
 * Each part NetSuite disagrees on, to the cent, with its likely cause in plain words. The total is listed when it
 * differs; when the parts above do not account for the difference, the cause says so (an unexplained difference).
 */
export function compareTotals(booked: BookedTotals, netsuite: SalesOrderTotals | undefined): DriftComponent[] {
  if (!netsuite) {
    return [
      {
        component: 'sales_order',
        netsuite: 'missing',
        bigcommerce: show(booked.total),
        cause: 'the sales order is not in NetSuite any more (deleted, or not visible to the role)',
      },
    ];
  }
  const drift: DriftComponent[] = [];
  if (netsuite.currency.toUpperCase() !== booked.currency.toUpperCase()) {
    drift.push({
      component: 'currency',
      netsuite: netsuite.currency,
      bigcommerce: booked.currency,
      cause: `NetSuite booked the order in ${netsuite.currency}, the shopper paid in ${booked.currency}`,
    });
  }
  let explained = 0;
  const part = (component: DriftComponent['component'], ns: Money, bc: Money, cause: (nsText: string, bcText: string) => string) => {
    const difference = toCents(ns) - toCents(bc);
    if (difference === 0) return;
    explained += component === 'discount' ? -difference : difference;
    drift.push({ component, netsuite: show(ns), bigcommerce: show(bc), cause: cause(show(ns), show(bc)) });
  };
  const items = booked.itemIds.length > 0 ? `item${booked.itemIds.length === 1 ? '' : 's'} ${booked.itemIds.join(', ')}` : 'the order lines';
  part('tax', netsuite.tax, booked.tax, (ns, bc) =>
    booked.tax === 0 && booked.bigcommerceTax !== 0
      ? `NetSuite added tax ${ns} on top of BigCommerce's tax line: check that the non-taxable tax code applies to ${items} and shipping`
      : `NetSuite tax ${ns} vs BigCommerce ${bc}: check the tax code on ${items} (and the shipping tax code)`,
  );
  part(
    'shipping',
    netsuite.shipping,
    booked.shipping,
    (ns, bc) => `NetSuite shipping ${ns} vs ${bc} charged: check the ship item's rate, NetSuite may have recomputed it`,
  );
  part(
    'discount',
    netsuite.discount,
    booked.discount,
    (ns, bc) => `NetSuite discount ${ns} vs BigCommerce ${bc}: check the discount item (a percentage, or applied before tax?)`,
  );
  const totalDifference = toCents(netsuite.total) - toCents(booked.total);
  if (totalDifference !== 0) {
    const rest = totalDifference - explained;
    drift.push({
      component: 'total',
      netsuite: show(netsuite.total),
      bigcommerce: show(booked.total),
      cause:
        rest === 0
          ? `NetSuite total ${show(netsuite.total)} vs ${show(booked.total)} charged: explained by the parts above`
          : `NetSuite total ${show(netsuite.total)} vs ${show(booked.total)} charged: ${formatMoney((rest * 100) as Money)} not explained by tax, shipping or discount; check the line amounts (a price level, or rounding)`,
    });
  }
  return drift;
}

/** True when the drift includes a total difference no part explains. */
export function isUnexplained(drift: readonly DriftComponent[]): boolean {
  return drift.some((part) => part.component === 'sales_order' || (part.component === 'total' && !part.cause.includes('explained by the parts above')));
}

/**
 * NetSuite's totals for `orders` (one query per 1,000) compared with what BigCommerce charged: one row per order,
 * whatever its reconciliation state, for reports. Records nothing.
 */
export async function reconciliationReport(orders: SyncedOrder[], erp: ReconcileDeps['erp']): Promise<ReconcileReportRow[]> {
  const rows: ReconcileReportRow[] = [];
  for (let start = 0; start < orders.length; start += RECONCILE_BATCH) {
    const batch = orders.slice(start, start + RECONCILE_BATCH);
    const totals = await erp.readSalesOrderTotals(batch.map((order) => order.salesOrderId));
    for (const order of batch) {
      const netsuite = totals.get(order.salesOrderId);
      rows.push(reportRow(order, netsuite, compareTotals(order.booked, netsuite)));
    }
  }
  return rows;
}

/** Per day and currency: orders, what BigCommerce charged, what NetSuite booked, and how many drifted. */
export interface DailyTotal {
  date: string;
  currency: string;
  orders: number;
  drifted: number;
  bigcommerceTotal: string;
  netsuiteTotal: string;
  difference: string;
}

export function dailyTotals(rows: readonly ReconcileReportRow[]): DailyTotal[] {
  const groups = Map.groupBy(rows, (row) => `${row.date} ${row.currency}`);
  return [...groups.values()].map((group) => {
    const cents = (text: string) => Math.round(Number(text || '0') * 100);
    const bigcommerce = group.reduce((sum, row) => sum + cents(row.bigcommerceTotal), 0);
    const netsuite = group.reduce((sum, row) => sum + cents(row.netsuiteTotal), 0);
    return {
      date: group[0]!.date,
      currency: group[0]!.currency,
      orders: group.length,
      drifted: group.filter((row) => row.state === 'drift').length,
      bigcommerceTotal: (bigcommerce / 100).toFixed(2),
      netsuiteTotal: (netsuite / 100).toFixed(2),
      difference: ((netsuite - bigcommerce) / 100).toFixed(2),
    };
  });
}

/** One report row per order (for `npm run reconcile` and the CSV finance asks for). */
export interface ReconcileReportRow {
  date: string;
  orderId: number;
  salesOrderId: string;
  state: SyncedOrder['reconcileState'];
  currency: string;
  bigcommerceTotal: string;
  netsuiteTotal: string;
  difference: string;
  components: string;
}

export function reportRow(order: SyncedOrder, totals: SalesOrderTotals | undefined, drift: DriftComponent[]): ReconcileReportRow {
  const netsuiteTotal = totals?.total;
  return {
    // Older snapshots lack the order date; their sync date stands in.
    date: order.booked.orderDate ?? order.syncedAt.slice(0, 10),
    orderId: order.orderId,
    salesOrderId: order.salesOrderId,
    state: drift.length === 0 ? 'reconciled' : 'drift',
    currency: order.booked.currency,
    bigcommerceTotal: show(order.booked.total),
    netsuiteTotal: netsuiteTotal === undefined ? '' : show(netsuiteTotal),
    difference: netsuiteTotal === undefined ? '' : formatMoney(((toCents(netsuiteTotal) - toCents(order.booked.total)) * 100) as Money),
    components: drift.map((part) => part.cause).join('; '),
  };
}

/**
 * The report row from what the reconciler recorded in the ledger, with no NetSuite request (for the console): a
 * reconciled order's NetSuite total is its booked total to the cent; a drifting one's is in its recorded drift;
 * a pending one has none yet.
 */
export function ledgerReportRow(order: SyncedOrder): ReconcileReportRow {
  const drift = order.drift ?? [];
  const total = drift.find((part) => part.component === 'total');
  const netsuiteTotal =
    order.reconcileState === 'pending' || drift.some((part) => part.component === 'sales_order') ? '' : total ? total.netsuite : show(order.booked.total);
  const difference = netsuiteTotal === '' ? '' : formatMoney(((Math.round(Number(netsuiteTotal) * 100) - toCents(order.booked.total)) * 100) as Money);
  return {
    date: order.booked.orderDate ?? order.syncedAt.slice(0, 10),
    orderId: order.orderId,
    salesOrderId: order.salesOrderId,
    state: order.reconcileState,
    currency: order.booked.currency,
    bigcommerceTotal: show(order.booked.total),
    netsuiteTotal,
    difference,
    components: drift.map((part) => part.cause).join('; '),
  };
}

/** RFC 4180 CSV of report rows; text cells that a spreadsheet would run as a formula get a leading apostrophe. */
export function reportCsv(rows: readonly ReconcileReportRow[]): string {
  const header = ['date', 'order_id', 'sales_order_id', 'state', 'currency', 'bigcommerce_total', 'netsuite_total', 'difference', 'drift'];
  const cell = (value: string | number, text: boolean) => {
    let out = String(value);
    if (text && /^[=+\-@\t\r]/.test(out)) out = `'${out}`;
    return /[",\n\r]/.test(out) ? `"${out.replaceAll('"', '""')}"` : out;
  };
  const lines = rows.map((row) =>
    [
      cell(row.date, false),
      cell(row.orderId, false),
      cell(row.salesOrderId, false),
      cell(row.state, false),
      cell(row.currency, true),
      cell(row.bigcommerceTotal, false),
      cell(row.netsuiteTotal, false),
      cell(row.difference, false),
      cell(row.components, true),
    ].join(','),
  );
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
