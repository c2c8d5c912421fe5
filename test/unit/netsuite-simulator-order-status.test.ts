/** The NetSuite simulator's one derivation of a sales order's header status from its lines (lifecycle.md §1.5). */
import { salesOrderStatus } from '../../local/simulators/netsuite/order-status.ts';

const line = (quantity: number, quantityFulfilled = 0, quantityBilled = 0, isClosed = false) => ({ quantity, quantityFulfilled, quantityBilled, isClosed });
const status = (lines: ReturnType<typeof line>[], orderStatus: 'A' | 'B' = 'B') =>
  salesOrderStatus({ orderStatus, lines: lines as Parameters<typeof salesOrderStatus>[0]['lines'] });

test.each([
  ['A: pending approval, whatever the lines', status([line(2, 0)], 'A'), 'A'],
  ['B: nothing fulfilled', status([line(2), line(1)]), 'B'],
  ['D: partly fulfilled, all of it billed', status([line(2, 1, 1), line(1)]), 'D'],
  ['E: partly fulfilled, some of it unbilled', status([line(2, 1, 0), line(1)]), 'E'],
  ['F: all fulfilled, not all billed', status([line(2, 2, 1), line(1, 1, 0)]), 'F'],
  ['G: all billed', status([line(2, 2, 2), line(1, 1, 1)]), 'G'],
  ['G: the open lines billed, the rest closed', status([line(2, 2, 2), line(1, 0, 0, true)]), 'G'],
  ['H: every line closed', status([line(2, 0, 0, true), line(1, 0, 0, true)]), 'H'],
  ['B: a closed line does not count as unfulfilled', status([line(2), line(1, 0, 0, true)]), 'B'],
])('%s', (_name, actual, expected) => expect(actual).toBe(expected));
