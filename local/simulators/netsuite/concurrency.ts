/**
 * NetSuite's account-wide concurrency governance: requests beyond the limit are rejected at once with 429,
 * never queued. Plugs into SimServer's `admit` hook.
 */
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { concurrencyLimitExceeded } from './errors.ts';

export class ConcurrencyGate {
  readonly limit: number;
  private inFlight = 0;
  peak = 0;
  peakDemand = 0;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error('NetSuite simulator: concurrencyLimit must be a positive integer');
    this.limit = limit;
  }

  get current(): number {
    return this.inFlight;
  }

  admit = (_req: SimRequest): { reject: SimResponse } | { release: () => void } => {
    this.peakDemand = Math.max(this.peakDemand, this.inFlight + 1);
    if (this.inFlight >= this.limit) return { reject: concurrencyLimitExceeded() };
    this.inFlight += 1;
    this.peak = Math.max(this.peak, this.inFlight);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
      },
    };
  };
}
