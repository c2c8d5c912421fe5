import { MissingSkuError, PermanentError, TransientError } from '../../functions/core/errors.ts';
import { defaultRetrySchedule } from '../../functions/core/retry-schedule.ts';
import { ordersQueue } from '../../functions/adapters/sqs/queue-definitions.ts';

const schedule = defaultRetrySchedule;

test('permanent failures come straight back, so they reach the dead-letter queue at once', () => {
  expect(schedule.delaySeconds(new MissingSkuError(['X']), 1)).toBe(0);
  expect(schedule.delaySeconds(new PermanentError('validation'), 3)).toBe(0);
});

test('an order held by another worker is retried within seconds', () => {
  const busy = new TransientError('busy', { code: 'ORDER_BUSY' });
  for (const random of [0, 0.5, 1]) expect(schedule.delaySeconds(busy, 1, () => random)).toBeGreaterThanOrEqual(5);
  for (const random of [0, 0.5, 1]) expect(schedule.delaySeconds(busy, 1, () => random)).toBeLessThanOrEqual(15);
});

test('an order held by a worker that crashed is retried when its lease ends, not before', () => {
  const busy = new TransientError('busy', { code: 'ORDER_BUSY', retryAfterMs: 80_000 });
  expect(schedule.delaySeconds(busy, 1, () => 0.5)).toBe(81);
});

test('transient failures back off exponentially with jitter, spanning about an hour before the dead-letter queue', () => {
  const error = new TransientError('503');
  const low = (n: number) => schedule.delaySeconds(error, n, () => 0);
  const high = (n: number) => schedule.delaySeconds(error, n, () => 1);
  expect([1, 2, 3, 4, 5, 6, 7].map(high)).toEqual([30, 60, 120, 240, 480, 900, 900]);
  expect(low(1)).toBe(15);
  const attempts = Array.from({ length: ordersQueue.maxReceiveCount - 1 }, (_, index) => index + 1);
  const span = (delay: (n: number) => number) => attempts.reduce((sum, n) => sum + delay(n), 0) / 60;
  const expected = span((n) => schedule.delaySeconds(error, n, () => 0.5));
  expect(expected).toBeGreaterThan(50); // minutes, on average: about an hour
  expect(expected).toBeLessThan(70);
  expect(span(low)).toBeGreaterThan(35); // even the unluckiest message rides out a half-hour outage
  expect(span(high)).toBeLessThan(80);
});

test('unknown failures (bugs) are treated as transient', () => {
  expect(schedule.delaySeconds(new Error('TypeError'), 1, () => 1)).toBe(30);
});
