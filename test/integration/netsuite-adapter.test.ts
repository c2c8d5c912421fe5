/** The NetSuite adapter (auth, records, SuiteQL, error classes) against the NetSuite simulator over HTTP. */
import { AlreadyExistsError, PermanentError } from '../../functions/core/errors.ts';
import { shopper, startHarness, type Harness } from '../support/sync-harness.ts';

let h: Harness;
afterEach(async () => h?.close());

const salesOrder = (customerId: string, itemId: string, externalId: string) => ({
  externalId,
  otherRefNum: '1',
  customerId,
  tranDate: '2026-11-27',
  memo: 'test',
  lines: [{ itemId, quantity: 1, rate: 10, amount: 10, description: 'x' }],
  billingAddress: { addressee: 'Ann', addr1: '1 Main St', city: 'Austin', state: 'TX', zip: '78701', country: 'US' },
});

test('TBA-signed requests, query parameters included, are accepted end to end', async () => {
  h = await startHarness({ auth: 'tba' });
  h.ns.addItem({ itemId: 'MUG-11OZ' });
  const orderId = h.bc.addOrder({ billing: shopper('tba@example.com'), lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.5000' }] });

  await expect(h.sync(orderId)).resolves.toMatchObject({ status: 'synced' });
  expect(h.ns.server.log.filter((entry) => entry.status === 401)).toHaveLength(0);
});

test('OAuth 2.0: one token serves many requests', async () => {
  h = await startHarness({ auth: 'oauth2' });
  for (let i = 0; i < 5; i++) await h.context.erp.findCustomersByEmail(`nobody${i}@example.com`);
  expect(h.ns.server.count({ path: '/auth/oauth2/v1/token' })).toBe(1);
  expect(h.ns.server.count({ path: '/query/v1/suiteql' })).toBe(5);
});

test.each(['prime256v1', 'secp384r1', 'secp521r1'] as const)(
  'OAuth 2.0 with an EC certificate key on %s: the assertion is signed ES256/384/512 and NetSuite accepts it',
  async (curve) => {
    h = await startHarness({ auth: 'oauth2', oauth2KeyCurve: curve });
    await h.context.erp.findCustomersByEmail('a@example.com');
    expect(h.ns.server.log.filter((entry) => entry.path.endsWith('/token')).map((entry) => entry.status)).toEqual([200]);
  },
);

test('OAuth 2.0: a rejected token is renewed and the request repeated', async () => {
  h = await startHarness({ auth: 'oauth2' });
  await h.context.erp.findCustomersByEmail('a@example.com');
  h.ns.server.injectFault({ path: '/query/v1/suiteql' }, { kind: 'status', status: 401 });
  await expect(h.context.erp.findCustomersByEmail('a@example.com')).resolves.toEqual([]);
  expect(h.ns.server.count({ path: '/auth/oauth2/v1/token' })).toBe(2);
});

test('a duplicate externalId is reported as AlreadyExistsError and the record is found by eid', async () => {
  h = await startHarness();
  const customerId = h.ns.addCustomer({ email: 'a@example.com', firstName: 'A', lastName: 'B', isPerson: true });
  const itemId = h.ns.addItem({ itemId: 'MUG-11OZ' });
  const created = await h.context.erp.createSalesOrder(salesOrder(customerId, itemId, 'BC-abc123-1'));

  await expect(h.context.erp.createSalesOrder(salesOrder(customerId, itemId, 'BC-abc123-1'))).rejects.toBeInstanceOf(AlreadyExistsError);
  expect(await h.context.erp.findSalesOrderByExternalId('BC-abc123-1')).toBe(created);
  expect(await h.context.erp.findSalesOrderByExternalId('BC-abc123-404')).toBeUndefined();
});

test('a validation error is permanent and says where NetSuite found it', async () => {
  h = await startHarness();
  const itemId = h.ns.addItem({ itemId: 'MUG-11OZ' });
  const failure = await h.context.erp.createSalesOrder(salesOrder('999999', itemId, 'BC-abc123-2')).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(PermanentError);
  expect(failure).toMatchObject({ details: { status: 400, path: 'entity', source: 'netsuite' } });
});

test('hostile e-mail addresses and SKUs cannot change a query', async () => {
  h = await startHarness();
  h.ns.addCustomer({ email: 'victim@example.com', firstName: 'V', lastName: 'V', isPerson: true });
  h.ns.addItem({ itemId: 'REAL-1' });
  expect(await h.context.erp.findCustomersByEmail("x' OR '1'='1")).toEqual([]);
  expect(await h.context.erp.findCustomersByEmail("nobody@example.com' OR email LIKE '%")).toEqual([]);
  expect([...(await h.context.erp.findItemsBySku(["REAL-1') OR ('1'='1", 'REAL-1']))]).toEqual([['REAL-1', expect.any(String)]]);
});

test('the item list pages past 1000 rows with keyset paging', async () => {
  h = await startHarness();
  for (let i = 0; i < 2500; i++) h.ns.addItem({ itemId: `BULK-${i}` });
  h.ns.addItem({ itemId: 'RETIRED', isInactive: true });
  const pages: number[] = [];
  const skus = new Set<string>();
  for await (const page of h.context.erp.listItems()) {
    pages.push(page.length);
    for (const entry of page) skus.add(entry.sku);
  }
  // The discount item the harness configures is no product a SKU can map to, and inactive items are left out.
  expect(pages).toEqual([1000, 1000, 500]);
  expect(skus.has('BULK-2499')).toBe(true);
  expect(skus.has('RETIRED')).toBe(false);
  expect(skus.has('BC-DISCOUNT')).toBe(false);
});
