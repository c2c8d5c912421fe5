/**
 * A deadline for the work in progress (one queue record, one scheduled run), carried in async context so every
 * HTTP request and in-process retry below it can see it without threading a parameter through the core. Handlers
 * set it from Lambda's remaining time minus a margin; a request never waits past it and a retry never sleeps past
 * it, so work that runs out of time fails on its own, with its own backoff, instead of timing out the invocation.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DeadlineErrorCode, TransientError } from '../core/errors.ts';

const deadlines = new AsyncLocalStorage<number>();

/** Runs `work` with a deadline (epoch ms); an enclosing, earlier deadline still wins. */
export function withDeadline<T>(deadlineMs: number, work: () => Promise<T>): Promise<T> {
  const outer = deadlines.getStore();
  return deadlines.run(outer === undefined ? deadlineMs : Math.min(outer, deadlineMs), work);
}

/** The deadline `marginMs` before Lambda's own (from the context's remaining time). */
export function deadlineFromContext(context: { getRemainingTimeInMillis(): number }, marginMs: number): number {
  return Date.now() + context.getRemainingTimeInMillis() - marginMs;
}

/** Milliseconds left before the current deadline (Infinity outside any). */
export function timeLeftMs(): number {
  const deadline = deadlines.getStore();
  return deadline === undefined ? Number.POSITIVE_INFINITY : deadline - Date.now();
}

export class DeadlineExceededError extends TransientError {}

/** The timeout for a request about to start: the configured one, cut to the time left; none left throws. */
export function requestTimeoutMs(configuredMs: number, what: string): number {
  const left = timeLeftMs();
  if (left <= 0) throw new DeadlineExceededError(`${what}: no time left before the invocation's deadline`, { code: DeadlineErrorCode });
  return Math.max(1, Math.min(configuredMs, Math.floor(left)));
}
