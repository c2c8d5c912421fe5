/**
 * HTTP client for NetSuite's SuiteTalk REST services: record create and get, SuiteQL with paging, a
 * per-process concurrency budget (NetSuite rejects requests over the account limit with 429), explicit
 * timeouts and retries. Creates are retried only when the caller says they are safe to repeat, which ours
 * are: each carries an externalId that NetSuite will not accept twice.
 */
import got, { type Got, type Response } from 'got';
import pLimit, { type LimitFunction } from 'p-limit';
import * as z from 'zod';
import { PermanentError } from '../../core/errors.ts';
import { requestTimeoutMs } from '../../common/deadline.ts';
import { defaultRetryPolicy, withRetry, type RetryPolicy } from '../../common/retry.ts';
import { networkFailure } from '../http/http-failure.ts';
import type { NetSuiteAuth } from './netsuite-auth.ts';
import { netsuiteFailure } from './netsuite-errors.ts';

export interface NetSuiteClientOptions {
  apiUrl: string;
  auth: NetSuiteAuth;
  /** Requests in flight at once from this process. */
  concurrency: number;
  timeoutMs: number;
  retry?: RetryPolicy;
}

/** A SuiteQL row: lower-cased column names, every value a string, NULL columns absent. */
export type SuiteQlRow = Record<string, string>;

const RECORD_PATH = '/services/rest/record/v1';
const SUITEQL_PATH = '/services/rest/query/v1/suiteql';
const SUITEQL_PAGE = 1000; // NetSuite's maximum page size

const suiteqlPage = z.looseObject({
  hasMore: z.boolean(),
  items: z.array(z.record(z.string(), z.unknown())),
});

interface SendOptions {
  json?: unknown;
  searchParams?: Record<string, string | number>;
  headers?: Record<string, string>;
  /** POSTs are repeated after a transient failure only when this is set. */
  retrySafe?: boolean;
}

const WRITE_HEADERS = { 'X-NetSuite-PropertyNameValidation': 'error', 'X-NetSuite-PropertyValueValidation': 'error' };

export class NetSuiteClient {
  private readonly http: Got;
  private readonly options: NetSuiteClientOptions;
  private readonly limit: LimitFunction;
  /** Successes since the last 429, for growing the budget back. */
  private successStreak = 0;

  constructor(options: NetSuiteClientOptions) {
    this.options = options;
    this.limit = pLimit(options.concurrency);
    this.http = got.extend({
      timeout: { request: options.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      responseType: 'text',
      headers: { Accept: 'application/json' },
    });
  }

  /** POSTs a record and returns its internal id from the 204's Location header. */
  async createRecord(type: string, body: unknown, options: { retrySafe: boolean }): Promise<string> {
    const what = `NetSuite create ${type}`;
    const response = await this.send('POST', `${RECORD_PATH}/${type}`, what, { json: body, retrySafe: options.retrySafe });
    return this.createdId(response, what);
  }

  /**
   * A transform, `POST /record/v1/{from}/{id}/!transform/{to}` (204 + Location, Oracle section_157901123882): the new
   * record starts from the source's fields and lines, and the body changes them. `replace` names sublists the body
   * gives in full (`?replace=item`; on a transform UNCONFIRMED, Oracle documents it for updates, section_1545297048).
   * Retried like a create only when the caller says a repeat is caught (the externalId, or a lookup before it).
   */
  async transformRecord(from: string, id: string, to: string, body: unknown, options: { retrySafe: boolean; replace?: string[] }): Promise<string> {
    const what = `NetSuite transform ${from} ${id} to ${to}`;
    const response = await this.send('POST', `${RECORD_PATH}/${from}/${id}/!transform/${to}`, what, {
      json: body,
      retrySafe: options.retrySafe,
      ...(options.replace?.length ? { searchParams: { replace: options.replace.join(',') } } : {}),
    });
    return this.createdId(response, what);
  }

  private createdId(response: Response<string>, what: string): string {
    if (response.statusCode !== 204 && response.statusCode !== 200) throw netsuiteFailure(response.statusCode, response.body, what);
    const location = response.headers.location;
    const id = location ? /\/(\d+)\/?$/.exec(new URL(location, this.options.apiUrl).pathname)?.[1] : undefined;
    if (!id) throw new PermanentError(`${what}: no record id in the Location header (${location ?? 'absent'})`, { source: 'netsuite' });
    return id;
  }

  /**
   * PATCHes a record (only the given fields change; sublist lines merge by key). Safe to repeat unless it appends
   * sublist lines (no key): a repeat after a lost answer would append them twice, so the caller says.
   */
  async updateRecord(type: string, id: string, body: unknown, options: { retrySafe: boolean } = { retrySafe: true }): Promise<void> {
    const what = `NetSuite update ${type} ${id}`;
    const response = await this.send('PATCH', `${RECORD_PATH}/${type}/${id}`, what, { json: body, retrySafe: options.retrySafe });
    if (response.statusCode !== 204 && response.statusCode !== 200) throw netsuiteFailure(response.statusCode, response.body, what);
  }

  /**
   * GETs a record by internal id or `eid:<externalId>`; undefined when NetSuite has none. `expand` inlines the
   * sublists and subrecords, which NetSuite otherwise answers as links.
   */
  async getRecord(type: string, id: string, options: { expand?: boolean } = {}): Promise<Record<string, unknown> | undefined> {
    const what = `NetSuite get ${type} ${id}`;
    const response = await this.send('GET', `${RECORD_PATH}/${type}/${id}`, what, options.expand ? { searchParams: { expandSubResources: 'true' } } : {});
    if (response.statusCode === 404) return undefined;
    if (response.statusCode !== 200) throw netsuiteFailure(response.statusCode, response.body, what);
    return JSON.parse(response.body) as Record<string, unknown>;
  }

  /** DELETEs a record; false when it was not there. The product never deletes: the local warehouse (tests, demo) does. */
  async deleteRecord(type: string, id: string): Promise<boolean> {
    const what = `NetSuite delete ${type} ${id}`;
    const response = await this.send('DELETE', `${RECORD_PATH}/${type}/${id}`, what, { retrySafe: true });
    if (response.statusCode === 404) return false;
    if (response.statusCode !== 204 && response.statusCode !== 200) throw netsuiteFailure(response.statusCode, response.body, what);
    return true;
  }

  /** One page of a SuiteQL query: up to 1000 rows from `offset` (a multiple of 1000, as NetSuite requires). */
  async suiteqlPage(query: string, offset = 0): Promise<{ rows: SuiteQlRow[]; hasMore: boolean }> {
    const what = 'NetSuite SuiteQL';
    const response = await this.send('POST', SUITEQL_PATH, what, {
      json: { q: query },
      searchParams: { limit: SUITEQL_PAGE, offset },
      headers: { Prefer: 'transient' },
      retrySafe: true, // a query changes nothing
    });
    if (response.statusCode !== 200) throw netsuiteFailure(response.statusCode, response.body, what);
    const page = suiteqlPage.parse(JSON.parse(response.body));
    return { rows: page.items.map(toRow), hasMore: page.hasMore };
  }

  /** Every row of a SuiteQL query, paging until NetSuite says there is no more (at most 100,000 rows). */
  async suiteql(query: string): Promise<SuiteQlRow[]> {
    const rows: SuiteQlRow[] = [];
    for (let offset = 0; ; offset += SUITEQL_PAGE) {
      const page = await this.suiteqlPage(query, offset);
      rows.push(...page.rows);
      if (!page.hasMore) return rows;
    }
  }

  /**
   * NetSuite's concurrency limit is shared by every integration on the account, so the share left to us
   * varies. Halve our budget on a 429 and grow it back one step per run of successes (AIMD), so a burst
   * settles at what the account can take instead of hammering it.
   */
  private adaptConcurrency(status: number): void {
    if (status === 429) {
      this.limit.concurrency = Math.max(1, Math.floor(this.limit.concurrency / 2));
      this.successStreak = 0;
    } else if (status < 500 && ++this.successStreak >= 20 && this.limit.concurrency < this.options.concurrency) {
      this.limit.concurrency += 1;
      this.successStreak = 0;
    }
  }

  private async send(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, what: string, options: SendOptions = {}): Promise<Response<string>> {
    const url = new URL(`${this.options.apiUrl}${path}`);
    for (const [name, value] of Object.entries(options.searchParams ?? {})) url.searchParams.set(name, String(value));
    const policy = method === 'GET' || options.retrySafe ? (this.options.retry ?? defaultRetryPolicy) : { ...defaultRetryPolicy, attempts: 1 };
    return withRetry(
      () =>
        // The budget covers one attempt, not the backoff between attempts.
        this.limit(async () => {
          const authorization = await this.options.auth.authorize({ method, url });
          let response: Response<string>;
          try {
            response = await this.http(url, {
              method,
              json: options.json,
              // Writes name every field strictly: a field the account does not have (a feature that is off) fails
              // with NetSuite's message instead of vanishing behind a 204 (the default is only a warning header).
              headers: { Authorization: authorization, ...(method === 'GET' ? {} : WRITE_HEADERS), ...options.headers },
              timeout: { request: requestTimeoutMs(this.options.timeoutMs, what) },
            });
          } catch (error) {
            throw networkFailure(error, 'netsuite', what) ?? error;
          }
          this.adaptConcurrency(response.statusCode);
          if (response.statusCode === 401) this.options.auth.invalidate();
          if (response.statusCode === 401 || response.statusCode === 429 || response.statusCode >= 500) {
            throw netsuiteFailure(response.statusCode, response.body, what);
          }
          return response;
        }),
      policy,
    );
  }
}

function toRow(item: Record<string, unknown>): SuiteQlRow {
  const row: SuiteQlRow = {};
  // Oracle warns column-name casing "may not always be consistent": compare in lower case.
  for (const [name, value] of Object.entries(item)) if (name !== 'links' && value !== null && value !== undefined) row[name.toLowerCase()] = String(value);
  return row;
}
