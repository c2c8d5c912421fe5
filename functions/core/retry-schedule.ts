import { SyncError, TransientError } from './errors.ts';

/** How long a failed order waits in the queue before its next attempt, by failure class and attempt number. */
export interface RetrySchedule {
  /** Seconds until the next attempt; `receiveCount` is the attempt that just failed (1-based). */
  delaySeconds(error: unknown, receiveCount: number, random?: () => number): number;
}

/**
 * Transient failures back off exponentially with jitter (30 s, 1, 2, 4, 8 min, then 15 min), which with ten
 * receives spans about an hour before the dead-letter queue: long enough to ride out a NetSuite outage.
 * Permanent failures come back at once, so they reach the dead-letter queue (and a person) within a minute.
 * An order held by another worker is retried in seconds (it is almost certainly done by then), or when the
 * holder's lease ends if that is later, so a crashed worker's order does not burn its receives waiting.
 */
export const defaultRetrySchedule: RetrySchedule = {
  delaySeconds(error, receiveCount, random = Math.random) {
    if (error instanceof SyncError && !error.retryable) return 0;
    if (error instanceof TransientError && error.details.code === 'ORDER_BUSY') {
      // Usually done within seconds; if its holder died, not before its lease ends.
      return Math.max(5 + Math.round(random() * 10), Math.ceil((error.retryAfterMs ?? 0) / 1000) + 1);
    }
    const ceiling = Math.min(900, 30 * 2 ** (receiveCount - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2); // equal jitter: never immediate, never in lockstep
  },
};
