/**
 * Webhook management, /v3/hooks: the subscriptions the dispatcher delivers to. Times are unix seconds (unlike the
 * ISO dates of other v3 resources), create answers 200 not 201, and the platform limits apply: one hook per
 * (client, scope, destination), at most 10 per (client, scope), destinations on https port 443 only.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { z } from 'zod';
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { V3_ERROR_TYPE, v3Error } from './api-errors.ts';
import { parseBody } from './v3-metafields.ts';
import { scopeProblem } from './webhook-scopes.ts';
import { v3Page } from './v3-pages.ts';

export interface StoredHook {
  id: number;
  clientId: string;
  scope: string;
  destination: string;
  isActive: boolean;
  /** null when none were registered (an empty object is stored as null too, as the docs' example shows). */
  headers: Record<string, string> | null;
  /** Unix seconds. */
  createdAt: number;
  updatedAt: number;
  /** The platform switched it off after an event's last retry failed (vs. the client setting is_active false). */
  deactivated: boolean;
}

export interface V3Webhook {
  id: number;
  client_id: string;
  store_hash: string;
  scope: string;
  destination: string;
  is_active: boolean;
  headers: Record<string, string> | null;
  created_at: number;
  updated_at: number;
}

export const MAX_HOOKS_PER_SCOPE = 10;

export class HookStore {
  readonly hooks = new Map<number, StoredHook>();
  /** Notification emails of PUT /hooks/admin. */
  emails: string[] = [];
  /** Called when a hook is deleted or stops being active, so deliveries still pending for it are dropped. */
  onStopped: (hookId: number) => void = () => {};
  // Large ids in their own range, like the real ones (e.g. 18048287), so they never collide with order ids.
  private nextId = 20_000_001;

  newId(): number {
    return this.nextId++;
  }

  all(): StoredHook[] {
    return [...this.hooks.values()].sort((a, b) => a.id - b.id);
  }

  remove(hook: StoredHook): void {
    this.hooks.delete(hook.id);
    this.onStopped(hook.id);
  }

  /** What happens after an event's final retry fails: the hook stops firing until a PUT sets is_active again. */
  deactivate(hook: StoredHook, nowMs: number): void {
    hook.isActive = false;
    hook.deactivated = true;
    hook.updatedAt = unixSeconds(nowMs);
    this.onStopped(hook.id);
  }
}

export interface HooksContext {
  hooks: HookStore;
  clock: () => number;
  clientId: string;
  storeHash: string;
  /** Accept http:// and any port, for receivers on 127.0.0.1 in local runs. */
  allowInsecureDestinations: boolean;
  /** The status of a duplicate (scope, destination) create: undocumented, so either may be chosen. */
  conflictStatus: 409 | 422;
}

export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

export function renderHook(hook: StoredHook, storeHash: string): V3Webhook {
  return {
    id: hook.id,
    client_id: hook.clientId,
    store_hash: storeHash,
    scope: hook.scope,
    destination: hook.destination,
    is_active: hook.isActive,
    headers: hook.headers && { ...hook.headers },
    created_at: hook.createdAt,
    updated_at: hook.updatedAt,
  };
}

const HEADERS = z.record(z.string(), z.string()).nullable();
const CREATE = z.object({ scope: z.string().min(1), destination: z.string().min(1), is_active: z.boolean().optional(), headers: HEADERS.optional() });
const UPDATE = CREATE.partial();
type HookInput = z.infer<typeof UPDATE>;

const invalidData = (errors: Record<string, string>): SimResponse => v3Error(422, 'JSON data is missing or invalid', errors);

/** Routes `rest` (the path after /stores/{hash}/v3), which starts with /hooks. */
export function handleHooks(req: SimRequest, rest: string, context: HooksContext): SimResponse {
  if (rest === '/hooks') {
    if (req.method === 'GET') return list(req.query, context);
    if (req.method === 'POST') return create(req.body, context);
    return v3Error(405, 'Method not allowed.');
  }
  if (rest === '/hooks/admin') {
    if (req.method === 'GET') return admin(req.query, context);
    if (req.method === 'PUT') return updateEmails(req.body, context);
    return v3Error(405, 'Method not allowed.');
  }
  const match = /^\/hooks\/([^/]+)$/.exec(rest);
  if (!match) return v3Error(404, 'The requested resource was not found.', []);
  const id = match[1] ?? '';
  const hook = /^\d+$/.test(id) ? context.hooks.hooks.get(Number(id)) : undefined;
  if (!hook || hook.clientId !== context.clientId) {
    return { status: 404, body: { status: 404, title: `Webhook with id [${id}] not found`, type: V3_ERROR_TYPE } };
  }
  const ok = (): SimResponse => ({ status: 200, body: { data: renderHook(hook, context.storeHash), meta: {} } });
  if (req.method === 'GET') return ok();
  if (req.method === 'PUT') return update(req.body, hook, context);
  if (req.method === 'DELETE') {
    context.hooks.remove(hook);
    return ok();
  }
  return v3Error(405, 'Method not allowed.');
}

function ownHooks(context: HooksContext): StoredHook[] {
  // A hook is visible only to the client (API account) that created it.
  return context.hooks.all().filter((hook) => hook.clientId === context.clientId);
}

function list(query: URLSearchParams, context: HooksContext): SimResponse {
  const page = intParam(query, 'page', 1);
  const limit = intParam(query, 'limit', 50);
  if (page === undefined || limit === undefined) {
    return v3Error(422, 'Invalid query parameters.', { [page === undefined ? 'page' : 'limit']: 'must be a positive integer' });
  }
  const isActive = boolParam(query, 'is_active');
  if (isActive === null) return v3Error(422, 'Invalid query parameters.', { is_active: 'must be true or false' });
  const scope = query.get('scope');
  const destination = query.get('destination');
  const matching = ownHooks(context)
    .filter((hook) => isActive === undefined || hook.isActive === isActive)
    .filter((hook) => scope === null || hook.scope === scope)
    .filter((hook) => destination === null || hook.destination === destination);
  return v3Page(
    matching.map((hook) => renderHook(hook, context.storeHash)),
    page,
    limit,
  );
}

function admin(query: URLSearchParams, context: HooksContext): SimResponse {
  const isActive = boolParam(query, 'is_active');
  if (isActive === null) return v3Error(422, 'Invalid query parameters.', { is_active: 'must be true or false' });
  const hooks = ownHooks(context).filter((hook) => isActive === undefined || hook.isActive === isActive);
  const status = (hook: StoredHook) => (hook.isActive ? 'active' : hook.deactivated ? 'deactivated' : 'inactive');
  return {
    status: 200,
    body: {
      data: {
        emails: [...context.hooks.emails],
        hooks_list: hooks.map((hook) => ({ ...renderHook(hook, context.storeHash), status: status(hook) })),
        // Domain blocklisting is not modelled, so nothing is ever blocked.
        blocked_domains: [],
      },
      meta: {},
    },
  };
}

function updateEmails(body: string, context: HooksContext): SimResponse {
  const parsed = parseBody(body);
  if ('error' in parsed) return parsed.error;
  const input = z.object({ emails: z.array(z.string().regex(/^[^@\s]+@[^@\s]+$/)) }).safeParse(parsed.ok);
  if (!input.success) return invalidData({ emails: 'must be a list of email addresses' });
  context.hooks.emails = input.data.emails;
  return { status: 204 };
}

function create(body: string, context: HooksContext): SimResponse {
  const parsed = parseBody(body);
  if ('error' in parsed) return parsed.error;
  const input = CREATE.safeParse(parsed.ok);
  if (!input.success) return schemaErrors(input.error, parsed.ok);
  const problem = check(input.data, undefined, context);
  if (problem) return problem;
  const now = unixSeconds(context.clock());
  const hook: StoredHook = {
    id: context.hooks.newId(),
    clientId: context.clientId,
    scope: input.data.scope,
    destination: input.data.destination,
    isActive: input.data.is_active ?? true,
    headers: normalizeHeaders(input.data.headers),
    createdAt: now,
    updatedAt: now,
    deactivated: false,
  };
  context.hooks.hooks.set(hook.id, hook);
  return { status: 200, body: { data: renderHook(hook, context.storeHash), meta: {} } };
}

function update(body: string, hook: StoredHook, context: HooksContext): SimResponse {
  const parsed = parseBody(body);
  if ('error' in parsed) return parsed.error;
  const input = UPDATE.safeParse(parsed.ok);
  if (!input.success) return schemaErrors(input.error, parsed.ok);
  const fields = input.data;
  if (Object.values(fields).every((value) => value === undefined)) {
    return invalidData({ body: 'At least one field is required to perform an update.' });
  }
  const problem = check(fields, hook, context);
  if (problem) return problem;
  hook.scope = fields.scope ?? hook.scope;
  hook.destination = fields.destination ?? hook.destination;
  if (fields.headers !== undefined) hook.headers = normalizeHeaders(fields.headers);
  if (fields.is_active !== undefined) {
    hook.isActive = fields.is_active;
    // Re-enabling is how a deactivated hook comes back; events missed meanwhile are not replayed.
    if (fields.is_active) hook.deactivated = false;
  }
  hook.updatedAt = unixSeconds(context.clock());
  // Switched off: whatever it still owed is dropped, and not replayed if it is switched back on.
  if (!hook.isActive) context.hooks.onStopped(hook.id);
  return { status: 200, body: { data: renderHook(hook, context.storeHash), meta: {} } };
}

/** The rules beyond the schema, for a create (`existing` undefined) or for a PUT of `existing`. */
function check(input: HookInput, existing: StoredHook | undefined, context: HooksContext): SimResponse | undefined {
  if (input.scope !== undefined) {
    const problem = scopeProblem(input.scope);
    if (problem) return invalidData({ scope: problem });
  }
  if (input.destination !== undefined) {
    const problem = destinationProblem(input.destination, context.allowInsecureDestinations);
    if (problem) return invalidData({ destination: problem });
  }
  if (input.headers) {
    for (const [name, value] of Object.entries(input.headers)) {
      try {
        validateHeaderName(name);
        validateHeaderValue(name, value);
      } catch {
        return invalidData({ [`headers.${name}`]: 'must be a valid HTTP header name and value' });
      }
    }
  }
  const scope = input.scope ?? existing?.scope ?? '';
  const destination = input.destination ?? existing?.destination ?? '';
  const others = ownHooks(context).filter((hook) => hook.id !== existing?.id && hook.scope === scope);
  if (others.some((hook) => hook.destination === destination)) {
    // Documented as a platform limit without its status code (UNCONFIRMED): 422 by default, 409 if configured.
    const title = 'A webhook with this scope and destination already exists.';
    return v3Error(context.conflictStatus, title, { destination: `${scope} is already delivered to ${destination}` });
  }
  if (others.length >= MAX_HOOKS_PER_SCOPE) {
    return invalidData({ scope: `at most ${MAX_HOOKS_PER_SCOPE} webhooks per scope are allowed` });
  }
  return undefined;
}

function destinationProblem(destination: string, allowInsecure: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    return 'must be an absolute URL';
  }
  if (allowInsecure) return url.protocol === 'https:' || url.protocol === 'http:' ? undefined : 'must be an http(s) URL';
  if (url.protocol !== 'https:') return 'must be an https URL';
  // The URL parser drops the default port, so an explicit :443 leaves port empty too.
  if (url.port !== '') return 'must be served on port 443; custom ports are not supported';
  return undefined;
}

function normalizeHeaders(headers: Record<string, string> | null | undefined): Record<string, string> | null {
  return headers && Object.keys(headers).length > 0 ? { ...headers } : null;
}

/** Zod issues as the v3 `errors` object; a missing required field reads `error.path.missing.` like the spec. */
function schemaErrors(error: z.ZodError, input: unknown): SimResponse {
  const given = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.join('.') || 'body';
    errors[path] = issue.path.length === 1 && given[String(issue.path[0])] === undefined ? 'error.path.missing.' : issue.message;
  }
  return invalidData(errors);
}

function intParam(query: URLSearchParams, name: string, fallback: number): number | undefined {
  const raw = query.get(name);
  if (raw === null) return fallback;
  return /^\d+$/.test(raw) && Number(raw) >= 1 ? Number(raw) : undefined;
}

/** undefined when absent, null when not a boolean. */
function boolParam(query: URLSearchParams, name: string): boolean | undefined | null {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  return null;
}
