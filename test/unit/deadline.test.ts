/** In-process retries and request timeouts never run past the deadline of the work in progress. */
import { TransientError } from '../../functions/core/errors.ts';
import { DeadlineExceededError, requestTimeoutMs, timeLeftMs, withDeadline } from '../../functions/common/deadline.ts';
import { withRetry } from '../../functions/common/retry.ts';

test('a retry whose wait would end after the deadline is not made: the last error comes back in time', async () => {
  let attempts = 0;
  const started = Date.now();
  const failing = () => {
    attempts += 1;
    return Promise.reject(new TransientError('NetSuite 503', { status: 503 }));
  };
  // Eight attempts at up to 10 s each would take over a minute. The first wait (about 2 s) fits in the 3 s
  // deadline and the second (about 4 s) does not, with a second's slack for a loaded machine.
  await expect(withDeadline(Date.now() + 3_000, () => withRetry(failing, { attempts: 8, baseDelayMs: 2_000, maxDelayMs: 10_000 }, () => 0.99))).rejects.toThrow(
    'NetSuite 503',
  );
  expect(Date.now() - started).toBeLessThan(3_000);
  expect(attempts).toBe(2);
});

test('a request gets the time left, not its configured timeout; with none left it is not sent', async () => {
  expect(requestTimeoutMs(60_000, 'x')).toBe(60_000);
  expect(timeLeftMs()).toBe(Number.POSITIVE_INFINITY);
  await withDeadline(Date.now() + 2_000, async () => {
    expect(requestTimeoutMs(60_000, 'x')).toBeLessThanOrEqual(2_000);
    expect(requestTimeoutMs(500, 'x')).toBe(500);
    // An inner deadline cannot extend an outer one.
    await withDeadline(Date.now() + 10_000, async () => expect(timeLeftMs()).toBeLessThanOrEqual(2_000));
  });
  await withDeadline(Date.now() - 1, async () => expect(() => requestTimeoutMs(60_000, 'NetSuite create salesOrder')).toThrow(DeadlineExceededError));
});
