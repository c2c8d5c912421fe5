/**
 * HTTP client for one BigCommerce store (Orders v2 and v3 metafields): explicit timeouts, the store's rate
 * limit honoured (a 429 waits for the reset the API names; a nearly spent quota waits before sending), and
 * the v2/v3 error shapes mapped to the product's failure classes.
 */
import got, { type Got, type Response } from 'got';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { AccessDeniedError, NotFoundError, PermanentError, TransientError } from '../../core/errors.ts';
import { requestTimeoutMs, timeLeftMs } from '../../common/deadline.ts';
import { defaultRetryPolicy, withRetry, type RetryPolicy } from '../../common/retry.ts';
import { networkFailure, numericHeader } from '../http/http-failure.ts';
import {
  hookEnvelope,
  hookListEnvelope,
  lineListSchema,
  metafieldEnvelope,
  metafieldListEnvelope,
  orderListSchema,
  orderSchema,
  refundListEnvelope,
  shipmentListSchema,
  shipmentSchema,
  shippableLineListSchema,
  taxListSchema,
  transactionListEnvelope,
  v2ErrorSchema,
  v3ErrorSchema,
  type WireHook,
  type WireLine,
  type WireOrder,
  type WireRefund,
  type WireShipment,
  type WireTax,
  type WireTransaction,
} from './bigcommerce-schemas.ts';

export interface BigCommerceClientOptions {
  storeHash: string;
  accessToken: string;
  /** https://api.bigcommerce.com, or a simulator. */
  apiUrl: string;
  timeoutMs: number;
  /** Page size for line items and order lists (BigCommerce allows up to 250; its default is 50). */
  pageSize: number;
  retry?: RetryPolicy;
}

export interface OrderListFilter {
  minDateModified?: Date;
  maxDateModified?: Date;
  statusId?: number;
  page: number;
  limit?: number;
}

export interface MetafieldInput {
  namespace: string;
  key: string;
  value: string;
  permissionSet: 'app_only' | 'read' | 'write' | 'read_and_sf_access' | 'write_and_sf_access';
  description?: string;
}

/** A webhook subscription as `/v3/hooks` takes it. */
export interface HookInput {
  scope: string;
  /** https, port 443. */
  destination: string;
  isActive: boolean;
  /** Sent back on every callback (the shared secret travels this way); replaces what the hook had. */
  headers: Record<string, string>;
}

const orderStatusSchema = z.looseObject({ status_id: z.number().int() });

type RequestOptions = { searchParams?: Record<string, string | number>; json?: unknown };

export class BigCommerceClient {
  private readonly http: Got;
  private readonly options: BigCommerceClientOptions;
  /** What the last response said about the store-wide quota. */
  private quota = { left: Number.POSITIVE_INFINITY, resetAt: 0 };

  constructor(options: BigCommerceClientOptions) {
    this.options = options;
    this.http = got.extend({
      prefixUrl: `${options.apiUrl}/stores/${options.storeHash}`,
      headers: { 'X-Auth-Token': options.accessToken, Accept: 'application/json' },
      timeout: { request: options.timeoutMs },
      retry: { limit: 0 }, // withRetry owns retries so a 429 waits exactly as long as BigCommerce says
      throwHttpErrors: false,
      responseType: 'text',
    });
  }

  async getOrder(orderId: number): Promise<WireOrder> {
    // Consignments carry the shipping addresses and fees the order's surcharges, saving two requests per order.
    const response = await this.send('GET', `v2/orders/${orderId}`, {
      searchParams: { include: 'consignments,fees', consignment_structure: 'object' },
    });
    return this.parse(response, orderSchema, `order ${orderId}`);
  }

  /** All line items of an order (orders with more than 50 lines are real). */
  async listOrderLines(orderId: number): Promise<WireLine[]> {
    return this.listAll(`v2/orders/${orderId}/products`, lineListSchema, `lines of order ${orderId}`);
  }

  /** The order's tax rows (one per tax class and rate). */
  async listOrderTaxes(orderId: number): Promise<WireTax[]> {
    return this.listAll(`v2/orders/${orderId}/taxes`, taxListSchema, `taxes of order ${orderId}`);
  }

  /** The order's lines with what shipped so far (the fulfilment flow's view of them). */
  async listShippableLines(orderId: number) {
    return this.listAll(`v2/orders/${orderId}/products`, shippableLineListSchema, `lines of order ${orderId}`);
  }

  /** The order's status id (a lighter read than getOrder: no consignments, no fees). */
  async getOrderStatus(orderId: number): Promise<number> {
    return this.parse(await this.send('GET', `v2/orders/${orderId}`), orderStatusSchema, `order ${orderId}`).status_id;
  }

  async listShipments(orderId: number): Promise<WireShipment[]> {
    return this.listAll(`v2/orders/${orderId}/shipments`, shipmentListSchema, `shipments of order ${orderId}`);
  }

  /**
   * Posts a shipment exactly once: no retry here, not even on a 5xx or a timeout, since BigCommerce may have created
   * it anyway (and e-mailed the shopper). The caller resolves the doubt by reading the shipments before trying again.
   */
  async createShipment(orderId: number, body: Record<string, unknown>): Promise<WireShipment> {
    const response = await this.send('POST', `v2/orders/${orderId}/shipments`, { json: body }, { ...(this.options.retry ?? defaultRetryPolicy), attempts: 1 });
    return this.parse(response, shipmentSchema, `shipment of order ${orderId}`);
  }

  async updateOrderStatus(orderId: number, statusId: number): Promise<void> {
    this.parse(await this.send('PUT', `v2/orders/${orderId}`, { json: { status_id: statusId } }), orderStatusSchema, `order ${orderId}`);
  }

  /** Every page of a v2 sub-collection, until a short page or a 204 (v2's empty page). */
  private async listAll<T>(path: string, schema: z.ZodType<T[]>, what: string): Promise<T[]> {
    const all: T[] = [];
    const limit = this.options.pageSize;
    for (let page = 1; ; page++) {
      const response = await this.send('GET', path, { searchParams: { page, limit } });
      if (response.statusCode === 204) break;
      const batch = this.parse(response, schema, what);
      all.push(...batch);
      if (batch.length < limit) break;
    }
    return all;
  }

  /** One page of orders; an empty array when BigCommerce answers 204 (no more orders). */
  async listOrders(filter: OrderListFilter): Promise<z.infer<typeof orderListSchema>> {
    const searchParams: Record<string, string | number> = {
      page: filter.page,
      limit: filter.limit ?? this.options.pageSize,
      sort: 'date_modified:asc',
    };
    if (filter.minDateModified) searchParams.min_date_modified = filter.minDateModified.toISOString();
    if (filter.maxDateModified) searchParams.max_date_modified = filter.maxDateModified.toISOString();
    if (filter.statusId !== undefined) searchParams.status_id = filter.statusId;
    const response = await this.send('GET', 'v2/orders', { searchParams });
    if (response.statusCode === 204) return [];
    return this.parse(response, orderListSchema, 'order list');
  }

  /** Every refund of one order, oldest first ("ordered by refund ID in ascending order", orders.v3.yml L360-383). */
  async listOrderRefunds(orderId: number): Promise<WireRefund[]> {
    return this.listV3(`v3/orders/${orderId}/payment_actions/refunds`, {}, refundListEnvelope, `refunds of order ${orderId}`);
  }

  /** Refunds of any order created at or after `since` (RFC 3339, orders.v3.yml L402-477): the sweep for missed webhooks. */
  async listRefundsCreatedSince(since: Date): Promise<WireRefund[]> {
    // Whole seconds: the spec asks for RFC 3339 date-times and gives no example with fractions.
    const min = new Date(Math.floor(since.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    return this.listV3('v3/orders/payment_actions/refunds', { 'created:min': min }, refundListEnvelope, 'refunds since ' + min);
  }

  /** The order's payment transactions; none when BigCommerce answers 204 (orders.v3.yml L92-174). */
  async listOrderTransactions(orderId: number): Promise<WireTransaction[]> {
    return this.listV3(`v3/orders/${orderId}/transactions`, {}, transactionListEnvelope, `transactions of order ${orderId}`);
  }

  /** Every page of a v3 collection (`{data, meta.pagination}`); a 204 is an empty collection. */
  private async listV3<T>(
    path: string,
    searchParams: Record<string, string>,
    schema: z.ZodType<{ data: T[]; meta?: { pagination?: { total_pages?: number } } }>,
    what: string,
  ): Promise<T[]> {
    const all: T[] = [];
    const limit = this.options.pageSize;
    for (let page = 1; ; page++) {
      const response = await this.send('GET', path, { searchParams: { ...searchParams, page, limit } });
      if (response.statusCode === 204) break;
      const { data, meta } = this.parse(response, schema, what);
      all.push(...data);
      const pages = meta?.pagination?.total_pages;
      if (data.length === 0 || (pages !== undefined ? page >= pages : data.length < limit)) break;
    }
    return all;
  }

  /** Creates or updates one order metafield, keyed by (namespace, key): safe to repeat. */
  async upsertOrderMetafield(orderId: number, input: MetafieldInput): Promise<void> {
    const body = { namespace: input.namespace, key: input.key, value: input.value, permission_set: input.permissionSet, description: input.description ?? '' };
    const what = `metafield of order ${orderId}`;
    // Create first: the usual case costs one request. 409 means it exists (an earlier attempt): update it.
    const created = await this.send('POST', `v3/orders/${orderId}/metafields`, { json: body });
    if (created.statusCode !== 409) {
      this.parse(created, metafieldEnvelope, what);
      return;
    }
    const existing = await this.findOrderMetafield(orderId, input.namespace, input.key);
    if (!existing) throw new TransientError(`BigCommerce reported ${what} as existing but did not list it`, { source: 'bigcommerce', status: 409 });
    if (existing.value === input.value) return;
    this.parse(await this.send('PUT', `v3/orders/${orderId}/metafields/${existing.id}`, { json: body }), metafieldEnvelope, what);
  }

  private async findOrderMetafield(orderId: number, namespace: string, key: string) {
    const response = await this.send('GET', `v3/orders/${orderId}/metafields`, { searchParams: { namespace, key } });
    const list = this.parse(response, metafieldListEnvelope, `metafields of order ${orderId}`);
    return list.data.find((field) => field.namespace === namespace && field.key === key);
  }

  /** Every webhook of this API account (BigCommerce shows each account only its own), paging through all. */
  async listHooks(): Promise<WireHook[]> {
    const hooks: WireHook[] = [];
    const limit = this.options.pageSize;
    for (let page = 1; ; page++) {
      const response = await this.send('GET', 'v3/hooks', { searchParams: { page, limit } });
      const { data, meta } = this.parse(response, hookListEnvelope, 'webhook list');
      hooks.push(...data);
      const pages = meta?.pagination?.total_pages;
      if (data.length === 0 || (pages !== undefined ? page >= pages : data.length < limit)) break;
    }
    return hooks;
  }

  async createHook(input: HookInput): Promise<WireHook> {
    const response = await this.send('POST', 'v3/hooks', { json: hookBody(input) });
    return this.parse(response, hookEnvelope, `webhook ${input.scope}`).data;
  }

  async updateHook(id: number, input: Partial<HookInput>): Promise<WireHook> {
    const response = await this.send('PUT', `v3/hooks/${id}`, { json: hookBody(input) });
    return this.parse(response, hookEnvelope, `webhook ${id}`).data;
  }

  private async send(method: 'GET' | 'POST' | 'PUT', path: string, options: RequestOptions = {}, retry?: RetryPolicy): Promise<Response<string>> {
    const what = `BigCommerce ${method} /${path}`;
    return withRetry(
      async () => {
        await this.waitForQuota();
        let response: Response<string>;
        try {
          response = await this.http(path, {
            method,
            searchParams: options.searchParams,
            json: options.json,
            timeout: { request: requestTimeoutMs(this.options.timeoutMs, what) },
          });
        } catch (error) {
          throw networkFailure(error, 'bigcommerce', what) ?? error;
        }
        this.noteQuota(response);
        if (response.statusCode === 429) {
          // Without the reset header this is platform load shedding: back off progressively instead.
          const resetMs = numericHeader(response.headers, 'x-rate-limit-time-reset-ms');
          throw new TransientError(`${what}: rate limited (429)`, { source: 'bigcommerce', status: 429, retryAfterMs: resetMs });
        }
        if (response.statusCode >= 500) {
          throw new TransientError(`${what}: ${response.statusCode} ${errorText(response.body)}`, { source: 'bigcommerce', status: response.statusCode });
        }
        if (response.statusCode === 401 || response.statusCode === 403) {
          // 401: the token is unknown (API account deleted, token revoked); 403: it lacks a scope. Every order alike.
          throw new AccessDeniedError(`${what}: ${response.statusCode} ${errorText(response.body)}`, { source: 'bigcommerce', status: response.statusCode });
        }
        return response;
      },
      retry ?? this.options.retry ?? defaultRetryPolicy,
    );
  }

  private async waitForQuota(): Promise<void> {
    const wait = this.quota.resetAt - Date.now();
    if (this.quota.left <= 0 && wait > 0) {
      if (wait >= timeLeftMs())
        throw new TransientError('BigCommerce quota spent until after the deadline', { source: 'bigcommerce', status: 429, retryAfterMs: wait });
      await sleep(wait);
    }
  }

  private noteQuota(response: Response<string>): void {
    const left = numericHeader(response.headers, 'x-rate-limit-requests-left');
    const resetMs = numericHeader(response.headers, 'x-rate-limit-time-reset-ms');
    if (left !== undefined && resetMs !== undefined) this.quota = { left, resetAt: Date.now() + resetMs };
  }

  private parse<S extends z.ZodType>(response: Response<string>, schema: S, what: string): z.infer<S> {
    const status = response.statusCode;
    if (status === 404) throw new NotFoundError(`BigCommerce has no ${what} (404)`, { source: 'bigcommerce', status });
    if (status < 200 || status >= 300) {
      throw new PermanentError(`BigCommerce refused ${what}: ${status} ${errorText(response.body)}`, { source: 'bigcommerce', status });
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      throw new PermanentError(`BigCommerce sent non-JSON for ${what} (${status})`, { source: 'bigcommerce', status });
    }
    const result = schema.safeParse(body);
    if (!result.success) {
      const issues = result.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ');
      throw new PermanentError(`unexpected BigCommerce response for ${what}: ${issues}`, { source: 'bigcommerce', status });
    }
    return result.data;
  }
}

function hookBody(input: Partial<HookInput>): Record<string, unknown> {
  const body: Record<string, unknown> = { scope: input.scope, destination: input.destination, is_active: input.isActive, headers: input.headers };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

/** The human part of a v2 (`[{message}]`) or v3 (`{title, errors}`) error body. */
export function errorText(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body.slice(0, 200);
  }
  const v2 = v2ErrorSchema.safeParse(parsed);
  if (v2.success) return v2.data.map((error) => error.message).join('; ');
  const wrapped = (parsed as { data?: unknown })?.data;
  const v3 = v3ErrorSchema.safeParse(Array.isArray(wrapped) ? wrapped[0] : parsed);
  if (v3.success) {
    const fields =
      v3.data.errors && !Array.isArray(v3.data.errors) ? Object.entries(v3.data.errors).map(([field, message]) => `${field}: ${String(message)}`) : [];
    return [v3.data.title, v3.data.detail, ...fields].filter(Boolean).join('; ');
  }
  return body.slice(0, 200);
}
