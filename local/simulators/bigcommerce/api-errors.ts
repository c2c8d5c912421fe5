/**
 * The two error dialects: v2 answers a JSON array of `{status, message}` (sometimes with `details`), v3 an object
 * `{status, title, type, errors}`. Which one a response uses depends only on the path's API version.
 */
import { STATUS_CODES } from 'node:http';
import type { SimResponse } from '../sim-http.ts';

export const V3_ERROR_TYPE = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes';
export const NOT_FOUND_MESSAGE = 'The requested resource was not found.';
export const MISSING_SCOPE_MESSAGE = "You don't have a required scope to access the endpoint";

export type ApiVersion = 'v2' | 'v3';

export function apiVersionOf(path: string): ApiVersion {
  return /^\/stores\/[^/]+\/v3(\/|$)/.test(path) ? 'v3' : 'v2';
}

export function v2Error(status: number, message: string, details?: Record<string, unknown>): SimResponse {
  return { status, body: [details ? { status, message, details } : { status, message }] };
}

export function v3Error(status: number, title: string, errors: Record<string, string> | unknown[] = {}): SimResponse {
  return { status, body: { status, title, type: V3_ERROR_TYPE, errors } };
}

/** A generic error in the dialect of `path`, for faults and for failures outside any route. */
export function errorFor(path: string, status: number, message = defaultMessage(status)): SimResponse {
  return apiVersionOf(path) === 'v3' ? v3Error(status, message) : v2Error(status, message);
}

function defaultMessage(status: number): string {
  if (status === 404) return NOT_FOUND_MESSAGE;
  if (status === 401) return 'You are not authorized to access this resource. Please check your X-Auth-Token.';
  return STATUS_CODES[status] ?? 'Error';
}
