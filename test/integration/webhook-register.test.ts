/**
 * `npm run webhook:register` against the BigCommerce simulator's /v3/hooks, with the platform's rules on
 * (https on port 443 only, one hook per scope and destination): it creates the order hooks, changes
 * nothing when run again, brings back a deactivated hook, and replaces a changed secret header. No callback is
 * ever sent: no order changes in these tests.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { BigCommerceClient } from '../../functions/adapters/bigcommerce/bigcommerce-client.ts';
import { BigCommerceSimulator } from '../../local/simulators/bigcommerce/bigcommerce-simulator.ts';
import { ORDER_SCOPES } from '../../functions/adapters/http/bigcommerce-webhook.ts';
import { registerWebhooks } from '../../operator/webhook-register.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

// A reserved name (RFC 2606): nothing could ever be delivered there.
const DESTINATION = 'https://hooks.example.invalid/webhooks/bigcommerce';
const SECRET = 'a-webhook-secret-of-some-length';
const HEADER = 'x-webhook-secret';

let bc: BigCommerceSimulator;
let client: BigCommerceClient;

beforeEach(async () => {
  bc = await BigCommerceSimulator.start({
    storeHash: 'abc123',
    accessToken: 'tok',
    allowInsecureDestinations: false,
    rateLimit: { quota: 1000, windowMs: 1000 },
  });
  // A page size of 2 makes listing three or more hooks page.
  client = new BigCommerceClient({ storeHash: 'abc123', accessToken: 'tok', apiUrl: bc.baseUrl, timeoutMs: 5000, pageSize: 2 });
});
afterEach(async () => bc.close());

const register = (options: { secret?: string; header?: string; destination?: string; dryRun?: boolean } = {}) =>
  registerWebhooks({
    client,
    destination: options.destination ?? DESTINATION,
    secretHeader: options.header ?? HEADER,
    secret: options.secret ?? SECRET,
    dryRun: options.dryRun ?? false,
  });

const writes = () => bc.server.log.filter((entry) => entry.method !== 'GET');

test('the first run creates the order hooks (orders, statuses, refunds, payments), active, with the secret header', async () => {
  const { plan, hooks } = await register();
  expect(plan.map((step) => step.action)).toEqual(ORDER_SCOPES.map(() => 'create'));
  expect(bc.webhooks()).toEqual(
    ORDER_SCOPES.map((scope) => expect.objectContaining({ scope, destination: DESTINATION, is_active: true, headers: { [HEADER]: SECRET } })),
  );
  expect(hooks.map((hook) => hook.id).sort()).toEqual(
    bc
      .webhooks()
      .map((hook) => hook.id)
      .sort(),
  );
});

test('a second run changes nothing', async () => {
  await register();
  const before = bc.webhooks();
  bc.server.resetLog();
  const { plan } = await register();
  expect(plan.map((step) => step.action)).toEqual(ORDER_SCOPES.map(() => 'unchanged'));
  expect(writes()).toEqual([]);
  expect(bc.webhooks()).toEqual(before);
});

test('a deactivated hook is re-activated, the others left alone', async () => {
  await register();
  const statusHook = bc.webhooks().find((hook) => hook.scope === 'store/order/statusUpdated')!;
  await client.updateHook(statusHook.id, { isActive: false });
  bc.server.resetLog();
  const { plan } = await register();
  expect(plan).toEqual(
    ORDER_SCOPES.map((scope) =>
      scope === 'store/order/statusUpdated'
        ? { scope, action: 'update', hookId: statusHook.id, reasons: ['re-activated'] }
        : expect.objectContaining({ scope, action: 'unchanged' }),
    ),
  );
  expect(writes()).toEqual([expect.objectContaining({ method: 'PUT', path: `/stores/abc123/v3/hooks/${statusHook.id}`, status: 200 })]);
  expect(bc.webhooks().every((hook) => hook.is_active)).toBe(true);
  expect(bc.webhooks()).toHaveLength(ORDER_SCOPES.length);
});

test('a new secret or header name replaces the header on every hook, without creating any', async () => {
  await register();
  const { plan } = await register({ secret: 'a-rotated-webhook-secret-value', header: 'x-bc-secret' });
  expect(plan.map((step) => [step.action, step.reasons])).toEqual(ORDER_SCOPES.map(() => ['update', ['secret header replaced']]));
  expect(bc.webhooks().map((hook) => hook.headers)).toEqual(ORDER_SCOPES.map(() => ({ 'x-bc-secret': 'a-rotated-webhook-secret-value' })));
});

test('hooks for other scopes or destinations are kept, and listed', async () => {
  const other = await client.createHook({
    scope: 'store/order/created',
    destination: 'https://old.example.invalid/hook',
    isActive: true,
    headers: { [HEADER]: 'old-secret-000000' },
  });
  const product = await client.createHook({ scope: 'store/product/updated', destination: DESTINATION, isActive: true, headers: {} });
  const { hooks } = await register();
  expect(hooks.map((hook) => hook.id)).toEqual(expect.arrayContaining([other.id, product.id]));
  expect(hooks).toHaveLength(ORDER_SCOPES.length + 2); // listed across pages of two
  expect(bc.webhooks().find((hook) => hook.id === other.id)).toMatchObject({ destination: 'https://old.example.invalid/hook', is_active: true });
});

test('a dry run plans without writing', async () => {
  const { plan, hooks } = await register({ dryRun: true });
  expect(plan.map((step) => step.action)).toEqual(ORDER_SCOPES.map(() => 'create'));
  expect(hooks).toEqual([]);
  expect(writes()).toEqual([]);
});

describe('the npm script', () => {
  const env = () => ({
    PATH: process.env.PATH,
    BIGCOMMERCE_STORE_HASH: 'abc123',
    BIGCOMMERCE_ACCESS_TOKEN: 'tok',
    BIGCOMMERCE_API_URL: bc.baseUrl,
    WEBHOOK_SECRET: SECRET,
  });
  const script = (args: string[]) => run(process.execPath, [path.join(ROOT, 'operator/webhook-register.ts'), ...args], { env: env(), cwd: ROOT });

  test('registers, then reports nothing to change; never prints the secret', async () => {
    const first = await script(['--url', DESTINATION]);
    expect(first.stdout).toMatch(/store\/order\/created\s+created \(hook \d+\)/);
    expect(first.stdout).toContain(`Webhooks of this API account now:`);
    expect(first.stdout).not.toContain(SECRET);
    const second = await script(['--url', DESTINATION]);
    expect(second.stdout.match(/unchanged/g)).toHaveLength(ORDER_SCOPES.length);
    expect(bc.webhooks()).toHaveLength(ORDER_SCOPES.length);
  });

  test('refuses a destination BigCommerce would not deliver to, and missing settings, with exit code 2', async () => {
    await expect(script(['--url', 'http://hooks.example.invalid/x'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('https on port 443') });
    await expect(script([])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--url is required') });
    await expect(
      run(process.execPath, [path.join(ROOT, 'operator/webhook-register.ts'), '--url', DESTINATION], { env: { ...env(), WEBHOOK_SECRET: 'short' }, cwd: ROOT }),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('WEBHOOK_SECRET: must be at least 16 characters'),
    });
    expect(writes()).toEqual([]);
  });
});
