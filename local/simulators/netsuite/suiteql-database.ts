/**
 * The in-memory SQLite database SuiteQL queries run against. Tables mirror the records with SuiteQL's column
 * names and conventions: ids as numbers, booleans as 'T'/'F', '' stored as NULL (Oracle has no empty string),
 * and sales-order lines signed the way NetSuite books them (item lines negative, the main line positive).
 */
import { constants, DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { SALES_ORDER_STATUS, salesOrderStatus } from './order-status.ts';
import { LIFECYCLE_TYPES, type CurrencyRecord, type CustomerRecord, type ItemRecord, type LifecycleRecord, type SalesOrderRecord } from './records.ts';

const SCHEMA = `
CREATE TABLE customer (
  id INTEGER PRIMARY KEY, entityid TEXT, email TEXT, firstname TEXT, lastname TEXT, companyname TEXT,
  isperson TEXT, isinactive TEXT, externalid TEXT, phone TEXT, subsidiary INTEGER, datecreated TEXT, lastmodifieddate TEXT
);
CREATE TABLE item (
  id INTEGER PRIMARY KEY, itemid TEXT, displayname TEXT, upccode TEXT, externalid TEXT, isinactive TEXT, itemtype TEXT, matrixtype TEXT, subtype TEXT
);
CREATE TABLE customersubsidiaryrelationship (
  id INTEGER PRIMARY KEY AUTOINCREMENT, entity INTEGER, subsidiary INTEGER, isprimarysub TEXT
);
CREATE TABLE currency (
  id INTEGER PRIMARY KEY, name TEXT, symbol TEXT, isbasecurrency TEXT, isinactive TEXT
);
CREATE TABLE "transaction" (
  id INTEGER PRIMARY KEY, type TEXT, recordtype TEXT, tranid TEXT, otherrefnum TEXT, externalid TEXT, entity INTEGER,
  trandate TEXT, memo TEXT, currency INTEGER, exchangerate REAL, foreigntotal REAL, taxtotal REAL, createddate TEXT, lastmodifieddate TEXT,
  status TEXT, shipcarrier TEXT, trackingnumberlist TEXT
);
CREATE TABLE transactionline (
  id INTEGER, "transaction" INTEGER, linesequencenumber INTEGER, mainline TEXT, taxline TEXT, item INTEGER, itemtype TEXT,
  quantity REAL, rate REAL, netamount REAL, foreignamount REAL, memo TEXT, createdfrom INTEGER, quantityshiprecv REAL, quantitybilled REAL,
  isclosed TEXT, PRIMARY KEY ("transaction", id)
);
`;

export const SUITEQL_TABLES = new Set(['currency', 'customer', 'customersubsidiaryrelationship', 'item', 'transaction', 'transactionline']);

export interface QueryResult {
  columns: string[];
  /** Rows in [offset, offset + limit) only. */
  rows: unknown[][];
  /** Rows the query produced in total. */
  total: number;
}

/** Thrown when SQLite refuses a query; `detail` is the SuiteQL-style search error text. */
export class SearchError extends Error {}

export class SuiteqlDatabase {
  private readonly db = new DatabaseSync(':memory:');
  private readonly statements = new Map<string, StatementSync>();

  constructor() {
    this.db.exec(SCHEMA);
    // Oracle's LIKE is case-sensitive; SQLite's is not unless told.
    this.db.exec('PRAGMA case_sensitive_like = ON');
    registerOracleFunctions(this.db);
  }

  close(): void {
    this.db.close();
  }

  /** Our own writes reuse prepared statements: benchmarks create thousands of records. */
  private prepared(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  putItem(item: ItemRecord): void {
    const insert = this.prepared(
      'INSERT OR REPLACE INTO item (id, itemid, displayname, upccode, externalid, isinactive, itemtype, matrixtype, subtype) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run(
      Number(item.id),
      text(item.itemId),
      text(item.displayName),
      text(item.upcCode),
      text(item.externalId),
      tf(item.isInactive),
      item.itemType,
      text(item.matrixType),
      text(item.subtype),
    );
  }

  putCurrency(currency: CurrencyRecord): void {
    this.prepared('INSERT OR REPLACE INTO currency (id, name, symbol, isbasecurrency, isinactive) VALUES (?, ?, ?, ?, ?)').run(
      Number(currency.id),
      currency.name,
      currency.symbol,
      tf(currency.isBaseCurrency),
      'F',
    );
  }

  putCustomer(customer: CustomerRecord): void {
    const insert = this.prepared(
      `INSERT OR REPLACE INTO customer (id, entityid, email, firstname, lastname, companyname, isperson, isinactive, externalid, phone,
         subsidiary, datecreated, lastmodifieddate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    insert.run(
      Number(customer.id),
      text(customer.entityId),
      text(customer.email),
      text(customer.firstName),
      text(customer.lastName),
      text(customer.companyName),
      tf(customer.isPerson),
      tf(customer.isInactive),
      text(customer.externalId),
      text(customer.phone),
      customer.subsidiary === undefined ? null : Number(customer.subsidiary),
      customer.dateCreated,
      customer.lastModifiedDate,
    );
    // One relationship row per subsidiary the customer may transact in (OneWorld only).
    this.prepared('DELETE FROM customersubsidiaryrelationship WHERE entity = ?').run(Number(customer.id));
    const relate = this.prepared('INSERT INTO customersubsidiaryrelationship (entity, subsidiary, isprimarysub) VALUES (?, ?, ?)');
    for (const subsidiary of customer.subsidiaries) relate.run(Number(customer.id), Number(subsidiary), tf(subsidiary === customer.subsidiary));
  }

  /**
   * A sales order and its lines, signed the way NetSuite books a sales order: the main line carries the total,
   * every other line (items, the discount, shipping as a ShipItem line, tax as a tax line) the opposite sign
   * (public SuiteQL negates sales order line amounts to show them positive; netsuite.md §10, lifecycle.md §7.1).
   */
  putSalesOrder(order: SalesOrderRecord): void {
    const id = Number(order.id);
    const insert = this.prepared(
      `INSERT OR REPLACE INTO "transaction" (id, type, recordtype, tranid, otherrefnum, externalid, entity, trandate, memo, currency, exchangerate,
         foreigntotal, taxtotal, createddate, lastmodifieddate, status) VALUES (?, 'SalesOrd', 'salesorder', ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
    );
    insert.run(
      id,
      order.tranId,
      text(order.otherRefNum),
      text(order.externalId),
      Number(order.entity),
      order.tranDate,
      text(order.memo),
      Number(order.currency),
      order.total,
      order.taxTotal,
      order.createdDate,
      order.lastModifiedDate,
      salesOrderStatus(order),
    );
    this.prepared('DELETE FROM transactionline WHERE "transaction" = ?').run(id);
    const insertLine = this.prepared(
      `INSERT INTO transactionline (id, "transaction", linesequencenumber, mainline, taxline, item, itemtype, quantity, rate, netamount, foreignamount, memo)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    insertLine.run(0, id, 0, 'T', 'F', null, null, null, null, order.total, order.total, text(order.memo));
    let sequence = 0;
    const lastLine = Math.max(0, ...order.lines.map((line) => line.line));
    const add = (
      item: string | null,
      itemType: string | null,
      amount: number,
      extra: { quantity?: number; rate?: number; memo?: string; taxLine?: boolean } = {},
    ) => {
      sequence += 1;
      const lineId = sequence <= order.lines.length ? order.lines[sequence - 1]!.line : lastLine + sequence - order.lines.length;
      insertLine.run(
        lineId,
        id,
        sequence,
        'F',
        extra.taxLine ? 'T' : 'F',
        item === null ? null : Number(item),
        itemType,
        extra.quantity === undefined ? null : -extra.quantity,
        extra.rate ?? null,
        -amount,
        -amount,
        text(extra.memo),
      );
    };
    for (const line of order.lines)
      add(line.item, null, line.amount, { quantity: line.quantity, rate: line.rate, ...(line.description ? { memo: line.description } : {}) });
    // Fulfilled and billed quantities and the closed flag of the item lines (lifecycle.md §5.1; positive: the sign
    // of quantityshiprecv/quantitybilled is UNCONFIRMED, lifecycle.md §10 #15).
    const progress = this.prepared('UPDATE transactionline SET quantityshiprecv = ?, quantitybilled = ?, isclosed = ? WHERE "transaction" = ? AND id = ?');
    for (const line of order.lines) progress.run(line.quantityFulfilled, line.quantityBilled, tf(line.isClosed), id, line.line);
    if (order.discountItem !== undefined && order.discountTotal !== 0) add(order.discountItem, 'Discount', order.discountTotal);
    if (order.isMultiShipTo) for (const group of order.shipGroups) add(group.shipMethod, 'ShipItem', group.shippingRate);
    else if (order.shipMethod !== undefined || (order.shippingCost ?? 0) !== 0) add(order.shipMethod ?? null, 'ShipItem', order.shippingCost ?? 0);
    if (order.taxTotal !== 0) add(null, 'TaxItem', order.taxTotal, { taxLine: true });
    // Item types of the lines come from the item table, as in NetSuite.
    this.prepared(
      'UPDATE transactionline SET itemtype = (SELECT itemtype FROM item WHERE item.id = transactionline.item) WHERE "transaction" = ? AND itemtype IS NULL AND item IS NOT NULL',
    ).run(id);
  }

  /**
   * An item fulfilment, bill, credit, refund or deposit: its `transaction` row (type code, bare status letter) and a
   * main line carrying `createdfrom` (lifecycle.md §5.1), then its item lines signed like the sales order's.
   */
  putLifecycle(record: LifecycleRecord): void {
    const id = Number(record.id);
    const tracking = Object.values(record.packages)
      .flat()
      .flatMap((entry) => Object.entries(entry).filter(([key]) => /^packagetrackingnumber(ups|fedex|usps)?$/i.test(key)))
      .map(([, value]) => String(value));
    this.prepared(
      `INSERT OR REPLACE INTO "transaction" (id, type, recordtype, tranid, externalid, entity, trandate, memo, currency, exchangerate, foreigntotal,
         taxtotal, createddate, lastmodifieddate, status, shipcarrier, trackingnumberlist) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      LIFECYCLE_TYPES[record.type],
      record.type.toLowerCase(),
      record.tranId,
      text(record.externalId),
      Number(record.entity),
      record.tranDate,
      text(record.memo),
      Number(record.currency),
      record.total,
      record.taxTotal,
      record.createdDate,
      record.lastModifiedDate,
      record.status,
      // Which package sublist carries the tracking decides the carrier; the values and the list's separator are
      // UNCONFIRMED (lifecycle.md §5.1 names the columns only).
      record.type === 'itemFulfillment' ? ((record.packages.packageUps?.length ?? 0) > 0 ? 'ups' : 'nonups') : null,
      tracking.length === 0 ? null : tracking.join(' '),
    );
    this.prepared('DELETE FROM transactionline WHERE "transaction" = ?').run(id);
    const insertLine = this.prepared(
      `INSERT INTO transactionline (id, "transaction", linesequencenumber, mainline, taxline, item, quantity, rate, netamount, foreignamount, createdfrom)
       VALUES (?, ?, ?, ?, 'F', ?, ?, ?, ?, ?, ?)`,
    );
    const createdFrom = record.createdFrom ?? record.salesOrder;
    insertLine.run(0, id, 0, 'T', null, null, null, record.total, record.total, createdFrom === undefined ? null : Number(createdFrom));
    record.lines.forEach((line, index) => {
      if (line.itemReceive === false) return;
      insertLine.run(line.line, id, index + 1, 'F', Number(line.item), -line.quantity, line.rate, -line.amount, -line.amount, null);
    });
    this.prepared(
      'UPDATE transactionline SET itemtype = (SELECT itemtype FROM item WHERE item.id = transactionline.item) WHERE "transaction" = ? AND item IS NOT NULL',
    ).run(id);
  }

  deleteTransaction(id: string): void {
    this.prepared('DELETE FROM transactionline WHERE "transaction" = ?').run(Number(id));
    this.prepared('DELETE FROM "transaction" WHERE id = ?').run(Number(id));
  }

  /**
   * Runs one SELECT, reading only SuiteQL tables. Collects only the requested window but counts every row,
   * as NetSuite's totalResults does.
   */
  query(sql: string, params: SQLInputValue[], offset: number, limit: number, cap: number): QueryResult {
    let deniedTable: string | undefined;
    let deniedAction = false;
    this.db.setAuthorizer((action, arg1) => {
      if (action === constants.SQLITE_SELECT || action === constants.SQLITE_FUNCTION) return constants.SQLITE_OK;
      if (action === constants.SQLITE_READ) {
        if (arg1 !== null && SUITEQL_TABLES.has(arg1.toLowerCase())) return constants.SQLITE_OK;
        deniedTable = arg1 ?? '';
        return constants.SQLITE_DENY;
      }
      deniedAction = true;
      return constants.SQLITE_DENY;
    });
    let statement;
    try {
      statement = this.db.prepare(sql);
    } catch (error) {
      if (deniedTable !== undefined) throw new SearchError(`Record '${deniedTable}' was not found.`);
      if (deniedAction) throw new SearchError('Invalid search query.');
      throw new SearchError(searchErrorText(error));
    } finally {
      this.db.setAuthorizer(null);
    }
    statement.setReturnArrays(true);
    const columns = statement.columns().map((column) => column.name);
    const rows: unknown[][] = [];
    let total = 0;
    try {
      for (const row of statement.iterate(...params)) {
        if (total >= offset && total < offset + limit && total < cap) rows.push(row as unknown as unknown[]);
        total += 1;
      }
    } catch (error) {
      throw new SearchError(searchErrorText(error));
    }
    return { columns, rows, total };
  }
}

function text(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

function tf(value: boolean): string {
  return value ? 'T' : 'F';
}

/** SQLite's messages, reworded the way NetSuite's search errors read. */
function searchErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const column = /no such column: (.+)$/.exec(message);
  if (column?.[1]) return `Field '${column[1].replace(/^.*\./, '')}' was not found.`;
  const table = /no such table: (.+)$/.exec(message);
  if (table?.[1]) return `Record '${table[1].replace(/^.*\./, '')}' was not found.`;
  const fn = /no such function: (.+)$/.exec(message);
  if (fn?.[1]) return `Unknown identifier '${fn[1]}'`;
  return `Invalid or unsupported search (${message}).`;
}

/** A few cheap Oracle built-ins SuiteQL queries commonly use and SQLite lacks. */
function registerOracleFunctions(db: DatabaseSync): void {
  db.function('NVL', { deterministic: true }, (value, fallback) => value ?? fallback ?? null);
  db.function('NVL2', { deterministic: true }, (value, ifSet, ifNull) => (value === null ? (ifNull ?? null) : (ifSet ?? null)));
  db.function('TO_NUMBER', { deterministic: true }, (value) => (value === null ? null : Number(value)));
  db.function('TO_CHAR', { deterministic: true, varargs: true }, (value, mask) => {
    if (value === null || value === undefined) return null;
    return typeof mask === 'string' ? formatIsoDate(String(value), mask) : String(value);
  });
  // BUILTIN.CF / BUILTIN.DF of a status (rewritten by sql-scan.ts to take the row's type too): 'SalesOrd:B' and
  // 'Pending Fulfillment' (lifecycle.md §1.5). Of anything else they return the value unchanged.
  db.function('BUILTIN_CF', { deterministic: true }, (type, value) => (type === null || value === null ? value : `${String(type)}:${String(value)}`));
  db.function('BUILTIN_DF', { deterministic: true }, (type, value) => (type === null || value === null ? value : statusName(String(type), String(value))));
  // TO_TIMESTAMP('2026-03-04 10:11:12', 'YYYY-MM-DD HH24:MI:SS') → the ISO text datetimes are stored as.
  db.function('TO_TIMESTAMP', { deterministic: true, varargs: true }, (value) => {
    if (value === null || value === undefined) return null;
    const parts = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(String(value));
    return parts ? `${parts[1]}-${parts[2]}-${parts[3]}T${parts[4] ?? '00'}:${parts[5] ?? '00'}:${parts[6] ?? '00'}Z` : String(value);
  });
  // Dates are stored as ISO text, so TO_DATE of an ISO string is that string; other masks are not modelled.
  db.function('TO_DATE', { deterministic: true, varargs: true }, (value) => (value === null || value === undefined ? null : String(value)));
}

/** Display names of the transaction statuses the simulator writes (lifecycle.md §1.5; the others' are UNCONFIRMED). */
const STATUS_NAMES: Record<string, Record<string, string>> = {
  SalesOrd: SALES_ORDER_STATUS,
  ItemShip: { A: 'Picked', B: 'Packed', C: 'Shipped' },
  CustInvc: { A: 'Open', B: 'Paid In Full' },
  CashSale: { B: 'Not Deposited' },
  CustCred: { A: 'Open', B: 'Fully Applied' },
  CustDep: { A: 'Not Deposited', B: 'Deposited' },
};

export function statusName(type: string, letter: string): string {
  return STATUS_NAMES[type]?.[letter] ?? letter;
}

/** Formats an ISO date(time) with the common Oracle mask elements; anything else passes through unchanged. */
function formatIsoDate(value: string, mask: string): string {
  const parts = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2}))?/.exec(value);
  if (!parts) return value;
  const [, year = '', month = '', day = '', hour = '00', minute = '00', second = '00'] = parts;
  return mask.replace(/YYYY|MM|DD|HH24|MI|SS/gi, (element) => {
    switch (element.toUpperCase()) {
      case 'YYYY':
        return year;
      case 'MM':
        return month;
      case 'DD':
        return day;
      case 'HH24':
        return hour;
      case 'MI':
        return minute;
      default:
        return second;
    }
  });
}
