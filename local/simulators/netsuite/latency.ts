/**
 * Observed NetSuite response times, as a latency profile for benchmarks: record writes take 4–7 s with a long
 * tail (failed validations included), record reads about a second, SuiteQL pages and token requests under one.
 */
import type { RouteMatch } from '../sim-http.ts';

export interface LatencyRule {
  match: RouteMatch;
  ms: () => number;
}

const between = (low: number, high: number) => low + Math.random() * (high - low);

/**
 * Rules for `SimServer.setLatency`, in the order to apply them (later rules win). `factor` scales every delay,
 * e.g. 0.01 turns 4–7 s into 40–70 ms for a fast benchmark with the same shape.
 */
export function realisticLatency(factor = 1): LatencyRule[] {
  const scaled = (sample: () => number) => () => Math.round(sample() * factor);
  return [
    { match: { path: '/services/rest/auth/' }, ms: scaled(() => between(300, 800)) },
    { match: { method: 'GET', path: '/services/rest/record/' }, ms: scaled(() => between(600, 1500)) },
    { match: { method: 'POST', path: '/services/rest/query/' }, ms: scaled(() => between(200, 900)) },
    // One write in twenty lands in the tail: up to 8 s more.
    ...['POST', 'PUT', 'PATCH'].map((method) => ({
      match: { method, path: '/services/rest/record/' },
      ms: scaled(() => between(4000, 7000) + (Math.random() < 0.05 ? between(0, 8000) : 0)),
    })),
  ];
}
