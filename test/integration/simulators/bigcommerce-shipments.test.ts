/**
 * The BigCommerce simulator's v2 order shipments over real HTTP, against orders.v2.oas2.yml L741-876 and the
 * orderShipment schemas (L3431-3514, L3854-3953): validation in the v2 error shape, 204 on an empty list,
 * quantities and dates on the order, the shipment webhook and the shipping e-mail. Each of these would fail
 * against the simulator before shipments existed (every /shipments path was a 404).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BigCommerceSimulator, type SeedOrder } from '../../../local/simulators/bigcommerce/bigcommerce-simulator.ts';

const TOKEN = 'sim-token';
const NOW = Date.parse('2026-11-20T10:00:00Z');
let bc: BigCommerceSimulator;

const billing = {
  firstName: 'Ann',
  lastName: 'Smith',
  street1: '1 Main St',
  city: 'Austin',
  state: 'Texas',
  zip: '78701',
  countryIso2: 'US',
  email: 'a@example.com',
};
const twoLines: SeedOrder = {
  billing,
  lines: [
    { sku: 'A', quantity: 2, priceExTax: '10' },
    { sku: 'B', quantity: 1, priceExTax: '5' },
  ],
};

beforeEach(async () => {
  bc = await BigCommerceSimulator.start({
    accessToken: TOKEN,
    clock: () => NOW,
    allowInsecureDestinations: true,
    rateLimit: { quota: 10_000, windowMs: 30_000 },
  });
});
afterEach(async () => {
  await bc.close();
});

async function v2(path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${bc.v2Url}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'X-Auth-Token': TOKEN, Accept: 'application/json', 'Content-Type': 'application/json' },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as any) };
}

function orderWithLines(seed: SeedOrder = twoLines) {
  const orderId = bc.addOrder(seed);
  const lines = bc.getOrderProducts(orderId);
  return { orderId, lines, addressId: lines[0]!.order_address_id };
}

test('an order without shipments lists 204 with no body and counts 0', async () => {
  const { orderId } = orderWithLines();
  expect(await v2(`/orders/${orderId}/shipments`)).toEqual({ status: 204, body: undefined });
  expect(await v2(`/orders/${orderId}/shipments/count`)).toEqual({ status: 200, body: { count: 0 } });
});

test('a shipment is created 201 with the orderShipment fields, and the order counts what shipped', async () => {
  const { orderId, lines, addressId } = orderWithLines();
  const created = await v2(`/orders/${orderId}/shipments`, {
    method: 'POST',
    body: {
      order_address_id: addressId,
      tracking_number: '1Z999',
      shipping_provider: 'ups',
      comments: 'NS IF 7',
      items: [{ order_product_id: lines[0]!.id, quantity: 1 }],
    },
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    order_id: orderId,
    order_address_id: addressId,
    tracking_number: '1Z999',
    shipping_provider: 'ups',
    shipping_provider_display_name: 'UPS',
    comments: 'NS IF 7',
    tracking_link: '',
    items: [{ order_product_id: lines[0]!.id, product_id: lines[0]!.product_id, quantity: 1 }],
  });
  expect(created.body.generated_tracking_link).not.toBe('');
  expect(created.body.shipping_address.id).toBe(addressId);
  const order = bc.getOrder(orderId)!;
  expect(order.items_shipped).toBe(1);
  expect(order.date_shipped).toBe(''); // only "when the order is fully shipped" (L4284-4290)
  expect(bc.getOrderProducts(orderId)[0]!.quantity_shipped).toBe(1);
  expect((await v2(`/orders/${orderId}/shipments/${created.body.id}`)).body.id).toBe(created.body.id);
  expect((await v2(`/orders/${orderId}/shipments`)).body).toHaveLength(1);
  expect((await v2(`/orders/${orderId}/shipments/count`)).body).toEqual({ count: 1 });
  expect(bc.shipmentEmails(orderId)).toBe(1);
});

test('the status stays where it was unless the store is set to move it (unconfirmed either way)', async () => {
  const { orderId, lines, addressId } = orderWithLines();
  const ship = (lineIndex: number, quantity: number) =>
    v2(`/orders/${orderId}/shipments`, {
      method: 'POST',
      body: { order_address_id: addressId, items: [{ order_product_id: lines[lineIndex]!.id, quantity }] },
    });
  expect((await ship(0, 2)).status).toBe(201);
  expect(bc.getOrder(orderId)!.status_id).toBe(11);
  expect((await ship(1, 1)).status).toBe(201);
  expect(bc.getOrder(orderId)!.status_id).toBe(11);
  expect(bc.getOrder(orderId)!.date_shipped).toMatch(/\+0000$/);

  await bc.close();
  bc = await BigCommerceSimulator.start({ accessToken: TOKEN, clock: () => NOW, shipmentsSetStatus: true, rateLimit: { quota: 10_000, windowMs: 30_000 } });
  const again = orderWithLines();
  const post = (lineIndex: number, quantity: number) =>
    v2(`/orders/${again.orderId}/shipments`, {
      method: 'POST',
      body: { order_address_id: again.addressId, items: [{ order_product_id: again.lines[lineIndex]!.id, quantity }] },
    });
  await post(0, 2);
  expect(bc.getOrder(again.orderId)!.status_id).toBe(3);
  await post(1, 1);
  expect(bc.getOrder(again.orderId)!.status_id).toBe(2);
});

test('validation: address of the order, integers, unshipped quantity, physical lines, lengths, providers; errors are v2 arrays', async () => {
  const { orderId, lines, addressId } = orderWithLines();
  const post = (body: unknown) => v2(`/orders/${orderId}/shipments`, { method: 'POST', body });
  const item = { order_product_id: lines[0]!.id, quantity: 1 };
  const refusals = [
    await post({ items: [item] }),
    await post({ order_address_id: addressId + 1000, items: [item] }),
    await post({ order_address_id: addressId, items: [] }),
    await post({ order_address_id: addressId, items: [{ order_product_id: lines[0]!.id, quantity: 3 }] }),
    await post({ order_address_id: addressId, items: [item, item, item] }), // 3 of a line of 2, split over entries
    await post({ order_address_id: addressId, items: [{ order_product_id: 999_999, quantity: 1 }] }),
    await post({ order_address_id: addressId, items: [{ order_product_id: lines[0]!.id, quantity: 1.5 }] }),
    await post({ order_address_id: addressId, items: [item], tracking_number: 'X'.repeat(51) }),
    await post({ order_address_id: addressId, items: [item], shipping_provider: 'dhl' }),
    await post({ order_address_id: addressId, items: [item], id: 5 }),
  ];
  for (const refusal of refusals) {
    expect(refusal.status).toBe(400);
    expect(refusal.body).toEqual([{ status: 400, message: expect.any(String) }]);
  }
  expect((await post({ order_address_id: addressId, items: [item], tracking_number: 'X'.repeat(50), shipping_provider: 'carrier_12' })).status).toBe(201);
  expect(bc.shipmentEmails(orderId)).toBe(1);

  const digital = bc.addOrder({ billing, shipping: [], lines: [{ sku: 'EBOOK', quantity: 1, priceExTax: '3' }] });
  const ebook = bc.getOrderProducts(digital)[0]!;
  const refused = await v2(`/orders/${digital}/shipments`, {
    method: 'POST',
    body: { order_address_id: 0, items: [{ order_product_id: ebook.id, quantity: 1 }] },
  });
  expect(refused.status).toBe(400);
});

test('a two-address order ships each line only to its own address', async () => {
  const seed: SeedOrder = {
    billing,
    shipping: [
      { ...billing, street1: '1 First St' },
      { ...billing, street1: '2 Second St' },
    ],
    lines: [
      { sku: 'A', quantity: 1, priceExTax: '10', addressIndex: 0 },
      { sku: 'B', quantity: 1, priceExTax: '10', addressIndex: 1 },
    ],
  };
  const orderId = bc.addOrder(seed);
  const [first, second] = bc.getOrderProducts(orderId);
  const wrong = await v2(`/orders/${orderId}/shipments`, {
    method: 'POST',
    body: { order_address_id: first!.order_address_id, items: [{ order_product_id: second!.id, quantity: 1 }] },
  });
  expect(wrong.status).toBe(400);
  const right = await v2(`/orders/${orderId}/shipments`, {
    method: 'POST',
    body: { order_address_id: second!.order_address_id, items: [{ order_product_id: second!.id, quantity: 1 }] },
  });
  expect(right.status).toBe(201);
  const addresses = await v2(`/orders/${orderId}/shipping_addresses`);
  expect(addresses.body.map((address: any) => address.items_shipped)).toEqual([0, 1]);
});

test('PUT changes tracking but never items; a shipment of another order is 404', async () => {
  const { orderId, lines, addressId } = orderWithLines();
  const other = orderWithLines().orderId;
  const created = await v2(`/orders/${orderId}/shipments`, {
    method: 'POST',
    body: { order_address_id: addressId, items: [{ order_product_id: lines[0]!.id, quantity: 1 }] },
  });
  const id = created.body.id as number;
  const put = await v2(`/orders/${orderId}/shipments/${id}`, { method: 'PUT', body: { tracking_number: 'NEW1', tracking_carrier: 'dhl' } });
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({ tracking_number: 'NEW1', tracking_carrier: 'dhl' });
  expect((await v2(`/orders/${orderId}/shipments/${id}`, { method: 'PUT', body: { items: [] } })).status).toBe(400);
  expect((await v2(`/orders/${other}/shipments/${id}`)).status).toBe(404);
  expect(bc.shipmentEmails(orderId)).toBe(1);
});

test('creating a shipment fires store/shipment/created {type, id, orderId} and store/order/updated', async () => {
  const received: any[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      received.push(JSON.parse(raw));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const destination = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    for (const scope of ['store/shipment/created', 'store/order/updated']) {
      const res = await fetch(`${bc.v3Url}/hooks`, {
        method: 'POST',
        headers: { 'X-Auth-Token': TOKEN, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ scope, destination, is_active: true }),
      });
      expect(res.status).toBe(200);
    }
    const { orderId, lines, addressId } = orderWithLines();
    const created = await v2(`/orders/${orderId}/shipments`, {
      method: 'POST',
      body: { order_address_id: addressId, items: [{ order_product_id: lines[1]!.id, quantity: 1 }] },
    });
    await bc.flushWebhooks();
    const shipment = received.find((body) => body.scope === 'store/shipment/created');
    expect(shipment.data).toEqual({ type: 'shipment', id: created.body.id, orderId });
    expect(received.some((body) => body.scope === 'store/order/updated' && body.data.id === orderId)).toBe(true);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
