/**
 * A NetSuite account behind a real HTTP server that answers like SuiteTalk REST: TBA and OAuth 2.0 M2M auth,
 * record create/get/update/upsert for customers and sales orders, SuiteQL run on SQLite, the account
 * concurrency limit, and NetSuite's headers and error envelopes. Tests, the local runtime and benchmarks use it.
 */
import { randomUUID } from 'node:crypto';
import { SimServer, type SimRequest, type SimResponse } from '../sim-http.ts';
import { Authenticator, type LoginAuditEntry } from './auth.ts';
import { lowerKeys, Rejected } from './body-fields.ts';
import { ConcurrencyGate } from './concurrency.ts';
import { buildCustomer } from './customer-record.ts';
import { concurrencyLimitExceeded, invalidRequest, nsError, statusFault } from './errors.ts';
import { realisticLatency } from './latency.ts';
import { OAuth2Issuer, TOKEN_PATH, type OAuth2ClientConfig } from './oauth2-auth.ts';
import { handleRecord, RECORD_PREFIX } from './record-routes.ts';
import { RecordStore } from './record-store.ts';
import type { AccountFeatures } from './property-validation.ts';
import type { CustomerRecord, ItemRecord, Json, LifecycleRecord, LifecycleType, SalesOrderRecord } from './records.ts';
import { deleteFulfilment, isLifecycleType, PACKAGE_SUBLISTS, transform } from './lifecycle-records.ts';
import { salesOrderStatus, type SalesOrderStatus } from './order-status.ts';
import { runSuiteql, SUITEQL_PATH } from './suiteql-route.ts';
import { TbaVerifier, type TbaCredentials } from './tba-auth.ts';

export { realisticLatency } from './latency.ts';
export type { CustomerRecord, ItemRecord, LifecycleRecord, LifecycleType, SalesOrderLine, SalesOrderRecord } from './records.ts';
export type { LoginAuditEntry } from './auth.ts';

export interface NetSuiteSimulatorOptions {
  /** Account id in realm form (`1234567_SB1`); the TBA realm must equal it. */
  accountId?: string;
  port?: number;
  /** Account concurrency limit (Standard tier: 5). Requests over it get an immediate 429. */
  concurrencyLimit?: number;
  oauth2?: OAuth2ClientConfig;
  tba?: TbaCredentials;
  /** OneWorld: customers need a valid subsidiary and orders book to their customer's. */
  oneWorld?: boolean;
  subsidiaries?: string[];
  locations?: string[];
  departments?: string[];
  classes?: string[];
  /** ISO codes of the account's currencies; the first is the base currency (default: USD only). */
  currencies?: string[];
  /**
   * Tax codes and their rates. NetSuite taxes each line at its code's rate: the request's, else the item's, else
   * the ship-to state's (`taxCodeByState`, e.g. {TX: '5'}), else `defaultTaxCode`; shipping at `shippingTaxCode`'s,
   * else the state's, else the default. Default: one code, -8 "-Not Taxable-" at 0 %, for everything.
   */
  taxCodes?: Array<{ id: string; name: string; rate: number }>;
  defaultTaxCode?: string;
  shippingTaxCode?: string;
  taxCodeByState?: Record<string, string>;
  /** The Multiple Shipping Routes feature: sales orders with isMultiShipTo, a ship-to per line, ship groups. */
  multiShipRoutes?: boolean;
  /** Features that are on unless turned off here; a field that needs one that is off does not exist. */
  features?: Partial<Pick<AccountFeatures, 'multiplePrices' | 'classes' | 'departments' | 'locations' | 'multipleCurrencies'>>;
  /** Auto-Generated Numbers for customers (default on). Off, a new customer's Customer ID is the given one or its name. */
  customerAutoNumbering?: boolean;
  /**
   * Whether a transform stores `externalId` from its body (and refuses a duplicate) or ignores it. UNCONFIRMED which
   * NetSuite does (lifecycle.md §10 #13): 'ignored' lets a test prove the product's own ledger guard. Default 'stored'.
   */
  transformExternalIds?: 'stored' | 'ignored';
  /** Refuse a customer deposit for a sales order with a payment method (SECONDARY, lifecycle.md §10 #16). Default off. */
  depositsNeedNoPaymentMethod?: boolean;
  /**
   * The account's custom transaction fields (default: none). NetSuite refuses (or, under the default property-name
   * validation, drops with a warning header) a custbody_/custcol_ field the account has not defined, like any
   * unknown property. `defineCustomField` adds one later.
   */
  customFields?: { transactionBody?: string[]; transactionColumn?: string[] };
  /** 2026.2 SuiteQL bound `params`; off means a request carrying `params` is refused. */
  suiteqlParams?: boolean;
  /** ms epoch; drives token expiry, the TBA timestamp window and record dates. */
  clock?: () => number;
}

export interface AddItemInput {
  itemId: string;
  displayName?: string;
  upcCode?: string;
  externalId?: string;
  isInactive?: boolean;
  /** SuiteQL `itemtype`: InvtPart (default), NonInvtPart, Service, Discount, OthCharge, Kit, Assembly, … */
  itemType?: string;
  /** The rate an order line gets when it gives neither rate nor amount (default 0); a ship item's shipping rate. */
  basePrice?: number;
  /** Tax code of the item's sales lines (default: the account's default tax code). */
  taxCode?: string;
  /** A matrix parent (not orderable) or child. */
  matrixType?: 'PARENT' | 'CHILD';
  /** Non-inventory, service and other charge items: Sale, Resale, or Purchase (not for sale). */
  subtype?: 'Sale' | 'Purchase' | 'Resale';
}

export interface AddCustomerInput {
  email: string;
  firstName?: string;
  lastName?: string;
  companyName?: string;
  /** Defaults to true unless a companyName is given. */
  isPerson?: boolean;
  externalId?: string;
  isInactive?: boolean;
  subsidiary?: string;
  phone?: string;
  entityId?: string;
  /** ISO code of the primary currency (default: the base currency), and any further ones the customer may use. */
  currency?: string;
  otherCurrencies?: string[];
  /** OneWorld, Multi-Subsidiary Customer: subsidiaries besides the primary one. */
  otherSubsidiaries?: string[];
}

/** A sales order as tests see it: the stored record, with the request body that last wrote it. */
export type SalesOrderSnapshot = Omit<SalesOrderRecord, 'input' | 'createdDate' | 'lastModifiedDate'> & {
  /** The last request body that wrote this order, exactly as sent. */
  body: unknown;
};

export type CustomerSnapshot = Omit<CustomerRecord, 'input'>;
export type LifecycleSnapshot = LifecycleRecord;
export type ItemSnapshot = ItemRecord;

export class NetSuiteSimulator {
  readonly server: SimServer;
  readonly accountId: string;
  private readonly store: RecordStore;
  private readonly gate: ConcurrencyGate;
  private readonly auth: Authenticator;
  private readonly oauth2: OAuth2Issuer | undefined;
  private readonly suiteqlParams: boolean;
  private url = '';
  private closed = false;

  private constructor(options: NetSuiteSimulatorOptions) {
    this.accountId = options.accountId ?? '1234567_SB1';
    const clock = options.clock ?? Date.now;
    if (!options.oauth2 && !options.tba) throw new Error('NetSuite simulator: configure oauth2 and/or tba; every request must authenticate');
    this.oauth2 = options.oauth2 ? new OAuth2Issuer(options.oauth2, this.accountId, clock) : undefined;
    const tba = options.tba ? new TbaVerifier(options.tba, this.accountId, clock) : undefined;
    this.auth = new Authenticator(this.accountId, clock, this.oauth2, tba);
    const list = (ids: string[] | undefined) => new Set(ids ?? ['1']);
    const taxCodes = options.taxCodes ?? [{ id: '-8', name: '-Not Taxable-', rate: 0 }];
    this.store = new RecordStore(
      {
        subsidiaries: list(options.subsidiaries),
        locations: list(options.locations),
        departments: list(options.departments),
        classes: list(options.classes),
      },
      clock,
      {
        currencies: (options.currencies ?? ['USD']).map((symbol, index) => ({
          id: String(index + 1),
          symbol,
          name: CURRENCY_NAMES[symbol] ?? symbol,
          isBaseCurrency: index === 0,
        })),
        tax: {
          codes: new Map(taxCodes.map((code) => [code.id, { ...code }])),
          defaultCode: options.defaultTaxCode ?? taxCodes[0]!.id,
          shippingCode: options.shippingTaxCode,
          byState: new Map(Object.entries(options.taxCodeByState ?? {})),
        },
        features: {
          multiplePrices: true,
          classes: true,
          departments: true,
          locations: true,
          // Multiple Currencies is what makes a second currency possible: on with more than one, off with one.
          multipleCurrencies: (options.currencies ?? ['USD']).length > 1,
          ...options.features,
          oneWorld: options.oneWorld ?? false,
          multiShipRoutes: options.multiShipRoutes ?? false,
        },
        customerAutoNumbering: options.customerAutoNumbering ?? true,
        transformExternalIds: options.transformExternalIds,
        depositsNeedNoPaymentMethod: options.depositsNeedNoPaymentMethod,
        ...(options.customFields
          ? { customFields: { transactionBody: options.customFields.transactionBody ?? [], transactionColumn: options.customFields.transactionColumn ?? [] } }
          : {}),
      },
    );
    this.gate = new ConcurrencyGate(options.concurrencyLimit ?? 5);
    this.suiteqlParams = options.suiteqlParams ?? false;
    this.server = new SimServer({
      handle: (req) => this.handle(req),
      faultResponse: (fault) => (fault.kind === 'rate-limit' ? concurrencyLimitExceeded() : statusFault(fault.status)),
      commonHeaders: () => ({
        'X-N-OperationId': randomUUID(),
        'X-NetSuite-JobId': randomUUID(),
        'Cache-Control': 'No-Cache',
        Pragma: 'No-Cache',
        Expires: '0',
        'X-Content-Type-Options': 'nosniff',
      }),
      admit: this.gate.admit,
    });
  }

  static async start(options: NetSuiteSimulatorOptions = {}): Promise<NetSuiteSimulator> {
    const simulator = new NetSuiteSimulator(options);
    simulator.url = await simulator.server.listen(options.port ?? 0);
    return simulator;
  }

  /** e.g. http://127.0.0.1:PORT; clients call `${baseUrl}/services/rest/...`. */
  get baseUrl(): string {
    return this.url;
  }

  /** The highest number of requests in flight at once (never above the limit: the rest were refused). */
  get peakConcurrency(): number {
    return this.gate.peak;
  }

  /** The highest number of requests the client had open at once, counting those refused with 429. */
  get peakDemand(): number {
    return this.gate.peakDemand;
  }

  /** Why each rejected login failed (NetSuite shows this only in the UI's Login Audit Trail). */
  get loginAuditTrail(): readonly LoginAuditEntry[] {
    return this.auth.auditTrail;
  }

  /** Applies `realisticLatency(factor)` to the server. */
  useRealisticLatency(factor = 1): void {
    for (const rule of realisticLatency(factor)) this.server.setLatency(rule.match, rule.ms);
  }

  addItem(input: AddItemInput): string {
    if (input.externalId !== undefined && this.store.items.byExternalId(input.externalId)) {
      throw new Error(`NetSuite simulator: an item with externalId ${input.externalId} already exists`);
    }
    const id = this.store.nextId();
    this.store.saveItem({
      id,
      itemId: input.itemId,
      displayName: input.displayName,
      upcCode: input.upcCode,
      externalId: input.externalId,
      isInactive: input.isInactive ?? false,
      itemType: input.itemType ?? 'InvtPart',
      basePrice: input.basePrice,
      taxCode: input.taxCode,
      matrixType: input.matrixType,
      subtype: input.subtype,
    });
    return id;
  }

  /** Internal id of a currency by ISO code; throws for one the account does not have. */
  currencyId(symbol: string): string {
    const currency = [...this.store.currencies.values()].find((candidate) => candidate.symbol === symbol);
    if (!currency) throw new Error(`NetSuite simulator: no currency ${symbol}`);
    return currency.id;
  }

  /** Inactivates or reactivates an item, as a person does in NetSuite. */
  setItemInactive(itemId: string, isInactive: boolean): void {
    const item = this.store.items.get(itemId);
    if (!item) throw new Error(`NetSuite simulator: no item ${itemId}`);
    this.store.saveItem({ ...item, isInactive });
  }

  /** Changes a tax code's rate (an account whose rates disagree with the store's: tax drift). */
  setTaxRate(codeId: string, rate: number): void {
    const code = this.store.tax.codes.get(codeId);
    if (!code) throw new Error(`NetSuite simulator: no tax code ${codeId}`);
    code.rate = rate;
  }

  /** Seeds a customer through the same rules as POST /customer, minus the mandatory-name checks. */
  addCustomer(input: AddCustomerInput): string {
    const { currency, otherCurrencies, otherSubsidiaries, ...fields } = input;
    const body: Json = { ...fields };
    if (input.subsidiary !== undefined) body.subsidiary = { id: input.subsidiary };
    if (currency !== undefined) body.currency = { id: this.currencyId(currency) };
    if (otherCurrencies)
      body.currencyList = {
        items: [currency ?? this.store.baseCurrency.symbol, ...otherCurrencies].map((code) => ({ currency: { id: this.currencyId(code) } })),
      };
    try {
      const customer = buildCustomer(lowerKeys(body), body, this.store, { seeding: true, ...(otherSubsidiaries ? { otherSubsidiaries } : {}) });
      this.store.saveCustomer(customer);
      return customer.id;
    } catch (error) {
      if (error instanceof Rejected) throw new Error(`NetSuite simulator: addCustomer rejected: ${JSON.stringify(error.response.body)}`, { cause: error });
      throw error;
    }
  }

  /** Defines a custom transaction body (custbody_) or column (custcol_) field, as an administrator does. */
  defineCustomField(name: string): void {
    const key = name.toLowerCase();
    if (key.startsWith('custbody')) this.store.customFields.transactionBody.add(key);
    else if (key.startsWith('custcol')) this.store.customFields.transactionColumn.add(key);
    else throw new Error(`NetSuite simulator: ${name} is not a custbody_ or custcol_ field`);
  }

  /**
   * Fulfils a sales order as a warehouse person would: the same transform as POST …/!transform/itemFulfillment.
   * `lines` maps order line → quantity (default: everything open); `tracking` goes into the carrier's package
   * sublist (`ups`, `fedex`, `usps`, else the generic `package`). Returns the fulfilment's id.
   */
  fulfil(
    salesOrderId: string,
    options: {
      lines?: Record<number, number>;
      tracking?: string[];
      carrier?: 'ups' | 'fedex' | 'usps' | 'other';
      shipStatus?: 'A' | 'B' | 'C';
      externalId?: string;
    } = {},
  ): string {
    const sublist = { ups: 'packageUps', fedex: 'packageFedex', usps: 'packageUsps', other: 'package' }[options.carrier ?? 'other'];
    const field = PACKAGE_SUBLISTS[sublist]![0]!;
    const body: Json = {
      ...(options.shipStatus ? { shipStatus: options.shipStatus } : {}),
      ...(options.externalId ? { externalId: options.externalId } : {}),
      ...(options.lines ? { item: { items: Object.entries(options.lines).map(([line, quantity]) => ({ orderLine: Number(line), quantity })) } } : {}),
      ...(options.tracking ? { [sublist]: { items: options.tracking.map((number) => ({ [field]: number })) } } : {}),
    };
    return this.transformRecord('salesOrder', salesOrderId, 'itemFulfillment', body, options.lines ? ['item'] : []).id;
  }

  /** Bills a sales order's fulfilled, unbilled quantities (POST …/!transform/invoice or cashSale). Returns the id. */
  bill(salesOrderId: string, as: 'invoice' | 'cashSale' = 'invoice'): string {
    return this.transformRecord('salesOrder', salesOrderId, as, {}, []).id;
  }

  /** Any modelled transform, with the body and `?replace=` sublists the HTTP route takes. */
  transformRecord(from: string, id: string, to: string, body: Json = {}, replace: string[] = []): LifecycleSnapshot {
    const source = from === 'salesOrder' ? this.store.salesOrders.get(id) : isLifecycleType(from) ? this.store.lifecycle[from].get(id) : undefined;
    if (!source) throw new Error(`NetSuite simulator: no ${from} ${id}`);
    return refusedAsError('transform', () =>
      structuredClone(transform(this.store, from, source as unknown as Json, to, body, new Set(replace.map((name) => name.toLowerCase())))),
    );
  }

  /** Deletes an item fulfilment as DELETE /record/v1/itemFulfillment/{id} does (its quantities go back to the order). */
  deleteFulfilment(id: string): void {
    const record = this.store.lifecycle.itemFulfillment.get(id);
    if (!record) throw new Error(`NetSuite simulator: no item fulfillment ${id}`);
    refusedAsError('delete', () => deleteFulfilment(this.store, record));
  }

  /** One sales order with its lines' progress and the derived header status, or undefined. */
  salesOrder(id: string): (SalesOrderSnapshot & { status: SalesOrderStatus }) | undefined {
    const order = this.store.salesOrders.get(id);
    return order && { ...snapshotOrder(order), status: salesOrderStatus(order) };
  }

  /** The lifecycle records of one type (item fulfilments, invoices, …), oldest first. */
  records(type: LifecycleType): LifecycleSnapshot[] {
    return this.store.lifecycle[type].values().map((record) => structuredClone(record));
  }

  items(): ItemSnapshot[] {
    return this.store.items.values().map((item) => structuredClone(item));
  }

  customers(): CustomerSnapshot[] {
    return this.store.customers.values().map(({ input: _input, ...customer }) => structuredClone(customer));
  }

  salesOrders(): SalesOrderSnapshot[] {
    return this.store.salesOrders.values().map((order) => snapshotOrder(order));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.server.close();
    this.store.close();
  }

  private async handle(req: SimRequest): Promise<SimResponse> {
    // A request still sleeping in its latency when close() ran has lost its socket; don't touch the closed store.
    if (this.closed) return statusFault(503);
    if (req.path === TOKEN_PATH) {
      if (!this.oauth2) return { status: 401, headers: { 'WWW-Authenticate': `Basic realm="${this.accountId}"` }, body: { error: 'invalid_client' } };
      return this.oauth2.token(req);
    }
    if (!req.path.startsWith('/services/rest/')) return nsError(404, 'INVALID_REQUEST', `The simulator does not model ${req.path}.`);
    const refused = this.auth.check(req);
    if (refused) return refused;

    const language = req.headers['accept-language'];
    // Only the company's language is accepted (en_US here); fetch's default `*` is fine.
    if (language && !/^\s*(\*|en\b)/i.test(language)) {
      return nsError(400, 'INVALID_HEADER', `Invalid Accept-Language header value: ${language}.`, { 'o:errorHeader': 'Accept-Language' });
    }
    if (/respond-async/i.test(String(req.headers.prefer ?? ''))) {
      return invalidRequest('The simulator does not model asynchronous requests (Prefer: respond-async).', { 'o:errorHeader': 'Prefer' });
    }

    if (req.path.startsWith(RECORD_PREFIX)) return handleRecord(req, this.store);
    if (req.path === SUITEQL_PATH) return runSuiteql(req, this.store.database, { params: this.suiteqlParams });
    if (req.path === '/services/rest/system/v1/governanceLimits' && req.method === 'GET') {
      return {
        status: 200,
        headers: { 'Content-Type': 'application/vnd.oracle.resource+json; type=singular' },
        body: { accountConcurrencyLimit: this.gate.limit, accountUnallocatedConcurrencyLimit: this.gate.limit, integrationLimitType: 'accountLimit' },
      };
    }
    return nsError(404, 'INVALID_REQUEST', `The simulator does not model ${req.method} ${req.path}.`);
  }
}

const CURRENCY_NAMES: Record<string, string> = { USD: 'US Dollar', EUR: 'Euro', GBP: 'British pound', CAD: 'Canadian Dollar', AUD: 'Australian Dollar' };

/** Runs a write for the programmatic API; NetSuite's refusal becomes an Error carrying its body. */
function refusedAsError<T>(action: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (error instanceof Rejected) throw new Error(`NetSuite simulator: ${action} rejected: ${JSON.stringify(error.response.body)}`, { cause: error });
    throw error;
  }
}

function snapshotOrder(order: SalesOrderRecord): SalesOrderSnapshot {
  const { input: _input, createdDate: _created, lastModifiedDate: _modified, ...rest } = structuredClone(order);
  return rest;
}
