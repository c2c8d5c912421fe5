/**
 * Turns what went wrong on the wire into the product's failure classes. Both API adapters use it, each
 * supplying the parts that are specific to its API (how errors read, what a rate limit says).
 */
import { RequestError } from 'got';
import { TransientError, type ErrorSource } from '../../core/errors.ts';

/** A request that got no HTTP answer (timeout, reset, refused) could not have been refused by the API: retry. */
export function networkFailure(error: unknown, source: ErrorSource, what: string): TransientError | undefined {
  if (!(error instanceof RequestError) || error.response) return undefined;
  return new TransientError(`${what}: ${error.code ?? 'network error'} (${error.message})`, { source, code: error.code, cause: error });
}

/** Case-insensitive single header value as a number, or undefined. */
export function numericHeader(headers: Record<string, string | string[] | undefined>, name: string): number | undefined {
  const raw = headers[name.toLowerCase()];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw === undefined || Number.isNaN(value) ? undefined : value;
}
