/**
 * The change lease while one worker applies changes to one synced order (apply-order-changes.ts).
 *
 * A lease that runs out while its holder is still working lets a sibling take the order over; the two then
 * write to the same sales order from different reads of the BigCommerce order, and the older read can undo the
 * newer change (re-add a line the newer edit closed) while the ledger records the newer state. So the lease is
 * renewed in the background while the worker lives, and checked before every NetSuite write: a worker that lost
 * it anyway (stalled past its lease) writes nothing and retries from a fresh read.
 */
import { TransientError } from './errors.ts';
import type { Erp, OrderLedger } from './ports.ts';

/** Every Erp call that changes NetSuite (the change path uses a few of them); reads need no lease. */
const WRITES = new Set<PropertyKey>([
  'updateSalesOrder',
  'transformRecord',
  'createCustomerDeposit',
  'createSalesOrder',
  'createCustomer',
  'ensureShipToAddresses',
  'setShipGroupRates',
]);

export interface HeldChange {
  /** The same Erp, with every write checked against the lease first. */
  erp: Erp;
  /** Stops the renewals (the lease itself ends with finishChange). */
  release(): void;
}

export function holdChangeLease(ledger: OrderLedger, orderKey: string, owner: string, leaseMs: number, erp: Erp): HeldChange {
  let lost = false;
  const renew = async (): Promise<boolean> => {
    if (!lost && !(await ledger.renewChange(orderKey, owner, leaseMs))) lost = true;
    return !lost;
  };
  // Three renewals per lease: one late or failed renewal does not lose it.
  const timer = setInterval(() => void renew().catch(() => undefined), Math.max(50, Math.floor(leaseMs / 3)));
  timer.unref();
  const fence = async (): Promise<void> => {
    if (!(await renew())) {
      throw new TransientError(`${orderKey}: the change lease ran out and another worker took the order over; nothing more was written`, {
        source: 'order',
        code: 'ORDER_BUSY',
      });
    }
  };
  const fenced = new Proxy(erp, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!WRITES.has(property)) return method.bind(target);
      return async (...args: unknown[]) => {
        await fence();
        return method.apply(target, args);
      };
    },
  });
  return { erp: fenced, release: () => clearInterval(timer) };
}
