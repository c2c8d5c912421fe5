/** The webhook handler's decisions, with an in-memory queue standing in for SQS (the end-to-end path is in test/integration/intake.test.ts). */
import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { OrderMessage } from '../../functions/core/ports.ts';
import { handleWebhook } from '../../functions/webhook.ts';
import { loadWebhookConfig } from '../../functions/common/config.ts';

const secret = 'a-long-shared-secret-value';
const baseEnv = { BIGCOMMERCE_STORE_HASH: 'abc123', WEBHOOK_SECRET: secret, ORDERS_QUEUE_URL: 'http://127.0.0.1:1/000000000000/orders' };

function setup(env: Record<string, string> = {}) {
  const sent: OrderMessage[] = [];
  const deps = { config: loadWebhookConfig({ ...baseEnv, ...env }), queue: { enqueue: async (messages: OrderMessage[]) => void sent.push(...messages) } };
  const call = (body: string, headers: Record<string, string> = { 'x-webhook-secret': secret }) =>
    handleWebhook({ body, headers, isBase64Encoded: false } as unknown as APIGatewayProxyEventV2, deps);
  return { sent, call };
}

const orderEvent = (scope: string, id: unknown = 250) =>
  JSON.stringify({ scope, store_id: '1025646', data: { type: 'order', id }, hash: 'abc', created_at: 1561479335, producer: 'stores/abc123' });

test.each(['store/order/created', 'store/order/updated', 'store/order/statusUpdated'])('%s is enqueued with its order id', async (scope) => {
  const { sent, call } = setup();
  const response = await call(orderEvent(scope));
  expect(response.statusCode).toBe(200);
  expect(JSON.parse(response.body!)).toEqual({ status: 'enqueued', orderId: 250 });
  expect(sent).toEqual([expect.objectContaining({ storeHash: 'abc123', orderId: 250, source: 'webhook' })]);
});

test('a refund and a captured payment enqueue their order (the worker applies whatever is new), whatever type the order id has', async () => {
  const { sent, call } = setup();
  const refund = JSON.stringify({
    scope: 'store/order/refund/created',
    store_id: '1',
    producer: 'stores/abc123',
    data: { type: 'order', id: 250, refund: { refund_id: 7 } },
  });
  // The docs' shape (order_id a number) and the callback schema's (a string): bigcommerce.md §10.
  const transaction = (orderId: unknown) =>
    JSON.stringify({
      scope: 'store/order/transaction/created',
      producer: 'stores/abc123',
      data: { type: 'transaction', order_id: orderId, transaction_id: '176342342' },
    });
  for (const body of [refund, transaction(251), transaction('252')]) expect((await call(body)).statusCode).toBe(200);
  expect(sent.map((message) => message.orderId)).toEqual([250, 251, 252]);
  const bad = await call(transaction('252; DROP'));
  expect(bad.statusCode).toBe(400);
  expect(sent).toHaveLength(3);
});

test('a status change carries the new status into the message, so the worker can tell a paid order that was skipped', async () => {
  const { sent, call } = setup();
  const body = JSON.stringify({
    scope: 'store/order/statusUpdated',
    store_id: '1',
    producer: 'stores/abc123',
    data: { type: 'order', id: 250, status: { previous_status_id: 1, new_status_id: 11 } },
  });
  expect((await call(body)).statusCode).toBe(200);
  expect(sent).toEqual([expect.objectContaining({ orderId: 250, statusId: 11 })]);
  const { sent: plain, call: callPlain } = setup();
  await callPlain(orderEvent('store/order/updated'));
  expect(plain[0]).not.toHaveProperty('statusId');
});

test('other well-formed scopes are acknowledged and ignored', async () => {
  const { sent, call } = setup();
  const response = await call(JSON.stringify({ scope: 'store/product/updated', store_id: '1', data: { type: 'product', id: 9 }, producer: 'stores/abc123' }));
  expect(response.statusCode).toBe(200);
  expect(JSON.parse(response.body!)).toMatchObject({ status: 'ignored' });
  expect(sent).toEqual([]);
});

test.each([
  ['no secret', {}],
  ['a wrong secret', { 'x-webhook-secret': 'not-the-secret' }],
  ['the secret in another header', { authorization: secret }],
])('%s → 401 and nothing enqueued', async (_name, headers) => {
  const { sent, call } = setup();
  const response = await call(orderEvent('store/order/created'), headers);
  expect(response.statusCode).toBe(401);
  expect(JSON.parse(response.body!)).toHaveProperty('error');
  expect(sent).toEqual([]);
});

test.each([
  ['invalid JSON', '{"scope": "store/order/created", '],
  ['a non-numeric order id', orderEvent('store/order/created', '250; DROP')],
  ['a missing data object', JSON.stringify({ scope: 'store/order/created' })],
  ['an empty body', ''],
  ['an oversized body', JSON.stringify({ scope: 'store/order/created', data: { id: 1, padding: 'x'.repeat(70_000) } })],
])('%s → 400 with a JSON error and nothing enqueued', async (_name, body) => {
  const { sent, call } = setup();
  const response = await call(body);
  expect(response.statusCode).toBe(400);
  expect(JSON.parse(response.body!).error).toEqual(expect.any(String));
  expect(sent).toEqual([]);
});

test('a webhook for another store is ignored, not enqueued', async () => {
  const { sent, call } = setup();
  const response = await call(orderEvent('store/order/created').replace('stores/abc123', 'stores/zzz999'));
  expect(response.statusCode).toBe(200);
  expect(sent).toEqual([]);
});

test('with a signing secret, the Standard Webhooks signature is required and verified', async () => {
  const signingSecret = 'client-secret-from-the-app';
  const { sent, call } = setup({ WEBHOOK_SIGNING_SECRET: signingSecret });
  const body = orderEvent('store/order/created');
  const timestamp = String(Math.floor(Date.now() / 1000));
  const sign = (key: string) => `v1,${createHmac('sha256', key).update(`msg_1.${timestamp}.${body}`).digest('base64')}`;
  const headers = { 'x-webhook-secret': secret, 'webhook-id': 'msg_1', 'webhook-timestamp': timestamp };

  expect((await call(body, { ...headers, 'webhook-signature': sign('wrong-key') })).statusCode).toBe(401);
  expect((await call(body, { 'x-webhook-secret': secret })).statusCode).toBe(401);
  expect((await call(body, { ...headers, 'webhook-timestamp': String(Number(timestamp) - 600), 'webhook-signature': sign(signingSecret) })).statusCode).toBe(
    401,
  );
  expect(sent).toEqual([]);
  expect((await call(body, { ...headers, 'webhook-signature': `v1,bm9wZQ== ${sign(signingSecret)}` })).statusCode).toBe(200);
  expect(sent).toHaveLength(1);
});
