/**
 * BigCommerce's store-wide quota: a fixed window (30 s for OAuth apps) with a request budget shared by every
 * client of the store. A window opens with the first request after the previous one closed.
 */

export interface RateLimitOptions {
  quota: number;
  windowMs: number;
}

/** Standard and Plus plans: 150 requests per 30 s. */
export const STANDARD_PLAN: RateLimitOptions = { quota: 150, windowMs: 30_000 };

export class FixedWindowRateLimiter {
  private readonly options: RateLimitOptions;
  private readonly clock: () => number;
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;

  constructor(options: RateLimitOptions, clock: () => number) {
    if (!(options.quota > 0) || !(options.windowMs > 0)) throw new Error('rateLimit quota and windowMs must be positive');
    this.options = options;
    this.clock = clock;
  }

  /** Spends one request of the current window; false (nothing spent) when the quota is used up. */
  take(): boolean {
    const now = this.clock();
    if (this.expired(now)) {
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used >= this.options.quota) return false;
    this.used += 1;
    return true;
  }

  /** The headers every counted response carries. */
  headers(): Record<string, string> {
    const now = this.clock();
    const fresh = this.expired(now);
    return {
      'x-rate-limit-time-window-ms': String(this.options.windowMs),
      'x-rate-limit-time-reset-ms': String(fresh ? this.options.windowMs : this.windowStart + this.options.windowMs - now),
      'x-rate-limit-requests-quota': String(this.options.quota),
      'x-rate-limit-requests-left': String(fresh ? this.options.quota : this.options.quota - this.used),
    };
  }

  /** The headers of a 429: nothing left, and how long until the window refreshes (ms, and whole seconds). */
  limitedHeaders(): Record<string, string> {
    const headers = this.headers();
    const resetMs = Number(headers['x-rate-limit-time-reset-ms']);
    return { ...headers, 'x-rate-limit-requests-left': '0', 'x-retry-after': String(Math.max(1, Math.ceil(resetMs / 1000))) };
  }

  private expired(now: number): boolean {
    return now >= this.windowStart + this.options.windowMs;
  }
}
