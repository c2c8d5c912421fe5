/**
 * POST /services/rest/query/v1/suiteql: validates the request the way NetSuite does, runs the query in SQLite
 * and shapes the page like NetSuite (lower-case alphabetical keys, string values, NULLs omitted).
 */
import type { SQLInputValue } from 'node:sqlite';
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { invalidRequest, nsError } from './errors.ts';
import { quoteSqliteReservedNames, rewriteBuiltins, scanSql } from './sql-scan.ts';
import { SearchError, type SuiteqlDatabase } from './suiteql-database.ts';

export const SUITEQL_PATH = '/services/rest/query/v1/suiteql';
const COLLECTION_CONTENT_TYPE = 'application/vnd.oracle.resource+json; type=collection; charset=UTF-8';
const MAX_LIMIT = 1000;
const MAX_RESULTS = 100_000;
const INVALID_QUERY = 'Invalid search query. Provide a valid search query.';

export interface SuiteqlOptions {
  /** 2026.2 bound `params`; before that release the field is refused. */
  params: boolean;
}

export function runSuiteql(req: SimRequest, database: SuiteqlDatabase, options: SuiteqlOptions): SimResponse {
  if (req.method !== 'POST') return nsError(405, 'INVALID_REQUEST', `Method ${req.method} is not allowed on the query resource.`);
  const prefer = String(req.headers.prefer ?? '')
    .split(',')
    .map((token) => token.trim().toLowerCase());
  if (!prefer.includes('transient')) {
    return nsError(400, 'INVALID_HEADER', 'The Prefer header must contain "transient" for SuiteQL queries.', { 'o:errorHeader': 'Prefer' });
  }

  const paging = readPaging(req.query);
  if ('error' in paging) return paging.error;
  const { limit, offset } = paging;

  let body: unknown;
  try {
    body = JSON.parse(req.body);
  } catch {
    return invalidRequest('Invalid content in the request body: the body must be a JSON object.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return invalidRequest('Invalid content in the request body: the body must be a JSON object.');
  const { q, params } = body as { q?: unknown; params?: unknown };
  if (typeof q !== 'string' || q.trim() === '') return queryError(INVALID_QUERY);

  let bound: SQLInputValue[] = [];
  if (params !== undefined) {
    if (!options.params) return invalidRequest('Invalid content in the request body: unrecognized property "params".');
    if (!Array.isArray(params) || !params.every((value) => ['string', 'number', 'boolean'].includes(typeof value) || value === null)) {
      return invalidRequest('Invalid content in the request body: "params" must be an array of values.');
    }
    bound = params.map((value: string | number | boolean | null) => (typeof value === 'boolean' ? (value ? 'T' : 'F') : value));
  }

  const shape = scanSql(q);
  if (shape.statements !== 1 || shape.firstKeyword !== 'SELECT') return queryError(INVALID_QUERY);
  // SQLite-only syntax Oracle refuses; letting it through would hide a query that fails on NetSuite.
  if (shape.words.has('LIMIT')) return searchError('Invalid or unsupported search (LIMIT is not SuiteQL; page with the limit and offset query parameters).');
  // Without params SQLite would silently bind NULL to a stray `?`.
  if (shape.placeholders !== bound.length) {
    return searchError(`The query has ${shape.placeholders} parameter placeholders but ${bound.length} values were given.`);
  }

  let result;
  try {
    result = database.query(quoteSqliteReservedNames(rewriteBuiltins(q)), bound, offset, limit, MAX_RESULTS);
  } catch (error) {
    if (error instanceof SearchError) return searchError(error.message);
    throw error;
  }

  const names = columnNames(result.columns);
  const items = result.rows.map((row) => rowObject(names, row));
  const reachable = Math.min(result.total, MAX_RESULTS);
  const hasMore = offset + items.length < reachable;
  const base = `${req.url.origin}${SUITEQL_PATH}`;
  const page = (at: number) => `${base}?limit=${limit}&offset=${at}`;
  const links: { rel: string; href: string }[] = [];
  if (offset > 0) links.push({ rel: 'first', href: page(0) }, { rel: 'prev', href: page(Math.max(0, offset - limit)) });
  if (hasMore) links.push({ rel: 'next', href: page(offset + limit) }, { rel: 'last', href: page(Math.floor((reachable - 1) / limit) * limit) });
  // Without paging parameters NetSuite's self link is bare.
  links.push({ rel: 'self', href: paging.given ? page(offset) : base });

  return {
    status: 200,
    headers: { 'Content-Type': COLLECTION_CONTENT_TYPE, 'Preference-Applied': 'transient' },
    body: { links, count: items.length, hasMore, items, offset, totalResults: result.total },
  };
}

function readPaging(query: URLSearchParams): { limit: number; offset: number; given: boolean } | { error: SimResponse } {
  const rawLimit = query.get('limit');
  const rawOffset = query.get('offset');
  const limit = rawLimit === null ? MAX_LIMIT : strictInteger(rawLimit);
  if (limit === undefined || limit < 1 || limit > MAX_LIMIT) {
    return { error: paramError('limit', `Invalid value for the limit query parameter: ${rawLimit}. The value must be an integer from 1 to ${MAX_LIMIT}.`) };
  }
  const offset = rawOffset === null ? 0 : strictInteger(rawOffset);
  if (offset === undefined || offset < 0) return { error: paramError('offset', `Invalid value for the offset query parameter: ${rawOffset}.`) };
  if (offset % limit !== 0)
    return { error: paramError('offset', `Invalid value for the offset query parameter: ${rawOffset}. The offset must be a multiple of the limit.`) };
  if (offset >= MAX_RESULTS)
    return { error: paramError('offset', `Invalid value for the offset query parameter: ${rawOffset}. A query returns at most ${MAX_RESULTS} results.`) };
  return { limit, offset, given: rawLimit !== null || rawOffset !== null };
}

function strictInteger(raw: string): number | undefined {
  return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}

function paramError(name: string, detail: string): SimResponse {
  return nsError(400, 'INVALID_PARAMETER', detail, { 'o:errorQueryParam': name });
}

function queryError(detail: string): SimResponse {
  return nsError(400, 'INVALID_PARAMETER', detail, { 'o:errorQueryParam': 'q' });
}

function searchError(detail: string): SimResponse {
  return queryError(`Invalid search query. Detailed unprocessed description follows. Search error occurred: ${detail}`);
}

/**
 * Column names lower-cased, aliases included. Unaliased expressions (COUNT(*), LOWER(x)) have no name in
 * Oracle and come back as expr1, expr2, …; clients must alias them.
 */
function columnNames(columns: string[]): string[] {
  let expressions = 0;
  return columns.map((name) => {
    if (/^[A-Za-z_][A-Za-z0-9_$#]*$/.test(name)) return name.toLowerCase();
    expressions += 1;
    return `expr${expressions}`;
  });
}

function rowObject(names: string[], row: unknown[]): Record<string, unknown> {
  const values = new Map<string, string>();
  names.forEach((name, index) => {
    const value = row[index];
    // Oracle has no empty string: '' is NULL, and NULL columns are left out of the row.
    if (value === null || value === undefined || value === '') return;
    values.set(name, typeof value === 'string' ? value : String(value));
  });
  const out: Record<string, unknown> = { links: [] };
  for (const name of [...values.keys()].sort()) out[name] = values.get(name);
  return out;
}
