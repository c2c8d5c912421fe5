/**
 * The simulated store's data: orders with their lines and addresses, and order metafields. Ids come from
 * store-wide sequences in distinct ranges (orders from 100, lines from 1000, addresses from 500) so a client
 * that mixes up an order id with a line id gets a 404 instead of a lucky hit.
 */
import { buildOrder, type IdSource } from './build-order.ts';
import { truncateToSecond } from './dates.ts';
import type { StoredOrder } from './order-record.ts';
import { statusById } from './order-statuses.ts';
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

export class StoreState {
  readonly orders = new Map<number, StoredOrder>();
  readonly metafields = new Map<number, StoredMetafield>();
  private readonly clock: () => number;
  private nextOrderId = 100;
  private nextMetafieldId = 1;
  private readonly sequences = { line: 1000, address: 500, option: 1, coupon: 1 };
  private readonly productIds = new Map<string, number>();
  private readonly variantIds = new Map<string, number>();
  private readonly couponIds = new Map<string, number>();
  private readonly ids: IdSource;

  constructor(clock: () => number) {
    this.clock = clock;
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
    return id;
  }

  /** A status change is a modification: date_modified moves to now (whole seconds), as in the real store. */
  setStatus(orderId: number, statusId: number): StoredOrder {
    const order = this.requireOrder(orderId);
    if (!statusById(statusId)) throw new Error(`unknown statusId ${statusId}`);
    order.statusId = statusId;
    this.touch(order);
    return order;
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
