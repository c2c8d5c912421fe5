/**
 * NetSuite accounts as they are configured in the wild: without customer auto-numbering, with fields at their
 * limits, OneWorld with multi-subsidiary customers, items that cannot be ordered, features turned off. Each test
 * sets the simulated account up like the account it describes and asserts NetSuite's resulting state.
 */
import { MissingSkuError, PermanentError, TransientError } from '../../functions/core/errors.ts';
import { orderKey } from '../../functions/core/external-ids.ts';
import { refreshSkuMap } from '../../functions/core/refresh-sku-map.ts';
import { shopper, startHarness, type Harness, type HarnessOptions } from '../support/sync-harness.ts';

let h: Harness;
afterEach(async () => h?.close());

async function start(options: HarnessOptions = {}) {
  h = await startHarness(options);
  h.ns.addItem({ itemId: 'MUG-11OZ' });
}
const order = (billing = shopper('john@example.com', 'John', 'Smith'), sku = 'MUG-11OZ') =>
  h.bc.addOrder({ billing, lines: [{ sku, quantity: 1, priceExTax: '12.25' }] });

describe('customers on accounts without auto-numbering', () => {
  test('two new shoppers named John Smith (Customer ID from the name): two customers, the second numbered, and two sales orders', async () => {
    await start({ netsuite: { customerAutoNumbering: false }, env: { NETSUITE_CUSTOMER_ENTITY_ID: 'name' } });
    await h.sync(order(shopper('john.smith@example.com', 'John', 'Smith')));
    await h.sync(order(shopper('jsmith@example.org', 'John', 'Smith')));

    expect(h.ns.customers().map((customer) => [customer.entityId, customer.email])).toEqual([
      ['John Smith', 'john.smith@example.com'],
      ['John Smith 2', 'jsmith@example.org'],
    ]);
    expect(h.ns.salesOrders()).toHaveLength(2);
  });

  test('with the e-mail as Customer ID, namesakes never clash', async () => {
    await start({ netsuite: { customerAutoNumbering: false }, env: { NETSUITE_CUSTOMER_ENTITY_ID: 'email' } });
    await h.sync(order(shopper('john.smith@example.com', 'John', 'Smith')));
    await h.sync(order(shopper('jsmith@example.org', 'John', 'Smith')));
    expect(h.ns.customers().map((customer) => customer.entityId)).toEqual(['john.smith@example.com', 'jsmith@example.org']);
  });

  test('a namesake clash that is not our externalId is a permanent error with NetSuite’s own words, not an hour of retries', async () => {
    await start({ netsuite: { customerAutoNumbering: false } });
    await h.sync(order(shopper('john.smith@example.com', 'John', 'Smith')));
    const failure = await h.sync(order(shopper('jsmith@example.org', 'John', 'Smith'))).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PermanentError);
    expect(failure).not.toBeInstanceOf(TransientError);
    expect((failure as Error).message).toMatch(/This entity already exists\..*No customer holds our externalId .* check NETSUITE_CUSTOMER_ENTITY_ID/);
    expect(h.ns.customers()).toHaveLength(1);
    expect(h.ns.salesOrders()).toHaveLength(1);
  });
});

describe('customer data within NetSuite’s limits', () => {
  test('long names and companies are cut to 32 and 83 characters, unusable phones dropped (and said), hostile text kept', async () => {
    await start();
    const long = 'Maximiliana-Alexandrina Wolfeschlegelstein';
    const company = `${'Acme Intergalactic Holdings and Subsidiaries '.repeat(3)}LLC`;
    const orderId = h.bc.addOrder({
      billing: { ...shopper("o'brien+<script>@example.com", long, `${long}-Hausen 🎉`, company), phone: 'call me maybe' },
      shipping: [{ ...shopper('x@example.com', 'Ann', 'Lee'), phone: '+1 (512) 555-0100 ext. 42' }],
      lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.25' }],
    });

    const outcome = await h.sync(orderId);
    const [customer] = h.ns.customers();
    expect([...customer!.firstName!].length).toBeLessThanOrEqual(32);
    expect([...customer!.lastName!].length).toBeLessThanOrEqual(32);
    expect(customer!.companyName!.length).toBeLessThanOrEqual(83);
    expect(customer!.email).toBe("o'brien+<script>@example.com");
    expect(customer!.phone).toBeUndefined();
    expect(h.ns.salesOrders()[0]!.shippingAddress).toMatchObject({ addrPhone: '+1 (512) 555-0100 x42' });
    expect(outcome).toMatchObject({
      status: 'synced',
      warnings: [
        'customer phone dropped: phone "call me maybe" has fewer than 7 digits',
        'address phone dropped: phone "call me maybe" has fewer than 7 digits',
      ],
    });
  });

  test('an e-mail spelled with composed or decomposed accents is one shopper: one customer, matched on the second order', async () => {
    await start();
    const composed = 'jos\u00e9@example.com';
    const decomposed = 'jose\u0301@example.com';
    await h.sync(order(shopper(composed, 'José', 'García')));
    await h.sync(order(shopper(decomposed.toUpperCase(), 'José', 'García')));
    expect(h.ns.customers()).toHaveLength(1);
    expect(new Set(h.ns.salesOrders().map((salesOrder) => salesOrder.entity)).size).toBe(1);
  });
});

describe('OneWorld', () => {
  const oneWorld = { oneWorld: true, subsidiaries: ['1', '2', '3'] };

  test('the e-mail match prefers a customer our subsidiary may sell to, primary or added', async () => {
    await start({ netsuite: oneWorld, env: { NETSUITE_SUBSIDIARY_ID: '2' } });
    h.ns.addCustomer({ email: 'ann@example.com', firstName: 'Ann', lastName: 'Old', subsidiary: '1' });
    const ours = h.ns.addCustomer({ email: 'ann@example.com', firstName: 'Ann', lastName: 'Ours', subsidiary: '3', otherSubsidiaries: ['2'] });

    await h.sync(order(shopper('ann@example.com')));
    expect(h.ns.salesOrders()[0]).toMatchObject({ entity: ours, subsidiary: '2' });
    expect(h.ns.customers()).toHaveLength(2);
  });

  test('a shopper known only in another subsidiary gets a customer in ours (default), or fails naming the other one', async () => {
    await start({ netsuite: oneWorld, env: { NETSUITE_SUBSIDIARY_ID: '2' } });
    const elsewhere = h.ns.addCustomer({ email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith', subsidiary: '1' });
    await h.sync(order(shopper('ann@example.com')));
    const created = h.ns.customers().find((customer) => customer.id !== elsewhere)!;
    expect(created).toMatchObject({ subsidiary: '2', email: 'ann@example.com' });
    expect(h.ns.salesOrders()[0]).toMatchObject({ entity: created.id, subsidiary: '2' });

    await h.close();
    await start({ netsuite: oneWorld, env: { NETSUITE_SUBSIDIARY_ID: '2', NETSUITE_OTHER_SUBSIDIARY_CUSTOMER: 'fail' } });
    const other = h.ns.addCustomer({ email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith', subsidiary: '1' });
    await expect(h.sync(order(shopper('ann@example.com')))).rejects.toThrow(new RegExp(`NetSuite customer ${other} in subsidiary 1, not in subsidiary 2`));
    expect(h.ns.salesOrders()).toHaveLength(0);
  });
});

describe('items that can be ordered', () => {
  test('a SKU that is a matrix parent fails with a message naming it and why', async () => {
    await start();
    h.ns.addItem({ itemId: 'TSHIRT', matrixType: 'PARENT' });
    const failure = await h.sync(order(undefined, 'TSHIRT')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MissingSkuError);
    expect((failure as Error).message).toMatch(/SKU TSHIRT has no orderable NetSuite item \(item \d+ is a matrix parent/);
  });

  test('two active items with one SKU: the refresh and the per-order lookup both pick the oldest; a refresh removes items gone', async () => {
    await start();
    const oldest = h.ns.addItem({ itemId: 'DUP' });
    h.ns.addItem({ itemId: 'DUP' });
    const retired = h.ns.addItem({ itemId: 'RETIRED' });
    expect((await h.context.erp.findItemsBySku(['DUP'])).get('DUP')).toBe(oldest);

    await refreshSkuMap(h.context);
    expect(await h.context.skuMap.get(['DUP', 'RETIRED'])).toEqual(
      new Map([
        ['DUP', { itemId: oldest }],
        ['RETIRED', { itemId: retired }],
      ]),
    );
    h.ns.setItemInactive(retired, true);
    const second = await refreshSkuMap(h.context);
    expect(second.removed).toBe(1);
    expect((await h.context.skuMap.get(['RETIRED'])).has('RETIRED')).toBe(false);
  });

  test('an item inactivated after the last refresh: the order fails once, the SKU is evicted, and once reactivated it syncs', async () => {
    await start();
    const beans = h.ns.addItem({ itemId: 'BEANS' });
    await refreshSkuMap(h.context);
    h.ns.setItemInactive(beans, true);
    const orderId = order(undefined, 'BEANS');

    await expect(h.sync(orderId)).rejects.toBeInstanceOf(TransientError); // refused line: the map's entry is forgotten
    expect((await h.context.skuMap.get(['BEANS'])).has('BEANS')).toBe(false);
    await expect(h.sync(orderId)).rejects.toThrow(/SKU BEANS has no orderable NetSuite item \(item \d+ is inactive\)/); // looked up afresh
    expect(await h.context.parked.list()).toEqual([{ orderId, skus: ['BEANS'] }]);

    h.ns.setItemInactive(beans, false);
    await refreshSkuMap(h.context);
    expect(await h.sync(orderId, 'redrive')).toMatchObject({ status: 'synced' });
    expect(h.ns.salesOrders()).toHaveLength(1);
    expect(await h.context.ledger.get(orderKey('abc123', orderId))).toMatchObject({ state: 'synced' });
  });
});

describe('requests that fail loudly', () => {
  test('a single-currency account has no currency field: orders and new customers book in its base currency without one', async () => {
    await start(); // USD only: Multiple Currencies off
    await h.sync(order());
    expect((h.ns.salesOrders()[0]!.body as Record<string, unknown>).currency).toBeUndefined();
    expect(h.ns.salesOrders()[0]!.currency).toBe(h.ns.currencyId('USD'));
    expect((h.ns.customers()[0]!.body as Record<string, unknown>).currency).toBeUndefined();
  });

  test('a class on an account with Classes off fails with NetSuite’s message naming the field and the feature, instead of vanishing', async () => {
    await start({ netsuite: { features: { classes: false } }, env: { NETSUITE_CLASS_ID: '1' } });
    const failure = await h.sync(order()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PermanentError);
    expect((failure as Error).message).toMatch(/NetSuite does not know the field 'class': it needs the Classes feature/);
    expect(h.ns.salesOrders()).toHaveLength(0);
  });

  test('the Custom price level needs Multiple Prices: without it the line’s price fails loudly too', async () => {
    await start({ netsuite: { features: { multiplePrices: false } } });
    await expect(h.sync(order())).rejects.toThrow(/NetSuite does not know the field 'price': it needs the Multiple Prices feature.*NETSUITE_PRICE_LEVEL=none/);

    await h.close();
    await start({ netsuite: { features: { multiplePrices: false } }, env: { NETSUITE_PRICE_LEVEL: 'none' } });
    await h.sync(order());
    expect(h.ns.salesOrders()[0]!.lines[0]).toMatchObject({ rate: 12.25, amount: 12.25, price: undefined });
  });
});
