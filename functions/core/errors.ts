/**
 * The failure classes every part of the product speaks. Adapters translate API errors into these, the core
 * decides on them, and the queue worker turns them into retry-or-dead-letter. `retryable` is the one bit the
 * worker needs; the rest is for people reading alerts and logs.
 */

export type ErrorSource = 'bigcommerce' | 'netsuite' | 'dynamodb' | 'slack' | 'config' | 'order';

export interface ErrorDetails {
  source?: ErrorSource;
  /** HTTP status of the failing API call, when there was one. */
  status?: number;
  /** The API's own error code (e.g. NetSuite's CONCURRENCY_LIMIT_EXCEEDED). */
  code?: string;
  /** Where in our request the API found the problem (NetSuite o:errorPath). */
  path?: string;
  cause?: unknown;
}

export abstract class SyncError extends Error {
  abstract readonly retryable: boolean;
  readonly details: ErrorDetails;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.details = details;
  }
}

/** Worth trying again: rate limits, 5xx, timeouts, a lease held by another worker. */
export class TransientError extends SyncError {
  readonly retryable = true;
  /** When the API said how long to wait (BigCommerce's reset header), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: ErrorDetails & { retryAfterMs?: number } = {}) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * The API refused our credentials or their permissions (a revoked token, a role that lost a permission, a disabled
 * integration). It concerns every order, not this one, so it is never dead-lettered per order: it opens a circuit
 * (core/circuit.ts) and orders wait until a probe finds the credentials working again.
 */
export class AccessDeniedError extends TransientError {}

/** The code of a request never sent because the work's deadline had passed (common/deadline.ts). */
export const DeadlineErrorCode = 'DEADLINE_EXCEEDED';

/** Will fail the same way until a person changes something: bad data, missing mapping, validation. */
export class PermanentError extends SyncError {
  readonly retryable = false;
}

/** The configuration (or a credential) is unusable: the function cannot start until a person fixes it. */
export class ConfigError extends PermanentError {}

/** The record we tried to create exists already (NetSuite's duplicate externalId answer). */
export class AlreadyExistsError extends PermanentError {}

/** The record we looked for is not there (BigCommerce order 404, NetSuite NONEXISTENT_ID). */
export class NotFoundError extends PermanentError {}

/** Order lines whose SKUs have no NetSuite item; names every one so a person can fix them in one go. */
export class MissingSkuError extends PermanentError {
  readonly skus: string[];

  /** `reasons`: why NetSuite's item for a SKU cannot be ordered (inactive, a matrix parent), when it has one. */
  constructor(skus: string[], details: ErrorDetails & { reasons?: ReadonlyMap<string, string> } = {}) {
    const { reasons, ...rest } = details;
    const explained = skus.filter((sku) => reasons?.has(sku));
    const plain = skus.filter((sku) => !reasons?.has(sku));
    const parts = [
      ...(plain.length > 0 ? [`${plain.map((sku) => `SKU ${sku}`).join(', ')} ${plain.length === 1 ? 'has' : 'have'} no NetSuite item`] : []),
      ...explained.map((sku) => `SKU ${sku} has no orderable NetSuite item (${reasons!.get(sku)})`),
    ];
    super(parts.join('; '), { source: 'order', ...rest });
    this.skus = skus;
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof SyncError ? error.retryable : true; // unknown failures (bugs, crashes) get retried
}
