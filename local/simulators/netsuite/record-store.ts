/**
 * All records of the simulated account, with the SuiteQL tables kept in step on every write. Internal ids come
 * from one increasing sequence shared by every record type, so an id of the wrong type never resolves.
 */
import {
  LIFECYCLE_TYPES,
  type CurrencyRecord,
  type CustomerRecord,
  type ItemRecord,
  type LifecycleRecord,
  type LifecycleType,
  type SalesOrderRecord,
  type TaxCodeRecord,
} from './records.ts';
import type { AccountFeatures, CustomFieldDefinitions } from './property-validation.ts';
import { SuiteqlDatabase } from './suiteql-database.ts';

export interface AccountLists {
  subsidiaries: ReadonlySet<string>;
  locations: ReadonlySet<string>;
  departments: ReadonlySet<string>;
  classes: ReadonlySet<string>;
}

/**
 * How the account taxes. A line's code is the request's, else the item's, else the ship-to state's (NetSuite picks
 * tax by destination), else the default; shipping's is the request's, else `shippingCode`, else the state's, else
 * the default.
 */
export interface TaxSetup {
  codes: Map<string, TaxCodeRecord>;
  defaultCode: string;
  shippingCode: string | undefined;
  byState: Map<string, string>;
}

/** Records of one type, indexed by internal id and by (case-sensitive, per-type unique) external id. */
export class RecordTable<T extends { id: string; externalId?: string }> {
  private readonly byId = new Map<string, T>();
  private readonly idByExternalId = new Map<string, string>();

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  byExternalId(externalId: string): T | undefined {
    const id = this.idByExternalId.get(externalId);
    return id === undefined ? undefined : this.byId.get(id);
  }

  delete(id: string): void {
    const previous = this.byId.get(id);
    if (previous?.externalId !== undefined) this.idByExternalId.delete(previous.externalId);
    this.byId.delete(id);
  }

  set(record: T): void {
    const previous = this.byId.get(record.id);
    if (previous?.externalId !== undefined) this.idByExternalId.delete(previous.externalId);
    if (record.externalId !== undefined) this.idByExternalId.set(record.externalId, record.id);
    this.byId.set(record.id, record);
  }

  values(): T[] {
    return [...this.byId.values()];
  }
}

export class RecordStore {
  readonly items = new RecordTable<ItemRecord>();
  readonly customers = new RecordTable<CustomerRecord>();
  readonly salesOrders = new RecordTable<SalesOrderRecord>();
  /** Item fulfilments, bills, credits, refunds and deposits, one table per record type. */
  readonly lifecycle = Object.fromEntries(Object.keys(LIFECYCLE_TYPES).map((type) => [type, new RecordTable<LifecycleRecord>()])) as Record<
    LifecycleType,
    RecordTable<LifecycleRecord>
  >;
  readonly database = new SuiteqlDatabase();
  readonly currencies = new Map<string, CurrencyRecord>();
  readonly tax: TaxSetup;
  readonly lists: AccountLists;
  readonly oneWorld: boolean;
  readonly clock: () => number;
  /** Customer entityId → internal id: entity ids are unique. */
  private readonly entityIds = new Map<string, string>();
  private lastId = 100;
  private lastTranNumber = 1000;
  /** Each transaction type numbers on its own (IF1001, INV1001, …), as NetSuite's auto-numbering does. */
  private readonly tranNumbers = new Map<string, number>();
  private lastEntityNumber = 0;

  /** The account's enabled features (Setup > Company > Enable Features): fields that need one off do not exist. */
  readonly features: AccountFeatures;
  /** Auto-Generated Numbers for customers: without it a customer's Customer ID comes from the request or its name. */
  readonly customerAutoNumbering: boolean;
  /** Whether a transform stores (and unique-checks) the body's externalId: UNCONFIRMED (lifecycle.md §10 #13). */
  readonly transformExternalIds: 'stored' | 'ignored';
  /** Refuse a customer deposit for a sales order that has a payment method (SECONDARY, lifecycle.md §6.2, §10 #16). */
  readonly depositsNeedNoPaymentMethod: boolean;
  /** The custom transaction fields the account defines; no others exist (none unless configured). */
  readonly customFields: CustomFieldDefinitions;

  constructor(
    lists: AccountLists,
    clock: () => number,
    setup: {
      currencies: CurrencyRecord[];
      tax: TaxSetup;
      features: AccountFeatures;
      customerAutoNumbering: boolean;
      transformExternalIds?: 'stored' | 'ignored';
      depositsNeedNoPaymentMethod?: boolean;
      customFields?: { transactionBody: string[]; transactionColumn: string[] };
    },
  ) {
    this.transformExternalIds = setup.transformExternalIds ?? 'stored';
    this.depositsNeedNoPaymentMethod = setup.depositsNeedNoPaymentMethod ?? false;
    this.customFields = {
      transactionBody: new Set(setup.customFields?.transactionBody.map((name) => name.toLowerCase())),
      transactionColumn: new Set(setup.customFields?.transactionColumn.map((name) => name.toLowerCase())),
    };
    this.lists = lists;
    this.oneWorld = setup.features.oneWorld;
    this.clock = clock;
    this.tax = setup.tax;
    this.features = setup.features;
    this.customerAutoNumbering = setup.customerAutoNumbering;
    for (const currency of setup.currencies) this.saveCurrency(currency);
  }

  /** The account's base currency (the first one configured). */
  get baseCurrency(): CurrencyRecord {
    return [...this.currencies.values()].find((currency) => currency.isBaseCurrency)!;
  }

  saveCurrency(currency: CurrencyRecord): void {
    this.currencies.set(currency.id, currency);
    this.database.putCurrency(currency);
  }

  nextId(): string {
    this.lastId += 1;
    return String(this.lastId);
  }

  nextTranId(): string {
    this.lastTranNumber += 1;
    return `SO${this.lastTranNumber}`;
  }

  nextLifecycleTranId(prefix: string): string {
    const next = (this.tranNumbers.get(prefix) ?? 1000) + 1;
    this.tranNumbers.set(prefix, next);
    return `${prefix}${next}`;
  }

  /** Auto-generated customer number (auto-numbering on, no prefix), skipping numbers already taken by hand. */
  nextEntityId(): string {
    do this.lastEntityNumber += 1;
    while (this.entityIds.has(String(this.lastEntityNumber)));
    return String(this.lastEntityNumber);
  }

  /** The internal id of the customer holding this entityId, if any. */
  customerWithEntityId(entityId: string): string | undefined {
    return this.entityIds.get(entityId);
  }

  saveItem(item: ItemRecord): void {
    this.items.set(item);
    this.database.putItem(item);
  }

  saveCustomer(customer: CustomerRecord): void {
    const previous = this.customers.get(customer.id);
    if (previous) this.entityIds.delete(previous.entityId);
    this.entityIds.set(customer.entityId, customer.id);
    this.customers.set(customer);
    this.database.putCustomer(customer);
  }

  saveSalesOrder(order: SalesOrderRecord): void {
    this.refreshQuantities(order);
    this.salesOrders.set(order);
    this.database.putSalesOrder(order);
  }

  saveLifecycle(record: LifecycleRecord): void {
    this.lifecycle[record.type].set(record);
    this.database.putLifecycle(record);
    this.touchSource(record);
  }

  deleteLifecycle(record: LifecycleRecord): void {
    this.lifecycle[record.type].delete(record.id);
    this.database.deleteTransaction(record.id);
    this.touchSource(record);
  }

  /** All lifecycle records of a type created from `sourceId`. */
  createdFrom(type: LifecycleType, sourceId: string): LifecycleRecord[] {
    return this.lifecycle[type].values().filter((record) => record.createdFrom === sourceId);
  }

  /** A fulfilment or bill changes its sales order's line quantities, status and last-modified date. */
  private touchSource(record: LifecycleRecord): void {
    if (record.createdFrom === undefined || !['itemFulfillment', 'invoice', 'cashSale'].includes(record.type)) return;
    const order = this.salesOrders.get(record.createdFrom);
    if (order) this.saveSalesOrder({ ...order, lines: order.lines.map((line) => ({ ...line })), lastModifiedDate: isoNow(this.clock) });
  }

  /** Line quantities fulfilled and billed are the sums over the order's fulfilments and invoices/cash sales. */
  private refreshQuantities(order: SalesOrderRecord): void {
    const sums = (types: LifecycleType[]) => {
      const byLine = new Map<number, number>();
      for (const entry of types.flatMap((type) => this.createdFrom(type, order.id)).flatMap((record) => record.lines)) {
        if (entry.orderLine !== undefined && entry.itemReceive !== false) byLine.set(entry.orderLine, (byLine.get(entry.orderLine) ?? 0) + entry.quantity);
      }
      return byLine;
    };
    const fulfilled = sums(['itemFulfillment']);
    const billed = sums(['invoice', 'cashSale']);
    for (const line of order.lines) {
      line.quantityFulfilled = fulfilled.get(line.line) ?? 0;
      line.quantityBilled = billed.get(line.line) ?? 0;
    }
  }

  close(): void {
    this.database.close();
  }
}

/** ISO timestamp (seconds precision, UTC) from the simulator clock, as NetSuite's datetime fields read. */
export function isoNow(clock: () => number): string {
  return new Date(clock()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
