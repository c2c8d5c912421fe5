/**
 * Global failures pause instead of dead-lettering everything. A revoked BigCommerce token, a NetSuite role that
 * lost a permission or a NetSuite outage fails every order alike; treated per order, each would dead-letter and
 * alert on its own. Instead such a failure opens a circuit kept in DynamoDB: while it is open, orders are held
 * (none burns its receives towards the dead-letter queue), one alert and one alarm say what broke, and a probe,
 * one real order at growing intervals, closes it when the credentials (or NetSuite) work again.
 */
import { AccessDeniedError, DeadlineErrorCode, SyncError } from './errors.ts';
import type { AlertLog, CircuitFailure, CircuitService, CircuitState, CircuitStore, OrderQueue, ParkedOrders } from './ports.ts';

/**
 * Consecutive failed orders, across all workers, that open the circuit. A definite refusal (BigCommerce 401/403,
 * NetSuite 403 or a refused permission, the token endpoint refusing the client) opens it at once. NetSuite's 401
 * INVALID_LOGIN is also what it answers to bursts over the account's concurrency limit, so it counts only when it
 * persists: each order has already retried its 401 in process, with a fresh token and backoff, and any success
 * anywhere resets the count. Three orders in a row failing all their retries is not a burst; and a circuit opened
 * wrongly costs one probe interval (a minute), not dead letters.
 */
export const CIRCUIT_THRESHOLDS: Record<CircuitFailure['kind'], number> = { auth: 1, auth_suspect: 3, outage: 5 };

/** The first probe after opening; each failed probe doubles the wait, up to the ceiling. */
export const FIRST_PROBE_MS = 60_000;
export const MAX_PROBE_INTERVAL_MS = 15 * 60_000;

/** The circuit-relevant reading of a failure, or undefined for one that concerns only its order. */
export function circuitFailureOf(error: unknown): CircuitFailure | undefined {
  if (!(error instanceof SyncError)) return undefined;
  const source = error.details.source;
  if (source !== 'bigcommerce' && source !== 'netsuite') return undefined;
  if (error instanceof AccessDeniedError) return { service: source, kind: 'auth', reason: error.message };
  if (source !== 'netsuite' || !error.retryable) return undefined;
  const status = error.details.status;
  if (status === 401) return { service: source, kind: 'auth_suspect', reason: error.message };
  // No answer at all (timeout, reset) or a 5xx; not our own deadline, which sent nothing.
  if ((status !== undefined && status >= 500) || (status === undefined && error.details.code !== undefined && error.details.code !== DeadlineErrorCode)) {
    return { service: source, kind: 'outage', reason: error.message };
  }
  return undefined;
}

export function openCircuits(circuits: Map<string, CircuitState>): CircuitState[] {
  return [...circuits.values()].filter((circuit) => circuit.open);
}

/** What an operator reads in the alert and the alarm: what broke and how to fix it. */
export function circuitAdvice(circuit: Pick<CircuitState, 'service' | 'kind'>): string {
  if (circuit.service === 'bigcommerce') {
    return 'BigCommerce refused the API token: the API account was deleted, its token revoked, or it lacks a scope (Orders: modify). Create or fix the API account, put its token in the BigCommerce secret, and refresh the functions (docs/operators-guide.md: "Rotating a credential"); re-register the webhooks if the API account is new.';
  }
  if (circuit.kind === 'outage') {
    return "NetSuite kept failing (5xx or no answer) for every order: check https://status.netsuite.com and the account's maintenance windows. Nothing to fix on our side unless it lasts.";
  }
  return "NetSuite refused the integration: the role lost a permission, the integration was disabled, or the certificate or token was revoked. The reason is in NetSuite's Login Audit Trail (Setup > Users/Roles > User Management > View Login Audit Trail); fix the role, integration or certificate (docs/operators-guide.md: Prerequisites), or put new credentials in the NetSuite secret and refresh the functions.";
}

export interface CircuitGuardOptions {
  firstProbeMs: number;
  maxProbeIntervalMs: number;
}

/**
 * One worker invocation's view of the circuits: read once per batch, it decides per record whether to run it, run
 * it as the probe, or hold it; and it reports each outcome back (a failure may open a circuit, the probe's success
 * closes them, any success resets the consecutive counts).
 */
export class CircuitGuard {
  private readonly store: CircuitStore;
  private readonly options: CircuitGuardOptions;
  private readonly circuits: Map<CircuitService, CircuitState>;
  private probeAvailable: boolean;
  private countsReset = false;

  private constructor(store: CircuitStore, options: CircuitGuardOptions, circuits: Map<CircuitService, CircuitState>, probe: boolean) {
    this.store = store;
    this.options = options;
    this.circuits = circuits;
    this.probeAvailable = probe;
  }

  static async start(store: CircuitStore, options: CircuitGuardOptions): Promise<CircuitGuard> {
    const circuits = await store.read();
    const open = openCircuits(circuits);
    // A probe needs every open circuit's turn, claimed so that one worker probes at a time.
    let probe = open.length > 0;
    for (const circuit of open) probe = probe && (await store.claimProbe(circuit.service, options.maxProbeIntervalMs));
    return new CircuitGuard(store, options, circuits, probe);
  }

  get openServices(): CircuitService[] {
    return openCircuits(this.circuits).map((circuit) => circuit.service);
  }

  /** run: no circuit is open; probe: this record tests the open circuits; hold: wait until they close. */
  admit(): 'run' | 'probe' | 'hold' {
    if (this.openServices.length === 0) return 'run';
    if (!this.probeAvailable) return 'hold';
    this.probeAvailable = false;
    return 'probe';
  }

  /** The record went through (or failed for a reason of its own): whatever was open works again. */
  async succeeded(admitted: 'run' | 'probe'): Promise<void> {
    if (admitted === 'probe') {
      for (const service of this.openServices) await this.store.close(service);
      for (const service of this.openServices) this.circuits.set(service, { ...this.circuits.get(service)!, open: false });
      return;
    }
    if (this.countsReset) return;
    this.countsReset = true; // once per batch is enough to break a run of failures
    for (const circuit of this.circuits.values())
      if (circuit.suspectFailures > 0 || circuit.outageFailures > 0) await this.store.recordSuccess(circuit.service);
  }

  /** True when the record must be held rather than failed: its failure is global and its circuit is open. */
  async failed(error: unknown, admitted: 'run' | 'probe'): Promise<{ hold: boolean; opened?: CircuitFailure }> {
    const failure = circuitFailureOf(error);
    if (!failure) {
      if (admitted === 'probe') await this.succeeded('probe'); // the credentials worked; the order failed on its own
      return { hold: false };
    }
    const { open, opened } = await this.store.recordFailure(failure, CIRCUIT_THRESHOLDS[failure.kind], this.options.firstProbeMs);
    if (open) this.circuits.set(failure.service, { ...this.circuits.get(failure.service)!, open: true });
    return { hold: open, ...(opened ? { opened: failure } : {}) };
  }
}

/**
 * The poller's part (it can enqueue; workers cannot): every held order goes back to the queue once no circuit is
 * open; while one is and its probe is due, one held order goes back to be the probe (it stays on the held list
 * until it syncs or is requeued with the rest).
 */
export async function requeueHeldOrders(deps: {
  circuits: CircuitStore;
  held: ParkedOrders;
  queue: OrderQueue;
  storeHash: string;
  now?: () => number;
}): Promise<{ requeued: number[]; probe?: number }> {
  const held = await deps.held.list();
  if (held.length === 0) return { requeued: [] };
  const now = (deps.now ?? Date.now)();
  const open = openCircuits(await deps.circuits.read());
  const receivedAt = new Date(now).toISOString();
  const message = (orderId: number) => ({ storeHash: deps.storeHash, orderId, source: 'circuit' as const, receivedAt });
  if (open.length === 0) {
    await deps.queue.enqueue(held.map((order) => message(order.orderId)));
    // Released only once enqueued: a crash in between requeues them again, which is harmless.
    for (const order of held) await deps.held.unpark(order.orderId);
    return { requeued: held.map((order) => order.orderId) };
  }
  if (!open.every((circuit) => (circuit.nextProbeAt ?? 0) <= now)) return { requeued: [] };
  const probe = held[0]!.orderId;
  await deps.queue.enqueue([message(probe)]);
  return { requeued: [], probe };
}

/** An opened circuit as a person reads it. */
export interface CircuitAlert {
  service: CircuitService;
  kind: CircuitFailure['kind'];
  reason: string;
  openedAt: number;
  advice: string;
}

export interface CircuitAlerter {
  sendCircuit(alert: CircuitAlert): Promise<void>;
}

/** The marker of one opening outlives any outage worth the name. */
const CIRCUIT_ALERT_SECONDS = 14 * 24 * 3600;

/**
 * One alert per opening, however many workers failed and however many sweeps see it open (the notifier runs every
 * minute and owns the Slack URL; workers hold no Slack credential). Returns how many circuits are open, for the alarm.
 */
export async function announceOpenCircuits(deps: {
  circuits: CircuitStore;
  alerts: AlertLog;
  alerter: CircuitAlerter;
  owner: string;
}): Promise<{ open: number; announced: number }> {
  const open = openCircuits(await deps.circuits.read());
  let announced = 0;
  for (const circuit of open) {
    const key = `circuit#${circuit.service}#${circuit.openedAt ?? 0}`;
    if (!(await deps.alerts.claim(key, deps.owner, CIRCUIT_ALERT_SECONDS))) continue;
    try {
      await deps.alerter.sendCircuit({
        service: circuit.service,
        kind: circuit.kind ?? 'auth',
        reason: circuit.reason ?? '',
        openedAt: circuit.openedAt ?? 0,
        advice: circuitAdvice(circuit),
      });
      await deps.alerts.markSent(key);
      announced += 1;
    } catch (error) {
      await deps.alerts.release(key, deps.owner);
      throw error;
    }
  }
  return { open: open.length, announced };
}
