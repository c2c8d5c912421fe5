/**
 * The sales order's header `status`, derived from its lines the way NetSuite derives it (lifecycle.md §1.5: enum
 * A..H from the Records Browser salesOrder schema; names from public SuiteScript). C (Cancelled) is only reachable
 * through the UI's "Cancel Order" on a pending-approval order (lifecycle.md §3.2, §10 #9), so it is not modelled.
 */
import type { SalesOrderRecord } from './records.ts';

export const SALES_ORDER_STATUS = {
  A: 'Pending Approval',
  B: 'Pending Fulfillment',
  C: 'Cancelled',
  D: 'Partially Fulfilled',
  E: 'Pending Billing/Partially Fulfilled',
  F: 'Pending Billing',
  G: 'Billed',
  H: 'Closed',
} as const;
export type SalesOrderStatus = keyof typeof SALES_ORDER_STATUS;

/**
 * A while unapproved; H when every line is closed; G when every open line is fully billed; F when every open line is
 * fully fulfilled (some of it unbilled); B when nothing is fulfilled; otherwise partially fulfilled: E when some
 * fulfilled quantity waits for billing, else D. Closed lines count only for what was fulfilled and billed on them.
 * The treatment of a mix of closed and open lines is INFERRED from the UI (lifecycle.md §3.2), not documented.
 */
export function salesOrderStatus(order: Pick<SalesOrderRecord, 'orderStatus' | 'lines'>): SalesOrderStatus {
  if (order.orderStatus === 'A') return 'A';
  const open = order.lines.filter((line) => !line.isClosed);
  if (open.length === 0) return 'H';
  if (open.every((line) => line.quantityBilled >= line.quantity)) return 'G';
  const unbilled = order.lines.some((line) => line.quantityFulfilled > line.quantityBilled);
  if (open.every((line) => line.quantityFulfilled >= line.quantity)) return 'F';
  if (order.lines.every((line) => line.quantityFulfilled === 0)) return 'B';
  return unbilled ? 'E' : 'D';
}
