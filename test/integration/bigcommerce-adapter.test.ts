/** The BigCommerce adapter (paging, rate limits, errors) against the store simulator over HTTP. */
import { BigCommerceClient } from '../../functions/adapters/bigcommerce/bigcommerce-client.ts';
import { NotFoundError, PermanentError } from '../../functions/core/errors.ts';
import { BigCommerceSimulator } from '../../local/simulators/bigcommerce/bigcommerce-simulator.ts';
import { shopper } from '../support/sync-harness.ts';

let bc: BigCommerceSimulator;
afterEach(async () => bc?.close());

const fastRetry = { attempts: 6, baseDelayMs: 20, maxDelayMs: 2_000 };

async function start(rateLimit = { quota: 450, windowMs: 30_000 }) {
  bc = await BigCommerceSimulator.start({ storeHash: 'abc123', accessToken: 'tok', rateLimit });
  return new BigCommerceClient({ storeHash: 'abc123', accessToken: 'tok', apiUrl: bc.baseUrl, timeoutMs: 5000, pageSize: 50, retry: fastRetry });
}

test('an empty order page (204, no body) is an empty list', async () => {
  const client = await start();
  expect(await client.listOrders({ page: 1 })).toEqual([]);
});

test('lists orders by status and modification date, paging until empty', async () => {
  const client = await start();
  for (let i = 0; i < 120; i++)
    bc.addOrder({ statusId: i % 2 === 0 ? 11 : 7, billing: shopper(`s${i}@example.com`), lines: [{ sku: 'A', quantity: 1, priceExTax: '1.0000' }] });
  const seen: number[] = [];
  for (let page = 1; ; page++) {
    const orders = await client.listOrders({ page, statusId: 11, minDateModified: new Date(Date.now() - 3600_000) });
    if (orders.length === 0) break;
    seen.push(...orders.map((order) => order.id));
  }
  expect(seen).toHaveLength(60);
});

test('a nearly spent quota is waited out before sending, not discovered by a 429', async () => {
  const client = await start({ quota: 3, windowMs: 600 });
  const orderId = bc.addOrder({ billing: shopper('q@example.com'), lines: [{ sku: 'A', quantity: 1, priceExTax: '1.0000' }] });
  for (let i = 0; i < 7; i++) await client.getOrder(orderId);
  expect(bc.server.log.filter((entry) => entry.status === 429)).toHaveLength(0);
  expect(bc.server.log).toHaveLength(7);
});

test('a 429 without rate-limit headers (load shedding) is backed off and retried', async () => {
  const client = await start();
  const orderId = bc.addOrder({ billing: shopper('q@example.com'), lines: [{ sku: 'A', quantity: 1, priceExTax: '1.0000' }] });
  bc.server.injectFault({ path: `/orders/${orderId}` }, { kind: 'status', status: 429 }, 2);
  await expect(client.getOrder(orderId)).resolves.toMatchObject({ id: orderId });
});

test('an unknown order is NotFoundError; a refused write is a permanent error with the API message', async () => {
  const client = await start();
  await expect(client.getOrder(999)).rejects.toBeInstanceOf(NotFoundError);
  const orderId = bc.addOrder({ billing: shopper('q@example.com'), lines: [{ sku: 'A', quantity: 1, priceExTax: '1.0000' }] });
  const failure = await client.upsertOrderMetafield(orderId, { namespace: 'n', key: '', value: 'v', permissionSet: 'read' }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(PermanentError);
  expect((failure as Error).message).toMatch(/^BigCommerce refused metafield of order \d+: 422/);
});

test('the metafield upsert is idempotent', async () => {
  const client = await start();
  const orderId = bc.addOrder({ billing: shopper('q@example.com'), lines: [{ sku: 'A', quantity: 1, priceExTax: '1.0000' }] });
  const field = { namespace: 'bc_netsuite_sync', key: 'netsuite_sales_order_id', value: '501', permissionSet: 'read' as const };
  await client.upsertOrderMetafield(orderId, field);
  await client.upsertOrderMetafield(orderId, field);
  await client.upsertOrderMetafield(orderId, { ...field, value: '502' });
  expect(bc.metafields(orderId)).toEqual([expect.objectContaining({ value: '502' })]);
});
