/**
 * The FulfilmentSource port on NetSuite (lifecycle.md §5.1): item fulfilments created from our sales orders found
 * with SuiteQL on a (lastmodifieddate, id) keyset, read in full through REST (`?expandSubResources=true`: lines with
 * their `orderLine`, and the tracking numbers of every package sublist NetSuite may use), and the BigCommerce
 * shipment id written back onto a custom body field when one is configured.
 */
import * as z from 'zod';
import { PermanentError } from '../../core/errors.ts';
import type { Fulfilment, FulfilmentRef, FulfilmentSource, SalesOrderLineLink } from '../../core/ports.ts';
import type { NetSuiteClient } from './netsuite-client.ts';
import { sqlIdentifier, sqlString } from './suiteql.ts';

const ref = z.looseObject({ id: z.union([z.string(), z.number()]).optional(), refName: z.string().optional() });
const sublist = <T extends z.ZodType>(line: T) => z.looseObject({ items: z.array(line).default([]) }).optional();
const text = z.union([z.string(), z.number()]).transform(String);

// Field names per the REST API Browser 2026.1 itemFulfillment schema (lifecycle.md §5.1).
const fulfilmentSchema = z.looseObject({
  id: text,
  tranId: z.string().optional(),
  createdFrom: ref.optional(),
  lastModifiedDate: z.string().optional(),
  // An enum field: `{id: "C", refName: "Shipped"}` in REST, a bare letter in some renderings.
  shipStatus: z.union([z.string(), ref]).optional(),
  shipMethod: ref.nullish(),
  shipCarrier: z.union([z.string(), ref]).nullish(),
  item: sublist(
    z.looseObject({
      orderLine: z.coerce.number().int().optional(),
      item: ref.optional(),
      quantity: z.coerce.number().optional(),
      itemReceive: z.boolean().optional(),
    }),
  ),
  package: sublist(z.looseObject({ packageTrackingNumber: z.string().nullish() })),
  packageUps: sublist(z.looseObject({ packageTrackingNumberUps: z.string().nullish() })),
  packageFedex: sublist(z.looseObject({ packageTrackingNumberFedEx: z.string().nullish() })),
  packageUsps: sublist(z.looseObject({ packageTrackingNumberUsps: z.string().nullish() })),
});

const salesOrderLinesSchema = z.looseObject({
  item: sublist(z.looseObject({ line: z.coerce.number().int(), item: ref.optional(), quantity: z.coerce.number().optional() })),
});

export interface NetSuiteFulfilmentsOptions {
  storeHash: string;
  skuField: string;
  /** Sales-order line column holding the BigCommerce order_product_id (the line link), when configured. */
  lineIdField?: string;
  /** Item fulfilment custom body field that receives the BigCommerce shipment id(s), when configured. */
  shipmentIdField?: string;
}

export class NetSuiteFulfilments implements FulfilmentSource {
  private readonly client: NetSuiteClient;
  private readonly options: NetSuiteFulfilmentsOptions;
  readonly shipmentIdField: string | undefined;

  constructor(client: NetSuiteClient, options: NetSuiteFulfilmentsOptions) {
    this.client = client;
    this.options = { ...options, skuField: sqlIdentifier(options.skuField) };
    this.shipmentIdField = options.shipmentIdField;
    if (options.lineIdField) sqlIdentifier(options.lineIdField);
  }

  async listFulfilments(after: { modifiedAt: Date; fulfilmentId: string }, limit: number): Promise<FulfilmentRef[]> {
    const at = `TO_TIMESTAMP(${sqlString(suiteqlTimestamp(after.modifiedAt))}, 'YYYY-MM-DD HH24:MI:SS')`;
    const lastId = Number(after.fulfilmentId) || 0;
    // lifecycle.md §5.1: the fulfilment's main line names the sales order it was created from.
    const { rows } = await this.client.suiteqlPage(
      `SELECT t.id, t.tranid, TO_CHAR(t.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS modified, BUILTIN.CF(t.status) AS status,
         so.id AS so_id, so.externalid AS so_externalid
       FROM transaction t
       JOIN transactionline ml ON ml.transaction = t.id AND ml.mainline = 'T'
       JOIN transaction so ON so.id = ml.createdfrom AND so.type = 'SalesOrd'
       WHERE t.type = 'ItemShip'
         AND so.externalid LIKE ${sqlString(`BC-${this.options.storeHash}-%`)}
         AND (t.lastmodifieddate > ${at} OR (t.lastmodifieddate = ${at} AND t.id > ${lastId}))
       ORDER BY t.lastmodifieddate, t.id`,
    );
    return rows.slice(0, limit).map((row) => ({
      fulfilmentId: row.id!,
      tranId: row.tranid ?? row.id!,
      modifiedAt: parseSuiteqlTimestamp(row.modified ?? ''),
      // BUILTIN.CF gives 'ItemShip:C'; the letter is what counts (lifecycle.md §1.5).
      shipStatus: (row.status ?? '').split(':').pop() ?? '',
      salesOrderId: row.so_id!,
      salesOrderExternalId: row.so_externalid ?? '',
    }));
  }

  async getFulfilment(fulfilmentId: string): Promise<Fulfilment | undefined> {
    const record = await this.client.getRecord('itemFulfillment', fulfilmentId, { expand: true });
    if (!record) return undefined;
    const parsed = fulfilmentSchema.parse(record);
    const tracking = [
      ...(parsed.package?.items ?? []).map((entry) => entry.packageTrackingNumber),
      ...(parsed.packageUps?.items ?? []).map((entry) => entry.packageTrackingNumberUps),
      ...(parsed.packageFedex?.items ?? []).map((entry) => entry.packageTrackingNumberFedEx),
      ...(parsed.packageUsps?.items ?? []).map((entry) => entry.packageTrackingNumberUsps),
    ]
      .map((number) => number?.trim() ?? '')
      .filter((number) => number !== '');
    const status = typeof parsed.shipStatus === 'string' ? parsed.shipStatus : String(parsed.shipStatus?.id ?? '');
    const carrier = typeof parsed.shipCarrier === 'string' ? parsed.shipCarrier : (parsed.shipCarrier?.refName ?? parsed.shipCarrier?.id);
    return {
      fulfilmentId: parsed.id,
      tranId: parsed.tranId ?? parsed.id,
      salesOrderId: String(parsed.createdFrom?.id ?? ''),
      shipStatus: status.split(':').pop() ?? '',
      modifiedAt: new Date(parsed.lastModifiedDate ?? 0),
      lines: (parsed.item?.items ?? [])
        // itemReceive false: the line is on the form but was not fulfilled.
        .filter((line) => line.itemReceive !== false)
        .map((line) => ({
          ...(line.orderLine !== undefined ? { orderLine: line.orderLine } : {}),
          itemId: String(line.item?.id ?? ''),
          quantity: Math.abs(line.quantity ?? 0),
        })),
      trackingNumbers: [...new Set(tracking)],
      ...(parsed.shipMethod?.refName ? { shipMethod: parsed.shipMethod.refName } : {}),
      ...(carrier !== undefined && carrier !== '' ? { shipCarrier: String(carrier) } : {}),
    };
  }

  async salesOrderLines(salesOrderId: string): Promise<SalesOrderLineLink[]> {
    const record = await this.client.getRecord('salesOrder', salesOrderId, { expand: true });
    if (!record) return [];
    const field = this.options.lineIdField;
    const lines = (salesOrderLinesSchema.parse(record).item?.items ?? []).map((line, index) => {
      const raw = field ? (record.item as { items: Array<Record<string, unknown>> }).items[index]?.[field] : undefined;
      const storeLineId = typeof raw === 'number' || (typeof raw === 'string' && /^\d+$/.test(raw.trim())) ? Number(raw) : undefined;
      return { line: line.line, itemId: String(line.item?.id ?? ''), quantity: Math.abs(line.quantity ?? 0), ...(storeLineId ? { storeLineId } : {}) };
    });
    // Lines without the link are matched by SKU: one query for their items' SKUs.
    const unlinked = [...new Set(lines.filter((line) => line.storeLineId === undefined && /^\d+$/.test(line.itemId)).map((line) => line.itemId))];
    if (unlinked.length === 0) return lines;
    const rows = await this.client.suiteql(`SELECT id, ${this.options.skuField} AS sku FROM item WHERE id IN (${unlinked.slice(0, 1000).join(', ')})`);
    const skuOf = new Map(rows.map((row) => [row.id!, row.sku ?? '']));
    return lines.map((line) => (line.storeLineId === undefined && skuOf.get(line.itemId) ? { ...line, sku: skuOf.get(line.itemId)! } : line));
  }

  async existingFulfilments(fulfilmentIds: string[]): Promise<Set<string>> {
    const ids = fulfilmentIds.filter((id) => /^\d+$/.test(id));
    const found = new Set<string>();
    for (let start = 0; start < ids.length; start += 1000) {
      const rows = await this.client.suiteql(
        `SELECT t.id FROM transaction t WHERE t.type = 'ItemShip' AND t.id IN (${ids.slice(start, start + 1000).join(', ')})`,
      );
      for (const row of rows) found.add(row.id!);
    }
    return found;
  }

  async recordShipmentIds(fulfilmentId: string, shipmentIds: string): Promise<void> {
    if (!this.shipmentIdField) return;
    await this.client.updateRecord('itemFulfillment', fulfilmentId, { [this.shipmentIdField]: shipmentIds });
  }
}

/** 'YYYY-MM-DD HH24:MI:SS' in UTC, whole seconds (the keyset compares at that precision). */
export function suiteqlTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Reads TO_CHAR's 'YYYY-MM-DD HH24:MI:SS' as UTC (NetSuite's own zone for it is UNCONFIRMED: the overlap covers it). */
export function parseSuiteqlTimestamp(text: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(text.trim());
  if (!match) throw new PermanentError(`unreadable SuiteQL timestamp ${JSON.stringify(text)}`, { source: 'netsuite' });
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}
