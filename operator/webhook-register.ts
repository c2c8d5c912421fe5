/**
 * `npm run webhook:register -- --url <webhook URL> [--dry-run]`
 *
 * Points the store's order webhooks (store/order/created, updated, statusUpdated, refund/created and
 * transaction/created: ORDER_SCOPES) at the deployed endpoint with
 * the shared-secret header, idempotently: a hook for the same scope and destination is kept, and updated only
 * when it is inactive (BigCommerce deactivates a hook whose deliveries kept failing) or carries another header;
 * a missing one is created. Then lists every hook of the API account. Exits 1 when BigCommerce refuses, 2 on
 * bad arguments or settings.
 *
 * Reads BIGCOMMERCE_STORE_HASH, BIGCOMMERCE_ACCESS_TOKEN, BIGCOMMERCE_API_URL, WEBHOOK_SECRET and
 * WEBHOOK_SECRET_HEADER from the environment; with BIGCOMMERCE_SECRET_ARN and WEBHOOK_SECRET_ARN (or a pre-split
 * APP_SECRET_ARN) set, and AWS credentials, the token and the
 * webhook secret come from the deployed secret instead, as they do for the functions.
 */
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { BigCommerceClient, type HookInput } from '../functions/adapters/bigcommerce/bigcommerce-client.ts';
import type { WireHook } from '../functions/adapters/bigcommerce/bigcommerce-schemas.ts';
import { resolveEnv } from '../functions/common/secrets.ts';
// The scopes the webhook function turns into queued orders.
import { ORDER_SCOPES } from '../functions/adapters/http/bigcommerce-webhook.ts';

export interface HookPlan {
  scope: string;
  action: 'create' | 'update' | 'unchanged';
  /** The existing hook, for update and unchanged. */
  hookId?: number;
  /** Why an update is needed. */
  reasons: string[];
}

/** What has to change for every order scope to be delivered, active, to `destination` with exactly `headers`. */
export function planHooks(existing: readonly WireHook[], destination: string, headers: Record<string, string>): HookPlan[] {
  return ORDER_SCOPES.map((scope) => {
    const hook = existing.find((candidate) => candidate.scope === scope && candidate.destination === destination);
    if (!hook) return { scope, action: 'create', reasons: [] };
    const reasons = [];
    if (!hook.is_active) reasons.push('re-activated');
    if (!sameHeaders(hook.headers ?? {}, headers)) reasons.push('secret header replaced');
    return { scope, action: reasons.length > 0 ? 'update' : 'unchanged', hookId: hook.id, reasons };
  });
}

function sameHeaders(a: Record<string, string>, b: Record<string, string>): boolean {
  const lower = (headers: Record<string, string>) =>
    JSON.stringify(
      Object.entries(headers)
        .map(([name, value]) => [name.toLowerCase(), value])
        .sort(),
    );
  return lower(a) === lower(b);
}

export interface RegisterOptions {
  client: BigCommerceClient;
  destination: string;
  secretHeader: string;
  secret: string;
  dryRun?: boolean;
}

export interface RegisterResult {
  plan: HookPlan[];
  /** Every hook of the API account afterwards (before, on a dry run). */
  hooks: WireHook[];
}

export async function registerWebhooks(options: RegisterOptions): Promise<RegisterResult> {
  const headers = { [options.secretHeader]: options.secret };
  const plan = planHooks(await options.client.listHooks(), options.destination, headers);
  if (options.dryRun) return { plan, hooks: await options.client.listHooks() };
  for (const step of plan) {
    const input: HookInput = { scope: step.scope, destination: options.destination, isActive: true, headers };
    if (step.action === 'create') step.hookId = (await options.client.createHook(input)).id;
    if (step.action === 'update') await options.client.updateHook(step.hookId!, { isActive: true, headers });
  }
  return { plan, hooks: await options.client.listHooks() };
}

/** The hooks as a table; header names only, never their values (one is the secret). */
export function formatHooks(hooks: readonly WireHook[]): string {
  const rows = [
    ['ID', 'Scope', 'Active', 'Destination', 'Headers'],
    ...hooks.map((hook) => [String(hook.id), hook.scope, hook.is_active ? 'yes' : 'no', hook.destination, Object.keys(hook.headers ?? {}).join(', ')]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatPlan(plan: readonly HookPlan[], dryRun: boolean): string {
  const verb = { create: dryRun ? 'would create' : 'created', update: dryRun ? 'would update' : 'updated', unchanged: 'unchanged' };
  const width = Math.max(...plan.map((step) => step.scope.length));
  return plan
    .map(
      (step) =>
        `  ${step.scope.padEnd(width)}  ${verb[step.action]}${step.hookId ? ` (hook ${step.hookId}${step.reasons.length ? `: ${step.reasons.join(', ')}` : ''})` : ''}`,
    )
    .join('\n');
}

const settingsSchema = z.object({
  BIGCOMMERCE_STORE_HASH: z.string().regex(/^[a-z0-9]+$/i, 'must be the store hash (letters and digits)'),
  BIGCOMMERCE_ACCESS_TOKEN: z.string().min(1),
  BIGCOMMERCE_API_URL: z.url().default('https://api.bigcommerce.com'),
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters (the webhook function refuses shorter ones)'),
  WEBHOOK_SECRET_HEADER: z
    .string()
    .regex(/^[a-z0-9-]+$/i, 'must be an HTTP header name')
    .default('x-webhook-secret'),
});

const USAGE = 'usage: npm run webhook:register -- --url https://<api id>.execute-api.<region>.amazonaws.com/webhooks/bigcommerce [--dry-run]';

function fail(message: string): never {
  console.error(`webhook:register: ${message}\n${USAGE}`);
  process.exit(2);
}

/** BigCommerce delivers only to https on port 443; saying so here beats its 422. */
function checkDestination(url: string | undefined): string {
  if (!url) fail('--url is required: the stack output WebhookUrl');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    fail(`--url is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'https:' || parsed.port !== '') fail(`--url must be https on port 443 (BigCommerce delivers nowhere else): ${url}`);
  return url;
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({ options: { url: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } }).values;
  } catch (error) {
    fail((error as Error).message);
  }
  const destination = checkDestination(args.url);
  const parsed = settingsSchema.safeParse(await resolveEnv());
  if (!parsed.success) fail(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  const settings = parsed.data;
  const client = new BigCommerceClient({
    storeHash: settings.BIGCOMMERCE_STORE_HASH,
    accessToken: settings.BIGCOMMERCE_ACCESS_TOKEN,
    apiUrl: settings.BIGCOMMERCE_API_URL.replace(/\/+$/, ''),
    timeoutMs: 15_000,
    pageSize: 250,
  });
  const dryRun = args['dry-run'];
  console.log(
    `${dryRun ? 'Dry run: o' : 'O'}rder webhooks of store ${settings.BIGCOMMERCE_STORE_HASH} → ${destination} (header ${settings.WEBHOOK_SECRET_HEADER})`,
  );
  const { plan, hooks } = await registerWebhooks({
    client,
    destination,
    secretHeader: settings.WEBHOOK_SECRET_HEADER,
    secret: settings.WEBHOOK_SECRET,
    dryRun,
  });
  console.log(formatPlan(plan, dryRun));
  console.log(`\nWebhooks of this API account${dryRun ? '' : ' now'}:\n${hooks.length > 0 ? formatHooks(hooks) : '(none)'}`);
  const elsewhere = hooks.filter((hook) => (ORDER_SCOPES as readonly string[]).includes(hook.scope) && hook.destination !== destination && hook.is_active);
  if (elsewhere.length > 0) {
    console.log(
      `\nNote: ${elsewhere.length} active order webhook(s) deliver elsewhere (an earlier deployment?); if they are stale, delete them (DELETE /v3/hooks/{id} with this API account).`,
    );
  }
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    console.error(`webhook:register failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
