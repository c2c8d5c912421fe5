/**
 * The BigCommerce simulator's webhooks over real HTTP: management at /v3/hooks, and delivery to a tiny node:http
 * receiver — envelopes, custom headers, status events, retries on the (scaled) schedule, deactivation,
 * duplicates, wildcards and Standard Webhooks signatures. Checked against the documented behaviour.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BigCommerceSimulator,
  RETRY_SCHEDULE_SECONDS,
  type BigCommerceSimulatorOptions,
  type SeedOrder,
} from '../../../local/simulators/bigcommerce/bigcommerce-simulator.ts';
import { demoStore } from '../../../local/simulators/bigcommerce/fixtures/demo-store.ts';
import { waitUntil } from '../../support/wait-until.ts';

const TOKEN = 'sim-token';
const SEED = demoStore[0] as SeedOrder;
const NOW = Date.parse('2025-04-01T00:00:00Z');

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
  at: number;
}

interface Receiver {
  url: string;
  received: Received[];
  close: () => Promise<void>;
}

/** A destination that records every callback and answers with `respond(n)` for the n-th (0-based) one. */
async function startReceiver(respond: (n: number) => number | 'hang' = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const answer = respond(received.length);
      received.push({ headers: req.headers, raw, body: JSON.parse(raw), at: Date.now() });
      if (answer === 'hang') return;
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/bc/webhooks`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const started: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  for (const thing of started.splice(0)) await thing.close();
});

async function store(options: BigCommerceSimulatorOptions = {}): Promise<BigCommerceSimulator> {
  const bc = await BigCommerceSimulator.start({
    accessToken: TOKEN,
    clock: () => NOW,
    allowInsecureDestinations: true,
    rateLimit: { quota: 10_000, windowMs: 30_000 },
    ...options,
  });
  started.push(bc);
  return bc;
}

async function receiver(respond?: (n: number) => number | 'hang'): Promise<Receiver> {
  const r = await startReceiver(respond);
  started.push(r);
  return r;
}

async function api(bc: BigCommerceSimulator, path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const res = await fetch(`${bc.v3Url}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'X-Auth-Token': init.token ?? TOKEN, Accept: 'application/json', 'Content-Type': 'application/json' },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { res, body: text === '' ? undefined : (JSON.parse(text) as any) };
}

async function hook(bc: BigCommerceSimulator, scope: string, destination: string, headers?: Record<string, string>): Promise<number> {
  const { res, body } = await api(bc, '/hooks', { method: 'POST', body: { scope, destination, is_active: true, ...(headers ? { headers } : {}) } });
  expect(res.status).toBe(200);
  return body.data.id as number;
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const scopes = (r: Receiver) => r.received.map((entry) => entry.body.scope as string).sort();

describe('management API (/v3/hooks)', () => {
  test('create answers 200 with the full hook in a {data, meta} envelope; times are unix seconds', async () => {
    const bc = await store({ clientId: 'client-abc', storeHash: 'abc123' });
    const { res, body } = await api(bc, '/hooks', {
      method: 'POST',
      body: { scope: 'store/order/created', destination: 'https://example.com/hooks', headers: { 'x-secret': 's3cret' } },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-rate-limit-requests-quota')).toBe('10000');
    expect(body).toEqual({
      data: {
        id: expect.any(Number),
        client_id: 'client-abc',
        store_hash: 'abc123',
        scope: 'store/order/created',
        destination: 'https://example.com/hooks',
        is_active: true,
        headers: { 'x-secret': 's3cret' },
        created_at: NOW / 1000,
        updated_at: NOW / 1000,
      },
      meta: {},
    });
    // No custom headers reads back as null.
    const bare = await api(bc, '/hooks', {
      method: 'POST',
      body: { scope: 'store/order/updated', destination: 'https://example.com/hooks', is_active: false },
    });
    expect(bare.body.data).toMatchObject({ headers: null, is_active: false });
    expect(bc.webhooks().map((h) => h.scope)).toEqual(['store/order/created', 'store/order/updated']);
  });

  test('missing or invalid fields are 422 in the v3 shape; bad JSON is 400; no token is 401', async () => {
    const bc = await store();
    const missing = await api(bc, '/hooks', { method: 'POST', body: { scope: 'store/order/created' } });
    expect(missing.res.status).toBe(422);
    expect(missing.body).toMatchObject({
      status: 422,
      title: 'JSON data is missing or invalid',
      type: expect.any(String),
      errors: { destination: 'error.path.missing.' },
    });
    for (const body of [
      { scope: 'store/order/create', destination: 'https://example.com/x' },
      { scope: 'orders', destination: 'https://example.com/x' },
      { scope: 'store/order/created', destination: 'not a url' },
      { scope: 'store/order/created', destination: 'https://example.com/x', is_active: 'yes' },
      { scope: 'store/order/created', destination: 'https://example.com/x', headers: { 'bad header': 'x' } },
    ]) {
      const { res, body: error } = await api(bc, '/hooks', { method: 'POST', body });
      expect(res.status).toBe(422);
      expect(Object.keys(error.errors)).toHaveLength(1);
    }
    const syntax = await api(bc, '/hooks', { method: 'POST', body: '{"scope":' });
    expect(syntax.res.status).toBe(400);
    const anonymous = await api(bc, '/hooks', { token: 'wrong' });
    expect(anonymous.res.status).toBe(401);
    expect(bc.webhooks()).toEqual([]);
  });

  test('destinations must be https on port 443 unless allowInsecureDestinations is set', async () => {
    const strict = await store({ allowInsecureDestinations: false });
    for (const destination of ['http://example.com/hooks', 'https://example.com:8443/hooks', 'http://127.0.0.1:4000/hooks', 'ftp://example.com/x']) {
      const { res, body } = await api(strict, '/hooks', { method: 'POST', body: { scope: 'store/order/created', destination } });
      expect(res.status).toBe(422);
      expect(body.errors.destination).toEqual(expect.any(String));
    }
    const explicit443 = await api(strict, '/hooks', { method: 'POST', body: { scope: 'store/order/created', destination: 'https://example.com:443/hooks' } });
    expect(explicit443.res.status).toBe(200);
    // A PUT can't sneak an insecure destination in either.
    const put = await api(strict, `/hooks/${explicit443.body.data.id}`, { method: 'PUT', body: { destination: 'http://example.com/hooks' } });
    expect(put.res.status).toBe(422);

    const local = await store({ allowInsecureDestinations: true });
    const ok = await api(local, '/hooks', { method: 'POST', body: { scope: 'store/order/created', destination: 'http://127.0.0.1:4000/hooks' } });
    expect(ok.res.status).toBe(200);
  });

  test('one hook per (scope, destination) — 422 by default, 409 if configured — and at most 10 per scope', async () => {
    const bc = await store();
    await hook(bc, 'store/order/created', 'https://example.com/a');
    const dup = await api(bc, '/hooks', { method: 'POST', body: { scope: 'store/order/created', destination: 'https://example.com/a' } });
    expect(dup.res.status).toBe(422);
    expect(dup.body).toMatchObject({ status: 422, errors: { destination: expect.any(String) } });
    // Same destination, other scope is fine.
    await hook(bc, 'store/order/updated', 'https://example.com/a');
    for (let i = 1; i < 10; i += 1) await hook(bc, 'store/order/created', `https://example.com/${i}`);
    const eleventh = await api(bc, '/hooks', { method: 'POST', body: { scope: 'store/order/created', destination: 'https://example.com/11' } });
    expect(eleventh.res.status).toBe(422);
    expect(eleventh.body.errors.scope).toEqual(expect.any(String));
    // Moving a hook onto an existing (scope, destination) by PUT is the same conflict.
    const other = bc.webhooks().find((h) => h.scope === 'store/order/updated');
    const moved = await api(bc, `/hooks/${other?.id}`, { method: 'PUT', body: { scope: 'store/order/created' } });
    expect(moved.res.status).toBe(422);

    const conflicting = await store({ hookConflictStatus: 409 });
    await hook(conflicting, 'store/order/created', 'https://example.com/a');
    const conflict = await api(conflicting, '/hooks', { method: 'POST', body: { scope: 'store/order/created', destination: 'https://example.com/a' } });
    expect(conflict.res.status).toBe(409);
  });

  test('list filters and pages; get, put and delete by id; unknown ids are the documented 404', async () => {
    const bc = await store();
    const a = await hook(bc, 'store/order/created', 'https://example.com/a');
    const b = await hook(bc, 'store/order/updated', 'https://example.com/a');
    const c = await hook(bc, 'store/order/updated', 'https://example.com/c');

    const all = await api(bc, '/hooks');
    expect(all.body.data.map((h: any) => h.id)).toEqual([a, b, c]);
    expect(all.body.meta.pagination).toMatchObject({ total: 3, count: 3, current_page: 1, total_pages: 1 });
    expect((await api(bc, '/hooks?scope=store/order/updated')).body.data.map((h: any) => h.id)).toEqual([b, c]);
    expect((await api(bc, `/hooks?destination=${encodeURIComponent('https://example.com/c')}`)).body.data.map((h: any) => h.id)).toEqual([c]);
    const paged = await api(bc, '/hooks?page=2&limit=2');
    expect(paged.body.data.map((h: any) => h.id)).toEqual([c]);
    expect(paged.body.meta.pagination).toMatchObject({ total: 3, count: 1, per_page: 2, current_page: 2, total_pages: 2 });
    expect((await api(bc, '/hooks?is_active=maybe')).res.status).toBe(422);

    const updated = await api(bc, `/hooks/${b}`, { method: 'PUT', body: { is_active: false, headers: { 'x-k': 'v' } } });
    expect(updated.res.status).toBe(200);
    expect(updated.body.data).toMatchObject({ id: b, is_active: false, headers: { 'x-k': 'v' }, scope: 'store/order/updated' });
    expect((await api(bc, '/hooks?is_active=false')).body.data.map((h: any) => h.id)).toEqual([b]);
    expect((await api(bc, `/hooks/${b}`, { method: 'PUT', body: {} })).res.status).toBe(422);
    expect((await api(bc, `/hooks/${b}`)).body.data.headers).toEqual({ 'x-k': 'v' });

    const deleted = await api(bc, `/hooks/${a}`, { method: 'DELETE' });
    expect(deleted.res.status).toBe(200);
    expect(deleted.body).toMatchObject({ data: { id: a, scope: 'store/order/created' }, meta: {} });
    const gone = await api(bc, `/hooks/${a}`);
    expect(gone.res.status).toBe(404);
    expect(gone.body).toMatchObject({ status: 404, title: `Webhook with id [${a}] not found` });
    expect((await api(bc, `/hooks/${a}`, { method: 'DELETE' })).res.status).toBe(404);
  });
});

describe('delivery', () => {
  test('addOrder → store/order/created with the custom header, JSON content type and the documented envelope', async () => {
    const r = await receiver();
    const bc = await store({ storeHash: 'abc123', storeId: '1001197568' });
    const hookId = await hook(bc, 'store/order/created', r.url, { 'X-Shared-Secret': 'open-sesame' });
    const id = bc.addOrder(SEED);
    // Asynchronous: nothing has been sent when addOrder returns.
    expect(r.received).toHaveLength(0);
    await bc.flushWebhooks();

    expect(r.received).toHaveLength(1);
    const [callback] = r.received;
    expect(callback?.headers['x-shared-secret']).toBe('open-sesame');
    expect(callback?.headers['content-type']).toBe('application/json');
    expect(callback?.headers['webhook-signature']).toBeUndefined();
    expect(callback?.body).toEqual({
      scope: 'store/order/created',
      store_id: '1001197568',
      data: { type: 'order', id },
      hash: sha1(JSON.stringify({ type: 'order', id })),
      created_at: NOW / 1000,
      producer: 'stores/abc123',
    });
    expect(bc.webhookDeliveries).toEqual([
      expect.objectContaining({ hookId, scope: 'store/order/created', orderId: id, attempt: 1, ok: true, status: 200, duplicate: false }),
    ]);
  });

  test('a status change fires updated and statusUpdated (previous/new ids); other edits fire updated only', async () => {
    const r = await receiver();
    const bc = await store();
    await hook(bc, 'store/order/updated', r.url);
    await hook(bc, 'store/order/statusUpdated', r.url);
    const id = bc.addOrder(SEED);
    const before = bc.getOrder(id)?.status_id;

    bc.updateOrderStatus(id, 2);
    await bc.flushWebhooks();
    expect(scopes(r)).toEqual(['store/order/statusUpdated', 'store/order/updated']);
    const status = r.received.find((entry) => entry.body.scope === 'store/order/statusUpdated');
    expect(status?.body.data).toEqual({ type: 'order', id, status: { previous_status_id: before, new_status_id: 2 } });
    expect(status?.body.hash).toBe(sha1(JSON.stringify(status?.body.data)));
    expect(r.received.find((entry) => entry.body.scope === 'store/order/updated')?.body.data).toEqual({ type: 'order', id });

    // The same over the API.
    r.received.length = 0;
    const put = await fetch(`${bc.v2Url}/orders/${id}`, {
      method: 'PUT',
      headers: { 'X-Auth-Token': TOKEN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ status_id: 5 }),
    });
    expect(put.status).toBe(200);
    await bc.flushWebhooks();
    expect(scopes(r)).toEqual(['store/order/statusUpdated', 'store/order/updated']);
    expect(r.received.find((entry) => entry.body.scope === 'store/order/statusUpdated')?.body.data.status).toEqual({ previous_status_id: 2, new_status_id: 5 });

    // Staff notes, or a PUT of the status it already has: updated, no statusUpdated.
    r.received.length = 0;
    for (const body of [{ staff_notes: 'called the customer' }, { status_id: 5 }]) {
      await fetch(`${bc.v2Url}/orders/${id}`, {
        method: 'PUT',
        headers: { 'X-Auth-Token': TOKEN, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    }
    await bc.flushWebhooks();
    expect(scopes(r)).toEqual(['store/order/updated', 'store/order/updated']);
    // Same event data, so the same hash: the hash identifies an event's content, not one occurrence.
    expect(new Set(r.received.map((entry) => entry.body.hash)).size).toBe(1);
  });

  test('metafield writes fire store/order/metafield/* with a string resource_id; store/order/* hears everything', async () => {
    const r = await receiver();
    // Opted out of the default (metafield writes touch the order) to see the metafield events alone.
    const bc = await store({ metafieldWritesTouchOrder: false });
    await hook(bc, 'store/order/*', r.url);
    const id = bc.addOrder(SEED);
    const created = await api(bc, `/orders/${id}/metafields`, {
      method: 'POST',
      body: { namespace: 'sync', key: 'netsuite_id', value: '42', permission_set: 'app_only' },
    });
    expect(created.res.status).toBe(200);
    const metafieldId = created.body.data.id as number;
    await api(bc, `/orders/${id}/metafields/${metafieldId}`, { method: 'PUT', body: { value: '43' } });
    await api(bc, `/orders/${id}/metafields/${metafieldId}`, { method: 'DELETE' });
    bc.updateOrderStatus(id, 10);
    await bc.flushWebhooks();

    expect(scopes(r)).toEqual([
      'store/order/created',
      'store/order/metafield/created',
      'store/order/metafield/deleted',
      'store/order/metafield/updated',
      'store/order/statusUpdated',
      'store/order/updated',
    ]);
    // Metafield writes are not order modifications unless metafieldWritesTouchOrder says so.
    for (const entry of r.received.filter((e) => e.body.scope.startsWith('store/order/metafield/'))) {
      expect(entry.body.data).toEqual({ metafield_id: metafieldId, resource_id: String(id) });
    }
  });

  test('store/metafield/* also hears order metafields, with resource_type; inactive and other-scope hooks hear nothing', async () => {
    const r = await receiver();
    const quiet = await receiver();
    const bc = await store({ metafieldWritesTouchOrder: true });
    await hook(bc, 'store/metafield/*', r.url);
    await hook(bc, 'store/order/updated', r.url);
    await hook(bc, 'store/product/created', quiet.url);
    await api(bc, '/hooks', { method: 'POST', body: { scope: 'store/order/*', destination: quiet.url, is_active: false } });
    const id = bc.addOrder(SEED);
    await api(bc, `/orders/${id}/metafields`, { method: 'POST', body: { namespace: 'n', key: 'k', value: 'v', permission_set: 'app_only' } });
    await bc.flushWebhooks();
    expect(scopes(r)).toEqual(['store/metafield/created', 'store/order/updated']);
    expect(r.received.find((e) => e.body.scope === 'store/metafield/created')?.body.data).toEqual({
      metafield_id: expect.any(Number),
      resource_id: String(id),
      resource_type: 'order',
    });
    expect(quiet.received).toHaveLength(0);
  });

  test('500, 500, then 200: three attempts on the scaled schedule, then success', async () => {
    const r = await receiver((n) => (n < 2 ? 500 : 200));
    const bc = await store({ webhookRetryScale: 0.001 });
    await hook(bc, 'store/order/created', r.url);
    const id = bc.addOrder(SEED);
    await bc.flushWebhooks();

    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((entry) => entry.raw)).size).toBe(1);
    expect(bc.webhookDeliveries.map(({ attempt, status, ok }) => ({ attempt, status, ok }))).toEqual([
      { attempt: 1, status: 500, ok: false },
      { attempt: 2, status: 500, ok: false },
      { attempt: 3, status: 200, ok: true },
    ]);
    const [first, second, third] = r.received.map((entry) => entry.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(60 - 5);
    expect(third - second).toBeGreaterThanOrEqual(180 - 5);
    expect(bc.webhooks()[0]?.is_active).toBe(true);
    expect(bc.webhookDeliveries.every((d) => d.orderId === id)).toBe(true);
  });

  test('a receiver that always fails is tried 12 times (11 retries), then the hook is deactivated', async () => {
    const r = await receiver(() => 503);
    const bc = await store({ webhookRetryScale: 0.00001 });
    const hookId = await hook(bc, 'store/order/created', r.url);
    bc.addOrder(SEED);
    await bc.flushWebhooks();

    expect(RETRY_SCHEDULE_SECONDS).toEqual([60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400, 86400]);
    expect(r.received).toHaveLength(12);
    expect(bc.webhookDeliveries.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(bc.webhookDeliveries.at(-1)).toMatchObject({ ok: false, status: 503, deactivated: true });
    const got = await api(bc, `/hooks/${hookId}`);
    expect(got.body.data.is_active).toBe(false);
    const admin = await api(bc, '/hooks/admin');
    expect(admin.body.data.hooks_list).toEqual([expect.objectContaining({ id: hookId, status: 'deactivated' })]);

    // Deactivated: new events are not sent, and missed ones are not replayed after re-enabling.
    bc.addOrder(SEED);
    await bc.flushWebhooks();
    expect(r.received).toHaveLength(12);
    const enabled = await api(bc, `/hooks/${hookId}`, { method: 'PUT', body: { is_active: true } });
    expect(enabled.body.data.is_active).toBe(true);
    await bc.flushWebhooks();
    expect(r.received).toHaveLength(12);
  });

  test('3xx, timeouts and refused connections are failures too', async () => {
    const redirect = await receiver(() => 302);
    const hang = await receiver((n) => (n === 0 ? 'hang' : 204));
    const dead = await receiver();
    await dead.close();
    // A timeout long enough for a loaded machine to answer the others in time; the hung one never answers.
    const bc = await store({ webhookRetryScale: 0.0005, webhookTimeoutMs: 1000 });
    await hook(bc, 'store/order/created', redirect.url);
    await hook(bc, 'store/order/updated', hang.url);
    await hook(bc, 'store/order/statusUpdated', dead.url);
    const id = bc.addOrder(SEED);
    bc.updateOrderStatus(id, 2);
    // Stop before the whole schedule runs out: only the first attempts (and the hung one's retry) matter here.
    const delivery = (scope: string, attempt: number) => bc.webhookDeliveries.find((d) => d.scope === scope && d.attempt === attempt);
    await waitUntil(
      () => delivery('store/order/updated', 2) && delivery('store/order/created', 1) && delivery('store/order/statusUpdated', 1),
      'the deliveries',
    );
    expect(delivery('store/order/created', 1)).toMatchObject({ ok: false, status: 302 });
    expect(delivery('store/order/updated', 1)).toMatchObject({ ok: false, error: 'timeout after 1000 ms' });
    expect(delivery('store/order/statusUpdated', 1)).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
    // The hung one succeeds on its retry (after 60 s × 0.0005 = 30 ms).
    expect(delivery('store/order/updated', 2)).toMatchObject({ ok: true, status: 204 });
  });

  test('webhookDuplicateRate 1 delivers every event twice with the same body and hash', async () => {
    const r = await receiver();
    const bc = await store({ webhookDuplicateRate: 1, webhookSigningSecret: 'plain-secret' });
    await hook(bc, 'store/order/*', r.url);
    const id = bc.addOrder(SEED);
    bc.updateOrderStatus(id, 2);
    await bc.flushWebhooks();

    expect(r.received).toHaveLength(6);
    const byScope = new Map<string, Received[]>();
    for (const entry of r.received) byScope.set(entry.body.scope, [...(byScope.get(entry.body.scope) ?? []), entry]);
    expect([...byScope.keys()].sort()).toEqual(['store/order/created', 'store/order/statusUpdated', 'store/order/updated']);
    for (const copies of byScope.values()) {
      expect(copies).toHaveLength(2);
      expect(copies[0]?.raw).toBe(copies[1]?.raw);
      expect(copies[0]?.headers['webhook-id']).toBe(copies[1]?.headers['webhook-id']);
    }
    expect(bc.webhookDeliveries.filter((d) => d.duplicate)).toHaveLength(3);
  });

  test('duplicate injection follows the injected random source', async () => {
    const r = await receiver();
    const rolls = [0.1, 0.9];
    const bc = await store({ webhookDuplicateRate: 0.5, random: () => rolls.shift() ?? 0.9 });
    await hook(bc, 'store/order/created', r.url);
    bc.addOrder(SEED);
    bc.addOrder(SEED);
    await bc.flushWebhooks();
    expect(r.received.map((entry) => entry.body.data.id).sort()).toEqual([100, 100, 101]);
  });

  test('with a signing secret, Standard Webhooks headers verify; the id stays the same across retries', async () => {
    const raw = Buffer.from('0123456789abcdef0123456789abcdef');
    const secret = `whsec_${raw.toString('base64')}`;
    const r = await receiver((n) => (n === 0 ? 500 : 200));
    const bc = await store({ webhookSigningSecret: secret, webhookRetryScale: 0.001 });
    await hook(bc, 'store/order/created', r.url);
    bc.addOrder(SEED);
    await bc.flushWebhooks();

    expect(r.received).toHaveLength(2);
    for (const { headers, raw: body } of r.received) {
      const id = headers['webhook-id'] as string;
      const timestamp = headers['webhook-timestamp'] as string;
      expect(id).toMatch(/^msg_/);
      expect(timestamp).toBe(String(NOW / 1000));
      const expected = createHmac('sha256', raw).update(`${id}.${timestamp}.${body}`).digest('base64');
      expect(headers['webhook-signature']).toBe(`v1,${expected}`);
    }
    expect(r.received[0]?.headers['webhook-id']).toBe(r.received[1]?.headers['webhook-id']);

    // A secret without the prefix is used as its UTF-8 bytes.
    const plain = await receiver();
    const other = await store({ webhookSigningSecret: 'not-base64!' });
    await hook(other, 'store/order/created', plain.url);
    other.addOrder(SEED);
    await other.flushWebhooks();
    const [callback] = plain.received;
    const expected = createHmac('sha256', Buffer.from('not-base64!'))
      .update(`${callback?.headers['webhook-id']}.${callback?.headers['webhook-timestamp']}.${callback?.raw}`)
      .digest('base64');
    expect(callback?.headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  test('pause holds deliveries until resume; deleting or switching off a hook drops its pending retries', async () => {
    const r = await receiver((n) => (n === 0 ? 200 : 500));
    const bc = await store();
    const hookId = await hook(bc, 'store/order/created', r.url);
    bc.pauseWebhooks();
    bc.addOrder(SEED);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(r.received).toHaveLength(0);
    await expect(bc.flushWebhooks()).rejects.toThrow(/paused/);
    bc.resumeWebhooks();
    await bc.flushWebhooks();
    expect(r.received).toHaveLength(1);

    // The next callbacks fail; their retries are 60 real seconds away at scale 1.
    const other = await hook(bc, 'store/order/updated', r.url);
    const id = bc.addOrder(SEED);
    bc.updateOrderStatus(id, 2);
    await waitUntil(() => bc.webhookDeliveries.length >= 3, 'both failed first attempts');
    expect(bc.webhookDeliveries.slice(1).map(({ attempt, ok }) => ({ attempt, ok }))).toEqual([
      { attempt: 1, ok: false },
      { attempt: 1, ok: false },
    ]);
    let flushed = false;
    const flushing = bc.flushWebhooks().then(() => (flushed = true));
    await api(bc, `/hooks/${hookId}`, { method: 'DELETE' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(flushed).toBe(false);
    await api(bc, `/hooks/${other}`, { method: 'PUT', body: { is_active: false } });
    await flushing;
    expect(r.received).toHaveLength(3);
  });

  test('close() cancels pending retries and aborts callbacks in flight', async () => {
    const failing = await receiver(() => 500);
    const hanging = await receiver(() => 'hang');
    const bc = await store();
    await hook(bc, 'store/order/created', failing.url);
    await hook(bc, 'store/order/updated', hanging.url);
    const id = bc.addOrder(SEED);
    bc.updateOrderStatus(id, 2);
    // The failing callback has had its answer and the hanging one is in flight (its retry is 60 s away).
    await waitUntil(() => hanging.received.length === 1 && bc.webhookDeliveries.length === 1, 'one failed and one hanging callback');
    const flushing = bc.flushWebhooks();
    await bc.close();
    await flushing;
    expect(failing.received).toHaveLength(1);
    expect(bc.webhookDeliveries).toEqual([expect.objectContaining({ scope: 'store/order/created', attempt: 1, status: 500 })]);
  });
});
