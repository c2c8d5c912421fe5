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

describe('metafield writes touch the order (the unkind side of lifecycle §10 #7)', () => {
  test('by default a metafield write bumps date_modified and fires store/order/updated, like an edit', async () => {
    const id = bc.addOrder(ORDER);
    const before = bc.getOrder(id)!.date_modified;
    now += 60_000;
    const body = { namespace: 'bc-netsuite-sync', key: 'sales_order_id', value: 'SO-1', permission_set: 'app_only' };
    const { res } = await api(`/v3/orders/${id}/metafields`, { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(bc.getOrder(id)!.date_modified).not.toBe(before);
    expect(bc.getOrder(id)!.date_modified).toBe(new Date(now).toUTCString().replace('GMT', '+0000'));
    expect((await eventsOf(id)).map((event) => event.scope)).toEqual(['store/order/created', 'store/order/updated']);
  });
});

describe('transactions (GET /v3/orders/{id}/transactions)', () => {
  test('a paid order carries its purchase; an unpaid one answers 204', async () => {
    const paid = bc.addOrder(ORDER);
    const { res, body } = await api(`/v3/orders/${paid}/transactions`);
    expect(res.status).toBe(200);
    expect(body.data).toEqual([
      expect.objectContaining({ order_id: String(paid), event: 'purchase', method: 'credit_card', amount: 45.5, currency: 'USD', status: 'ok' }),
    ]);
    expect(body.meta.pagination).toMatchObject({ total: 1, count: 1, current_page: 1 });
    const unpaid = bc.addOrder({ ...ORDER, statusId: 7 });
    const empty = await api(`/v3/orders/${unpaid}/transactions`);
    expect(empty.res.status).toBe(204);
    expect(empty.body).toBeUndefined();
    expect((await api('/v3/orders/999999/transactions')).res.status).toBe(404);
  });

  test('an authorization-only order cannot be refunded until captured; capture fires transaction/created and updated', async () => {
    const id = bc.addOrder({ ...ORDER, paymentCaptured: false });
    expect(bc.getOrder(id)?.payment_status).toBe('authorized');
    const [mug] = bc.getOrderProducts(id);
    const refused = await api(`/v3/orders/${id}/payment_actions/refunds`, {
      method: 'POST',
      body: { items: [{ item_type: 'PRODUCT', item_id: mug!.id, quantity: 1 }], payments: [{ provider_id: 'testgateway', amount: 10, offline: false }] },
    });
    expect(refused.res.status).toBe(422);
    expect(refused.body.data[0]).toMatchObject({ status: 422, title: 'You must receive payment of the order before you can issue a refund' });

    now += 60_000;
    const capture = bc.capture(id);
    const [authorization] = bc.transactions(id);
    expect(authorization).toMatchObject({ event: 'authorization', amount: 45.5 });
    expect(capture).toMatchObject({ event: 'capture', amount: 45.5, reference_transaction_id: authorization!.id });
    expect(bc.getOrder(id)).toMatchObject({ payment_status: 'captured', date_modified: new Date(now).toUTCString().replace('GMT', '+0000') });
    expect(() => bc.capture(id)).toThrow(/no authorized payment/);
    const events = await eventsOf(id);
    expect(events.map((event) => event.scope)).toEqual(['store/order/created', 'store/order/transaction/created', 'store/order/updated']);
    // The documented shape (lifecycle §1.4; the callback schema's richer one conflicts: UNCONFIRMED).
    expect(events[1]!.data).toEqual({ type: 'transaction', order_id: id, transaction_id: String(capture.id) });
  });
});

describe('refunds (v3 payment actions)', () => {
  const refundOf = (id: number, body: unknown) => api(`/v3/orders/${id}/payment_actions/refunds`, { method: 'POST', body });

  test('quote, partial refund, then the rest: lines, status, payment_status, transactions and webhooks follow', async () => {
    const id = bc.addOrder(ORDER);
    const [mug, cap] = bc.getOrderProducts(id);
    const [address] = (await api(`/v2/orders/${id}/shipping_addresses`)).body;
    const items = [
      { item_type: 'PRODUCT', item_id: mug!.id, quantity: 1 },
      { item_type: 'SHIPPING', item_id: address.id, amount: 5.5 },
    ];
    const quote = await api(`/v3/orders/${id}/payment_actions/refund_quotes`, { method: 'POST', body: { items } });
    expect(quote.res.status).toBe(201);
    // One mug: (20 + 2 tax − 2 manual-discount share) / 2 = 10.00 with 1.00 tax; shipping 5.50 with 0.50 tax.
    expect(quote.body.data).toMatchObject({ order_id: id, total_refund_amount: 15.5, total_refund_tax_amount: 1.5, tax_inclusive: true });
    // A guest cannot be refunded to store credit, so it is not offered.
    expect(quote.body.data.refund_methods.flat().map((option: any) => option.provider_id)).toEqual(['testgateway', 'custom']);

    now += 60_000;
    const created = await refundOf(id, { items, payments: [{ provider_id: 'testgateway', amount: 15.5, offline: false }], reason: 'damaged' });
    expect(created.res.status).toBe(201);
    expect(created.body.data).toEqual({
      id: expect.any(Number),
      order_id: id,
      user_id: 0,
      created: new Date(now).toISOString().replace('.000Z', '+00:00'),
      reason: 'damaged',
      total_amount: 15.5,
      total_tax: 1.5,
      uses_merchant_override_values: false,
      items: [
        { item_type: 'PRODUCT', item_id: mug!.id, reason: '', quantity: 1, requested_amount: null },
        { item_type: 'SHIPPING', item_id: address.id, reason: '', quantity: null, requested_amount: 5.5 },
      ],
      payments: [
        {
          id: expect.any(Number),
          provider_id: 'testgateway',
          amount: 15.5,
          offline: false,
          is_declined: false,
          declined_message: '',
          transaction_id: expect.any(String),
        },
      ],
    });
    const refundId = created.body.data.id;
    expect(bc.getOrder(id)).toMatchObject({ status_id: 14, payment_status: 'partially refunded', refunded_amount: '0.0000', total_inc_tax: '45.5000' });
    expect(bc.getOrderProducts(id).map((line) => [line.quantity_refunded, line.is_refunded, line.refund_amount])).toEqual([
      [1, true, '0.0000'],
      [0, false, '0.0000'],
    ]);
    expect(bc.transactions(id).map((transaction) => [transaction.event, transaction.amount])).toEqual([
      ['purchase', 45.5],
      ['refund', 15.5],
    ]);
    expect(String(bc.transactions(id)[1]!.id)).toBe(created.body.data.payments[0].transaction_id);

    const events = await eventsOf(id);
    expect(events.map((event) => event.scope)).toEqual([
      'store/order/created',
      'store/order/refund/created',
      'store/order/statusUpdated',
      'store/order/transaction/created',
      'store/order/updated',
    ]);
    expect(events[1]!.data).toEqual({ type: 'order', id, refund: { refund_id: refundId } });
    expect(events[2]!.data.status).toEqual({ previous_status_id: 11, new_status_id: 14 });

    // The rest (30.00) through the helper, on the same code path: full refund → Refunded (4).
    const rest = bc.refund(id, {
      items: [
        { item_type: 'PRODUCT', item_id: mug!.id, quantity: 1 },
        { item_type: 'PRODUCT', item_id: cap!.id, quantity: 1 },
      ],
      payments: [{ provider_id: 'custom', amount: 30, offline: true }],
    });
    expect(rest.total_amount).toBe(30);
    expect(bc.getOrder(id)).toMatchObject({ status_id: 4, payment_status: 'refunded' });
    // A refunded line can neither be removed nor cut below what was refunded.
    for (const change of [
      { id: cap!.id, quantity: 0 },
      { id: mug!.id, quantity: 1 },
    ]) {
      expect((await api(`/v2/orders/${id}`, { method: 'PUT', body: { products: [change] } })).res.status).toBe(400);
    }
    expect((await api(`/v3/orders/${id}/payment_actions/refunds`)).body.data.map((refund: any) => refund.id)).toEqual([refundId, rest.id]);
    const nothingLeft = await refundOf(id, {
      items: [{ item_type: 'ORDER', item_id: id, amount: 0.01 }],
      payments: [{ provider_id: 'custom', amount: 0.01, offline: true }],
    });
    expect(nothingLeft.res.status).toBe(422);
  });

  test('refusals answer 422 with the data-array shape and record nothing', async () => {
    const id = bc.addOrder(ORDER);
    const [mug] = bc.getOrderProducts(id);
    const [address] = (await api(`/v2/orders/${id}/shipping_addresses`)).body;
    const pay = (amount: number) => [{ provider_id: 'testgateway', amount, offline: false }];
    const cases: Array<[unknown, RegExp]> = [
      [{ items: [{ item_type: 'PRODUCT', item_id: mug!.id, quantity: 3 }], payments: pay(30) }, /exceeds the 2 that can still be refunded/],
      [{ items: [{ item_type: 'SHIPPING', item_id: address.id, amount: 6 }], payments: pay(6) }, /exceeds the refundable amount 5.50/],
      [{ items: [{ item_type: 'PRODUCT', item_id: mug!.id, quantity: 1 }], payments: pay(9.99) }, /does not match the refund total 10.00/],
      [
        { items: [{ item_type: 'PRODUCT', item_id: mug!.id, quantity: 1 }], payments: [{ provider_id: 'storecredit', amount: 10, offline: false }] },
        /^Unable to provide store credit for a guest customer\.$/,
      ],
      [{ items: [{ item_type: 'ORDER', item_id: id, amount: 45.51 }], payments: pay(45.51) }, /exceeds the refundable amount 45.50/],
      [{ items: [{ item_type: 'PRODUCT', item_id: 1, quantity: 1 }], payments: pay(1) }, /does not exist/],
      [{ items: [{ item_type: 'ORDER', item_id: id, amount: 1.234 }], payments: pay(1.23) }, /2 decimals/],
      [{ items: [], payments: pay(0) }, /non-empty/],
    ];
    for (const [body, title] of cases) {
      const { res, body: answer } = await refundOf(id, body);
      expect(res.status).toBe(422);
      expect(answer.data[0]).toMatchObject({ status: 422, title: expect.stringMatching(title) });
    }
    const badQuote = await api(`/v3/orders/${id}/payment_actions/refund_quotes`, {
      method: 'POST',
      body: { items: [{ item_type: 'PRODUCT', item_id: mug!.id, quantity: 3 }] },
    });
    expect(badQuote.res.status).toBe(422);
    expect(badQuote.body).toMatchObject({ status: 422, title: expect.stringMatching(/exceeds/), errors: { 'items.0.quantity': expect.any(String) } });
    expect(bc.refunds(id)).toEqual([]);
    expect(bc.getOrder(id)).toMatchObject({ status_id: 11, payment_status: 'captured' });
    expect(() => bc.refund(id, { items: [{ item_type: 'PRODUCT', item_id: mug!.id, quantity: 3 }], payments: pay(30) })).toThrow(/exceeds/);
  });

  test('merchant_calculated_override sets the totals; the payments must match it', async () => {
    const id = bc.addOrder({ ...ORDER, customerId: 42 });
    const items = [{ item_type: 'ORDER', item_id: id, amount: 10 }];
    const mismatch = await refundOf(id, {
      items,
      merchant_calculated_override: { total_amount: 12, total_tax: 1 },
      payments: [{ provider_id: 'storecredit', amount: 10 }],
    });
    expect(mismatch.res.status).toBe(422);
    const { res, body } = await refundOf(id, {
      items,
      merchant_calculated_override: { total_amount: 12, total_tax: 1 },
      payments: [{ provider_id: 'storecredit', amount: 12 }],
    });
    expect(res.status).toBe(201);
    expect(body.data).toMatchObject({ total_amount: 12, total_tax: 1, uses_merchant_override_values: true });
    expect(bc.transactions(id).at(-1)).toMatchObject({ event: 'refund', method: 'store_credit', amount: 12 });
  });

  test('listing across orders: order_id:in, id:in, created:min/max (RFC 3339), paging, one by id', async () => {
    const first = bc.addOrder(ORDER);
    const second = bc.addOrder(ORDER);
    const order = (id: number) => ({
      items: [{ item_type: 'ORDER', item_id: id, amount: 1 }],
      payments: [{ provider_id: 'custom', amount: 1, offline: true }],
    });
    now += 3_600_000;
    const a = bc.refund(first, order(first));
    now += 3_600_000;
    const b = bc.refund(second, order(second));
    const c = bc.refund(first, order(first));
    const list = async (query: string) => (await api(`/v3/orders/payment_actions/refunds?${query}`)).body;
    const ids = (body: any) => body.data.map((refund: any) => refund.id);
    expect(ids(await list(`order_id:in=${first},${second}`))).toEqual([a.id, b.id, c.id]);
    expect(ids(await list(`order_id:in=${first}`))).toEqual([a.id, c.id]);
    expect(ids(await list(`id:in=${b.id},${c.id}`))).toEqual([b.id, c.id]);
    expect(ids(await list(`order_id:in=${first},${second}&created:min=${encodeURIComponent(b.created)}`))).toEqual([b.id, c.id]);
    expect(ids(await list(`order_id:in=${first},${second}&created:max=${encodeURIComponent(a.created)}`))).toEqual([a.id]);
    const paged = await list(`order_id:in=${first},${second}&limit=2&page=2`);
    expect(ids(paged)).toEqual([c.id]);
    expect(paged.meta.pagination).toMatchObject({ total: 3, count: 1, per_page: 2, current_page: 2, total_pages: 2 });
    expect((await api(`/v3/orders/payment_actions/refunds?created:min=yesterday`)).res.status).toBe(422);
    expect((await api(`/v3/orders/payment_actions/refunds/${b.id}`)).body.data).toEqual(b);
    expect((await api('/v3/orders/payment_actions/refunds/999999')).res.status).toBe(404);
  });

  test('a second refund while the first is still processing is refused (refundBusyMs)', async () => {
    let time = now;
    const store = await BigCommerceSimulator.start({ accessToken: TOKEN, clock: () => time, refundBusyMs: 5_000 });
    try {
      const id = store.addOrder(ORDER);
      const body = { items: [{ item_type: 'ORDER', item_id: id, amount: 1 }], payments: [{ provider_id: 'custom', amount: 1, offline: true }] };
      store.refund(id, body);
      expect(() => store.refund(id, body)).toThrow(/processed sequentially/);
      time += 5_000;
      expect(store.refund(id, body).total_amount).toBe(1);
    } finally {
      await store.close();
    }
  });
});

describe('lifecycle webhook scopes', () => {
  test('refund/created, transaction/*, updated and statusUpdated subscribe exactly and ride the envelope, signing and retries', async () => {
    const secret = `whsec_${Buffer.from('lifecycle-secret').toString('base64')}`;
    const calls: Array<{ headers: Record<string, string | string[] | undefined>; raw: string }> = [];
    let failFirst = true;
    const target = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        calls.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
        const status = failFirst && JSON.parse(calls.at(-1)!.raw).scope === 'store/order/refund/created' ? 500 : 200;
        if (status === 500) failFirst = false;
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const store = await BigCommerceSimulator.start({
      accessToken: TOKEN,
      clock,
      allowInsecureDestinations: true,
      webhookSigningSecret: secret,
      webhookRetryScale: 0.0001,
    });
    try {
      const destination = `http://127.0.0.1:${(target.address() as AddressInfo).port}/hooks`;
      const scopes = [
        'store/order/refund/created',
        'store/order/transaction/created',
        'store/order/transaction/updated',
        'store/order/updated',
        'store/order/statusUpdated',
      ];
      for (const scope of scopes) {
        const res = await fetch(`${store.v3Url}/hooks`, {
          method: 'POST',
          headers: { 'X-Auth-Token': TOKEN, 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ scope, destination, is_active: true }),
        });
        expect(res.status).toBe(200);
      }
      const id = store.addOrder(ORDER);
      const refund = store.refund(id, {
        items: [{ item_type: 'ORDER', item_id: id, amount: 5 }],
        payments: [{ provider_id: 'custom', amount: 5, offline: true }],
      });
      await store.flushWebhooks();

      const bodies = calls.map((call) => JSON.parse(call.raw));
      expect(bodies.map((body) => body.scope).sort()).toEqual([
        'store/order/refund/created',
        'store/order/refund/created', // the retry after the 500
        'store/order/statusUpdated',
        'store/order/transaction/created',
        'store/order/updated',
      ]);
      const refundCalls = calls.filter((call) => JSON.parse(call.raw).scope === 'store/order/refund/created');
      expect(refundCalls[1]!.raw).toBe(refundCalls[0]!.raw);
      expect(JSON.parse(refundCalls[0]!.raw)).toEqual({
        scope: 'store/order/refund/created',
        store_id: '1025646',
        data: { type: 'order', id, refund: { refund_id: refund.id } },
        hash: expect.stringMatching(/^[0-9a-f]{40}$/),
        created_at: Math.floor(now / 1000),
        producer: 'stores/abc123',
      });
      for (const call of calls) expect(call.headers['webhook-signature']).toMatch(/^v1,/);
      expect(store.webhookDeliveries.filter((delivery) => !delivery.ok)).toHaveLength(1);
    } finally {
      await store.close();
      target.closeAllConnections();
      await new Promise<void>((resolve) => target.close(() => resolve()));
    }
  });
});
