/** BigCommerce's order statuses (ids are fixed; merchants can only relabel them). */
export const orderStatuses: Readonly<Record<number, string>> = {
  0: 'Incomplete',
  1: 'Pending',
  2: 'Shipped',
  3: 'Partially Shipped',
  4: 'Refunded',
  5: 'Cancelled',
  6: 'Declined',
  7: 'Awaiting Payment',
  8: 'Awaiting Pickup',
  9: 'Awaiting Shipment',
  10: 'Completed',
  11: 'Awaiting Fulfillment',
  12: 'Manual Verification Required',
  13: 'Disputed',
  14: 'Partially Refunded',
};

/** Cancelled and Declined: a synced order in one of these has its sales order closed (lifecycle.md §3.4). */
export const CANCEL_STATUS_IDS: readonly number[] = [5, 6];

/** Refunded and Partially Refunded: BigCommerce moves an order there when it is refunded (lifecycle.md §1.1, §3.1). */
export const REFUND_STATUS_IDS: readonly number[] = [4, 14];

export function statusName(id: number): string {
  return orderStatuses[id] ?? `status ${id}`;
}

/** Parses "11, Awaiting Shipment" (ids or names, any case) into status ids; throws naming what it cannot read. */
export function parseStatusList(text: string): number[] {
  const byName = new Map(Object.entries(orderStatuses).map(([id, name]) => [name.toLowerCase(), Number(id)]));
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const id = /^\d+$/.test(part) ? Number(part) : byName.get(part.toLowerCase());
      if (id === undefined || orderStatuses[id] === undefined) {
        throw new RangeError(`unknown BigCommerce order status "${part}" (use an id 0-14 or a name such as "Awaiting Fulfillment")`);
      }
      return id;
    });
}
