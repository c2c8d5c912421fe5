/**
 * The BigCommerce simulator over real HTTP, checked against the API's documented behaviour (not against our
 * adapters): v2 shapes and quirks, v3 metafields, auth, the store-wide rate limit and fault injection.
 */
import { BigCommerceSimulator, type SeedOrder } from '../../../local/simulators/bigcommerce/bigcommerce-simulator.ts';
import { demoSkus, demoStore } from '../../../local/simulators/bigcommerce/fixtures/demo-store.ts';

const MONEY = /^-?\d+\.\d{4}$/;
const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;
const TOKEN = 'sim-token';

/** Exact cents-level arithmetic on the 4-dp strings, so the identities are checked without float noise. */
const units = (money: string): number => Math.round(Number(money) * 10_000);

let now = Date.parse('2025-04-01T00:00:00Z');
const clock = () => now;

let bc: BigCommerceSimulator;
let ids: number[];

const call = (path: string, init: RequestInit = {}, token = TOKEN) =>
  fetch(`${bc.baseUrl}/stores/abc123${path}`, {
    ...init,
    headers: { 'X-Auth-Token': token, Accept: 'application/json', 'Content-Type': 'application/json', ...init.headers },
  });

const json = async (path: string, init?: RequestInit) => {
  const res = await call(path, init);
  return { res, body: (await res.json()) as any };
};

beforeAll(async () => {
  bc = await BigCommerceSimulator.start({ storeHash: 'abc123', accessToken: TOKEN, clock, rateLimit: { quota: 10_000, windowMs: 30_000 } });
  ids = bc.addOrders(demoStore);
});

afterAll(async () => {
  await bc.close();
});

const idOf = (predicate: (seed: SeedOrder) => boolean): number => {
  const index = demoStore.findIndex(predicate);
  if (index < 0) throw new Error('no such demo order');
  return ids[index] as number;
};

describe('v2 order object', () => {
  test('ids start at 100; money is 4-dp strings; dates are RFC 2822 UTC; guests have customer_id 0', async () => {
    expect(ids[0]).toBe(100);
    expect(demoSkus).toContain('TSHIRT-RED-M');
    const { res, body } = await json(`/v2/orders/${ids[0]}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(body.customer_id).toBe(0);
    expect(body.date_created).toBe('Mon, 03 Mar 2025 09:15:00 +0000');
    expect(body.date_modified).toMatch(RFC_2822);
    expect(body.date_shipped).toBe('');
    for (const field of [
      'subtotal_ex_tax',
      'subtotal_inc_tax',
      'subtotal_tax',
      'shipping_cost_inc_tax',
      'total_ex_tax',
      'total_inc_tax',
      'total_tax',
      'discount_amount',
      'coupon_discount',
    ]) {
      expect(body[field]).toMatch(MONEY);
    }
    // 2 × 19.50 + 12.25 = 51.25; 8.25 % tax on it is 4.23 (rounded to the cent).
    expect(body.subtotal_ex_tax).toBe('51.2500');
    expect(body.subtotal_tax).toBe('4.2300');
    expect(body.shipping_cost_ex_tax).toBe('5.9900');
    expect(body.status).toBe('Awaiting Fulfillment');
    expect(body.billing_address.email).toBe('guest.shopper@example.com');
    expect(body.shipping_addresses.resource).toBe(`/orders/${ids[0]}/shippingaddresses`);
    expect(body.shipping_addresses.url).toBe(`${bc.baseUrl}/stores/abc123/v2/orders/${ids[0]}/shippingaddresses`);
    expect(body.products.resource).toBe(`/orders/${ids[0]}/products`);
    expect(body.coupons.resource).toBe(`/orders/${ids[0]}/coupons`);
    expect(body.items_total).toBe(3);
    expect(body.shipping_address_count).toBe(1);
    expect(body).not.toHaveProperty('consignments');
  });

  test('totals identity holds on an order with a coupon and a manual discount', async () => {
    const id = idOf((seed) => seed.couponCode === 'WELCOME10');
    const { body: order } = await json(`/v2/orders/${id}`);
    expect(order.coupon_discount).toBe('10.0000');
    expect(order.discount_amount).toBe('5.0000');
    const expected =
      units(order.subtotal_inc_tax) +
      units(order.shipping_cost_inc_tax) +
      units(order.handling_cost_inc_tax) +
      units(order.wrapping_cost_inc_tax) -
      units(order.discount_amount) -
      units(order.coupon_discount);
    expect(units(order.total_inc_tax)).toBe(expected);
    expect(units(order.total_ex_tax)).toBe(units(order.total_inc_tax) - units(order.total_tax));
    expect(units(order.subtotal_inc_tax)).toBe(units(order.subtotal_ex_tax) + units(order.subtotal_tax));

    const { body: lines } = await json(`/v2/orders/${id}/products`);
    const share = (kind: string) =>
      lines.reduce(
        (sum: number, line: any) => sum + line.applied_discounts.filter((d: any) => d.id === kind).reduce((s: number, d: any) => s + units(d.amount), 0),
        0,
      );
    expect(share('manual-discount')).toBe(units('5'));
    const { body: coupons } = await json(`/v2/orders/${id}/coupons`);
    expect(coupons).toEqual([expect.objectContaining({ code: 'WELCOME10', amount: 10, discount: 10, type: 2, order_id: id })]);
    expect(share(String(coupons[0].coupon_id))).toBe(units('10'));
    for (const line of lines) {
      expect(units(line.price_inc_tax)).toBe(units(line.price_ex_tax) + units(line.price_tax));
      const discounts = line.applied_discounts.reduce((s: number, d: any) => s + units(d.amount), 0);
      expect(units(line.discounted_total_inc_tax)).toBe(units(line.total_inc_tax) - discounts);
    }
  });

  test('404 is a v2 error array', async () => {
    const res = await call('/v2/orders/99999');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual([{ status: 404, message: 'The requested resource was not found.' }]);
  });

  test('include=consignments with consignment_structure=object; embedded line items stop at 50 with a warning', async () => {
    const big = idOf((seed) => seed.lines.length === 60);
    const { body: linked } = await json(`/v2/orders/${ids[0]}?include=consignments&consignment_structure=object`);
    expect(linked.consignments.pickups).toEqual([]);
    expect(linked.consignments.shipping).toHaveLength(1);
    expect(linked.consignments.shipping[0].line_items[0].resource).toMatch(new RegExp(`^/orders/${ids[0]}/products/\\d+$`));
    const { body: embedded } = await json(`/v2/orders/${big}?include=consignments.line_items&consignment_structure=object`);
    const consignment = embedded.consignments.shipping[0];
    expect(consignment.line_items).toHaveLength(50);
    expect(consignment.line_items[0].sku).toBe('STICKER-01');
    expect(consignment.__warning__.message).toMatch(/only 50 are included/);
    expect(typeof consignment.cost_ex_tax).toBe('number');
  });
});

describe('v2 sub-resources', () => {
  test('a 60-line order pages 50 + 10, then 204 with no body and no content type', async () => {
    const id = idOf((seed) => seed.lines.length === 60);
    const page1 = await json(`/v2/orders/${id}/products`);
    expect(page1.body).toHaveLength(50);
    const page2 = await json(`/v2/orders/${id}/products?page=2`);
    expect(page2.body).toHaveLength(10);
    const all = [...page1.body, ...page2.body];
    expect(all.map((line: any) => line.id)).toEqual([...all.map((line: any) => line.id)].sort((a, b) => a - b));
    const page3 = await call(`/v2/orders/${id}/products?page=3`);
    expect(page3.status).toBe(204);
    expect(page3.headers.get('content-type')).toBeNull();
    expect(await page3.text()).toBe('');
    const line = all[0];
    expect(line).toMatchObject({
      order_id: id,
      sku: 'STICKER-01',
      is_bundled_product: false,
      parent_order_product_id: null,
      applied_discounts: [],
      product_options: [],
    });
    expect(line.order_address_id).toBeGreaterThan(0);
    const single = await json(`/v2/orders/${id}/products/${line.id}`);
    expect(single.body).toEqual(line);
  });

  test('a pick-list child is a bundled line with zero prices pointing at its parent', async () => {
    const id = idOf((seed) => seed.lines.some((line) => line.parentLineIndex !== undefined));
    const { body: lines } = await json(`/v2/orders/${id}/products`);
    const [parent, child] = lines;
    expect(child).toMatchObject({
      is_bundled_product: true,
      parent_order_product_id: parent.id,
      price_ex_tax: '0.0000',
      total_inc_tax: '0.0000',
      sku: 'MUG-11OZ',
    });
    expect(parent.product_options).toEqual([expect.objectContaining({ type: 'Product Pick List', display_value: 'Ceramic Mug 11oz' })]);
  });

  test('shipping addresses answer on both spellings; a digital order answers 204; no coupons → 204', async () => {
    const { body: addresses } = await json(`/v2/orders/${ids[0]}/shipping_addresses`);
    expect(addresses).toHaveLength(1);
    expect(addresses[0]).toMatchObject({ order_id: ids[0], cost_ex_tax: '5.9900', items_total: 3, country_iso2: 'US', state: 'Texas' });
    const alias = await json(`/v2/orders/${ids[0]}/shippingaddresses`);
    expect(alias.body).toEqual(addresses);
    const digital = idOf((seed) => seed.shipping?.length === 0);
    const { body: order } = await json(`/v2/orders/${digital}`);
    expect(order).toMatchObject({ order_is_digital: true, shipping_address_count: 0 });
    expect((await call(`/v2/orders/${digital}/shipping_addresses`)).status).toBe(204);
    expect((await call(`/v2/orders/${ids[0]}/coupons`)).status).toBe(204);
  });
});

describe('v2 order list', () => {
  test('filters by status and min_date_modified, pages until 204, sees status changes', async () => {
    const since = 'Mon, 10 Mar 2025 00:00:00 +0000';
    const seen: number[] = [];
    for (let page = 1; ; page += 1) {
      const res = await call(`/v2/orders?status_id=11&min_date_modified=${encodeURIComponent(since)}&limit=2&page=${page}`);
      if (res.status === 204) break;
      const orders = (await res.json()) as any[];
      for (const order of orders) {
        expect(order.status_id).toBe(11);
        expect(Date.parse(order.date_modified)).toBeGreaterThanOrEqual(Date.parse(since));
      }
      seen.push(...orders.map((order) => order.id));
    }
    // Orders from 10 March on, minus the digital one (Completed) and the one awaiting payment.
    expect(seen).toEqual([ids[6], ids[7], ids[9], ids[10], ids[11]]);

    const unpaid = idOf((seed) => seed.statusId === 7);
    now = Date.parse('2025-04-02T10:00:00.750Z');
    bc.updateOrderStatus(unpaid, 11);
    const after = '2025-04-02T10:00:00+00:00';
    const { res, body } = await json(`/v2/orders?min_date_modified=${encodeURIComponent(after)}`);
    expect(res.status).toBe(200);
    expect(body.map((order: any) => order.id)).toEqual([unpaid]);
    expect(body[0].date_modified).toBe('Wed, 02 Apr 2025 10:00:00 +0000');
  });

  test('default page size is 50, sort works, count endpoint', async () => {
    const extra = bc.addOrders(
      Array.from({ length: 45 }, (_, index) => ({
        dateCreated: new Date(Date.parse('2025-01-01T00:00:00Z') + index * 60_000),
        billing: {
          firstName: 'Bulk',
          lastName: `Buyer${index}`,
          street1: '1 Main St',
          city: 'Austin',
          state: 'Texas',
          zip: '78701',
          countryIso2: 'US',
          email: `bulk${index}@example.com`,
        },
        lines: [{ sku: 'CAP-BLK', quantity: 1, priceExTax: '15.99' }],
      })),
    );
    const first = await json('/v2/orders');
    expect(first.body).toHaveLength(50);
    expect(first.body[0].id).toBe(100);
    const second = await json('/v2/orders?page=2');
    expect(second.body).toHaveLength(ids.length + extra.length - 50);
    expect((await call('/v2/orders?page=3')).status).toBe(204);
    const desc = await json('/v2/orders?sort=date_created:desc&limit=1');
    expect(desc.body[0].id).toBe(idOf((seed) => seed.statusId === 7));
    const count = await json('/v2/orders/count?customer_id=7');
    expect(count.body.count).toBe(4);
    expect(count.body.statuses.find((status: any) => status.id === 11).count).toBe(4);
  });

  test('limit above 250 → 413; bad or unencoded dates → 400; bad sort → 400', async () => {
    const tooMany = await call('/v2/orders?limit=251');
    expect(tooMany.status).toBe(413);
    expect(await tooMany.json()).toEqual([{ status: 413, message: 'The specified limit exceeds the maximum allowed.', details: { max_limit: 250 } }]);
    for (const bad of ['yesterday', '2025-03-01', 'Tue, 05 Mar 2019 21:40:11 +0000' /* '+' not encoded → space */]) {
      const res = await call(`/v2/orders?min_date_modified=${bad}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as any[];
      expect(body[0]).toMatchObject({ status: 400, message: expect.stringContaining('min_date_modified') });
    }
    expect((await call('/v2/orders?sort=total:asc')).status).toBe(400);
  });

  test('PUT changes the status and rejects read-only fields', async () => {
    const id = ids[1] as number;
    const rejected = await json(`/v2/orders/${id}`, { method: 'PUT', body: JSON.stringify({ status_id: 2, items_total: 3 }) });
    expect(rejected.res.status).toBe(400);
    expect(rejected.body[0].message).toBe("The field 'items_total' cannot be written to. Please remove it from your request before trying again.");
    expect(bc.getOrder(id)?.status_id).toBe(11);
    const updated = await json(`/v2/orders/${id}`, { method: 'PUT', body: JSON.stringify({ status_id: 2 }) });
    expect(updated.res.status).toBe(200);
    expect(updated.body).toMatchObject({ id, status_id: 2, status: 'Shipped' });
  });
});

describe('v3 order metafields', () => {
  const body = { permission_set: 'app_only', namespace: 'bc-netsuite-sync', key: 'sales_order_id', value: 'SO-1001', description: 'NetSuite sales order' };

  test('create 200, duplicate 409, update, list by key, delete', async () => {
    const id = ids[2] as number;
    const created = await json(`/v3/orders/${id}/metafields`, { method: 'POST', body: JSON.stringify(body) });
    expect(created.res.status).toBe(200);
    expect(created.body).toEqual({
      data: {
        id: expect.any(Number),
        key: 'sales_order_id',
        value: 'SO-1001',
        namespace: 'bc-netsuite-sync',
        permission_set: 'app_only',
        resource_type: 'order',
        resource_id: id,
        description: 'NetSuite sales order',
        date_created: '2025-04-02T10:00:00+00:00',
        date_modified: '2025-04-02T10:00:00+00:00',
        owner_client_id: 'sim-client-id',
      },
      meta: {},
    });
    const duplicate = await json(`/v3/orders/${id}/metafields`, { method: 'POST', body: JSON.stringify({ ...body, value: 'SO-2' }) });
    expect(duplicate.res.status).toBe(409);
    expect(duplicate.body).toMatchObject({ status: 409, title: expect.any(String), type: expect.any(String) });

    now += 5_000;
    const mid = created.body.data.id;
    const updated = await json(`/v3/orders/${id}/metafields/${mid}`, { method: 'PUT', body: JSON.stringify({ value: 'SO-1002' }) });
    expect(updated.res.status).toBe(200);
    expect(updated.body.data).toMatchObject({ value: 'SO-1002', date_modified: '2025-04-02T10:00:05+00:00', date_created: '2025-04-02T10:00:00+00:00' });
    expect(bc.metafields(id)).toEqual([updated.body.data]);

    const listed = await json(`/v3/orders/${id}/metafields?namespace=bc-netsuite-sync&key=sales_order_id`);
    expect(listed.body.data).toEqual([updated.body.data]);
    expect(listed.body.meta.pagination).toMatchObject({ total: 1, count: 1, per_page: 50, current_page: 1, total_pages: 1 });
    const none = await json(`/v3/orders/${id}/metafields?key=other`);
    expect(none.body.data).toEqual([]);

    expect((await call(`/v3/orders/${id}/metafields/${mid}`, { method: 'DELETE' })).status).toBe(204);
    expect(bc.metafields(id)).toEqual([]);
  });

  test('validation 422, unknown order 404 in the v3 shape', async () => {
    const invalid = await json(`/v3/orders/${ids[2]}/metafields`, { method: 'POST', body: JSON.stringify({ ...body, permission_set: 'everyone', key: '' }) });
    expect(invalid.res.status).toBe(422);
    expect(invalid.body).toMatchObject({ status: 422, type: expect.any(String), errors: { permission_set: expect.any(String), key: expect.any(String) } });
    const missing = await json(`/v3/orders/${ids[2]}/metafields`, { method: 'POST', body: JSON.stringify({ namespace: 'n', key: 'k', value: 'v' }) });
    expect(missing.body.errors).toEqual({ permission_set: 'error.path.missing' });
    const unknown = await json('/v3/orders/99999/metafields');
    expect(unknown.res.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: 404, title: expect.any(String), type: expect.any(String), errors: [] });
  });
});

describe('gateway behaviour', () => {
  test('wrong or missing token → 401 in the dialect of the path; unknown store → 404', async () => {
    const v2 = await call('/v2/orders', {}, 'wrong');
    expect(v2.status).toBe(401);
    expect(await v2.json()).toEqual([{ status: 401, message: expect.any(String) }]);
    const v3 = await fetch(`${bc.baseUrl}/stores/abc123/v3/orders/100/metafields`);
    expect(v3.status).toBe(401);
    expect(await v3.json()).toMatchObject({ status: 401, title: expect.any(String), type: expect.any(String) });
    const store = await fetch(`${bc.baseUrl}/stores/nope/v2/orders`, { headers: { 'X-Auth-Token': TOKEN } });
    expect(store.status).toBe(404);
  });

  test('a revoked token (API account deleted) is refused 401 until replaced; a read-only Orders token may read but not write (403 missing scope)', async () => {
    bc.revokeAccessToken();
    try {
      const refused = await call('/v2/orders');
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual([{ status: 401, message: expect.stringMatching(/not authorized/) }]);
    } finally {
      bc.restoreAccessToken();
    }
    expect((await call('/v2/orders')).status).toBe(200);

    bc.setOrdersScope('read-only');
    try {
      expect((await call(`/v2/orders/${ids[0]}`)).status).toBe(200);
      const write = await call(`/v3/orders/${ids[0]}/metafields`, {
        method: 'POST',
        body: JSON.stringify({ namespace: 'n', key: 'k', value: 'v', permission_set: 'read' }),
      });
      expect(write.status).toBe(403);
      expect(await write.json()).toMatchObject({ status: 403, title: "You don't have a required scope to access the endpoint" });
    } finally {
      bc.setOrdersScope('modify');
    }
  });

  test('faults: status faults speak the path dialect; a 429 fault has no rate-limit headers; rate-limit faults do', async () => {
    bc.server.injectFault({ path: '/v3/' }, { kind: 'status', status: 500 });
    const failed = await json(`/v3/orders/${ids[0]}/metafields`);
    expect(failed.res.status).toBe(500);
    expect(failed.body).toMatchObject({ status: 500, title: expect.any(String) });

    bc.server.injectFault({ path: '/v2/orders' }, { kind: 'status', status: 429 });
    const shed = await call('/v2/orders');
    expect(shed.status).toBe(429);
    expect(shed.headers.get('x-rate-limit-time-reset-ms')).toBeNull();
    expect(shed.headers.get('x-rate-limit-requests-left')).toBeNull();

    bc.server.injectFault({ path: '/v2/orders' }, { kind: 'rate-limit' });
    const limited = await call('/v2/orders');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-requests-left')).toBe('0');
    expect(Number(limited.headers.get('x-rate-limit-time-reset-ms'))).toBeGreaterThan(0);
    expect(bc.server.count({ path: '/v2/orders' })).toBeGreaterThan(0);
  });
});

describe('rate limit', () => {
  test('with quota 3 the 4th request is a 429 that does not run; after the window requests pass again', async () => {
    let t = Date.parse('2025-05-01T00:00:00Z');
    const limited = await BigCommerceSimulator.start({ accessToken: TOKEN, clock: () => t, rateLimit: { quota: 3, windowMs: 30_000 } });
    try {
      const id = limited.addOrder(demoStore[0] as SeedOrder);
      const send = (init: RequestInit = {}) =>
        fetch(`${limited.v2Url}/orders/${id}`, { ...init, headers: { 'X-Auth-Token': TOKEN, 'Content-Type': 'application/json' } });
      const lefts: Array<string | null> = [];
      for (let i = 0; i < 3; i += 1) {
        const res = await send();
        expect(res.status).toBe(200);
        expect(res.headers.get('x-rate-limit-requests-quota')).toBe('3');
        expect(res.headers.get('x-rate-limit-time-window-ms')).toBe('30000');
        lefts.push(res.headers.get('x-rate-limit-requests-left'));
        t += 1_000;
      }
      expect(lefts).toEqual(['2', '1', '0']);

      const rejected = await send({ method: 'PUT', body: JSON.stringify({ status_id: 5 }) });
      expect(rejected.status).toBe(429);
      expect(rejected.headers.get('x-rate-limit-requests-left')).toBe('0');
      expect(rejected.headers.get('x-rate-limit-time-reset-ms')).toBe('27000');
      expect(rejected.headers.get('x-retry-after')).toBe('27');
      expect(limited.getOrder(id)?.status_id).toBe(11);

      t += 27_000;
      const again = await send({ method: 'PUT', body: JSON.stringify({ status_id: 5 }) });
      expect(again.status).toBe(200);
      expect(again.headers.get('x-rate-limit-requests-left')).toBe('2');
      expect(limited.getOrder(id)?.status_id).toBe(5);
    } finally {
      await limited.close();
    }
  });
});
