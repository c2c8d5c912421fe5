/**
 * The warehouse, for the demo, tests and chaos runs: ships in NetSuite the way a NetSuite user or WMS does, through
 * the REST transform salesOrder → itemFulfillment (lifecycle.md §5.1), with a tracking number on a package sublist.
 */
import type { NetSuiteClient } from '../../functions/adapters/netsuite/netsuite-client.ts';

export interface Shipping {
  /** Sales-order lines and quantities to ship; absent: every line in full. */
  lines?: Array<{ orderLine: number; quantity: number }>;
  /** A tracking number, and the package sublist it goes on (default the generic `package`). */
  tracking?: string;
  carrier?: 'package' | 'packageUps' | 'packageFedex' | 'packageUsps';
  /** A Picked, B Packed, C Shipped (default). */
  shipStatus?: 'A' | 'B' | 'C';
  body?: Record<string, unknown>;
}

const TRACKING_FIELD = {
  package: 'packageTrackingNumber',
  packageUps: 'packageTrackingNumberUps',
  packageFedex: 'packageTrackingNumberFedEx',
  packageUsps: 'packageTrackingNumberUsps',
} as const;

/** Creates an item fulfilment of `salesOrderId` and returns its internal id. */
export async function shipInNetSuite(netsuite: NetSuiteClient, salesOrderId: string, shipping: Shipping = {}): Promise<string> {
  let item: { items: Array<Record<string, unknown>> } | undefined;
  if (shipping.lines) {
    // Lines not named are received in full by default, so every other line is named with itemReceive false.
    const order = (await netsuite.getRecord('salesOrder', salesOrderId, { expand: true })) as
      { item?: { items?: Array<{ line: number; isClosed?: boolean }> } } | undefined;
    item = {
      // Closed lines (removed by an edit, or cancelled) cannot be named at all.
      items: (order?.item?.items ?? [])
        .filter((line) => !line.isClosed)
        .map((line) => {
          const wanted = shipping.lines!.find((candidate) => candidate.orderLine === line.line);
          return wanted ? { orderLine: line.line, quantity: wanted.quantity } : { orderLine: line.line, itemReceive: false };
        }),
    };
  }
  const carrier = shipping.carrier ?? 'package';
  return netsuite.createRecord(
    `salesOrder/${salesOrderId}/!transform/itemFulfillment`,
    {
      shipStatus: shipping.shipStatus ?? 'C',
      ...(item ? { item } : {}),
      ...(shipping.tracking ? { [carrier]: { items: [{ [TRACKING_FIELD[carrier]]: shipping.tracking }] } } : {}),
      ...shipping.body,
    },
    { retrySafe: false },
  );
}
