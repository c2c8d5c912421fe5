/**
 * What was last applied to NetSuite for one order. Every later change (edit, cancellation, refund) is a diff
 * against it, and it moves forward only after NetSuite accepted the change, so a change NetSuite refused is
 * found again — and refused again, loudly — instead of being forgotten.
 */
import { createHash } from 'node:crypto';
import type { SalesOrderDraft, StoreOrder } from './model.ts';

/** A sales-order line booked from a BigCommerce order product. */
export interface SnapshotLine {
  orderProductId: number;
  itemId: string;
  quantity: number;
  /** As sent to NetSuite (ex tax, JSON numbers). */
  rate: number;
  amount: number;
  /** Closed in NetSuite (removed from the BigCommerce order, or the order was cancelled). */
  closed?: boolean;
}

export interface OrderSnapshot {
  /** BigCommerce `date_modified` (ISO) of the order state this reflects: older events are stale. */
  dateModified: string;
  statusId: number;
  lines: SnapshotLine[];
  /** The header shipping cost sent (undefined on multiple-shipping-routes orders, whose groups carry it). */
  shippingCost?: number;
  /** SHA-256 of the shipping address as sent, so an address edit is seen without storing the address. */
  shippingAddressHash?: string;
  /**
   * SHA-256 of everything else the sales order books (charge lines, discount, ship method): a change there is one
   * we do not apply, and is alerted on rather than silently ignored.
   */
  chargesHash: string;
  /**
   * The sales order was found already made (by an attempt that died before the ledger write), so what it holds is
   * not known: the next change diffs against NetSuite itself rather than trusting this snapshot's lines.
   */
  unverified?: boolean;
  /** Set once every line is closed after a cancellation. */
  cancelled?: boolean;
  /**
   * The last change refused (or applied only in part), by the BigCommerce state it concerned and the queue message
   * that announced it: that message's retries fail again (so it reaches the dead-letter queue and a person); other
   * messages about the same state pass quietly; a new state is tried afresh.
   */
  refused?: { dateModified: string; reason: string; messageId?: string; orderHash?: string };
  /**
   * What refunds took off the unbilled sales order (apply-refunds.ts): units by BigCommerce order product id, and
   * shipping. BigCommerce's own quantities and shipping cost still count them (it keeps `quantity` and adds
   * `quantity_refunded`), so every later edit is applied net of these, or it would put refunded units back.
   */
  refunded?: RefundedParts;
}

export interface RefundedParts {
  units: Record<string, number>;
  shipping: number;
}

export function snapshotOf(draft: SalesOrderDraft, dateModified: Date, statusId: number): OrderSnapshot {
  const lines: SnapshotLine[] = draft.lines.flatMap((line) =>
    line.orderProductId === undefined
      ? []
      : [{ orderProductId: line.orderProductId, itemId: line.itemId, quantity: line.quantity, rate: line.rate, amount: line.amount }],
  );
  return {
    dateModified: dateModified.toISOString(),
    statusId,
    lines,
    ...(draft.shippingCost !== undefined ? { shippingCost: draft.shippingCost } : {}),
    ...(draft.shippingAddress ? { shippingAddressHash: digest(draft.shippingAddress) } : {}),
    chargesHash: chargesHash(draft),
  };
}

/** The parts of a draft that edits do not apply, hashed: charge lines, discount, ship method and ship groups. */
export function chargesHash(draft: SalesOrderDraft): string {
  return digest({
    charges: draft.lines.filter((line) => line.orderProductId === undefined).map((line) => [line.itemId, line.quantity, line.amount, line.taxCodeId ?? '']),
    discount: draft.discount ?? null,
    shipMethod: draft.shipMethodId ?? null,
    // Rates only: a ship group's address book id is NetSuite's, and a dry run (an edit's plan) has placeholders.
    shipGroups: draft.shipGroups?.map((group) => [group.rate, group.taxCodeId ?? '']) ?? null,
  });
}

/**
 * The BigCommerce order's content, hashed: with `date_modified` (whole seconds) it tells a second change within the
 * same second from the refused one, which would otherwise pass quietly as "already refused".
 */
export function orderHash(order: StoreOrder): string {
  const { dateModified: _modified, ...content } = order;
  return digest(content);
}

export function shippingAddressHash(draft: SalesOrderDraft): string | undefined {
  return draft.shippingAddress ? digest(draft.shippingAddress) : undefined;
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

/**
 * The snapshot less refunded parts: each line's quantity (its amount at its rate, as the refund's PATCH set it),
 * closed once nothing is left, and the shipping cost; the parts are added to what the snapshot says was refunded.
 */
export function lessRefunded(snapshot: OrderSnapshot, parts: RefundedParts | undefined): OrderSnapshot {
  if (!parts) return snapshot;
  const lines = snapshot.lines.map((line) => {
    const units = parts.units[String(line.orderProductId)] ?? 0;
    if (units === 0 || line.closed) return line;
    const quantity = Math.max(0, line.quantity - units);
    return quantity === 0 ? { ...line, closed: true } : { ...line, quantity, amount: Math.round(line.rate * quantity * 100) / 100 };
  });
  const units = { ...snapshot.refunded?.units };
  for (const [id, count] of Object.entries(parts.units)) units[id] = (units[id] ?? 0) + count;
  return {
    ...snapshot,
    lines,
    ...(snapshot.shippingCost !== undefined && parts.shipping !== 0
      ? { shippingCost: Math.max(0, Math.round((snapshot.shippingCost - parts.shipping) * 100) / 100) }
      : {}),
    refunded: { units, shipping: Math.round(((snapshot.refunded?.shipping ?? 0) + parts.shipping) * 100) / 100 },
  };
}

/**
 * The snapshot of a sales order found already made: its lines, shipping and address are whatever that earlier
 * attempt sent (the order may have been edited since), so they are left out, and the next change compares the
 * order with NetSuite's own lines.
 */
export function unverifiedSnapshot(snapshot: OrderSnapshot): OrderSnapshot {
  const { shippingCost: _cost, shippingAddressHash: _address, ...rest } = snapshot;
  return { ...rest, dateModified: new Date(0).toISOString(), lines: [], unverified: true };
}
