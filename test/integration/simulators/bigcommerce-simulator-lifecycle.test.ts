/**
 * The BigCommerce simulator's order lifecycle over real HTTP: edits through PUT /v2/orders/{id}, v3 refunds and
 * refund quotes, transactions, and the webhooks each of them fires. One store and one webhook receiver for the file;
 * every test seeds its own orders and reads only their events.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BigCommerceSimulator, type SeedOrder } from '../../../local/simulators/bigcommerce/bigcommerce-simulator.ts';

const TOKEN = 'sim-token';
let now = Date.parse('2025-04-01T00:00:00Z');
const clock = () => now;

let bc: BigCommerceSimulator;
let receiver: Server;
const received: Array<{ scope: string; data: any }> = [];

const ORDER: SeedOrder = {
  taxRate: 0.1,
  billing: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    street1: '1 Main St',
    city: 'Austin',
    state: 'Texas',
    zip: '78701',
    countryIso2: 'US',
    email: 'ada@example.com',
  },
  lines: [
    { sku: 'MUG', name: 'Mug', quantity: 2, priceExTax: '10' },
    { sku: 'CAP', name: 'Cap', quantity: 1, priceExTax: '20' },
  ],
  shippingCostExTax: '5',
  discountAmount: '4',
};

async function api(path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${bc.baseUrl}/stores/abc123${path}`, {
    method: init.method ?? 'GET',
    headers: { 'X-Auth-Token': TOKEN, Accept: 'application/json', 'Content-Type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { res, body: text === '' ? undefined : (JSON.parse(text) as any) };
}

/** The events the store announced for `orderId` so far (after flushing deliveries), by scope: delivery order is not guaranteed. */
async function eventsOf(orderId: number): Promise<Array<{ scope: string; data: any }>> {
  await bc.flushWebhooks();
  return received.filter((event) => (event.data.id ?? Number(event.data.order_id)) === orderId).sort((a, b) => a.scope.localeCompare(b.scope));
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      received.push({ scope: body.scope, data: body.data });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  bc = await BigCommerceSimulator.start({ accessToken: TOKEN, clock, allowInsecureDestinations: true, rateLimit: { quota: 10_000, windowMs: 30_000 } });
  const destination = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  for (const scope of ['store/order/*']) {
    const { res } = await api('/v3/hooks', { method: 'POST', body: { scope, destination, is_active: true } });
    expect(res.status).toBe(200);
  }
});

afterAll(async () => {
  await bc.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('order edits (PUT /v2/orders/{id})', () => {
  test('update a line by id, add a line, remove a line: totals follow, line ids stay, discounts on changed lines go', async () => {
    const id = bc.addOrder(ORDER);
    const [mug, cap] = bc.getOrderProducts(id);
    expect(bc.getOrder(id)).toMatchObject({ discount_amount: '4.0000', total_inc_tax: '45.5000' }); // 40+4 tax+5+0.5 −4
    now += 60_000;
    const { res, body } = await api(`/v2/orders/${id}`, {
      method: 'PUT',
      body: {
        products: [
          { id: mug!.id, quantity: 3, price_ex_tax: 12, price_inc_tax: 13.2 },
          { name: 'Poster', sku: 'POSTER', quantity: 1, price_ex_tax: '8.00', price_inc_tax: '8.80' },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(body.date_modified).toBe('Tue, 01 Apr 2025 00:01:00 +0000');
    const lines = bc.getOrderProducts(id);
    // The mug keeps its id (UNCONFIRMED for the real store, lifecycle §10 #1); the poster is a new line.
    expect(lines.map((line) => [line.id, line.sku, line.quantity, line.total_inc_tax])).toEqual([
      [mug!.id, 'MUG', 3, '39.6000'],
      [cap!.id, 'CAP', 1, '22.0000'],
      [expect.any(Number), 'POSTER', 1, '8.8000'],
    ]);
    // The mug's share of the manual discount (2 of 4, by ex-tax weight 20:20) was cleared; the cap keeps its 2.
    expect(lines[0]!.applied_discounts).toEqual([]);
    expect(lines[1]!.applied_discounts).toEqual([expect.objectContaining({ id: 'manual-discount', amount: '2.0000' })]);
    expect(body).toMatchObject({ discount_amount: '2.0000', subtotal_ex_tax: '64.0000', subtotal_inc_tax: '70.4000', items_total: 5 });
    expect(body.total_inc_tax).toBe('73.9000'); // 70.40 + 5.50 shipping − 2.00

    const removed = await api(`/v2/orders/${id}`, { method: 'PUT', body: { products: [{ id: cap!.id, quantity: 0 }] } });
    expect(removed.res.status).toBe(200);
    expect(bc.getOrderProducts(id).map((line) => line.sku)).toEqual(['MUG', 'POSTER']);
    expect(removed.body).toMatchObject({ discount_amount: '0.0000', total_inc_tax: '53.9000', items_total: 4 });

    const events = await eventsOf(id);
    expect(events.map((event) => event.scope)).toEqual(['store/order/created', 'store/order/updated', 'store/order/updated']);
  });

  test('addresses and shipping cost; a status change fires updated and statusUpdated', async () => {
    const id = bc.addOrder(ORDER);
    const [address] = (await api(`/v2/orders/${id}/shipping_addresses`)).body;
    const { res, body } = await api(`/v2/orders/${id}`, {
      method: 'PUT',
      body: {
        status_id: 9,
        billing_address: { street_1: '2 Side St', email: 'ada@new.example.com' },
        shipping_addresses: [{ id: address.id, city: 'Dallas', zip: '75201', shipping_method: 'Express' }],
        shipping_cost_ex_tax: '7.50',
        shipping_cost_inc_tax: '8.25',
      },
    });
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ status_id: 9, shipping_cost_ex_tax: '7.5000', shipping_cost_inc_tax: '8.2500', total_inc_tax: '48.2500' });
    expect(body.billing_address).toMatchObject({ street_1: '2 Side St', email: 'ada@new.example.com', first_name: 'Ada' });
    const after = (await api(`/v2/orders/${id}/shipping_addresses/${address.id}`)).body;
    expect(after).toMatchObject({ city: 'Dallas', zip: '75201', shipping_method: 'Express', cost_tax: '0.7500' });

    const events = await eventsOf(id);
    expect(events.map((event) => event.scope)).toEqual(['store/order/created', 'store/order/statusUpdated', 'store/order/updated']);
    expect(events[1]!.data).toEqual({ type: 'order', id, status: { previous_status_id: 11, new_status_id: 9 } });
  });

  test('a refused edit changes nothing and fires nothing', async () => {
    const id = bc.addOrder(ORDER);
    const before = bc.getOrder(id);
    const [mug] = bc.getOrderProducts(id);
    for (const body of [
      { status_id: 2, products: [{ id: 999_999, quantity: 1 }] },
      { status_id: 2, products: [{ id: mug!.id, price_ex_tax: 5 }] },
      { status_id: 2, products: [{ id: mug!.id, quantity: -1 }] },
      { status_id: 2, shipping_cost_ex_tax: '-1', shipping_cost_inc_tax: '1' },
      {
        products: [
          { id: mug!.id, quantity: 0 },
          { id: bc.getOrderProducts(id)[1]!.id, quantity: 0 },
        ],
      },
      { products: [{ quantity: 1, price_ex_tax: 1, price_inc_tax: 1 }] },
    ]) {
      const { res } = await api(`/v2/orders/${id}`, { method: 'PUT', body });
      expect(res.status).toBe(400);
    }
    expect(bc.getOrder(id)).toEqual(before);
    expect(() => bc.editOrder(id, { products: [{ id: 999_999, quantity: 1 }] })).toThrow(/no product line 999999/);
    expect((await eventsOf(id)).map((event) => event.scope)).toEqual(['store/order/created']);
  });

  test('editOrder and setStatus go through the PUT path', async () => {
    const id = bc.addOrder(ORDER);
    const [mug] = bc.getOrderProducts(id);
    const order = bc.editOrder(id, { products: [{ id: mug!.id, quantity: 1 }], staff_notes: 'called customer' });
    expect(order).toMatchObject({ items_total: 2, staff_notes: 'called customer' });
    bc.setStatus(id, 5);
    expect(bc.getOrder(id)?.status_id).toBe(5);
    expect((await eventsOf(id)).map((event) => event.scope)).toEqual([
      'store/order/created',
      'store/order/statusUpdated',
      'store/order/updated',
      'store/order/updated',
    ]);
  });
});
