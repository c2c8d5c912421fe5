/**
 * The simulated store's data: orders with their lines and addresses, and order metafields. Ids come from
 * store-wide sequences in distinct ranges (orders from 100, lines from 1000, addresses from 500) so a client
 * that mixes up an order id with a line id gets a 404 instead of a lucky hit. Every change a webhook would report
 * goes through here and is announced as a StoreEvent; the webhook dispatcher decides who hears about it.
 */
import { buildOrder, type IdSource } from './build-order.ts';
import { truncateToSecond } from './dates.ts';
import type { StoredOrder } from './order-record.ts';
import { applyOrderEdit } from './order-edits.ts';
import type { SeedOrder } from './seed-order.ts';

export interface StoredMetafield {
  id: number;
  orderId: number;
  namespace: string;
  key: string;
  value: string;
  permissionSet: string;
  description: string;
  dateCreated: number;
  dateModified: number;
  ownerClientId: string;
}

/** A change the store announces: the callback scope and its `data`, exactly as the webhook payload carries it. */
export interface StoreEvent {
  scope: string;
  orderId: number;
  data: Record<string, unknown>;
}

export type MetafieldChange = 'created' | 'updated' | 'deleted';

export class StoreState {
  readonly orders = new Map<number, StoredOrder>();
  readonly metafields = new Map<number, StoredMetafield>();
  private readonly clock: () => number;
  private nextOrderId = 100;
  private nextMetafieldId = 1;
  private readonly sequences = { line: 1000, address: 500, option: 1, coupon: 1, fee: 1, giftCertificate: 1 };
  private readonly productIds = new Map<string, number>();
  private readonly variantIds = new Map<string, number>();
  private readonly couponIds = new Map<string, number>();
  private readonly ids: IdSource;
  private readonly onEvent: (event: StoreEvent) => void;

  constructor(clock: () => number, onEvent: (event: StoreEvent) => void = () => {}) {
    this.clock = clock;
    this.onEvent = onEvent;
    const stable = (map: Map<string, number>, key: string, first: number) => {
      let id = map.get(key);
      if (id === undefined) map.set(key, (id = first + map.size));
      return id;
    };
    this.ids = {
      next: (kind) => this.sequences[kind]++,
      couponIdFor: (code) => stable(this.couponIds, code, 1),
      productIdFor: (sku) => stable(this.productIds, sku, 77),
      variantIdFor: (sku) => stable(this.variantIds, sku, 300),
    };
  }

  addOrder(seed: SeedOrder): number {
    const id = seed.id ?? this.nextOrderId;
    if (!Number.isInteger(id) || id < 1) throw new Error(`order id ${id} must be a positive integer`);
    if (this.orders.has(id)) throw new Error(`order ${id} already exists`);
    this.orders.set(id, buildOrder(seed, id, this.ids, this.clock()));
    this.nextOrderId = Math.max(this.nextOrderId, id + 1);
    // Fires for every new order, status 0 (Incomplete) included, as the real one does.
    this.onEvent({ scope: 'store/order/created', orderId: id, data: { type: 'order', id } });
    return id;
  }

  /** A status change is a modification: date_modified moves to now (whole seconds), as in the real store. */
  setStatus(orderId: number, statusId: number): StoredOrder {
    return this.editOrder(orderId, { status_id: statusId });
  }

  /**
   * An edit as `PUT /v2/orders/{id}` makes it (see order-edits.ts): applied whole or not at all (EditError), then
   * recorded as a modification — even one that changed nothing, as the real API does not report "unchanged".
   */
  editOrder(orderId: number, fields: Record<string, unknown>): StoredOrder {
    const order = this.requireOrder(orderId);
    const previousStatusId = order.statusId;
    applyOrderEdit(order, fields, {
      nextLineId: () => this.ids.next('line'),
      productIdFor: (sku) => this.ids.productIdFor(sku),
      variantIdFor: (sku) => this.ids.variantIdFor(sku),
    });
    this.modified(order, previousStatusId);
    return order;
  }

  /**
   * Records an accepted change to `order` (already applied): date_modified moves to now and `store/order/updated`
   * fires — for any change, even one that left every field as it was — plus `statusUpdated` if the status moved.
   */
  modified(order: StoredOrder, previousStatusId: number): void {
    this.touch(order);
    const id = order.id;
    this.onEvent({ scope: 'store/order/updated', orderId: id, data: { type: 'order', id } });
    if (order.statusId !== previousStatusId) {
      const status = { previous_status_id: previousStatusId, new_status_id: order.statusId };
      this.onEvent({ scope: 'store/order/statusUpdated', orderId: id, data: { type: 'order', id, status } });
    }
  }

  /** An order metafield was written: the order-specific event and the store-wide `store/metafield/*` one. */
  metafieldChanged(change: MetafieldChange, metafield: StoredMetafield): void {
    const orderId = metafield.orderId;
    // resource_id is a string in these payloads, unlike the order events' numeric id.
    const data = { metafield_id: metafield.id, resource_id: String(orderId) };
    this.onEvent({ scope: `store/order/metafield/${change}`, orderId, data });
    this.onEvent({ scope: `store/metafield/${change}`, orderId, data: { ...data, resource_type: 'order' } });
  }

  touch(order: StoredOrder): void {
    order.dateModified = Math.max(order.dateModified, truncateToSecond(this.clock()));
  }

  requireOrder(orderId: number): StoredOrder {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`order ${orderId} does not exist`);
    return order;
  }

  newMetafieldId(): number {
    return this.nextMetafieldId++;
  }

  metafieldsOf(orderId: number): StoredMetafield[] {
    return [...this.metafields.values()].filter((metafield) => metafield.orderId === orderId).sort((a, b) => a.id - b.id);
  }
}
