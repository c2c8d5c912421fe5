/**
 * Webhook delivery the way BigCommerce does it: asynchronous POSTs of a light JSON envelope to every active
 * matching hook, success only on a 2xx within the timeout, failures retried on the documented schedule and the
 * hook deactivated after the last retry; at-least-once, so the same event may arrive twice (same `hash`), and in
 * no guaranteed order. Retry delays are real time (scaled for tests); dates in payloads come from the store clock.
 */
import { createHash, randomUUID } from 'node:crypto';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { StoreEvent } from './store-state.ts';
import { unixSeconds, type HookStore, type StoredHook } from './v3-hooks.ts';
import { scopeMatches } from './webhook-scopes.ts';
import { signedHeaders, signingKey } from './webhook-signing.ts';

/** Seconds after a failed attempt before the next one; after the last, the hook is deactivated (~48 h in all). */
export const RETRY_SCHEDULE_SECONDS: readonly number[] = [60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400, 86400];

/** One delivery attempt, as `bc.webhookDeliveries` records it. */
export interface WebhookDelivery {
  hookId: number;
  /** The event's scope (not the hook's, which may be a wildcard). */
  scope: string;
  orderId: number;
  /** 1 for the first try, 2.. for retries. */
  attempt: number;
  /** True for the extra copy that webhookDuplicateRate injected. */
  duplicate: boolean;
  /** The payload's `hash`. */
  hash: string;
  /** The event's id (the `webhook-id` header when signing). */
  eventId: string;
  ok: boolean;
  /** The receiver's HTTP status, when it answered in time. */
  status?: number;
  /** Why no status: 'timeout after N ms', a connection error code, or the request error's message. */
  error?: string;
  /** This failure was the last retry and switched the hook off. */
  deactivated?: boolean;
  /** Wall-clock ms (Date.now()) when the attempt finished. */
  at: number;
}

export interface WebhookDispatcherOptions {
  hooks: HookStore;
  storeHash: string;
  storeId: string;
  clock: () => number;
  timeoutMs: number;
  retryScale: number;
  duplicateRate: number;
  random: () => number;
  signingSecret: string | undefined;
}

/** What an attempt came to: the receiver's status, or why there was none. */
type Outcome = { status: number; error?: undefined } | { error: string; status?: undefined };

interface Job {
  hookId: number;
  event: StoreEvent;
  eventId: string;
  hash: string;
  body: string;
  attempt: number;
  duplicate: boolean;
}

export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly options: WebhookDispatcherOptions;
  private readonly key: Buffer | undefined;
  private readonly scheduled = new Map<NodeJS.Timeout, Job>();
  private readonly requests = new Set<ClientRequest>();
  // Jobs that came due while paused, sent on resume.
  private held: Job[] = [];
  // Scheduled + held + in flight; flush waits for zero.
  private pending = 0;
  private waiters: Array<() => void> = [];
  private paused = false;
  private closed = false;

  constructor(options: WebhookDispatcherOptions) {
    if (!(options.timeoutMs > 0)) throw new Error('webhookTimeoutMs must be positive');
    if (!(options.retryScale >= 0)) throw new Error('webhookRetryScale must be >= 0');
    if (!(options.duplicateRate >= 0 && options.duplicateRate <= 1)) throw new Error('webhookDuplicateRate must be within 0..1');
    if (!/^\d+$/.test(options.storeId)) throw new Error('storeId must be a numeric string');
    this.options = options;
    this.key = options.signingSecret === undefined ? undefined : signingKey(options.signingSecret);
    options.hooks.onStopped = (hookId) => this.drop(hookId);
  }

  /** Fans the event out to every active hook whose scope matches; nothing is sent before the caller returns. */
  dispatch(event: StoreEvent): void {
    if (this.closed) return;
    const matching = this.options.hooks.all().filter((hook) => hook.isActive && scopeMatches(hook.scope, event.scope));
    if (matching.length === 0) return;
    const { storeHash, storeId, clock } = this.options;
    const hash = createHash('sha1').update(JSON.stringify(event.data)).digest('hex');
    // One body per event: retries and duplicates resend it byte for byte, so created_at and hash never change.
    const body = JSON.stringify({
      scope: event.scope,
      store_id: storeId,
      data: event.data,
      hash,
      created_at: unixSeconds(clock()),
      producer: `stores/${storeHash}`,
    });
    const eventId = `msg_${randomUUID().replaceAll('-', '')}`;
    for (const hook of matching) {
      const job: Job = { hookId: hook.id, event, eventId, hash, body, attempt: 1, duplicate: false };
      this.schedule(job, 0);
      if (this.options.duplicateRate > 0 && this.options.random() < this.options.duplicateRate) this.schedule({ ...job, duplicate: true }, 0);
    }
  }

  /** Deliveries scheduled, held or in flight. */
  get pendingCount(): number {
    return this.pending;
  }

  /** Resolves once nothing is scheduled, held or in flight (retries included, so scale them down in tests). */
  flush(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    if (this.paused) return Promise.reject(new Error(`webhook delivery is paused with ${this.pending} deliveries pending; resume first`));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Holds every delivery that comes due (first tries and retries) until resume(). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const job of held) {
      this.pending -= 1;
      this.schedule(job, 0);
    }
  }

  /** Drops every scheduled and held delivery and aborts those in flight; later events are ignored. */
  close(): void {
    this.closed = true;
    for (const timer of this.scheduled.keys()) clearTimeout(timer);
    this.scheduled.clear();
    for (const req of this.requests) req.destroy();
    this.requests.clear();
    this.held = [];
    this.pending = 0;
    this.settle();
  }

  /** Forgets the scheduled and held deliveries of a hook that was deleted or switched off (in-flight ones finish). */
  private drop(hookId: number): void {
    for (const [timer, job] of this.scheduled) {
      if (job.hookId !== hookId) continue;
      clearTimeout(timer);
      this.scheduled.delete(timer);
      this.pending -= 1;
    }
    const kept = this.held.filter((job) => job.hookId !== hookId);
    this.pending -= this.held.length - kept.length;
    this.held = kept;
    this.settle();
  }

  private schedule(job: Job, delayMs: number): void {
    this.pending += 1;
    const timer = setTimeout(() => {
      this.scheduled.delete(timer);
      if (this.paused) {
        this.held.push(job);
        return;
      }
      void this.attempt(job).finally(() => this.done());
    }, delayMs);
    // A retry hours away must not keep a process alive; close() clears it anyway.
    if (delayMs > 0) timer.unref();
    this.scheduled.set(timer, job);
  }

  private done(): void {
    if (this.closed) return;
    this.pending -= 1;
    this.settle();
  }

  private settle(): void {
    if (this.pending > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private async attempt(job: Job): Promise<void> {
    const hook = this.options.hooks.hooks.get(job.hookId);
    // Deleted or switched off meanwhile: the event is dropped, and not replayed if the hook comes back.
    if (!hook || !hook.isActive) return;
    const outcome = await this.send(hook, job);
    if (this.closed) return;
    const delivery: WebhookDelivery = {
      hookId: hook.id,
      scope: job.event.scope,
      orderId: job.event.orderId,
      attempt: job.attempt,
      duplicate: job.duplicate,
      hash: job.hash,
      eventId: job.eventId,
      ok: outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300,
      ...outcome,
      at: Date.now(),
    };
    this.deliveries.push(delivery);
    if (delivery.ok) return;
    const delaySeconds = RETRY_SCHEDULE_SECONDS[job.attempt - 1];
    if (delaySeconds === undefined) {
      if (hook.isActive && this.options.hooks.hooks.get(hook.id) === hook) {
        this.options.hooks.deactivate(hook, this.options.clock());
        delivery.deactivated = true;
      }
      return;
    }
    this.schedule({ ...job, attempt: job.attempt + 1 }, delaySeconds * 1000 * this.options.retryScale);
  }

  /** One POST; settles with the status (whatever it is) or the reason there was none. Never rejects. */
  private send(hook: StoredHook, job: Job): Promise<Outcome> {
    const headers: Record<string, string> = {
      ...hook.headers,
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(job.body)),
    };
    if (this.key) Object.assign(headers, signedHeaders(this.key, job.eventId, unixSeconds(this.options.clock()), job.body));
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      let req: ClientRequest;
      try {
        const url = new URL(hook.destination);
        // No pooling: every callback is its own connection, and close() can abort it by destroying the request.
        req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'POST', headers, agent: false });
      } catch (error) {
        resolve({ error: error instanceof Error ? error.message : String(error) });
        return;
      }
      this.requests.add(req);
      const timer = setTimeout(() => {
        finish({ error: `timeout after ${this.options.timeoutMs} ms` });
        req.destroy();
      }, this.options.timeoutMs);
      req.on('response', (res) => {
        // The status decides; the body is drained and ignored (BigCommerce does not read it either).
        finish({ status: res.statusCode ?? 0 });
        res.resume();
      });
      req.on('error', (error: NodeJS.ErrnoException) => finish({ error: error.code ?? error.message }));
      req.on('close', () => {
        this.requests.delete(req);
        finish({ error: 'connection closed without a response' });
      });
      req.end(job.body);
    });
  }
}
