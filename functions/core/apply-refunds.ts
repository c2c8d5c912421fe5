/**
 * BigCommerce refunds → NetSuite, exactly once per refund id (lifecycle.md §4.4). BigCommerce is the source of
 * truth for money; NetSuite gets the record that matches how it billed the order:
 *
 * - a cash sale: a cash refund (transform cashSale → cashRefund);
 * - an invoice: a credit memo (invoice → creditMemo), applied to the invoice; when the invoice was paid (Paid In
 *   Full, or the order has customer deposits NetSuite applies to it) the credit memo is left open and paid out by a
 *   customer refund (creditMemo → customerRefund);
 * - only a customer deposit: a customer refund of the deposit (customerDeposit → customerRefund), and refunded
 *   units NetSuite has not shipped come off the sales order;
 * - nothing billed, no deposit: the refunded units and shipping come off the sales order (one PATCH by line).
 *
 * Exactly once: a deterministic externalId (`BC-<hash>-<order>-RF<refund>`, `…-CR` for the customer refund), a
 * lookup by that externalId or by the `[externalId]` marker in the memo before every create (whether NetSuite keeps
 * an externalId sent in a transform body is UNCONFIRMED, lifecycle.md §10 #13), and the ledger row
 * (`AppliedChanges.refunds`). What cannot be applied is refused like an edit: recorded, announced once, and the
 * order's other refunds still apply.
 */
import type { StepResult } from './apply-order-changes.ts';
import { AlreadyExistsError, PermanentError } from './errors.ts';
import { customerRefundExternalId, depositExternalIdPrefix, refundExternalId } from './external-ids.ts';
import type { ErpSalesOrder, ErpSalesOrderLine, SalesOrderLineChange, StoreOrder } from './model.ts';
import { addMoney, formatMoney, moneyToNumber, zeroMoney, type Money } from './money.ts';
import { historyEvent } from './order-history.ts';
import { lessRefunded, type RefundedParts } from './order-snapshot.ts';
import { REFUND_STATUS_IDS } from './order-statuses.ts';
import type { BillingRecord, CreditLine, MoneyRecordType, StoreRefund, TransformRequest } from './payment-model.ts';
import type { AppliedRecord, HistoryEvent, LedgerEntry } from './ports.ts';
import type { SyncDeps } from './sync-order.ts';

/** One refund's outcome: the ledger row, what to tell, and (refused) why. */
interface RefundOutcome {
  record: AppliedRecord;
  events: HistoryEvent[];
  change?: string;
  refusal?: string;
  /** What came off the unbilled sales order (its snapshot moves by as much). */
  reduced?: RefundedParts;
}

/** A refusal of one refund or payment: nothing made in NetSuite, remembered so it is announced once. */
export class Refusal extends Error {}

export async function applyRefunds(order: StoreOrder, entry: LedgerEntry, salesOrderId: string, deps: SyncDeps): Promise<StepResult> {
  const result: StepResult = { applied: {}, events: [], changes: [] };
  const known = entry.refunds ?? {};
  // Only a refunded order can have refunds to apply: every other event of a synced order costs no refund listing.
  // BigCommerce moves a refunded order to Refunded/Partially Refunded and its payment_status to (partially) refunded
  // (lifecycle.md §1.1, §1.2); the payment status stays when the merchant moves the status on (a later shipment).
  if (!mayHaveRefunds(order)) return result;
  const refunds = await deps.source.listRefunds(order.orderId);
  const pending: StoreRefund[] = [];
  for (const refund of refunds) {
    const done = known[String(refund.id)];
    if (!done) pending.push(refund);
    else if (done.refused) {
      // The announcing message's retries fail again (to the dead-letter queue); a person's retry tries afresh.
      if (deps.trigger?.source === 'console') pending.push(refund);
      else if (done.refused.messageId !== undefined && done.refused.messageId === deps.trigger?.messageId) addRefusal(result, done.refused.reason);
    }
  }
  if (pending.length === 0) return result;
  const recorded: Record<string, AppliedRecord> = { ...known };
  let snapshot = entry.snapshot;
  const context = await refundContext(order, salesOrderId, deps);
  for (const refund of pending.sort((a, b) => a.id - b.id)) {
    let outcome: RefundOutcome;
    try {
      outcome = await applyRefund(refund, refunds, recorded, context, deps);
    } catch (error) {
      if (error instanceof Refusal || (error instanceof PermanentError && error.details.source === 'netsuite')) {
        const reason = `BigCommerce refund ${refund.id} (${formatMoney(moneyBack(refund))} ${order.currencyCode}): ${error.message}`;
        outcome = refused(reason, salesOrderId, deps);
      } else {
        // Transient (or ours): what was applied so far is recorded, the rest is retried with the message.
        result.failure = error;
        break;
      }
    }
    recorded[String(refund.id)] = outcome.record;
    result.events.push(...outcome.events);
    if (outcome.change) result.changes.push(outcome.change);
    if (outcome.refusal) addRefusal(result, outcome.refusal);
    if (outcome.reduced) {
      // Later edits are diffed net of it; the next refund sees the reduced lines.
      snapshot = snapshot && lessRefunded(snapshot, outcome.reduced);
      context.salesOrder = await readOrder(salesOrderId, deps);
    }
  }
  result.applied.refunds = recorded;
  if (snapshot !== entry.snapshot && snapshot) result.applied.snapshot = snapshot;
  return result;
}

function mayHaveRefunds(order: StoreOrder): boolean {
  return REFUND_STATUS_IDS.includes(order.statusId) || /refund/i.test(order.paymentStatus ?? '') || order.paymentStatus === undefined;
}

interface RefundContext {
  order: StoreOrder;
  salesOrderId: string;
  salesOrder: ErpSalesOrder;
  billing: BillingRecord[];
}

async function refundContext(order: StoreOrder, salesOrderId: string, deps: SyncDeps): Promise<RefundContext> {
  const [salesOrder, billing] = await Promise.all([
    readOrder(salesOrderId, deps),
    deps.erp.findBillingRecords(salesOrderId, depositExternalIdPrefix(deps.settings.storeHash, order.orderId)),
  ]);
  return { order, salesOrderId, salesOrder, billing };
}

async function readOrder(salesOrderId: string, deps: SyncDeps): Promise<ErpSalesOrder> {
  const salesOrder = await deps.erp.readSalesOrder(salesOrderId, deps.settings.lineIdField);
  if (!salesOrder) throw new PermanentError(`NetSuite sales order ${salesOrderId} no longer exists (deleted in NetSuite?)`, { source: 'netsuite' });
  return salesOrder;
}

/** Money that went back to the shopper: declined refund payments gave none (lifecycle.md §4.4 step 2). */
export function moneyBack(refund: StoreRefund): Money {
  return addMoney(...refund.payments.filter((payment) => !payment.isDeclined).map((payment) => payment.amount));
}

async function applyRefund(
  refund: StoreRefund,
  all: StoreRefund[],
  recorded: Record<string, AppliedRecord>,
  context: RefundContext,
  deps: SyncDeps,
): Promise<RefundOutcome> {
  const { order, salesOrderId } = context;
  const back = moneyBack(refund);
  const at = new Date().toISOString();
  if (back <= 0) {
    return {
      record: { recordType: 'none', recordId: '', at, amount: '0.00' },
      events: [
        historyEvent('lifecycle', 'refunded', `BigCommerce refund ${refund.id}: every refund payment was declined, so no money went back; nothing booked`),
      ],
    };
  }
  const externalId = refundExternalId(deps.settings.storeHash, order.orderId, refund.id);
  const cashSales = context.billing.filter((record) => record.type === 'cashSale');
  const invoices = context.billing.filter((record) => record.type === 'invoice');
  const deposits = context.billing.filter((record) => record.type === 'customerDeposit');
  if (cashSales.length > 0 || invoices.length > 0) {
    const to = cashSales.length > 0 ? 'cashRefund' : 'creditMemo';
    const bills = cashSales.length > 0 ? cashSales : invoices;
    const paid = to === 'creditMemo' && (bills.some((bill) => bill.status === 'B') || deposits.length > 0);
    const credit = await createOnce(externalId, deps, async () => {
      const { bill, lines, shippingCost } = await creditLines(refund, bills, context, deps);
      const request: TransformRequest = {
        from: bill.type as MoneyRecordType,
        fromId: bill.id,
        to,
        externalId,
        memo: memo(refund, order, externalId),
        lines,
        ...(shippingCost !== undefined ? { shippingCost } : {}),
        ...(to === 'creditMemo' ? { applyTo: paid ? { unapplied: bill.id } : { docId: bill.id } } : {}),
      };
      return deps.erp.transformRecord(request);
    });
    const events = [creditEvent(refund, to, credit, back, order, salesOrderId, deps)];
    let record: AppliedRecord = { recordType: to, recordId: credit.id, at, amount: formatMoney(back) };
    if (paid) {
      // The invoice was paid, so the credit leaves an open balance: pay it out (creditMemo → customerRefund).
      const payout = customerRefundExternalId(deps.settings.storeHash, order.orderId, refund.id);
      const amount = Math.min(credit.total || moneyToNumber(back), moneyToNumber(back));
      const paidOut = await createOnce(payout, deps, () =>
        deps.erp.transformRecord({
          from: 'creditMemo',
          fromId: credit.id,
          to: 'customerRefund',
          externalId: payout,
          memo: memo(refund, order, payout),
          refundFrom: { sublist: 'apply', docId: credit.id, amount },
        }),
      );
      events.push(
        historyEvent('lifecycle', 'refunded', `customer refund ${paidOut.id} pays out credit memo ${credit.id} (${amount.toFixed(2)})`, { salesOrderId }),
      );
      record = { ...record, recordType: 'creditMemo+customerRefund', recordId: `${credit.id},${paidOut.id}` };
    }
    return { record, events, change: `refund ${refund.id}: ${record.recordType} ${record.recordId}` };
  }
  // Nothing billed: the refunded units and shipping come off the sales order (absolute values, safe to repeat).
  const reduction = planReduction(refund, all, recorded, context, deps);
  if (deposits.length > 0) {
    const amount = moneyToNumber(back);
    const deposit = [...deposits].reverse().find((candidate) => candidate.total >= amount);
    if (!deposit) {
      throw new Refusal(
        `${amount.toFixed(2)} was refunded, but no single customer deposit of the order covers it (${deposits.map((d) => `${d.id}: ${d.total.toFixed(2)}`).join(', ')}); refund it by hand`,
      );
    }
    if (reduction.change.lines.length > 0 || reduction.change.shippingCost !== undefined) await deps.erp.updateSalesOrder(salesOrderId, reduction.change);
    const paidOut = await createOnce(externalId, deps, () =>
      deps.erp.transformRecord({
        from: 'customerDeposit',
        fromId: deposit.id,
        to: 'customerRefund',
        externalId,
        memo: memo(refund, order, externalId),
        refundFrom: { sublist: 'deposit', docId: deposit.id, amount },
      }),
    );
    const detail = `BigCommerce refund ${refund.id}: customer refund ${paidOut.id} of deposit ${deposit.id} (${amount.toFixed(2)} ${order.currencyCode})${reduction.words.length > 0 ? `; sales order: ${reduction.words.join(', ')}` : ''}`;
    return {
      record: { recordType: 'customerRefund', recordId: paidOut.id, at, amount: formatMoney(back) },
      events: [historyEvent('lifecycle', 'refunded', detail, { salesOrderId, customerRefundId: paidOut.id })],
      change: `refund ${refund.id}: customerRefund ${paidOut.id}`,
      reduced: reduction.parts, // only what came off: a line with a problem was left as it was
      ...(reduction.problems.length > 0 ? { refusal: `BigCommerce refund ${refund.id} was paid back, but ${reduction.problems.join('; ')}` } : {}),
    };
  }
  if (reduction.problems.length > 0) throw new Refusal(`${reduction.problems.join('; ')}; nothing was changed in NetSuite`);
  if (reduction.change.lines.length === 0 && reduction.change.shippingCost === undefined) {
    throw new Refusal('it refunds nothing the unbilled sales order carries (a tax-only refund?); adjust NetSuite by hand');
  }
  await deps.erp.updateSalesOrder(salesOrderId, reduction.change);
  return {
    record: { recordType: 'salesOrder', recordId: salesOrderId, at, amount: formatMoney(back) },
    events: [
      historyEvent(
        'lifecycle',
        'refunded',
        `BigCommerce refund ${refund.id} (${formatMoney(back)} ${order.currencyCode}) before NetSuite billed anything: ${reduction.words.join(', ')}`,
        { salesOrderId },
      ),
    ],
    change: `refund ${refund.id}: ${reduction.words.join(', ')}`,
    reduced: reduction.parts,
  };
}

/**
 * The credit document's lines, on the one bill that holds every refunded line: PRODUCT at the refunded quantity
 * (the bill's rate), SHIPPING as the header shippingCost (UNCONFIRMED that a transform honours it, lifecycle.md §10
 * #14), HANDLING on the handling item (else shipping), ORDER/FEE/GIFT_WRAPPING on the refund item, and in
 * SYNC_TAX_MODE=line BigCommerce's refunded tax on the tax item. In netsuite mode NetSuite computes the tax.
 */
async function creditLines(
  refund: StoreRefund,
  bills: BillingRecord[],
  context: RefundContext,
  deps: SyncDeps,
): Promise<{ bill: BillingRecord; lines: CreditLine[]; shippingCost?: number }> {
  const settings = deps.settings;
  const taxCodeId = settings.taxMode === 'line' ? settings.nonTaxableTaxCodeId : undefined;
  const products = refund.items.filter((item) => item.type === 'PRODUCT' && (item.quantity ?? 0) > 0);
  const soLines = products.map((item) => ({ item, soLine: linkedLine(context.salesOrder, item.itemId, deps) }));
  // Newest bill first: the one that billed every refunded line.
  let chosen: { bill: BillingRecord; lines: Awaited<ReturnType<SyncDeps['erp']['readBillLines']>> } | undefined;
  for (const bill of [...bills].reverse()) {
    const lines = await deps.erp.readBillLines(bill.type as 'invoice' | 'cashSale', bill.id);
    if (soLines.every(({ soLine }) => lines.some((line) => line.orderLine === soLine.line))) {
      chosen = { bill, lines };
      break;
    }
  }
  if (!chosen) {
    throw new Refusal(
      `the refunded line(s) ${products.map((item) => item.itemId).join(', ')} are not all on one NetSuite ${bills[0]!.type} (billed in parts?); credit them by hand`,
    );
  }
  const lines: CreditLine[] = soLines.map(({ item, soLine }) => {
    const billed = chosen.lines.find((line) => line.orderLine === soLine.line)!;
    return { line: billed.line, quantity: item.quantity! };
  });
  let shipping = zeroMoney;
  const extra = (itemId: string, amount: Money, description: string) =>
    lines.push({ itemId, quantity: 1, rate: moneyToNumber(amount), amount: moneyToNumber(amount), description, ...(taxCodeId ? { taxCodeId } : {}) });
  for (const item of refund.items) {
    const amount = item.requestedAmount ?? (item.type === 'GIFT_WRAPPING' ? wrappingOf(context.order, item.itemId) : zeroMoney);
    if (item.type === 'SHIPPING' || (item.type === 'HANDLING' && !settings.handlingItemId)) shipping = addMoney(shipping, amount);
    else if (item.type === 'HANDLING') extra(settings.handlingItemId!, amount, `Handling refund (BigCommerce refund ${refund.id})`);
    else if (item.type === 'ORDER' || item.type === 'FEE' || item.type === 'GIFT_WRAPPING') {
      if (!settings.refundItemId) throw new Refusal(`it refunds a ${item.type} amount, which books on NETSUITE_REFUND_ITEM_ID, and that is not set`);
      extra(settings.refundItemId, amount, `${item.type.toLowerCase().replace('_', ' ')} refund (BigCommerce refund ${refund.id})`);
    }
  }
  if (settings.taxMode === 'line' && refund.totalTax !== 0 && settings.taxItemId)
    extra(settings.taxItemId, refund.totalTax, `Tax refund (BigCommerce refund ${refund.id})`);
  if (lines.length === 0 && shipping !== 0) {
    // A credit document needs a line ("You must enter at least one line item"): shipping alone books on the refund item.
    if (!settings.refundItemId)
      throw new Refusal('it refunds shipping only, which needs NETSUITE_REFUND_ITEM_ID (a credit needs at least one line), and that is not set');
    extra(settings.refundItemId, shipping, `Shipping refund (BigCommerce refund ${refund.id})`);
    shipping = zeroMoney;
  }
  if (lines.length === 0) throw new Refusal('it refunds nothing NetSuite can credit (a tax-only refund?); credit it by hand');
  return { bill: chosen.bill, lines, ...(shipping !== 0 ? { shippingCost: moneyToNumber(shipping) } : {}) };
}

/** The sales-order line of a BigCommerce order product, by the line link. */
function linkedLine(salesOrder: ErpSalesOrder, orderProductId: number, deps: SyncDeps): ErpSalesOrderLine {
  if (!deps.settings.lineIdField) {
    throw new Refusal('it refunds items, and NETSUITE_LINE_ID_FIELD is not set, so NetSuite lines cannot be matched to BigCommerce lines');
  }
  const lines = salesOrder.lines.filter((line) => line.orderProductId === orderProductId);
  const line = lines.find((candidate) => !candidate.isClosed) ?? lines[0];
  if (!line) throw new Refusal(`no line of the sales order carries ${deps.settings.lineIdField} = ${orderProductId} (created before the field existed?)`);
  return line;
}

function wrappingOf(order: StoreOrder, orderProductId: number): Money {
  return order.lines.find((line) => line.lineId === orderProductId)?.wrappingExTax ?? zeroMoney;
}

interface Reduction {
  change: { lineIdField?: string; lines: SalesOrderLineChange[]; shippingCost?: number };
  words: string[];
  problems: string[];
  /** This refund's own units and shipping (the change above sets absolute values, for every refund so far). */
  parts: RefundedParts;
}

/**
 * An unbilled order's lines and shipping less everything refunded up to this refund, as absolute values (a repeat
 * after a lost response sets the same values). Units NetSuite already shipped cannot come off: a problem.
 */
function planReduction(refund: StoreRefund, all: StoreRefund[], recorded: Record<string, AppliedRecord>, context: RefundContext, deps: SyncDeps): Reduction {
  const { order, salesOrder } = context;
  const counted = all.filter((other) => other.id === refund.id || (other.id < refund.id && recorded[String(other.id)] && !recorded[String(other.id)]!.refused));
  const reduction: Reduction = { change: { lines: [] }, words: [], problems: [], parts: { units: {}, shipping: 0 } };
  for (const item of refund.items) {
    if (item.type === 'PRODUCT' && (item.quantity ?? 0) > 0) {
      const soLine = linkedLine(salesOrder, item.itemId, deps);
      const ordered = order.lines.find((line) => line.lineId === item.itemId)?.quantity ?? soLine.quantity;
      const refundedUnits = sum(
        counted.flatMap((other) => other.items.filter((i) => i.type === 'PRODUCT' && i.itemId === item.itemId).map((i) => i.quantity ?? 0)),
      );
      const left = Math.max(0, ordered - refundedUnits);
      if (left < soLine.quantityFulfilled) {
        reduction.problems.push(
          `line ${item.itemId}: NetSuite already fulfilled ${soLine.quantityFulfilled} unit(s), so only ${left} may stay; that needs a return`,
        );
        continue;
      }
      reduction.parts.units[String(item.itemId)] = (reduction.parts.units[String(item.itemId)] ?? 0) + item.quantity!;
      if (soLine.isClosed || (soLine.quantity === left && left > 0)) continue;
      if (left === 0) reduction.change.lines.push({ line: soLine.line, isClosed: true });
      else reduction.change.lines.push({ line: soLine.line, quantity: left, rate: soLine.rate, amount: Math.round(soLine.rate * left * 100) / 100 });
      reduction.words.push(left === 0 ? `closed line ${item.itemId}` : `line ${item.itemId} ${soLine.quantity} → ${left}`);
    } else if (item.type === 'SHIPPING' || (item.type === 'HANDLING' && !deps.settings.handlingItemId)) {
      const booked = context.order.shippingExTax;
      const refundedShipping = addMoney(
        ...counted.flatMap((other) =>
          other.items
            .filter((i) => i.type === 'SHIPPING' || (i.type === 'HANDLING' && !deps.settings.handlingItemId))
            .map((i) => i.requestedAmount ?? zeroMoney),
        ),
      );
      const left = Math.max(
        0,
        moneyToNumber(booked) + (deps.settings.handlingItemId ? 0 : moneyToNumber(context.order.handlingExTax)) - moneyToNumber(refundedShipping),
      );
      reduction.change.shippingCost = Math.round(left * 100) / 100;
      reduction.parts.shipping = Math.round((reduction.parts.shipping + moneyToNumber(item.requestedAmount ?? zeroMoney)) * 100) / 100;
      reduction.words.push(`shipping cost → ${reduction.change.shippingCost.toFixed(2)}`);
    } else if (item.type !== 'PRODUCT') {
      reduction.problems.push(`it refunds a ${item.type} amount, and NetSuite has billed nothing to credit it against`);
    }
  }
  if (deps.settings.lineIdField) reduction.change.lineIdField = deps.settings.lineIdField;
  return reduction;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/**
 * Creates a record at most once: found by externalId or memo marker first, and after a duplicate refusal. Returns
 * its id and NetSuite's total.
 */
export async function createOnce(externalId: string, deps: SyncDeps, create: () => Promise<string>): Promise<{ id: string; total: number; created: boolean }> {
  const existing = await deps.erp.findMoneyRecord(externalId);
  if (existing) return { id: existing.id, total: existing.total, created: false };
  let id: string;
  try {
    id = await create();
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    const found = await deps.erp.findMoneyRecord(externalId);
    if (!found) throw error;
    return { id: found.id, total: found.total, created: false };
  }
  const made = await deps.erp.findMoneyRecord(externalId);
  return { id, total: made?.total ?? 0, created: true };
}

function creditEvent(
  refund: StoreRefund,
  type: string,
  credit: { id: string; total: number; created: boolean },
  back: Money,
  order: StoreOrder,
  salesOrderId: string,
  deps: SyncDeps,
): HistoryEvent {
  const bc = moneyToNumber(back);
  // NetSuite computes the tax of the credit itself (SYNC_TAX_MODE=netsuite): any difference is told, not hidden.
  const difference =
    credit.total && Math.abs(credit.total - bc) >= 0.005
      ? `; NetSuite's total ${credit.total.toFixed(2)} differs from the ${bc.toFixed(2)} BigCommerce paid back (BigCommerce tax ${formatMoney(refund.totalTax)}${deps.settings.taxMode === 'netsuite' ? ', NetSuite computed its own' : ''})`
      : '';
  return historyEvent(
    'lifecycle',
    'refunded',
    `BigCommerce refund ${refund.id} (${formatMoney(back)} ${order.currencyCode}): ${type} ${credit.id}${credit.created ? '' : ' (found, made by an earlier attempt)'}${difference}`,
    { salesOrderId, [type + 'Id']: credit.id },
  );
}

function memo(refund: StoreRefund, order: StoreOrder, externalId: string): string {
  // The marker in brackets is how a retry finds this record if NetSuite dropped the externalId.
  return `BigCommerce refund ${refund.id} of order ${order.orderId}${refund.reason ? `: ${refund.reason}` : ''}`.slice(0, 200) + ` [${externalId}]`;
}

/** A refused refund or payment: remembered with the announcing message, so it is announced once. */
export function refused(reason: string, salesOrderId: string, deps: SyncDeps): RefundOutcome {
  const messageId = deps.trigger?.messageId;
  return {
    record: { recordType: 'refused', recordId: '', at: new Date().toISOString(), refused: { reason, ...(messageId ? { messageId } : {}) } },
    events: [historyEvent('lifecycle', 'change_refused', reason, { salesOrderId })],
    refusal: reason,
  };
}

export function addRefusal(result: StepResult, reason: string): void {
  result.refusal = result.refusal ? `${result.refusal}; ${reason}` : reason;
}
