/**
 * The plumbing both API simulators share: a real HTTP server on loopback, a request log that tests and
 * benchmarks read, per-route latency, and fault injection. Each simulator supplies only its routes and
 * its API's own error shapes; nothing here knows about BigCommerce or NetSuite.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SimRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Raw body text ('' when none). */
  body: string;
  /** Absolute URL of this request as the client addressed it (http://host:port/path?query). */
  url: URL;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Sent as-is when a string, JSON-encoded otherwise; omitted entirely when undefined (e.g. 204). */
  body?: unknown;
}

export interface RouteMatch {
  method?: string;
  /** A substring of the path, or a regular expression tested against it. */
  path?: string | RegExp;
}

/**
 * What an injected fault does to a matching request.
 * - status: answer with this HTTP status using the simulator's own error shape, without running the route.
 * - rate-limit: answer the way the real API answers when its limit is hit (the simulator decides how).
 * - timeout: accept the request and never answer (until the client gives up); nothing is committed.
 * - reset: destroy the connection at once; nothing is committed.
 * - drop-after-commit: run the route (the write commits) and then destroy the connection instead of answering.
 * - hang-after-commit: run the route (the write commits) and then never answer, until the client times out.
 */
export type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'rate-limit' }
  | { kind: 'timeout' }
  | { kind: 'reset' }
  | { kind: 'drop-after-commit' }
  | { kind: 'hang-after-commit' };

interface FaultRule {
  match: RouteMatch;
  fault: Fault;
  remaining: number;
}

interface FaultRateRule {
  match: RouteMatch;
  fault: Fault;
  probability: number;
}

interface LatencyRule {
  match: RouteMatch;
  ms: number | (() => number);
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number | 'dropped';
  fault?: Fault['kind'];
  startedAt: number;
  durationMs: number;
}

export function matches(match: RouteMatch, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? path.includes(match.path) : match.path.test(path);
}

export type RouteHandler = (req: SimRequest) => Promise<SimResponse> | SimResponse;

export interface SimServerOptions {
  /** Routes the request; must never throw for a client error (answer with the API's error shape instead). */
  handle: RouteHandler;
  /** Builds the response for an injected status fault or rate-limit fault, in the API's own error shape. */
  faultResponse: (fault: Extract<Fault, { kind: 'status' } | { kind: 'rate-limit' }>, req: SimRequest) => SimResponse;
  /** Headers added to every answered response (e.g. rate-limit headers, operation ids). */
  commonHeaders?: (req: SimRequest, res: SimResponse) => Record<string, string>;
  /**
   * Called when a request arrives, before latency and faults: answer at once (e.g. a concurrency limit's 429)
   * or admit it, holding whatever slot `release` frees once the request has been answered or dropped.
   */
  admit?: (req: SimRequest) => { reject: SimResponse } | { release: () => void };
}

/** A running simulator server with its request log, latency rules and fault plan. */
export class SimServer {
  readonly log: LoggedRequest[] = [];
  private readonly faults: FaultRule[] = [];
  private readonly faultRates: FaultRateRule[] = [];
  /** Source of randomness for fault rates; seed it for repeatable chaos runs. */
  random: () => number = Math.random;
  private readonly latencies: LatencyRule[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  private readonly options: SimServerOptions;

  constructor(options: SimServerOptions) {
    this.options = options;
    this.server = createServer((req, res) => void this.dispatch(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return this.baseUrl;
  }

  get baseUrl(): string {
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Make the next `times` requests matching `match` fail with `fault`. */
  injectFault(match: RouteMatch, fault: Fault, times = 1): void {
    this.faults.push({ match, fault, remaining: times });
  }

  /**
   * Make each request matching `match` fail with `fault` with the given probability (chaos runs). Rules
   * matching the same request add up: 0.1 of one fault and 0.1 of another fail 20 % of such requests.
   */
  setFaultRate(match: RouteMatch, fault: Fault, probability: number): void {
    this.faultRates.push({ match, fault, probability });
  }

  clearFaults(): void {
    this.faults.length = 0;
    this.faultRates.length = 0;
  }

  /** Add latency to matching requests (later rules win). A function gives a latency profile. */
  setLatency(match: RouteMatch, ms: number | (() => number)): void {
    this.latencies.unshift({ match, ms });
  }

  /** Number of logged requests matching `match` (all when omitted). */
  count(match: RouteMatch = {}): number {
    return this.log.filter((entry) => matches(match, entry.method, entry.path)).length;
  }

  resetLog(): void {
    this.log.length = 0;
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const rule = this.faults.find((candidate) => candidate.remaining > 0 && matches(candidate.match, method, path));
    if (!rule) {
      // One roll per request; matching rules share it, so their probabilities add up.
      let roll = this.random();
      for (const rate of this.faultRates) {
        if (!matches(rate.match, method, path)) continue;
        if (roll < rate.probability) return rate.fault;
        roll -= rate.probability;
      }
      return undefined;
    }
    rule.remaining -= 1;
    if (rule.remaining === 0) this.faults.splice(this.faults.indexOf(rule), 1);
    return rule.fault;
  }

  private latencyFor(method: string, path: string): number {
    const rule = this.latencies.find((candidate) => matches(candidate.match, method, path));
    if (!rule) return 0;
    return typeof rule.ms === 'function' ? rule.ms() : rule.ms;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const simReq: SimRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      url,
    };
    const record = (status: LoggedRequest['status'], fault?: Fault['kind']) =>
      this.log.push({ method: simReq.method, path: simReq.path, status, fault, startedAt, durationMs: Date.now() - startedAt });

    const admission = this.options.admit?.(simReq);
    if (admission && 'reject' in admission) {
      record(admission.reject.status);
      send(res, admission.reject, this.options.commonHeaders?.(simReq, admission.reject) ?? {});
      return;
    }
    try {
      await this.answer(simReq, req, res, record);
    } finally {
      admission?.release();
    }
  }

  private async answer(
    simReq: SimRequest,
    req: IncomingMessage,
    res: ServerResponse,
    record: (status: LoggedRequest['status'], fault?: Fault['kind']) => void,
  ): Promise<void> {
    const fault = this.takeFault(simReq.method, simReq.path);
    const delay = this.latencyFor(simReq.method, simReq.path);
    if (delay > 0) await sleep(delay);

    if (fault?.kind === 'timeout') {
      record('dropped', fault.kind);
      // Never answer: the client's timeout decides what happens next. The slot is held until it hangs up.
      await new Promise<void>((resolve) => req.socket.once('close', () => resolve()));
      return;
    }
    if (fault?.kind === 'reset') {
      record('dropped', fault.kind);
      req.socket.destroy();
      return;
    }

    let response: SimResponse;
    if (fault?.kind === 'status' || fault?.kind === 'rate-limit') {
      response = this.options.faultResponse(fault, simReq);
    } else {
      try {
        response = await this.options.handle(simReq);
      } catch (error) {
        // A simulator bug must be loud, not a hung request.
        console.error('[simulator] route failed', simReq.method, simReq.path, error);
        response = this.options.faultResponse({ kind: 'status', status: 500 }, simReq);
      }
    }
    if (fault?.kind === 'drop-after-commit') {
      record('dropped', fault.kind);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang-after-commit') {
      record('dropped', fault.kind);
      await new Promise<void>((resolve) => req.socket.once('close', () => resolve()));
      return;
    }
    record(response.status, fault?.kind);
    send(res, response, this.options.commonHeaders?.(simReq, response) ?? {});
  }
}

function send(res: ServerResponse, response: SimResponse, common: Record<string, string>): void {
  const headers: Record<string, string> = { ...common, ...response.headers };
  let payload: string | undefined;
  if (response.body !== undefined) {
    payload = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    headers['Content-Type'] ??= 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}
