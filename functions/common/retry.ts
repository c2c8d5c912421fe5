/**
 * In-process retry for calls to BigCommerce and NetSuite: short waits that ride out a rate limit or a blip.
 * Long outages are the queue's job (visibility timeout), so the budget here stays small.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AccessDeniedError, TransientError } from '../core/errors.ts';
import { timeLeftMs } from './deadline.ts';

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  /** First backoff step in ms; doubles each attempt (full jitter). */
  baseDelayMs: number;
  /** Upper bound of any single wait, including a server-requested one. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 8, baseDelayMs: 250, maxDelayMs: 10_000 };

/**
 * Runs `operation`, retrying TransientErrors; waits what the API asked for, else exponential backoff with full
 * jitter. Never sleeps past the current deadline (deadline.ts): then the last error is thrown.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy = defaultRetryPolicy,
  random: () => number = Math.random,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      // Refused credentials do not heal in seconds: the circuit (core/circuit.ts) waits for them instead.
      if (!(error instanceof TransientError) || error instanceof AccessDeniedError || attempt >= policy.attempts) throw error;
      const backoff = random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const wait = Math.min(policy.maxDelayMs, error.retryAfterMs === undefined ? backoff : error.retryAfterMs + backoff / 4);
      // No retry that would start after the deadline: the caller's backoff (the queue's) takes over from here.
      if (wait >= timeLeftMs()) throw error;
      await sleep(wait);
    }
  }
}
