/**
 * The order lifecycle's transactions: transforms (`POST /record/v1/{from}/{id}/!transform/{to}`, 204 + Location;
 * Oracle section_157901123882, lifecycle.md §1.6) from a sales order to its item fulfilments, invoices and cash
 * sales, from those to credit memos and cash refunds, and on to customer refunds; and customer deposits (POST,
 * lifecycle.md §6.2). A transform starts from the source's lines, as NetSuite's does, and the body updates them.
 * Error texts marked UNCONFIRMED are our wording (lifecycle.md §10 #10); the codes are NetSuite's USER_ERROR.
 */
import { customFields, get, missing, optBoolean, optNumber, optRef, optString, Rejected, sublistItems } from './body-fields.ts';
import { invalidFieldValue, invalidRequest, userError } from './errors.ts';
import { mergeKeyedLines } from './line-keys.ts';
import { SALES_ORDER_STATUS, salesOrderStatus } from './order-status.ts';
import { isoNow, type RecordStore } from './record-store.ts';
import { cents, LIFECYCLE_TYPES, type Json, type LifecycleLine, type LifecycleRecord, type LifecycleType, type SalesOrderRecord } from './records.ts';

const NO_LINES = 'You must enter at least one line item for this transaction.';
const TRAN_PREFIX: Record<LifecycleType, string> = {
  itemFulfillment: 'IF',
  invoice: 'INV',
  cashSale: 'CS',
  creditMemo: 'CM',
  cashRefund: 'CR',
  customerRefund: 'RFND',
  customerDeposit: 'DEP',
};

/** The transforms the simulator models (the REST API Browser lists more, e.g. → returnAuthorization). */
const TRANSFORMS: Record<string, LifecycleType[]> = {
  salesOrder: ['itemFulfillment', 'invoice', 'cashSale'],
  invoice: ['creditMemo'],
  cashSale: ['cashRefund'],
  creditMemo: ['customerRefund'],
  customerDeposit: ['customerRefund'],
};

/** Carrier package sublists of an item fulfilment and their fields (lifecycle.md §5.1, Records Browser itemFulfillment). */
export const PACKAGE_SUBLISTS: Record<string, string[]> = {
  package: ['packageTrackingNumber', 'packageWeight', 'packageDescr', 'packageCartonNumber', 'packageTrackingNumberReturn'],
  packageUps: ['packageTrackingNumberUps', 'packageWeightUps', 'packageDescrUps'],
  packageFedex: ['packageTrackingNumberFedEx', 'packageWeightFedEx'],
  packageUsps: ['packageTrackingNumberUsps', 'packageWeightUsps', 'packageDescrUsps'],
};

export function isLifecycleType(type: string): type is LifecycleType {
  return type in LIFECYCLE_TYPES;
}

export function findLifecycle(store: RecordStore, type: LifecycleType, ref: string): LifecycleRecord | undefined {
  const table = store.lifecycle[type];
  if (ref.startsWith('eid:')) return table.byExternalId(ref.slice(4));
  return /^\d+$/.test(ref) ? table.get(ref) : undefined;
}

/** Runs a transform; returns the new record, saved. `replace` holds the `?replace=` sublists. */
export function transform(store: RecordStore, from: string, source: Json, to: string, body: Json, replace: ReadonlySet<string>): LifecycleRecord {
  if (!TRANSFORMS[from]?.includes(to as LifecycleType)) throw new Rejected(invalidRequest(`The simulator does not model the transform ${from} → ${to}.`));
  const type = to as LifecycleType;
  const record =
    from === 'salesOrder'
      ? type === 'itemFulfillment'
        ? fulfil(store, source as unknown as SalesOrderRecord, body, replace.has('item'))
        : bill(store, source as unknown as SalesOrderRecord, type, body, replace.has('item'))
      : type === 'customerRefund'
        ? refund(store, source as unknown as LifecycleRecord, body)
        : credit(store, source as unknown as LifecycleRecord, type, body, replace.has('item'));
  const externalId = store.transformExternalIds === 'stored' ? optString(body, 'externalId') : undefined;
  const saved = {
    ...record,
    externalId,
    memo: optString(body, 'memo'),
    tranDate: optString(body, 'tranDate') ?? record.tranDate,
    customFields: customFields(body, 'custbody'),
  };
  checkExternalId(store, saved);
  store.saveLifecycle(saved);
  return saved;
}

function checkExternalId(store: RecordStore, record: LifecycleRecord): void {
  if (record.externalId === undefined) return;
  const holder = store.lifecycle[record.type].byExternalId(record.externalId);
  if (holder && holder.id !== record.id) throw new Rejected(userError('This record already exists.'));
}

function newRecord(
  store: RecordStore,
  type: LifecycleType,
  fields: Partial<LifecycleRecord> & Pick<LifecycleRecord, 'entity' | 'currency' | 'status'>,
  body: Json,
): LifecycleRecord {
  const now = isoNow(store.clock);
  return {
    id: store.nextId(),
    type,
    tranId: store.nextLifecycleTranId(TRAN_PREFIX[type]),
    tranDate: now.slice(0, 10),
    lines: [],
    shippingCost: 0,
    taxTotal: 0,
    total: 0,
    packages: {},
    apply: [],
    createdDate: now,
    lastModifiedDate: now,
    body: structuredClone(body),
    ...fields,
  };
}

/** REST select fields take `{ "id": "C" }` or the bare value. */
function optSelect(body: Json, name: string): string | undefined {
  const value = get(body, name);
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : optRef(body, name);
}

/**
 * salesOrder → itemFulfillment (lifecycle.md §5.1, Oracle section_159795518068): every open line with quantity left
 * starts received in full; body lines keyed by `orderLine` change `quantity` or set `itemReceive: false`; with
 * `?replace=item` the lines not named are left out. That unnamed lines default to received is INFERRED from Oracle's
 * example (it sends `itemreceive: false` to skip line 4) and depends on the "Default Items to Zero Received"
 * preference, off here.
 */
function fulfil(store: RecordStore, order: SalesOrderRecord, body: Json, replace: boolean): LifecycleRecord {
  const status = salesOrderStatus(order);
  if (status === 'A' || status === 'C' || status === 'H') {
    throw new Rejected(userError(`You cannot fulfill a sales order that is ${SALES_ORDER_STATUS[status]}.`)); // text UNCONFIRMED
  }
  const lines = progressLines(order, body, replace, 'fulfill', (line) => line.quantity - line.quantityFulfilled);
  const shipStatus = optSelect(body, 'shipStatus') ?? 'C';
  if (!['A', 'B', 'C'].includes(shipStatus)) throw new Rejected(invalidFieldValue(shipStatus, 'shipstatus', 'shipStatus'));
  const shipMethod = optRef(body, 'shipMethod') ?? order.shipMethod;
  if (shipMethod !== undefined && store.items.get(shipMethod)?.itemType !== 'ShipItem')
    throw new Rejected(invalidFieldValue(shipMethod, 'shipmethod', 'shipMethod'));
  return newRecord(
    store,
    'itemFulfillment',
    {
      entity: order.entity,
      currency: order.currency,
      createdFrom: order.id,
      status: shipStatus,
      shipStatus: shipStatus as 'A' | 'B' | 'C',
      shipMethod,
      lines,
      packages: readPackages(body, {}),
    },
    body,
  );
}

/** The carrier package sublists: appended to unless replaced; unknown fields are dropped (property-name validation's default). */
export function readPackages(body: Json, before: Record<string, Json[]>, replace: ReadonlySet<string> = new Set()): Record<string, Json[]> {
  const out: Record<string, Json[]> = structuredClone(before);
  for (const [sublist, fields] of Object.entries(PACKAGE_SUBLISTS)) {
    const given = sublistItems(body, sublist);
    if (given === undefined) continue;
    const entries = given.map((entry) => Object.fromEntries(fields.flatMap((field) => (get(entry, field) === undefined ? [] : [[field, get(entry, field)]]))));
    out[sublist] = replace.has(sublist.toLowerCase()) ? entries : [...(out[sublist] ?? []), ...entries];
  }
  return out;
}

/**
 * The item lines of a fulfilment or bill: each open order line with `available(line)` > 0 at that quantity, updated
 * by the body's lines keyed by `orderLine`. Refuses closed or unknown lines, more than is available, and no line at all.
 */
function progressLines(
  order: SalesOrderRecord,
  body: Json,
  replace: boolean,
  verb: 'fulfill' | 'bill',
  available: (line: SalesOrderRecord['lines'][number]) => number,
): LifecycleLine[] {
  const defaults = order.lines.filter((line) => !line.isClosed && available(line) > 0);
  const given = sublistItems(body, 'item') ?? [];
  const named = new Map<number, Json>();
  given.forEach((entry, index) => {
    const orderLine = optNumber(entry, 'orderLine', `item.items[${index}].orderLine`);
    if (orderLine === undefined) throw missing('Order Line');
    const line = order.lines.find((candidate) => candidate.line === orderLine);
    if (!line) throw new Rejected(invalidFieldValue(orderLine, 'orderline', `item.items[${index}].orderLine`));
    if (line.isClosed) throw new Rejected(userError(`You cannot ${verb} line ${orderLine}: it is closed.`)); // text UNCONFIRMED
    named.set(orderLine, entry);
  });
  const lines: LifecycleLine[] = [];
  for (const line of order.lines) {
    const entry = named.get(line.line);
    if (!entry && (replace || !defaults.includes(line))) continue;
    const receive = entry ? (optBoolean(entry, 'itemReceive') ?? true) : true;
    const quantity = entry ? (optNumber(entry, 'quantity') ?? available(line)) : available(line);
    if (!receive) continue;
    if (quantity <= 0) throw new Rejected(invalidFieldValue(quantity, 'quantity', 'item.items.quantity'));
    if (quantity > available(line)) {
      throw new Rejected(userError(`You cannot ${verb} more than the remaining quantity (${available(line)}) of line ${line.line}.`)); // text UNCONFIRMED
    }
    const amount = verb === 'bill' ? cents(line.rate * quantity) : 0;
    lines.push({
      line: lines.length + 1,
      orderLine: line.line,
      item: line.item,
      quantity,
      rate: verb === 'bill' ? line.rate : 0,
      amount,
      taxAmount: verb === 'bill' ? cents(line.quantity === 0 ? 0 : (line.taxAmount * quantity) / line.quantity) : 0,
      ...(verb === 'fulfill' ? { itemReceive: true } : {}),
    });
  }
  if (lines.length === 0) throw new Rejected(userError(NO_LINES));
  return lines;
}

/**
 * salesOrder → invoice / cashSale (lifecycle.md §6.2, Oracle section_159795520083): bills fulfilled, unbilled
 * quantities (empty body = all of them; Advanced Shipping on). The first bill of an order carries its shipping.
 */
function bill(store: RecordStore, order: SalesOrderRecord, type: LifecycleType, body: Json, replace: boolean): LifecycleRecord {
  if (order.orderStatus === 'A') throw new Rejected(userError(`You cannot bill a sales order that is ${SALES_ORDER_STATUS.A}.`)); // text UNCONFIRMED
  const lines = progressLines(order, body, replace, 'bill', (line) => line.quantityFulfilled - line.quantityBilled);
  const billedBefore = store.createdFrom('invoice', order.id).length + store.createdFrom('cashSale', order.id).length > 0;
  const shippingCost = billedBefore ? 0 : (order.shippingCost ?? 0);
  const shippingTax = cents(shippingCost * (store.tax.codes.get(order.shippingTaxCode)?.rate ?? 0));
  const taxTotal = cents(lines.reduce((sum, line) => sum + line.taxAmount, 0) + shippingTax);
  const total = cents(lines.reduce((sum, line) => sum + line.amount, 0) + shippingCost + taxTotal);
  return newRecord(
    store,
    type,
    { entity: order.entity, currency: order.currency, createdFrom: order.id, status: type === 'invoice' ? 'A' : 'B', lines, shippingCost, taxTotal, total },
    body,
  );
}

/**
 * invoice → creditMemo, cashSale → cashRefund (lifecycle.md §4.2; Oracle section_40160920714: "including line field
 * will update the existing line at this index, excluding will add a new line"). Lines start as the source's; the
 * body's `item.items` update them by `line` or add lines with an `item`. Credits never exceed what was billed: per
 * source line in quantity, per source document in total.
 */
function credit(store: RecordStore, source: LifecycleRecord, type: LifecycleType, body: Json, replace: boolean): LifecycleRecord {
  const start: Json[] = source.lines.map((line) => ({
    line: line.line,
    item: { id: line.item },
    quantity: line.quantity,
    rate: line.rate,
    amount: line.amount,
  }));
  const given = sublistItems(body, 'item');
  const merged = given === undefined ? start : mergeKeyedLines(start, given, replace);
  const lines = merged.map((entry, index): LifecycleLine => {
    const path = `item.items[${index}]`;
    const item = optRef(entry, 'item', `${path}.item`);
    if (item === undefined) throw missing('Item');
    if (!store.items.get(item)) throw new Rejected(invalidFieldValue(item, 'item', `${path}.item`));
    const quantity = optNumber(entry, 'quantity', `${path}.quantity`) ?? 1;
    const givenRate = get(entry, 'line') === undefined || get(entry, 'rate') !== undefined ? optNumber(entry, 'rate', `${path}.rate`) : undefined;
    const fromSource = source.lines.find((line) => line.line === get(entry, 'line'));
    const explicitAmount = given?.some((patch) => get(patch, 'line') === get(entry, 'line') && get(patch, 'amount') !== undefined) || fromSource === undefined;
    const rate = givenRate ?? fromSource?.rate ?? 0;
    const amount = cents(explicitAmount ? (optNumber(entry, 'amount', `${path}.amount`) ?? rate * quantity) : rate * quantity);
    const taxRate = fromSource && fromSource.amount !== 0 ? fromSource.taxAmount / fromSource.amount : 0;
    return {
      line: Number(get(entry, 'line') ?? 0),
      item,
      quantity,
      rate,
      amount,
      taxAmount: cents(amount * taxRate),
      ...(fromSource ? { orderLine: fromSource.orderLine } : {}),
    };
  });
  let next = Math.max(0, ...source.lines.map((line) => line.line));
  for (const line of lines) if (line.line === 0) line.line = ++next;
  if (lines.length === 0) throw new Rejected(userError(NO_LINES));
  const earlier = store.createdFrom(type, source.id);
  for (const line of lines) {
    const billed = source.lines.find((candidate) => candidate.line === line.line);
    if (!billed) continue;
    const credited = earlier
      .flatMap((record) => record.lines)
      .filter((candidate) => candidate.line === line.line)
      .reduce((sum, candidate) => sum + candidate.quantity, 0);
    if (credited + line.quantity > billed.quantity) {
      throw new Rejected(userError(`You cannot credit more than was billed on line ${line.line} (${billed.quantity - credited} left).`)); // text UNCONFIRMED
    }
  }
  const shippingCost = optNumber(body, 'shippingCost') ?? 0; // honoured as a header field: UNCONFIRMED (lifecycle.md §10 #14)
  const taxTotal = cents(lines.reduce((sum, line) => sum + line.taxAmount, 0));
  const total = cents(lines.reduce((sum, line) => sum + line.amount, 0) + shippingCost + taxTotal);
  const creditedTotal = cents(earlier.reduce((sum, record) => sum + record.total, 0));
  if (cents(creditedTotal + total) > source.total) {
    throw new Rejected(userError(`You cannot credit more than the ${source.total} billed (${cents(source.total - creditedTotal)} left).`)); // text UNCONFIRMED
  }
  const apply = type === 'creditMemo' ? readApply(body, 'apply', source, total) : [];
  const applied = cents(apply.reduce((sum, entry) => sum + entry.amount, 0));
  const status = type === 'creditMemo' ? (applied >= total ? 'B' : 'A') : 'A';
  return newRecord(
    store,
    type,
    { entity: source.entity, currency: source.currency, createdFrom: source.id, status, lines, shippingCost, taxTotal, total, apply },
    body,
  );
}

/**
 * `apply.items[{ doc: { id }, apply, amount }]` (credit memos: "you must specify the doc field", Oracle
 * section_157901123882) or `deposit.items[…]` (customer refunds of a deposit, article_0830082954). Only the source
 * document may be named here; the amount defaults to `limit`, and more than `limit` is refused.
 */
function readApply(body: Json, sublist: string, source: LifecycleRecord, limit: number): LifecycleRecord['apply'] {
  const given = sublistItems(body, sublist);
  if (given === undefined) return [{ doc: source.id, amount: limit }];
  return given.flatMap((entry, index) => {
    const path = `${sublist}.items[${index}]`;
    const doc = optRef(entry, 'doc', `${path}.doc`);
    if (doc === undefined) throw missing('Doc');
    if (doc !== source.id) throw new Rejected(invalidFieldValue(doc, 'doc', `${path}.doc`));
    if (optBoolean(entry, 'apply', `${path}.apply`) === false) return [];
    const amount = optNumber(entry, 'amount', `${path}.amount`) ?? limit;
    if (amount <= 0 || amount > limit) throw new Rejected(invalidFieldValue(amount, 'amount', `${path}.amount`));
    return [{ doc, amount: cents(amount) }];
  });
}

/**
 * creditMemo → customerRefund and customerDeposit → customerRefund (lifecycle.md §4.2): refunds the source's
 * unrefunded amount (`apply.items` / `deposit.items` may name less). Deviation: a credit memo's application to its
 * invoice does not use it up here.
 */
function refund(store: RecordStore, source: LifecycleRecord, body: Json): LifecycleRecord {
  const sourceTotal = source.type === 'customerDeposit' ? (source.payment ?? 0) : source.total;
  const refunded = cents(store.createdFrom('customerRefund', source.id).reduce((sum, record) => sum + record.total, 0));
  const left = cents(sourceTotal - refunded);
  if (left <= 0) throw new Rejected(userError(`There is nothing left to refund on ${source.tranId}.`)); // text UNCONFIRMED
  const apply = readApply(body, source.type === 'customerDeposit' ? 'deposit' : 'apply', source, left);
  const total = cents(apply.reduce((sum, entry) => sum + entry.amount, 0));
  if (total <= 0) throw new Rejected(userError(NO_LINES));
  return newRecord(store, 'customerRefund', { entity: source.entity, currency: source.currency, createdFrom: source.id, status: 'A', total, apply }, body);
}

/** POST /record/v1/customerDeposit (lifecycle.md §6.2, Oracle article_0830072110). */
export function createDeposit(store: RecordStore, body: Json): LifecycleRecord {
  const customerId = optRef(body, 'customer');
  if (customerId === undefined) throw missing('Customer');
  const customer = store.customers.get(customerId);
  if (!customer || customer.isInactive) throw new Rejected(invalidFieldValue(customerId, 'customer', 'customer'));
  const salesOrderId = optRef(body, 'salesOrder');
  const order = salesOrderId === undefined ? undefined : store.salesOrders.get(salesOrderId);
  if (salesOrderId !== undefined && (!order || order.entity !== customerId)) throw new Rejected(invalidFieldValue(salesOrderId, 'salesorder', 'salesOrder'));
  if (order && store.depositsNeedNoPaymentMethod && get(order.input, 'paymentmethod') !== undefined) {
    // SECONDARY sources only (lifecycle.md §6.2, §10 #16); text UNCONFIRMED.
    throw new Rejected(userError('You cannot record a customer deposit for a sales order that has a payment method.'));
  }
  const payment = optNumber(body, 'payment');
  if (payment === undefined) throw missing('Payment Amount');
  if (payment <= 0) throw new Rejected(invalidFieldValue(payment, 'payment', 'payment'));
  const currency = optRef(body, 'currency') ?? order?.currency ?? customer.currency;
  if (!store.currencies.has(currency)) throw new Rejected(invalidFieldValue(currency, 'currency', 'currency'));
  if (order && currency !== order.currency) {
    throw new Rejected(userError('The currency of the customer deposit must match the currency of the sales order.')); // text UNCONFIRMED
  }
  const undepFunds = optBoolean(body, 'undepFunds');
  const account = optRef(body, 'account');
  if (undepFunds !== true && account === undefined) throw missing('Account');
  const record = newRecord(
    store,
    'customerDeposit',
    {
      entity: customerId,
      currency,
      salesOrder: order?.id,
      status: undepFunds === true ? 'A' : 'B',
      total: cents(payment),
      payment: cents(payment),
      account,
      undepFunds: undepFunds ?? false,
      externalId: optString(body, 'externalId'),
      memo: optString(body, 'memo'),
    },
    body,
  );
  const tranDate = optString(body, 'tranDate');
  if (tranDate !== undefined) record.tranDate = tranDate.slice(0, 10);
  checkExternalId(store, record);
  store.saveLifecycle(record);
  return record;
}

/** PATCH /record/v1/itemFulfillment/{id}: header fields and the package sublists (the lines are not modelled). */
export function updateFulfilment(store: RecordStore, existing: LifecycleRecord, body: Json, replace: ReadonlySet<string>): LifecycleRecord {
  if (get(body, 'item') !== undefined) throw new Rejected(invalidRequest('The simulator does not model changing the lines of an item fulfillment.'));
  const shipStatus = optSelect(body, 'shipStatus') ?? existing.shipStatus ?? 'C';
  if (!['A', 'B', 'C'].includes(shipStatus)) throw new Rejected(invalidFieldValue(shipStatus, 'shipstatus', 'shipStatus'));
  const shipMethod = optRef(body, 'shipMethod') ?? existing.shipMethod;
  if (shipMethod !== undefined && store.items.get(shipMethod)?.itemType !== 'ShipItem')
    throw new Rejected(invalidFieldValue(shipMethod, 'shipmethod', 'shipMethod'));
  const updated: LifecycleRecord = {
    ...existing,
    shipStatus: shipStatus as 'A' | 'B' | 'C',
    status: shipStatus,
    shipMethod,
    memo: optString(body, 'memo') ?? existing.memo,
    externalId: optString(body, 'externalId') ?? existing.externalId,
    packages: readPackages(body, existing.packages, replace),
    // Custom body fields merge like any header field: those not sent keep their value.
    customFields: { ...existing.customFields, ...customFields(body, 'custbody') },
    lastModifiedDate: isoNow(store.clock),
    body: structuredClone(body),
  };
  checkExternalId(store, updated);
  store.saveLifecycle(updated);
  return updated;
}

/**
 * DELETE /record/v1/itemFulfillment/{id}: the order's fulfilled quantities go back. Refused when that would leave
 * a line billed beyond what is fulfilled (NetSuite keeps an invoiced fulfilment; text UNCONFIRMED).
 */
export function deleteFulfilment(store: RecordStore, existing: LifecycleRecord): void {
  const order = existing.createdFrom === undefined ? undefined : store.salesOrders.get(existing.createdFrom);
  for (const line of existing.lines) {
    const orderLine = order?.lines.find((candidate) => candidate.line === line.orderLine);
    if (orderLine && orderLine.quantityFulfilled - line.quantity < orderLine.quantityBilled) {
      throw new Rejected(userError('This record cannot be deleted because it has dependent records.'));
    }
  }
  store.deleteLifecycle(existing);
}
