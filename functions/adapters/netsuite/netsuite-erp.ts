/**
 * The Erp port on NetSuite: customer and item lookups through SuiteQL, customer and sales order creation
 * through the record service, and reads by externalId for converging after a duplicate.
 */
import * as z from 'zod';
import { PermanentError, TransientError } from '../../core/errors.ts';
import type {
  ErpAddress,
  ErpCustomer,
  ErpSalesOrder,
  NewCustomer,
  SalesOrderChange,
  SalesOrderDraft,
  SalesOrderLine,
  SalesOrderLineChange,
  SalesOrderStatus,
  ShipGroupRate,
} from '../../core/model.ts';
import { addMoney, negateMoney, parseMoney, type Money } from '../../core/money.ts';
import type { Erp, SalesOrderTotals } from '../../core/ports.ts';
import type { BillingRecord, BillLine, MoneyRecordType, NewCustomerDeposit, TransformRequest } from '../../core/payment-model.ts';
import type { NetSuiteClient } from './netsuite-client.ts';
import { sqlIdentifier, sqlString, sqlStringList } from './suiteql.ts';

const addressBookSchema = z.looseObject({ items: z.array(z.looseObject({ id: z.union([z.string(), z.number()]), label: z.string().optional() })) });
const numberish = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);
const refId = z.looseObject({ id: z.union([z.string(), z.number()]).transform(String) });
/** The sales order with its item sublist expanded (REST API Browser 2026.1, salesOrder and salesOrder-itemElement). */
const salesOrderSchema = z.looseObject({
  status: z.looseObject({ id: z.enum(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']) }),
  entity: refId.optional(),
  currency: refId.optional(),
  shippingCost: numberish.optional(),
  item: z
    .looseObject({
      items: z.array(
        z.looseObject({
          line: numberish,
          item: refId,
          quantity: numberish,
          quantityFulfilled: numberish.optional(),
          quantityBilled: numberish.optional(),
          rate: numberish.optional(),
          amount: numberish.optional(),
          isClosed: z.boolean().optional(),
        }),
      ),
    })
    .optional(),
});
/** An invoice's or cash sale's item lines, expanded; `orderLine` is the sales-order line billed (REST API Browser 2026.1). */
const billSchema = z.looseObject({
  item: z
    .looseObject({
      items: z.array(
        z.looseObject({
          line: numberish,
          orderLine: numberish.optional(),
          item: refId,
          quantity: numberish,
          rate: numberish.optional(),
          amount: numberish.optional(),
        }),
      ),
    })
    .optional(),
});

/** SuiteQL transaction type codes of the records the refund and payment flows touch (lifecycle.md §7.1). */
const MONEY_TYPES: Record<string, MoneyRecordType> = {
  CustInvc: 'invoice',
  CashSale: 'cashSale',
  CustDep: 'customerDeposit',
  CustCred: 'creditMemo',
  CashRfnd: 'cashRefund',
  CustRfnd: 'customerRefund',
};

const shipLinesSchema = z.looseObject({
  items: z.array(z.looseObject({ shipAddress: z.looseObject({ id: z.union([z.string(), z.number()]) }).optional(), shipGroup: z.number().int().optional() })),
});

/**
 * Items an order line may book on: active, not a matrix parent (only matrix children are orderable), not
 * purchase-only, and of a type that can be a sales line (the salesOrder item element's types, without the
 * header-level ship and tax items, system group ends and non-sales items; REST API Browser 2026.1).
 */
const ORDERABLE =
  "isinactive = 'F' AND (matrixtype IS NULL OR matrixtype <> 'PARENT') AND (subtype IS NULL OR subtype <> 'Purchase') " +
  "AND itemtype IN ('InvtPart', 'NonInvtPart', 'Service', 'OthCharge', 'Kit', 'Assembly', 'GiftCert', 'DwnLdItem', 'Group')";

/** Currencies change about never; one SuiteQL per container and hour keeps them off the per-order budget. */
const CURRENCY_CACHE_MS = 60 * 60 * 1000;

export class NetSuiteErp implements Erp {
  private readonly client: NetSuiteClient;
  private readonly skuField: string;
  private currencies: { byCode: Map<string, string>; loadedAt: number } | undefined;

  private readonly oneWorld: boolean;
  private readonly customPriceLevel: boolean;

  constructor(client: NetSuiteClient, options: { skuField: string; oneWorld?: boolean; priceLevel?: 'custom' | 'none' }) {
    this.client = client;
    this.skuField = sqlIdentifier(options.skuField);
    this.oneWorld = options.oneWorld ?? false;
    this.customPriceLevel = (options.priceLevel ?? 'custom') === 'custom';
  }

  async findCurrency(isoCode: string): Promise<{ id: string; multiple: boolean } | undefined> {
    const code = isoCode.toUpperCase();
    const fresh = this.currencies && Date.now() - this.currencies.loadedAt < CURRENCY_CACHE_MS;
    if (!fresh || !this.currencies!.byCode.has(code)) {
      // A currency added in NetSuite since the last load is found by reloading on a miss.
      const rows = await this.client.suiteql(`SELECT id, symbol FROM currency WHERE isinactive = 'F' ORDER BY id`);
      this.currencies = { byCode: new Map(rows.filter((row) => row.symbol).map((row) => [row.symbol!.toUpperCase(), row.id!])), loadedAt: Date.now() };
    }
    const id = this.currencies!.byCode.get(code);
    return id === undefined ? undefined : { id, multiple: this.currencies!.byCode.size > 1 };
  }

  async findCustomersByEmail(email: string): Promise<ErpCustomer[]> {
    // SuiteQL compares strings case-sensitively; both sides go to lower case.
    const matches = `LOWER(c.email) = ${sqlString(email.toLowerCase())} AND c.isinactive = 'F'`;
    if (!this.oneWorld) {
      const rows = await this.client.suiteql(`SELECT c.id, c.email FROM customer c WHERE ${matches} ORDER BY c.id`);
      return rows.map((row) => ({ id: row.id!, email: row.email ?? email }));
    }
    // OneWorld: the subsidiaries each customer may transact in, primary and secondary, one row each.
    const rows = await this.client.suiteql(
      `SELECT c.id, c.email, r.subsidiary FROM customer c LEFT JOIN customersubsidiaryrelationship r ON r.entity = c.id WHERE ${matches} ORDER BY c.id`,
    );
    const byId = new Map<string, ErpCustomer & { subsidiaries: string[] }>();
    for (const row of rows) {
      const customer = byId.get(row.id!) ?? { id: row.id!, email: row.email ?? email, subsidiaries: [] };
      if (row.subsidiary) customer.subsidiaries.push(row.subsidiary);
      byId.set(row.id!, customer);
    }
    return [...byId.values()];
  }

  async createCustomer(customer: NewCustomer): Promise<string> {
    return this.client.createRecord('customer', customerBody(customer), { retrySafe: true });
  }

  async findCustomerByExternalId(externalId: string): Promise<string | undefined> {
    const record = await this.client.getRecord('customer', `eid:${externalId}`);
    return record ? String(record.id) : undefined;
  }

  async findItemsBySku(skus: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let start = 0; start < skus.length; start += 1000) {
      const chunk = skus.slice(start, start + 1000);
      const rows = await this.client.suiteql(
        `SELECT id, ${this.skuField} AS sku FROM item WHERE ${this.skuField} IN ${sqlStringList(chunk)} AND ${ORDERABLE} ORDER BY id`,
      );
      // Ordered by id, so when two items share a SKU the oldest wins, every time.
      for (const row of rows) if (row.sku && !found.has(row.sku)) found.set(row.sku, row.id!);
    }
    return found;
  }

  async explainMissingSkus(skus: string[]): Promise<Map<string, string>> {
    const reasons = new Map<string, string>();
    if (skus.length === 0) return reasons;
    const rows = await this.client.suiteql(
      `SELECT id, ${this.skuField} AS sku, itemtype, matrixtype, subtype, isinactive FROM item WHERE ${this.skuField} IN ${sqlStringList(skus.slice(0, 1000))} ORDER BY id`,
    );
    for (const row of rows) {
      if (!row.sku || reasons.has(row.sku)) continue;
      const why =
        row.isinactive === 'T'
          ? 'is inactive'
          : row.matrixtype === 'PARENT'
            ? 'is a matrix parent: only its variants (matrix children) can be ordered, so the storefront must send the variant SKU'
            : row.subtype === 'Purchase'
              ? 'is a purchase-only item (subtype Purchase)'
              : `is a ${row.itemtype} item, which cannot be a sales order line`;
      reasons.set(row.sku, `item ${row.id} ${why}`);
    }
    return reasons;
  }

  async *listItems(): AsyncIterable<Array<{ sku: string; itemId: string }>> {
    // Keyset paging: offset paging stops at NetSuite's 100,000-row cap, catalogues can be bigger.
    for (let lastId = 0; ;) {
      const { rows, hasMore } = await this.client.suiteqlPage(`SELECT id, ${this.skuField} AS sku FROM item WHERE ${ORDERABLE} AND id > ${lastId} ORDER BY id`);
      const page = rows.filter((row) => row.sku).map((row) => ({ sku: row.sku!, itemId: row.id! }));
      if (page.length > 0) yield page;
      if (!hasMore || rows.length === 0) return;
      lastId = Number(rows.at(-1)!.id);
    }
  }

  async createSalesOrder(order: SalesOrderDraft): Promise<string> {
    return this.client.createRecord('salesOrder', salesOrderBody(order, this.customPriceLevel), { retrySafe: true });
  }

  async readSalesOrder(salesOrderId: string, lineIdField?: string): Promise<ErpSalesOrder | undefined> {
    const record = await this.client.getRecord('salesOrder', salesOrderId, { expand: true });
    if (!record) return undefined;
    const parsed = salesOrderSchema.safeParse(record);
    if (!parsed.success) {
      throw new PermanentError(`NetSuite sales order ${salesOrderId} has a shape this sync does not understand: ${parsed.error.issues[0]?.message}`, {
        source: 'netsuite',
      });
    }
    const link = (line: Record<string, unknown>) => {
      const value = lineIdField ? line[lineIdField] : undefined;
      return typeof value === 'string' && /^\d+$/.test(value) ? { orderProductId: Number(value) } : {};
    };
    return {
      id: salesOrderId,
      status: parsed.data.status.id as SalesOrderStatus,
      ...(parsed.data.entity ? { customerId: parsed.data.entity.id } : {}),
      ...(parsed.data.currency ? { currencyId: parsed.data.currency.id } : {}),
      ...(parsed.data.shippingCost !== undefined ? { shippingCost: parsed.data.shippingCost } : {}),
      lines: (parsed.data.item?.items ?? []).map((line) => ({
        line: line.line,
        itemId: line.item.id,
        quantity: line.quantity,
        quantityFulfilled: line.quantityFulfilled ?? 0,
        quantityBilled: line.quantityBilled ?? 0,
        rate: line.rate ?? 0,
        amount: line.amount ?? 0,
        isClosed: line.isClosed ?? false,
        ...link(line),
      })),
    };
  }

  async updateSalesOrder(salesOrderId: string, change: SalesOrderChange): Promise<void> {
    // No ?replace: keyed lines are updated, the others appended, and lines not named are left alone (lifecycle.md §1.6).
    // An appended line is not repeated after a lost answer: the change is retried from a fresh read of the order,
    // which finds the line by its link (the caller's retry).
    await this.client.updateRecord(
      'salesOrder',
      salesOrderId,
      {
        ...(change.lines.length > 0 ? { item: { items: change.lines.map((line) => lineChangeBody(line, change.lineIdField, this.customPriceLevel)) } } : {}),
        ...(change.shippingCost !== undefined ? { shippingCost: change.shippingCost } : {}),
        ...(change.shippingAddress ? { shippingAddress: { ...change.shippingAddress } } : {}),
      },
      { retrySafe: change.lines.every((line) => line.line !== undefined) },
    );
  }

  async ensureShipToAddresses(customerId: string, addresses: Array<{ key: string; address: ErpAddress }>): Promise<Map<string, string>> {
    const byLabel = async () => {
      const customer = await this.client.getRecord('customer', customerId, { expand: true });
      const entries = addressBookSchema.safeParse(customer?.addressBook);
      return new Map((entries.success ? entries.data.items : []).filter((entry) => entry.label).map((entry) => [entry.label!, String(entry.id)]));
    };
    let known = await byLabel();
    const missing = addresses.filter(({ key }) => !known.has(key));
    if (missing.length > 0) {
      // New entries are appended (PATCH merges), and the label finds them on the attempt's retry; not repeated
      // blindly after a lost answer, which would append them twice.
      await this.client.updateRecord(
        'customer',
        customerId,
        {
          addressBook: {
            items: missing.map(({ key, address }) => ({ label: key, defaultBilling: false, defaultShipping: false, addressBookAddress: { ...address } })),
          },
        },
        { retrySafe: false },
      );
      known = await byLabel();
    }
    const found = new Map(addresses.flatMap(({ key }) => (known.has(key) ? [[key, known.get(key)!] as const] : [])));
    if (found.size < addresses.length)
      throw new TransientError(`customer ${customerId}: the ship-to addresses just added are not readable yet`, { source: 'netsuite' });
    return found;
  }

  async setShipGroupRates(salesOrderId: string, rates: ShipGroupRate[]): Promise<void> {
    // The order's lines say which ship group each address ended up in.
    const order = await this.client.getRecord('salesOrder', salesOrderId, { expand: true });
    const lines = shipLinesSchema.safeParse(order?.item);
    const groupOf = new Map(
      (lines.success ? lines.data.items : [])
        .filter((line) => line.shipAddress && line.shipGroup !== undefined)
        .map((line) => [String(line.shipAddress!.id), line.shipGroup!]),
    );
    const items = rates.map((rate) => {
      const id = groupOf.get(rate.addressId);
      if (id === undefined) throw new PermanentError(`sales order ${salesOrderId} has no ship group for address ${rate.addressId}`, { source: 'netsuite' });
      return { id, shippingRate: rate.rate, ...(rate.taxCodeId ? { shippingTaxCode: { id: rate.taxCodeId } } : {}) };
    });
    // Items and shipping rates cannot change in one request on these orders (Oracle), hence this second one.
    await this.client.updateRecord('salesOrder', salesOrderId, { shipGroup: { items } });
  }

  /**
   * One SuiteQL query for up to 1,000 sales orders. `foreigntotal` is the total in the transaction currency; tax,
   * shipping and discount are summed from the order's lines (tax lines, ShipItem lines, Discount lines), whose
   * `foreignamount` NetSuite books with the opposite sign of the main line on a sales order (lifecycle.md §7.1).
   * The sign is checked against the total rather than trusted: the lines without tax must add up to it.
   */
  async readSalesOrderTotals(salesOrderIds: string[]): Promise<Map<string, SalesOrderTotals>> {
    const totals = new Map<string, SalesOrderTotals>();
    const ids = salesOrderIds.filter((id) => /^\d+$/.test(id));
    if (ids.length === 0) return totals;
    if (ids.length > 1000) throw new RangeError('readSalesOrderTotals takes at most 1,000 ids (SuiteQL IN lists stop there)');
    const rows = await this.client.suiteql(
      `SELECT t.id, t.foreigntotal AS total, c.symbol AS currency,
         SUM(CASE WHEN tl.taxline = 'T' THEN tl.foreignamount ELSE 0 END) AS tax,
         SUM(CASE WHEN tl.itemtype = 'ShipItem' THEN tl.foreignamount ELSE 0 END) AS shipping,
         SUM(CASE WHEN tl.itemtype = 'Discount' THEN tl.foreignamount ELSE 0 END) AS discount,
         SUM(CASE WHEN tl.taxline = 'T' THEN 0 ELSE tl.foreignamount END) AS lines
       FROM transaction t
       JOIN currency c ON c.id = t.currency
       LEFT JOIN transactionline tl ON tl.transaction = t.id AND tl.mainline = 'F'
       WHERE t.type = 'SalesOrd' AND t.id IN (${ids.join(', ')})
       GROUP BY t.id, t.foreigntotal, c.symbol`,
    );
    for (const row of rows) {
      const total = parseMoney(row.total ?? '0');
      const tax = parseMoney(row.tax ?? '0');
      const lines = parseMoney(row.lines ?? '0');
      // Lines booked opposite to the main line (-1) is what sales orders do; +1 covers an account that does not.
      const sign = Math.abs(addMoney(lines, tax) - total) < Math.abs(addMoney(lines, tax) + total) ? 1 : -1;
      const signed = (text: string | undefined) => (sign * parseMoney(text ?? '0')) as Money;
      totals.set(row.id!, {
        salesOrderId: row.id!,
        currency: row.currency ?? '',
        total,
        tax: signed(row.tax),
        shipping: signed(row.shipping),
        discount: negateMoney(signed(row.discount)),
      });
    }
    return totals;
  }

  /**
   * Bills by the main line's `createdfrom` (lifecycle.md §5.1, §7.1); deposits also by our externalId prefix, since
   * whether a deposit's main line carries its sales order in `createdfrom` is UNCONFIRMED.
   */
  async findBillingRecords(salesOrderId: string, depositExternalIdPrefix: string): Promise<BillingRecord[]> {
    if (!/^\d+$/.test(salesOrderId)) throw new RangeError(`not a NetSuite internal id: ${salesOrderId}`);
    const rows = await this.client.suiteql(
      `SELECT t.id, t.type, t.status, t.foreigntotal AS total FROM transaction t
       JOIN transactionline ml ON ml.transaction = t.id AND ml.mainline = 'T'
       WHERE (t.type IN ('CustInvc', 'CashSale', 'CustDep') AND ml.createdfrom = ${salesOrderId})
          OR (t.type = 'CustDep' AND t.externalid LIKE ${sqlString(`${depositExternalIdPrefix}%`)})
       ORDER BY t.id`,
    );
    const seen = new Set<string>();
    return rows.flatMap((row) => {
      const type = MONEY_TYPES[row.type ?? ''];
      if (!row.id || seen.has(row.id) || (type !== 'invoice' && type !== 'cashSale' && type !== 'customerDeposit')) return [];
      seen.add(row.id);
      // BUILTIN.CF-style codes ("CustInvc:B") or the bare letter: the letter is what matters.
      return [{ id: row.id, type, status: (row.status ?? '').split(':').pop()!, total: Math.abs(Number(row.total ?? 0)) }];
    });
  }

  async readBillLines(type: 'invoice' | 'cashSale', id: string): Promise<BillLine[]> {
    const record = await this.client.getRecord(type, id, { expand: true });
    if (!record) throw new PermanentError(`NetSuite ${type} ${id} no longer exists`, { source: 'netsuite' });
    const parsed = billSchema.safeParse(record);
    if (!parsed.success)
      throw new PermanentError(`NetSuite ${type} ${id} has a shape this sync does not understand: ${parsed.error.issues[0]?.message}`, { source: 'netsuite' });
    return (parsed.data.item?.items ?? []).map((line) => ({
      line: line.line,
      ...(line.orderLine !== undefined ? { orderLine: line.orderLine } : {}),
      itemId: line.item.id,
      quantity: Math.abs(line.quantity),
      rate: line.rate ?? 0,
      amount: line.amount ?? 0,
    }));
  }

  async findMoneyRecord(externalId: string): Promise<{ type: MoneyRecordType; id: string; total: number } | undefined> {
    const rows = await this.client.suiteql(
      `SELECT t.id, t.type, t.foreigntotal AS total FROM transaction t
       WHERE t.externalid = ${sqlString(externalId)} OR t.memo LIKE ${sqlString(`%[${externalId}]%`)} ORDER BY t.id`,
    );
    for (const row of rows) {
      const type = MONEY_TYPES[row.type ?? ''];
      if (row.id && type) return { type, id: row.id, total: Math.abs(Number(row.total ?? 0)) };
    }
    return undefined;
  }

  async transformRecord(request: TransformRequest): Promise<string> {
    const body: Record<string, unknown> = { externalId: request.externalId, memo: request.memo };
    if (request.lines) {
      body.item = {
        items: request.lines.map((line) => ({
          ...(line.line !== undefined ? { line: line.line } : {}),
          ...(line.itemId !== undefined ? { item: { id: line.itemId } } : {}),
          ...(line.quantity !== undefined ? { quantity: line.quantity } : {}),
          ...(line.rate !== undefined ? { rate: line.rate } : {}),
          ...(line.amount !== undefined ? { amount: line.amount } : {}),
          ...(line.description !== undefined ? { description: line.description } : {}),
          ...(line.taxCodeId ? { taxCode: { id: line.taxCodeId } } : {}),
        })),
      };
    }
    if (request.shippingCost !== undefined) body.shippingCost = request.shippingCost;
    // Credit memos name the invoice they apply to by `doc` ("you must specify the doc field", section_157901123882).
    if (request.applyTo && 'docId' in request.applyTo)
      body.apply = {
        items: [{ doc: { id: request.applyTo.docId }, apply: true, ...(request.applyTo.amount !== undefined ? { amount: request.applyTo.amount } : {}) }],
      };
    if (request.applyTo && 'unapplied' in request.applyTo) body.apply = { items: [{ doc: { id: request.applyTo.unapplied }, apply: false }] };
    // Customer refunds name what they refund: the credit memo (`apply`) or the deposit (`deposit`), article_0830082954.
    if (request.refundFrom)
      body[request.refundFrom.sublist] = { items: [{ doc: { id: request.refundFrom.docId }, apply: true, amount: request.refundFrom.amount }] };
    // Not retried blindly: the caller looks the record up by externalId and memo marker before any second try.
    return this.client.transformRecord(request.from, request.fromId, request.to, body, { retrySafe: false, ...(request.lines ? { replace: ['item'] } : {}) });
  }

  async createCustomerDeposit(deposit: NewCustomerDeposit): Promise<string> {
    return this.client.createRecord(
      'customerDeposit',
      {
        externalId: deposit.externalId,
        memo: deposit.memo,
        customer: { id: deposit.customerId },
        salesOrder: { id: deposit.salesOrderId },
        payment: deposit.payment,
        tranDate: deposit.tranDate,
        ...(deposit.currencyId ? { currency: { id: deposit.currencyId } } : {}),
        ...(deposit.accountId ? { account: { id: deposit.accountId }, undepFunds: false } : { undepFunds: true }),
      },
      { retrySafe: true },
    );
  }

  async findSalesOrderByExternalId(externalId: string): Promise<string | undefined> {
    const record = await this.client.getRecord('salesOrder', `eid:${externalId}`);
    return record ? String(record.id) : undefined;
  }
}

function customerBody(customer: NewCustomer): Record<string, unknown> {
  return {
    externalId: customer.externalId,
    // autoName false lets a Customer ID through on accounts that auto-number with Allow Override (Oracle, section_N3639940).
    ...(customer.entityId ? { entityId: customer.entityId, autoName: false } : {}),
    email: customer.email,
    isPerson: customer.isPerson,
    firstName: customer.firstName,
    lastName: customer.lastName,
    ...(customer.companyName ? { companyName: customer.companyName } : {}),
    ...(customer.phone ? { phone: customer.phone } : {}),
    ...(customer.subsidiaryId ? { subsidiary: { id: customer.subsidiaryId } } : {}),
    ...(customer.currencyId ? { currency: { id: customer.currencyId } } : {}),
    addressBook: {
      items: [{ defaultBilling: true, defaultShipping: true, label: 'Billing', addressBookAddress: { ...customer.address } }],
    },
  };
}

function salesOrderBody(order: SalesOrderDraft, customPriceLevel: boolean): Record<string, unknown> {
  const ref = (id: string | undefined) => (id ? { id } : undefined);
  return {
    entity: { id: order.customerId },
    externalId: order.externalId,
    otherRefNum: order.otherRefNum,
    tranDate: order.tranDate,
    memo: order.memo,
    ...(order.currencyId ? { currency: { id: order.currencyId } } : {}),
    ...(order.multiShip ? { isMultiShipTo: true } : {}),
    item: {
      items: order.lines.map((line) => ({
        ...lineChangeBody(line, order.lineIdField, customPriceLevel),
        ...(line.shipTo ? { shipAddress: { id: line.shipTo.addressId }, shipMethod: { id: line.shipTo.shipMethodId } } : {}),
      })),
    },
    // Ship Via together with the cost: NetSuite keeps the cost we send instead of charging the ship item's rate.
    ...(order.shipMethodId ? { shipMethod: { id: order.shipMethodId } } : {}),
    ...(order.shippingCost !== undefined ? { shippingCost: order.shippingCost } : {}),
    ...(order.shippingTaxCodeId ? { shippingTaxCode: { id: order.shippingTaxCodeId } } : {}),
    ...(order.discount ? { discountItem: { id: order.discount.itemId }, discountRate: order.discount.amount } : {}),
    billingAddress: { ...order.billingAddress },
    ...(order.shippingAddress ? { shippingAddress: { ...order.shippingAddress } } : {}),
    subsidiary: ref(order.subsidiaryId),
    location: ref(order.locationId),
    department: ref(order.departmentId),
    class: ref(order.classId),
  };
}

/** A sales-order line as NetSuite takes it, for a new order or a PATCH (with `line`: only the fields given change). */
function lineChangeBody(line: SalesOrderLine | SalesOrderLineChange, lineIdField: string | undefined, customPriceLevel: boolean): Record<string, unknown> {
  const isNew = !('line' in line) || line.line === undefined;
  return {
    ...('line' in line && line.line !== undefined ? { line: line.line } : {}),
    ...(line.itemId !== undefined ? { item: { id: line.itemId } } : {}),
    ...(line.quantity !== undefined ? { quantity: line.quantity } : {}),
    ...(line.rate !== undefined ? { rate: line.rate } : {}),
    // With the amount NetSuite keeps BigCommerce's line total instead of computing rate × quantity itself.
    ...(line.amount !== undefined ? { amount: line.amount } : {}),
    // "-1" is the Custom price level, so the storefront's rate stands instead of the item's list price. Oracle
    // documents Custom only for the UI ("select Custom in the Price Levels field ... enter the amount you want to
    // charge in the Rate field", help section_N2182485); -1 is its id in SuiteScript and public REST code, and no
    // Oracle page says whether `rate` alone selects it, so both are sent. Needs Multiple Prices.
    ...(customPriceLevel && (isNew || line.rate !== undefined) ? { price: { id: '-1' } } : {}),
    ...(line.description !== undefined ? { description: line.description } : {}),
    // The line link: later changes to the order find this line by the BigCommerce order product it books.
    ...(lineIdField && line.orderProductId !== undefined ? { [lineIdField]: String(line.orderProductId) } : {}),
    ...(line.taxCodeId ? { taxCode: { id: line.taxCodeId } } : {}),
    ...('isClosed' in line && line.isClosed !== undefined ? { isClosed: line.isClosed } : {}),
  };
}
