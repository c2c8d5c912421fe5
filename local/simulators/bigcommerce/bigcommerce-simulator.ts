/**
 * A BigCommerce store over real HTTP: Orders v2, v3 order metafields and v3 webhooks under /stores/{hash}/v2|v3,
 * like api.bigcommerce.com. The gateway concerns (store hash, X-Auth-Token, the store-wide rate limit) run in the
 * SimServer `admit` hook, before latency and faults, the way the real platform rejects a request before routing it.
 * Order and metafield changes — over the API or through the control-panel methods here — fire webhooks to the
 * destinations registered at /v3/hooks (see webhook-dispatcher.ts).
 */
import { SimServer, type Fault, type SimRequest, type SimResponse } from '../sim-http.ts';
import { errorFor, MISSING_SCOPE_MESSAGE } from './api-errors.ts';
import { FixedWindowRateLimiter, STANDARD_PLAN, type RateLimitOptions } from './rate-limiter.ts';
import type { SeedOrder } from './seed-order.ts';
import { StoreState } from './store-state.ts';
import { handleV2 } from './v2-routes.ts';
import { ShipmentBook, type StoredShipment } from './v2-shipments.ts';
import type { V2Order, V2OrderProduct } from './v2-types.ts';
import { renderLine, renderOrder } from './v2-views.ts';
import { handleHooks, HookStore, renderHook, type V3Webhook } from './v3-hooks.ts';
import { handleV3, renderMetafield, type V3Metafield } from './v3-metafields.ts';
import { handlePayments, isPaymentsPath, renderRefund, renderTransaction, type V3Refund, type V3Transaction } from './v3-payments.ts';
import { WebhookDispatcher, type WebhookDelivery } from './webhook-dispatcher.ts';
import { seededRandom } from '../seeded-random.ts';

export type { SeedOrder, SeedLine, SeedBillingAddress, SeedShippingAddress } from './seed-order.ts';
export type { V2Order, V2OrderProduct, V2ShippingAddress, V2Coupon, V2Consignments } from './v2-types.ts';
export type { V3Metafield } from './v3-metafields.ts';
export type { V3Refund, V3Transaction } from './v3-payments.ts';
export type { RateLimitOptions } from './rate-limiter.ts';
export type { V3Webhook } from './v3-hooks.ts';
export type { WebhookDelivery } from './webhook-dispatcher.ts';
export { RETRY_SCHEDULE_SECONDS } from './webhook-dispatcher.ts';

export interface BigCommerceSimulatorOptions {
  /** Default 'abc123'. */
  storeHash?: string;
  /** The X-Auth-Token every request must carry. Default 'sim-token'. */
  accessToken?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Store-wide fixed window. Default Standard plan: 150 per 30000 ms. */
  rateLimit?: RateLimitOptions;
  /** ms since epoch; drives the rate-limit window and every date the store stamps. Default Date.now. */
  clock?: () => number;
  /** owner_client_id of the metafields this client writes. Default 'sim-client-id'. */
  clientId?: string;
  /**
   * Whether metafield writes (create, update, delete) count as order modifications — bump the order's date_modified
   * and fire store/order/updated. UNCONFIRMED for the real API (lifecycle.md §10 #7), so the default takes the unkind
   * side, true: our own write-back must not be mistaken for an edit. The metafield webhooks fire either way.
   */
  metafieldWritesTouchOrder?: boolean;
  /** The numeric store id webhook payloads carry as `store_id` (a string). Default '1025646'. */
  storeId?: string;
  /** Accept webhook destinations over http and on any port (local receivers on 127.0.0.1). Default false: https on 443 only. */
  allowInsecureDestinations?: boolean;
  /** Status of a duplicate (scope, destination) hook create — undocumented, so tests can pick. Default 422. */
  hookConflictStatus?: 409 | 422;
  /** A callback not answered with a 2xx within this many ms failed. Default 10000 (the real value is undocumented). */
  webhookTimeoutMs?: number;
  /** Multiplies the retry schedule (60 s … 86400 s); e.g. 0.001 turns the first retry into 60 ms. Default 1. */
  webhookRetryScale?: number;
  /** Probability (0..1) that a delivery is also sent a second time, with the same body and hash. Default 0. */
  webhookDuplicateRate?: number;
  /** The random source for duplicate injection, in [0, 1). Default a generator with a fixed seed (repeatable). */
  random?: () => number;
  /**
   * Store-clock ms a refund keeps its order busy: a second refund on it meanwhile is refused 422 ("Processing
   * multiple concurrent refunds on the same order is not yet supported"). Default 0 (the real duration is UNCONFIRMED).
   */
  refundBusyMs?: number;
  /** When set, callbacks carry Standard Webhooks headers signed with it (`whsec_…` is base64 after the prefix). */
  webhookSigningSecret?: string;
  /**
   * Whether creating a shipment moves the order to Shipped / Partially Shipped by itself. Default false: no
   * BigCommerce source says it does (lifecycle.md §5.2, §10 item 2), so a client must not rely on it.
   */
  shipmentsSetStatus?: boolean;
}

export class BigCommerceSimulator {
  readonly server: SimServer;
  readonly storeHash: string;
  private readonly state: StoreState;
  private readonly shipmentBook: ShipmentBook;
  private readonly hooks = new HookStore();
  private readonly dispatcher: WebhookDispatcher;
  private readonly limiter: FixedWindowRateLimiter;
  // Responses that must go out without rate-limit headers: load shedding, and rejections before the quota applies.
  private readonly bare = new WeakSet<SimResponse>();
  /** False once the API account is deleted or its token revoked: every request is refused 401. */
  private tokenValid = true;
  /** The API account's Orders scope, and whether it may write metafields (a read-only Orders token may not). */
  private ordersScope: 'modify' | 'read-only' = 'modify';

  private constructor(options: BigCommerceSimulatorOptions) {
    const clock = options.clock ?? Date.now;
    const accessToken = options.accessToken ?? 'sim-token';
    this.storeHash = options.storeHash ?? 'abc123';
    const clientId = options.clientId ?? 'sim-client-id';
    this.dispatcher = new WebhookDispatcher({
      hooks: this.hooks,
      storeHash: this.storeHash,
      storeId: options.storeId ?? '1025646',
      clock,
      timeoutMs: options.webhookTimeoutMs ?? 10_000,
      retryScale: options.webhookRetryScale ?? 1,
      duplicateRate: options.webhookDuplicateRate ?? 0,
      random: options.random ?? seededRandom(1),
      signingSecret: options.webhookSigningSecret,
    });
    this.state = new StoreState(clock, (event) => this.dispatcher.dispatch(event));
    this.shipmentBook = new ShipmentBook(this.state, clock, (event) => this.dispatcher.dispatch(event), { setsStatus: options.shipmentsSetStatus ?? false });
    this.state.refundBusyMs = options.refundBusyMs ?? 0;
    this.limiter = new FixedWindowRateLimiter(options.rateLimit ?? STANDARD_PLAN, clock);
    const prefix = `/stores/${this.storeHash}/`;
    const v3Context = {
      state: this.state,
      clock,
      clientId,
      touchesOrder: options.metafieldWritesTouchOrder ?? true,
    };
    const hooksContext = {
      hooks: this.hooks,
      clock,
      clientId,
      storeHash: this.storeHash,
      allowInsecureDestinations: options.allowInsecureDestinations ?? false,
      conflictStatus: options.hookConflictStatus ?? 422,
    };

    this.server = new SimServer({
      admit: (req) => {
        if (!req.path.startsWith(prefix)) return { reject: this.withoutRateHeaders(errorFor(req.path, 404)) };
        if (req.headers['x-auth-token'] !== accessToken || !this.tokenValid) return { reject: this.withoutRateHeaders(errorFor(req.path, 401)) };
        // A token without the scope a route needs: 403 "You don't have a required scope to access the endpoint"
        // (seen for tokens lacking scopes, NangoHQ/nango#7026; 403 = missing scope in BigCommerce's status codes).
        if (this.ordersScope === 'read-only' && req.method !== 'GET')
          return { reject: this.withoutRateHeaders(errorFor(req.path, 403, MISSING_SCOPE_MESSAGE)) };
        if (!this.limiter.take()) return { reject: this.rateLimited(req) };
        return { release: () => {} };
      },
      handle: (req) => {
        const rest = req.path.slice(prefix.length - 1);
        const version = /^\/(v2|v3)(\/.*)$/.exec(rest);
        if (version?.[1] === 'v2')
          return handleV2(req, version[2] ?? '', { state: this.state, apiBase: `${req.url.origin}${prefix}v2`, shipments: this.shipmentBook });
        if (version?.[1] === 'v3') {
          const v3Rest = version[2] ?? '';
          if (isPaymentsPath(v3Rest)) return handlePayments(req, v3Rest, this.state);
          return /^\/hooks(\/|$)/.test(v3Rest) ? handleHooks(req, v3Rest, hooksContext) : handleV3(req, v3Rest, v3Context);
        }
        return errorFor(req.path, 404);
      },
      faultResponse: (fault, req) => this.faultResponse(fault, req),
      commonHeaders: (_req, res) => (this.bare.has(res) ? {} : this.limiter.headers()),
    });
  }

  static async start(options: BigCommerceSimulatorOptions = {}): Promise<BigCommerceSimulator> {
    const simulator = new BigCommerceSimulator(options);
    await simulator.server.listen(options.port ?? 0);
    return simulator;
  }

  /** http://127.0.0.1:PORT — the API lives under `${baseUrl}/stores/${storeHash}/v2` and `/v3`. */
  get baseUrl(): string {
    return this.server.baseUrl;
  }

  /** `${baseUrl}/stores/${storeHash}/v2` */
  get v2Url(): string {
    return `${this.baseUrl}/stores/${this.storeHash}/v2`;
  }

  /** `${baseUrl}/stores/${storeHash}/v3` */
  get v3Url(): string {
    return `${this.baseUrl}/stores/${this.storeHash}/v3`;
  }

  /** Adds an order (ids start at 100 and increase) and returns its id. Throws on a seed no real store could hold. */
  addOrder(seed: SeedOrder): number {
    return this.state.addOrder(seed);
  }

  addOrders(seeds: readonly SeedOrder[]): number[] {
    return seeds.map((seed) => this.addOrder(seed));
  }

  /**
   * Changes the status like the control panel would, bumping date_modified to the clock's now; fires
   * store/order/updated, and store/order/statusUpdated when the status actually changed.
   */
  updateOrderStatus(orderId: number, statusId: number): void {
    this.state.setStatus(orderId, statusId);
  }

  /** Same as updateOrderStatus (the name the lifecycle tests use). */
  setStatus(orderId: number, statusId: number): void {
    this.state.setStatus(orderId, statusId);
  }

  /**
   * Edits the order exactly as `PUT /v2/orders/{id}` with `fields` as the body would (same code): products by id
   * (quantity 0 removes), new products without id, shipping_addresses, billing_address, shipping cost, status_id.
   * Throws with the 400's message when the PUT would be refused. Returns the order as GET serves it afterwards.
   */
  editOrder(orderId: number, fields: Record<string, unknown>): V2Order {
    return renderOrder(this.state.editOrder(orderId, fields), this.v2Url);
  }

  /**
   * Refunds as `POST /v3/orders/{id}/payment_actions/refunds` with `request` as the body would (same code); throws
   * with the 422's title when it would be refused. Returns the refund as the v3 API serves it.
   */
  refund(orderId: number, request: Record<string, unknown>): V3Refund {
    return renderRefund(this.state.createRefund(orderId, request));
  }

  /** Captures an authorized payment (seeded with paymentCaptured: false); fires transaction/created and updated. */
  capture(orderId: number): V3Transaction {
    return renderTransaction(this.state.capture(orderId));
  }

  /** The order's transactions as GET /v3/orders/{id}/transactions serves them (oldest first). */
  transactions(orderId: number): V3Transaction[] {
    return this.state.transactionsOf(orderId).map(renderTransaction);
  }

  /** The order's refunds as GET /v3/orders/{id}/payment_actions/refunds serves them. */
  refunds(orderId: number): V3Refund[] {
    return this.state.refundsOf(orderId).map(renderRefund);
  }

  /** The order as GET /v2/orders/{id} serves it, or undefined. */
  getOrder(orderId: number): V2Order | undefined {
    const order = this.state.orders.get(orderId);
    return order && renderOrder(order, this.v2Url);
  }

  /** Every line of the order as /v2/orders/{id}/products serves them (unpaged). */
  getOrderProducts(orderId: number): V2OrderProduct[] {
    const order = this.state.requireOrder(orderId);
    return order.lines.map((line) => renderLine(order, line));
  }

  /** The order's metafields as v3 serves them, oldest first. */
  metafields(orderId: number): V3Metafield[] {
    return this.state.metafieldsOf(orderId).map(renderMetafield);
  }

  /** The order's shipments as GET /v2/orders/{id}/shipments serves them (unpaged; [] rather than 204). */
  shipments(orderId: number): ReturnType<ShipmentBook['render']>[] {
    const order = this.state.requireOrder(orderId);
    return this.shipmentBook.of(orderId).map((shipment: StoredShipment) => this.shipmentBook.render(order, shipment, this.v2Url));
  }

  /** Shipping e-mails BigCommerce sent the shopper of this order: one per shipment created, never per retry of ours. */
  shipmentEmails(orderId: number): number {
    return this.shipmentBook.emailsFor(orderId);
  }

  orderIds(): number[] {
    return [...this.state.orders.keys()].sort((a, b) => a - b);
  }

  /** Every webhook delivery attempt so far, in the order they finished. */
  get webhookDeliveries(): WebhookDelivery[] {
    return this.dispatcher.deliveries;
  }

  /** The registered webhooks as GET /v3/hooks/{id} serves them. */
  webhooks(): V3Webhook[] {
    return this.hooks.all().map((hook) => renderHook(hook, this.storeHash));
  }

  /**
   * Resolves when no webhook delivery is scheduled, held or in flight — pending retries included, so use a small
   * webhookRetryScale in tests. Rejects at once while delivery is paused with deliveries pending.
   */
  flushWebhooks(): Promise<void> {
    return this.dispatcher.flush();
  }

  /** Webhook deliveries scheduled, held or in flight (first tries and retries). */
  get webhooksPending(): number {
    return this.dispatcher.pendingCount;
  }

  /** Holds deliveries (first tries and retries) as they come due, as an outage on BigCommerce's side would. */
  pauseWebhooks(): void {
    this.dispatcher.pause();
  }

  /** Sends everything held since pauseWebhooks(), in no particular order. */
  resumeWebhooks(): void {
    this.dispatcher.resume();
  }

  /** The API account is deleted or its token revoked (an admin's doing): every request is refused 401 from now on. */
  revokeAccessToken(): void {
    this.tokenValid = false;
  }

  /** A new token put in place of the revoked one (tests keep the same value, as if rotated in the secret). */
  restoreAccessToken(): void {
    this.tokenValid = true;
  }

  /** Sets the API account's Orders scope: read-only tokens may read orders but write nothing (403). */
  setOrdersScope(scope: 'modify' | 'read-only'): void {
    this.ordersScope = scope;
  }

  /** Stops the server and every pending webhook retry and in-flight callback. */
  async close(): Promise<void> {
    this.dispatcher.close();
    await this.server.close();
  }

  private withoutRateHeaders(response: SimResponse): SimResponse {
    this.bare.add(response);
    return response;
  }

  private rateLimited(req: SimRequest): SimResponse {
    const response = errorFor(req.path, 429, 'Too many requests. Wait for the time in X-Rate-Limit-Time-Reset-Ms and retry.');
    return { ...response, headers: this.limiter.limitedHeaders() };
  }

  private faultResponse(fault: Extract<Fault, { kind: 'status' } | { kind: 'rate-limit' }>, req: SimRequest): SimResponse {
    if (fault.kind === 'rate-limit') return this.rateLimited(req);
    const response = errorFor(req.path, fault.status);
    // A 429 without the quota headers is platform load shedding; the client must back off on its own.
    return fault.status === 429 ? this.withoutRateHeaders(response) : response;
  }
}
