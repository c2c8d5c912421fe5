import { lessRefunded, type OrderSnapshot } from '../../functions/core/order-snapshot.ts';

const snapshot: OrderSnapshot = {
  dateModified: '2026-12-01T10:00:00.000Z',
  statusId: 11,
  lines: [
    { orderProductId: 1, itemId: '10', quantity: 3, rate: 12.25, amount: 36.75 },
    { orderProductId: 2, itemId: '11', quantity: 1, rate: 15.99, amount: 15.99 },
    { orderProductId: 3, itemId: '12', quantity: 2, rate: 1.1, amount: 2.2, closed: true },
  ],
  shippingCost: 5,
  chargesHash: 'h',
};

test('refunded units come off each line at its rate, a line with nothing left closes, and shipping comes off', () => {
  const less = lessRefunded(snapshot, { units: { '1': 1, '2': 1 }, shipping: 2.1 });
  expect(less.lines).toEqual([
    { orderProductId: 1, itemId: '10', quantity: 2, rate: 12.25, amount: 24.5 },
    { orderProductId: 2, itemId: '11', quantity: 1, rate: 15.99, amount: 15.99, closed: true },
    snapshot.lines[2],
  ]);
  expect(less.shippingCost).toBe(2.9);
  expect(less.refunded).toEqual({ units: { '1': 1, '2': 1 }, shipping: 2.1 });
});

test('refunded parts add up over refunds, and never take shipping below zero', () => {
  const twice = lessRefunded(lessRefunded(snapshot, { units: { '1': 1 }, shipping: 4 }), { units: { '1': 1 }, shipping: 4 });
  expect(twice.lines[0]).toMatchObject({ quantity: 1, amount: 12.25 });
  expect(twice.shippingCost).toBe(0);
  expect(twice.refunded).toEqual({ units: { '1': 2 }, shipping: 8 });
});

test('nothing refunded leaves the snapshot as it is', () => {
  expect(lessRefunded(snapshot, undefined)).toBe(snapshot);
});
