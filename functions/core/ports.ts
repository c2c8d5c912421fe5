/**
 * The small interfaces the sync core needs from the outside world. Each has one production adapter
 * (BigCommerce, NetSuite, DynamoDB) and the core is tested through them against the simulators.
 */
import type { BookedTotals } from './build-sales-order.ts';
import type { ErpAddress, ErpCustomer, ErpSalesOrder, NewCustomer, SalesOrderChange, SalesOrderDraft, ShipGroupRate, StoreOrder } from './model.ts';
import type { Money } from './money.ts';
import type { OrderSnapshot } from './order-snapshot.ts';
import type { FailedOrdersDigest } from './announce-dead-letters.ts';
import type { BillLine, BillingRecord, MoneyRecordType, NewCustomerDeposit, StoreRefund, StoreTransaction, TransformRequest } from './payment-model.ts';

export interface OrderSource {
  getOrder(orderId: number): Promise<StoreOrder>;
  /** The order's tax by BigCommerce tax class (only read when tax lines are booked per class). */
  getTaxByClass(orderId: number): Promise<Array<{ name: string; amount: Money }>>;
  /** Records the NetSuite sales order id on the storefront order (idempotent). */
  recordSalesOrderId(orderId: number, salesOrderId: string): Promise<void>;
  /** The order's refunds, oldest first (v3 payment_actions/refunds). */
  listRefunds(orderId: number): Promise<StoreRefund[]>;
  /** Refunds of any order created at or after `since` (the poller's sweep for missed refund webhooks). */
  listRefundsCreatedSince(since: Date): Promise<StoreRefund[]>;
  /** The order's payment transactions (v3 transactions; none is an empty list). */
  listTransactions(orderId: number): Promise<StoreTransaction[]>;
}

export interface Erp {
  findCustomersByEmail(email: string): Promise<ErpCustomer[]>;
  /** Throws AlreadyExistsError when a customer with this externalId exists. */
  createCustomer(customer: NewCustomer): Promise<string>;
  findCustomerByExternalId(externalId: string): Promise<string | undefined>;
  /** Item internal ids for the SKUs NetSuite has an orderable item for; absent keys are unknown SKUs. */
  findItemsBySku(skus: string[]): Promise<Map<string, string>>;
  /** Why NetSuite's items for these SKUs cannot be ordered (inactive, a matrix parent…); absent: no item at all. */
  explainMissingSkus(skus: string[]): Promise<Map<string, string>>;
  /** Every active item, page by page, for the SKU map's bulk load. */
  listItems(): AsyncIterable<Array<{ sku: string; itemId: string }>>;
  /** Throws AlreadyExistsError when a sales order with this externalId exists. */
  createSalesOrder(order: SalesOrderDraft): Promise<string>;
  findSalesOrderByExternalId(externalId: string): Promise<string | undefined>;
  /**
   * An active currency by ISO code ("EUR"); undefined when the account has none. `multiple` says whether the account
   * has other currencies: an account with one (no Multiple Currencies) has no currency field to set.
   */
  findCurrency(isoCode: string): Promise<{ id: string; multiple: boolean } | undefined>;
  /**
   * Multiple shipping routes: the customer's address book entries for these addresses, by our key, adding the ones
   * it does not have yet (found again by their label, so a retry adds nothing twice).
   */
  ensureShipToAddresses(customerId: string, addresses: Array<{ key: string; address: ErpAddress }>): Promise<Map<string, string>>;
  /** Multiple shipping routes: each ship group's shipping charge, the group found by the address its lines ship to. */
  setShipGroupRates(salesOrderId: string, rates: ShipGroupRate[]): Promise<void>;
  /**
   * The sales order as NetSuite holds it now: status, and lines with what was fulfilled and billed and, when
   * `lineIdField` is given, the BigCommerce order product each line links to. Undefined when it is gone.
   */
  readSalesOrder(salesOrderId: string, lineIdField?: string): Promise<ErpSalesOrder | undefined>;
  /** One PATCH: lines with `line` are updated (closed, re-quantified, re-priced), lines without are added. */
  updateSalesOrder(salesOrderId: string, change: SalesOrderChange): Promise<void>;
  /** NetSuite's own totals of up to 1,000 sales orders, in one query; absent ids are not in NetSuite. */
  readSalesOrderTotals(salesOrderIds: string[]): Promise<Map<string, SalesOrderTotals>>;
  /**
   * The invoices and cash sales created from the sales order, and its customer deposits (linked to it, or ours by
   * `depositExternalIdPrefix`), oldest first.
   */
  findBillingRecords(salesOrderId: string, depositExternalIdPrefix: string): Promise<BillingRecord[]>;
  /** The item lines of an invoice or cash sale, each with the sales-order line it bills. */
  readBillLines(type: 'invoice' | 'cashSale', id: string): Promise<BillLine[]>;
  /**
   * The transaction made for this externalId: by the externalId itself, or by the `[externalId]` marker in its memo
   * (a transform may not keep the externalId, lifecycle.md §10 #13). Undefined when there is none.
   */
  findMoneyRecord(externalId: string): Promise<{ type: MoneyRecordType; id: string; total: number } | undefined>;
  /** Runs a transform; returns the new record's id. Throws AlreadyExistsError on a duplicate externalId. */
  transformRecord(request: TransformRequest): Promise<string>;
  /** Throws AlreadyExistsError when a deposit with this externalId exists. */
  createCustomerDeposit(deposit: NewCustomerDeposit): Promise<string>;
}

/** A sales order's totals as NetSuite computed them, in the transaction currency (discount as a positive amount). */
export interface SalesOrderTotals {
  salesOrderId: string;
  currency: string;
  total: Money;
  tax: Money;
  shipping: Money;
  discount: Money;
}

/** A SKU's item, or what is remembered of its absence (with why NetSuite's item for it cannot be ordered). */
export type SkuLookup = { itemId: string } | { missing: true; reason?: string };

export interface SkuMapStore {
  /** One round trip for the whole order; SKUs never looked up are absent from the result. */
  get(skus: string[]): Promise<Map<string, SkuLookup>>;
  put(entries: Array<{ sku: string; itemId: string }>): Promise<void>;
  /** Remembers that NetSuite has no item for these SKUs, until `ttlSeconds` pass. */
  putMissing(entries: Array<{ sku: string; reason?: string }>, ttlSeconds: number): Promise<void>;
  /** Drops what is known about these SKUs, so the next order looks them up afresh. */
  forget(skus: string[]): Promise<void>;
  /** Removes item entries no refresh has written since `since` (items gone from NetSuite); returns how many. */
  removeNotRefreshedSince(since: Date): Promise<number>;
}

export interface CustomerCache {
  get(email: string): Promise<string | undefined>;
  put(email: string, customerId: string): Promise<void>;
  forget(email: string): Promise<void>;
}

export type LedgerState = 'in_progress' | 'synced' | 'reconciled' | 'synced_with_drift' | 'failed' | 'skipped';

/** States of an order whose sales order exists: it is never synced again, whatever the reconciler found. */
export const SYNCED_STATES: ReadonlySet<LedgerState> = new Set(['synced', 'reconciled', 'synced_with_drift']);

/** One part of an order whose NetSuite figure differs from what BigCommerce charged. */
export interface DriftComponent {
  component: 'total' | 'tax' | 'shipping' | 'discount' | 'currency' | 'sales_order';
  /** Display figures (two decimals) or codes. */
  netsuite: string;
  bigcommerce: string;
  /** In plain words, e.g. "NetSuite tax 8.25 vs BigCommerce 8.00: check the tax codes of items 42, 43". */
  cause: string;
}

/** Who recorded a history event: the message's producer for the worker's steps, or the function or person acting. */
export type HistorySource = 'webhook' | 'poller' | 'backfill' | 'redrive' | 'sku-refresh' | 'reconciler' | 'lifecycle' | 'notifier' | 'console' | 'circuit';

/** What happened to an order, one step at a time (the ledger keeps the last HISTORY_LIMIT, older ones summarised). */
export type HistoryEventType =
  | 'received'
  | 'claimed'
  | 'skipped'
  | 'customer_matched'
  | 'customer_created'
  | 'items_resolved'
  | 'sales_order_created'
  | 'sales_order_found'
  | 'synced'
  | 'written_back'
  | 'failed'
  | 'parked'
  | 'unparked'
  | 'redriven'
  | 'dead_lettered'
  | 'alerted'
  | 'retry_requested'
  | 'redrive_requested'
  | 'sku_refresh_requested'
  | 'reconciled'
  | 'drift'
  | 'edited'
  | 'cancelled'
  | 'change_refused'
  | 'refunded'
  | 'deposit_recorded';

export interface HistoryEvent {
  /** ISO time. */
  at: string;
  source: HistorySource;
  event: HistoryEventType;
  /** In plain words, short (cut at 300 characters). */
  detail?: string;
  /** Ids the step touched: salesOrderId, customerId, messageId, items… */
  ids?: Record<string, string>;
}

/** What the trimmed-off part of a history was: how many events of each kind, and when. */
export interface HistorySummary {
  dropped: number;
  from: string;
  to: string;
  byEvent: Partial<Record<HistoryEventType, number>>;
}

/** The events of one attempt and the facts it learned, written with the attempt's own ledger update. */
export interface AttemptTrail {
  events: HistoryEvent[];
  /** SHA-256 of the normalised billing e-mail (for search; the address itself is not stored). */
  emailHash?: string;
  customerId?: string;
}

export interface LedgerEntry {
  orderKey: string;
  state: LedgerState;
  attempts: number;
  salesOrderId?: string;
  writeBackDone?: boolean;
  /** 'transient' or 'permanent'. */
  lastErrorClass?: string;
  /** The error's type, e.g. MissingSkuError. */
  lastErrorName?: string;
  lastErrorMessage?: string;
  /** SKUs that had no NetSuite item at the last attempt (the order is parked until they do). */
  missingSkus?: string[];
  skipReason?: string;
  /** What the sales order booked (money in ten-thousandths), for the reconciler. */
  booked?: BookedTotals;
  /** What was last applied to NetSuite (lines, shipping, status, BigCommerce's date_modified). */
  snapshot?: OrderSnapshot;
  refunds?: Record<string, AppliedRecord>;
  deposits?: Record<string, AppliedRecord>;
  /** The last failed attempt to apply a change to the synced order (see AppliedChanges.failure). */
  changeFailure?: ChangeFailure;
  /**
   * A change attempt that claimed the change lease and has not finished (its worker died or timed out mid-change):
   * the queue message it served, so that message's dead letter is announced rather than taken as applied.
   */
  changeAttempt?: { at: string; messageId?: string };
  changeLeaseOwner?: string;
  changeLeaseExpiresAt?: number;
  reconcileState?: 'pending' | 'reconciled' | 'drift';
  reconciledAt?: string;
  drift?: DriftComponent[];
  leaseOwner?: string;
  leaseExpiresAt?: number;
  createdAt?: string;
  updatedAt?: string;
  syncedAt?: string;
  lastFailedAt?: string;
  /** Set when the dead-letter notifier saw the order's message in the dead-letter queue; cleared by its next attempt. */
  deadLetteredAt?: string;
  emailHash?: string;
  customerId?: string;
  /** Oldest first, at most HISTORY_LIMIT (plus a little slack before a trim). */
  history?: HistoryEvent[];
  historySummary?: HistorySummary;
}

export interface AttemptFailure {
  errorClass: 'transient' | 'permanent';
  errorName: string;
  message: string;
  missingSkus?: string[];
}

/** A NetSuite record made for one BigCommerce refund or payment, kept so it is never made twice. */
export interface AppliedRecord {
  recordType: string;
  recordId: string;
  /** ISO time NetSuite accepted it. */
  at: string;
  /** Display amount (two decimals). */
  amount?: string;
  /**
   * Set when the refund or payment was refused (recordType 'refused', no record): why, and the queue message that
   * announced it. That message's retries fail again (so a person hears of it); others pass quietly; a console retry
   * tries afresh.
   */
  refused?: { reason: string; messageId?: string };
}

/** What NetSuite accepted in one change to a synced order; each part given replaces the ledger's. */
export interface AppliedChanges {
  snapshot?: OrderSnapshot;
  /** New totals after an edit: the order goes back to the reconciler. */
  booked?: BookedTotals;
  /** By BigCommerce refund id. */
  refunds?: Record<string, AppliedRecord>;
  /** By BigCommerce transaction id. */
  deposits?: Record<string, AppliedRecord>;
  /**
   * Why this attempt failed (kept for the dead-letter notifier, which announces it if the message dead-letters);
   * an attempt that ends without one clears it.
   */
  failure?: ChangeFailure;
}

export interface ChangeFailure {
  message: string;
  errorClass: 'transient' | 'permanent';
  messageId?: string;
}

export type ChangeClaim = { outcome: 'claimed'; entry: LedgerEntry } | { outcome: 'busy'; entry: LedgerEntry } | { outcome: 'not_synced'; entry?: LedgerEntry };

export type ClaimResult =
  { outcome: 'claimed'; entry: LedgerEntry } | { outcome: 'already_synced'; entry: LedgerEntry } | { outcome: 'busy'; entry: LedgerEntry };

export interface OrderLedger extends OrderHistory {
  /**
   * Takes the order's lease unless it is synced already or another worker holds an unexpired lease.
   * Counts an attempt when claimed.
   */
  claim(orderKey: string, owner: string, leaseMs: number, events?: HistoryEvent[]): Promise<ClaimResult>;
  /**
   * Records the sales order, the totals it booked (the order then awaits reconciliation) and the snapshot of what
   * was applied, which later changes are diffed against.
   */
  markSynced(
    orderKey: string,
    owner: string,
    salesOrderId: string,
    applied: { booked: BookedTotals; snapshot: OrderSnapshot },
    trail?: AttemptTrail,
  ): Promise<void>;
  markWriteBackDone(orderKey: string, events?: HistoryEvent[]): Promise<void>;
  /** Releases the lease and records that the order is not (yet) in a status that triggers a sync. */
  markSkipped(orderKey: string, owner: string, reason: string, trail?: AttemptTrail): Promise<void>;
  /** Releases the lease and records why the attempt failed. */
  markFailed(orderKey: string, owner: string, failure: AttemptFailure, trail?: AttemptTrail): Promise<void>;
  get(orderKey: string): Promise<LedgerEntry | undefined>;
  /**
   * Takes the change lease of a synced order (its state stays synced): changes after creation (edits,
   * cancellation, refunds, payments) are applied one at a time per order.
   */
  claimChange(orderKey: string, owner: string, leaseMs: number, messageId?: string): Promise<ChangeClaim>;
  /**
   * Extends the change lease only while `owner` still holds it; false once it ran out and another worker took it
   * (or finished with it). Checked before every NetSuite write, so a worker that lost its lease writes nothing.
   */
  renewChange(orderKey: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Records what NetSuite accepted and the history, and ends the change lease (only its holder's). */
  finishChange(orderKey: string, owner: string, applied: AppliedChanges, events: HistoryEvent[]): Promise<void>;
}

/**
 * Events from outside the worker's attempt (dead-lettered, alerted, unparked, console actions): one small update
 * each, appended to an order the ledger knows (an order it never saw is left alone).
 */
export interface OrderHistory {
  append(orderKey: string, events: HistoryEvent[], marks?: { deadLettered?: boolean }): Promise<void>;
}

/** A synced order as the reconciler sees it. */
export interface SyncedOrder {
  orderKey: string;
  orderId: number;
  salesOrderId: string;
  syncedAt: string;
  booked: BookedTotals;
  reconcileState: 'pending' | 'reconciled' | 'drift';
  drift?: DriftComponent[];
}

/** The ledger as the reconciler uses it: synced orders by reconciliation state, through an index (no scans). */
export interface ReconciliationLedger {
  /** Oldest first, synced at or before `syncedBefore`. */
  listPending(limit: number, syncedBefore: Date): Promise<SyncedOrder[]>;
  /** Every synced order whose sync time is in [since, until), whatever its reconciliation state. */
  listSynced(since: Date, until: Date): Promise<SyncedOrder[]>;
  /** Records the outcome; false when the order was no longer pending (another run got there first). */
  recordReconciliation(orderKey: string, outcome: { state: 'reconciled' | 'drift'; drift: DriftComponent[] }): Promise<boolean>;
}

/** A request to sync one storefront order, as it travels through the queue. */
export interface OrderMessage {
  storeHash: string;
  orderId: number;
  source: 'webhook' | 'poller' | 'backfill' | 'sku-refresh' | 'circuit' | 'console';
  /** ISO time the event reached us. */
  receivedAt: string;
  /** The order's status when it was enqueued, when the producer knew it (poller, status webhooks). */
  statusId?: number;
}

export interface OrderQueue {
  /** Enqueues every message or throws; partial success is retried inside, never silently dropped. */
  enqueue(messages: OrderMessage[]): Promise<void>;
}

/** A page of storefront orders modified since a point in time (for the poller and backfills). */
export interface OrderLister {
  /** Orders in `statusId` modified at or after `since`, oldest modification first, `pageSize` to a page. */
  listModifiedOrders(filter: { since: Date; until?: Date; statusId: number; page: number }): Promise<Array<{ orderId: number; dateModified: Date }>>;
  readonly pageSize: number;
}

/**
 * Where the poller got to for one status: the newest modification time enqueued, and the orders enqueued within
 * the overlap window before it (order id → modification time), so re-reading the window re-enqueues only
 * orders modified again since.
 */
export interface PollerCursor {
  at: Date;
  recent: Record<string, number>;
}

/** The poller's own state: one lease so runs never overlap, and a cursor per trigger status. */
export interface PollerState {
  acquireLease(owner: string, leaseMs: number): Promise<boolean>;
  releaseLease(owner: string): Promise<void>;
  /** By status id, or 'refunds' for the refund sweep's cursor (refund creation time). */
  getCursor(statusId: number | 'refunds'): Promise<PollerCursor | undefined>;
  /** Moves the cursor forward (or keeps it, with a new `recent`); an older value is ignored. */
  advanceCursor(statusId: number | 'refunds', cursor: PollerCursor): Promise<void>;
}

/** Postpones the next delivery of a queue message (SQS: ChangeMessageVisibility). */
export interface RedeliveryControl {
  postpone(receiptHandle: string, seconds: number): Promise<void>;
}

/** Orders waiting for SKUs that NetSuite did not have; the SKU refresh re-enqueues them. */
export interface ParkedOrders {
  park(orderId: number, skus: string[]): Promise<void>;
  unpark(orderId: number): Promise<void>;
  list(): Promise<Array<{ orderId: number; skus: string[] }>>;
}

/** What the dead-letter notifier can see of the dead-letter queue: never more than a peek. */
export interface DeadLetterQueue {
  depth(): Promise<number>;
  /** Receives up to `max` messages, hiding them for `hideSeconds`; never deletes. */
  peek(max: number, hideSeconds: number): Promise<Array<{ messageId: string; body: string }>>;
}

/** Remembers what has been announced (by dead-lettered message, and by failed order), so nothing is announced twice. */
export interface AlertLog {
  /** True when this caller may announce `key` (nobody has within `ttlSeconds`, and nobody is doing it right now). */
  claim(key: string, owner: string, ttlSeconds: number): Promise<boolean>;
  markSent(key: string): Promise<void>;
  /** Gives the claim up after a failed send, so the next run tries again. */
  release(key: string, owner: string): Promise<void>;
}

export interface FailedOrderAlert {
  messageId: string;
  storeHash: string;
  /** Undefined when the dead-lettered message could not be read at all. */
  orderId?: number;
  /** In plain words, e.g. "SKU ABC-1 has no NetSuite item". */
  reason: string;
  errorClass?: string;
  attempts?: number;
  missingSkus?: string[];
  /** sync (default): the order did not reach NetSuite. change: a later change to a synced order was refused or failed. */
  kind?: 'sync' | 'change';
}

export interface Alerter {
  send(alert: FailedOrderAlert): Promise<void>;
  /** One message for many failed orders (an alert storm). */
  sendDigest(digest: FailedOrdersDigest): Promise<void>;
}

/** A synced order whose NetSuite totals differ from what BigCommerce charged. */
export interface DriftAlert {
  storeHash: string;
  orderId: number;
  salesOrderId: string;
  currency: string;
  drift: DriftComponent[];
}

export interface DriftAlerter {
  sendDrift(alert: DriftAlert): Promise<void>;
}

export type CircuitService = 'bigcommerce' | 'netsuite';

/** A global failure as a circuit sees it: which API, whether it is certain, and what it said. */
export interface CircuitFailure {
  service: CircuitService;
  /** auth: refused credentials or permissions; auth_suspect: NetSuite's 401, also a concurrency symptom; outage: 5xx, timeouts. */
  kind: 'auth' | 'auth_suspect' | 'outage';
  reason: string;
}

export interface CircuitState {
  service: CircuitService;
  open: boolean;
  /** Consecutive failures of each counted kind, across workers, since the last success. */
  suspectFailures: number;
  outageFailures: number;
  kind?: CircuitFailure['kind'];
  reason?: string;
  /** Epoch ms; identifies this opening (one alert per opening). */
  openedAt?: number;
  /** Epoch ms when the next probe may run, and the wait after it (doubling to a ceiling). */
  nextProbeAt?: number;
  probeIntervalMs?: number;
}

/** The circuits of the two APIs, shared by every worker, the poller and the notifier. */
export interface CircuitStore {
  read(): Promise<Map<CircuitService, CircuitState>>;
  /**
   * Counts a failure and opens the circuit at `threshold` consecutive failures of its kind: `opened` for the one
   * caller that opened it, `open` whenever it is open now (whoever opened it).
   */
  recordFailure(failure: CircuitFailure, threshold: number, firstProbeInMs: number): Promise<{ open: boolean; opened: boolean }>;
  /** Resets the consecutive-failure counts (called only when they are not zero). */
  recordSuccess(service: CircuitService): Promise<void>;
  /** True for the one caller that may probe now; the next probe is pushed back (the wait doubles, to `maxIntervalMs`). */
  claimProbe(service: CircuitService, maxIntervalMs: number): Promise<boolean>;
  close(service: CircuitService): Promise<void>;
}

/** A NetSuite item fulfilment as the fulfilment poller lists it (SuiteQL, lifecycle.md §5.1). */
export interface FulfilmentRef {
  fulfilmentId: string;
  tranId: string;
  /** NetSuite's lastModifiedDate, as an instant (read as UTC; its real time zone is UNCONFIRMED, hence the overlap). */
  modifiedAt: Date;
  /** Ship status letter: A Picked, B Packed, C Shipped (lifecycle.md §1.5). */
  shipStatus: string;
  salesOrderId: string;
  salesOrderExternalId: string;
}

/** One line of an item fulfilment: the sales-order line it fulfils and how many went out. */
export interface FulfilmentLine {
  /** The sales order's `line` this fulfils (absent on kit member lines, lifecycle.md §5.1). */
  orderLine?: number;
  itemId: string;
  quantity: number;
}

/** A fulfilment read in full: its lines, every tracking number of every package sublist, and how it ships. */
export interface Fulfilment {
  fulfilmentId: string;
  tranId: string;
  salesOrderId: string;
  shipStatus: string;
  modifiedAt: Date;
  lines: FulfilmentLine[];
  trackingNumbers: string[];
  /** The ship method's name (shipMethod.refName) and the carrier code (shipCarrier), when NetSuite has them. */
  shipMethod?: string;
  shipCarrier?: string;
}

/** A sales-order line with what maps it back to BigCommerce: the line link column, else its item's SKU. */
export interface SalesOrderLineLink {
  line: number;
  itemId: string;
  quantity: number;
  /** BigCommerce order_product_id from the line link column (NETSUITE_LINE_ID_FIELD), when set on the line. */
  storeLineId?: number;
  sku?: string;
}

/** NetSuite as the fulfilment poller sees it: new fulfilments, their detail, and a place to write the shipment id. */
export interface FulfilmentSource {
  /** Fulfilments of our sales orders modified after (modifiedAt, fulfilmentId), oldest first, one page. */
  listFulfilments(after: { modifiedAt: Date; fulfilmentId: string }, limit: number): Promise<FulfilmentRef[]>;
  /** Undefined when the fulfilment no longer exists (deleted since it was listed). */
  getFulfilment(fulfilmentId: string): Promise<Fulfilment | undefined>;
  salesOrderLines(salesOrderId: string): Promise<SalesOrderLineLink[]>;
  /** Which of these fulfilments still exist (SuiteQL has no deletion feed: a deleted one simply disappears). */
  existingFulfilments(fulfilmentIds: string[]): Promise<Set<string>>;
  /** Writes the BigCommerce shipment id(s) onto the fulfilment's configured custom body field. */
  recordShipmentIds(fulfilmentId: string, shipmentIds: string): Promise<void>;
  /** The write-back field, when one is configured. */
  readonly shipmentIdField: string | undefined;
}

/** A BigCommerce order line as shipping needs it. */
export interface ShippableLine {
  lineId: number;
  sku: string;
  type: 'physical' | 'digital' | 'giftcertificate';
  quantity: number;
  quantityShipped: number;
  addressId: number;
  /** Picked up in store (order_pickup_method_id ≠ 0): nothing to ship. */
  pickup: boolean;
}

export interface ShippableOrder {
  orderId: number;
  statusId: number;
  lines: ShippableLine[];
}

export interface StoreShipment {
  id: number;
  addressId: number;
  trackingNumber: string;
  comments: string;
  items: Array<{ lineId: number; quantity: number }>;
}

export interface ShipmentDraft {
  addressId: number;
  items: Array<{ lineId: number; quantity: number }>;
  trackingNumber?: string;
  shippingProvider?: string;
  trackingCarrier?: string;
  shippingMethod?: string;
  comments: string;
}

/** BigCommerce as the fulfilment poller sees it. */
export interface ShipmentSink {
  /** Undefined when the order is gone (404). */
  getShippableOrder(orderId: number): Promise<ShippableOrder | undefined>;
  listShipments(orderId: number): Promise<StoreShipment[]>;
  /** Posts once, never retried inside: a lost answer is resolved by reading the shipments on the next attempt. */
  createShipment(orderId: number, draft: ShipmentDraft): Promise<StoreShipment>;
  setOrderStatus(orderId: number, statusId: number): Promise<void>;
}

export type ShipmentClaim = { outcome: 'claimed' } | { outcome: 'posted'; shipmentId: number } | { outcome: 'busy' };

/** What the poller remembers about one fulfilment once handled (its dead-letter record when it failed). */
export interface FulfilmentRecord {
  state: 'shipped' | 'failed' | 'skipped';
  modifiedAtMs: number;
  /** Lines, quantities and tracking numbers, to notice a fulfilment changed after we posted it. */
  fingerprint: string;
  shipmentIds: number[];
  orderId?: number;
  reason?: string;
  writtenBack?: boolean;
}

/** The exactly-once ledger of shipments: one claim per (fulfilment, BigCommerce address), plus a record per fulfilment. */
export interface ShipmentLedger {
  /** Conditional write: claimed when absent or left behind by a run whose lease expired; posted when done. */
  claim(fulfilmentId: string, addressId: number, owner: string, leaseMs: number): Promise<ShipmentClaim>;
  markPosted(fulfilmentId: string, addressId: number, shipmentId: number): Promise<void>;
  /** Gives the claim up after a failed post, so the next attempt (which reads the shipments first) may take it. */
  release(fulfilmentId: string, addressId: number, owner: string): Promise<void>;
  getRecord(fulfilmentId: string): Promise<FulfilmentRecord | undefined>;
  putRecord(fulfilmentId: string, record: FulfilmentRecord): Promise<void>;
  /** Fulfilments shipped lately, watched for deletion in NetSuite (one item: only one poller runs at a time). */
  getWatch(): Promise<WatchedFulfilment[]>;
  putWatch(watched: WatchedFulfilment[]): Promise<void>;
}

export interface WatchedFulfilment {
  fulfilmentId: string;
  tranId: string;
  orderId: number;
  shipmentIds: number[];
  postedAtMs: number;
}

/** Something about a fulfilment a person must look at. */
export interface FulfilmentAlert {
  storeHash: string;
  fulfilmentId: string;
  tranId: string;
  orderId?: number;
  kind: 'failed' | 'changed_after_shipping' | 'deleted_after_shipping' | 'lines_not_shipped' | 'order_cancelled' | 'order_missing';
  /** In plain words. */
  reason: string;
}

export interface FulfilmentAlerter {
  sendFulfilment(alert: FulfilmentAlert): Promise<void>;
}
