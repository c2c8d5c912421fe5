/**
 * The NetSuite simulator's order lifecycle over HTTP with TBA-signed fetch (lifecycle.md §1.5, §1.6, §2.2, §3.2,
 * §4.2, §5.1, §6.2): sales-order line progress and the derived status, PATCH with line keys and NetSuite's refusals,
 * transforms to fulfilments, bills, credits and refunds, customer deposits, and their SuiteQL rows. Before this the
 * simulator had none of it (every transform a 400, every PATCH line appended), so each test fails against it.
 */
import { tbaAuthorizationHeader } from '../../../functions/adapters/netsuite/tba-signature.ts';
import { NetSuiteSimulator } from '../../../local/simulators/netsuite/netsuite-simulator.ts';

const tba = { consumerKey: 'ck', consumerSecret: 'cs', tokenId: 'ti', tokenSecret: 'ts' };
let ns: NetSuiteSimulator;
let now = Date.parse('2026-03-04T10:00:00Z');
let customer: string;
let mug: string;
let cap: string;
let ups: string;
let orderNumber = 1000;

type Json = Record<string, any>;
async function call(method: string, path: string, body?: Json, headers: Record<string, string> = {}, sim = ns) {
  const url = new URL(`${sim.baseUrl}/services/rest${path}`);
  const response = await fetch(url, {
    method,
    headers: {
      Authorization: tbaAuthorizationHeader({ method, url }, tba, sim.accountId, { timestamp: Math.floor(now / 1000) }),
      'Content-Type': 'application/json',
      Prefer: 'transient',
      ...headers,
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Json) : undefined };
}
const idOf = (res: { headers: Headers }) => res.headers.get('location')!.split('/').pop()!;
const get = async (type: string, id: string) => (await call('GET', `/record/v1/${type}/${id}?expandSubResources=true`)).body!;
const suiteql = async (q: string) => (await call('POST', '/query/v1/suiteql?limit=1000&offset=0', { q })).body!.items as Json[];
const detail = (res: { body?: Json }) => res.body?.['o:errorDetails']?.[0] as Json;

/** A 2 × mug + 1 × cap order (lines 1 and 2), 10 shipping. */
async function order(extra: Json = {}): Promise<string> {
  orderNumber += 1;
  const res = await call('POST', '/record/v1/salesOrder', {
    entity: { id: customer },
    externalId: `BC-abc123-${orderNumber}`,
    shippingCost: 10,
    item: {
      items: [
        { item: { id: mug }, quantity: 2, rate: 5, custcol_bc_line_id: 'L1' },
        { item: { id: cap }, quantity: 1, rate: 20 },
      ],
    },
    ...extra,
  });
  expect(res.status).toBe(204);
  return idOf(res);
}
const transform = (from: string, id: string, to: string, body?: Json, query = '') => call('POST', `/record/v1/${from}/${id}/!transform/${to}${query}`, body);
const statusOf = async (id: string) => (await get('salesOrder', id)).status.id as string;

beforeAll(async () => {
  ns = await NetSuiteSimulator.start({
    tba,
    currencies: ['USD', 'EUR'],
    clock: () => now,
    customFields: { transactionColumn: ['custcol_bc_line_id'], transactionBody: ['custbody_bc_shipment_id'] },
  });
  customer = ns.addCustomer({ email: 'a@example.com', firstName: 'A', lastName: 'B', otherCurrencies: ['EUR'] });
  mug = ns.addItem({ itemId: 'MUG' });
  cap = ns.addItem({ itemId: 'CAP' });
  ups = ns.addItem({ itemId: 'UPS Ground', itemType: 'ShipItem', basePrice: 10 });
});
afterAll(async () => ns.close());

describe('sales-order lines and status (lifecycle.md §1.5, §1.6)', () => {
  test('lines show their progress; the status walks B → E → D → F → G as fulfilments and invoices arrive', async () => {
    const id = await order();
    const fresh = await get('salesOrder', id);
    expect(fresh.status).toEqual({ id: 'B', refName: 'Pending Fulfillment' });
    expect(fresh.item.items[0]).toMatchObject({
      line: 1,
      quantity: 2,
      quantityFulfilled: 0,
      quantityBilled: 0,
      isClosed: false,
      isOpen: true,
      custcol_bc_line_id: 'L1',
    });
    const sublist = (await call('GET', `/record/v1/salesOrder/${id}/item`)).body!;
    expect(sublist.items.map((line: Json) => line.line)).toEqual([1, 2]);

    expect(
      (
        await transform('salesOrder', id, 'itemFulfillment', {
          item: {
            items: [
              { orderLine: 1, quantity: 1 },
              { orderLine: 2, itemReceive: false },
            ],
          },
        })
      ).status,
    ).toBe(204);
    expect(await statusOf(id)).toBe('E');
    expect((await transform('salesOrder', id, 'invoice')).status).toBe(204);
    expect(await statusOf(id)).toBe('D');
    expect((await transform('salesOrder', id, 'itemFulfillment')).status).toBe(204); // empty body: everything open
    expect(await statusOf(id)).toBe('F');
    const lines = (await get('salesOrder', id)).item.items;
    expect(lines.map((line: Json) => [line.quantityFulfilled, line.quantityBilled])).toEqual([
      [2, 1],
      [1, 0],
    ]);
    expect((await transform('salesOrder', id, 'cashSale')).status).toBe(204);
    expect((await get('salesOrder', id)).status).toEqual({ id: 'G', refName: 'Billed' });
  });

  test('pending approval is A and cannot be fulfilled; closing every line makes H, which takes no fulfilment', async () => {
    const pending = await order({ orderStatus: { id: 'A' } });
    expect(await statusOf(pending)).toBe('A');
    const refused = await transform('salesOrder', pending, 'itemFulfillment');
    expect([refused.status, detail(refused)['o:errorCode']]).toEqual([400, 'USER_ERROR']);

    const id = await order();
    expect(
      (
        await call('PATCH', `/record/v1/salesOrder/${id}`, {
          item: {
            items: [
              { line: 1, isClosed: true },
              { line: 2, isclosed: true },
            ],
          },
        })
      ).status,
    ).toBe(204);
    expect((await get('salesOrder', id)).status).toEqual({ id: 'H', refName: 'Closed' });
    expect((await transform('salesOrder', id, 'itemFulfillment')).status).toBe(400);
    // Re-opening is allowed.
    expect((await call('PATCH', `/record/v1/salesOrder/${id}`, { item: { items: [{ line: 2, isClosed: false }] } })).status).toBe(204);
    expect(await statusOf(id)).toBe('B');
  });
});

describe('PATCH with line keys (lifecycle.md §1.6, §2.2)', () => {
  test('a keyed line is updated, an unkeyed one appended, totals recomputed; ?replace=item removes the rest and numbers are not reused', async () => {
    const id = await order();
    const res = await call('PATCH', `/record/v1/salesOrder/${id}`, {
      memo: 'edited',
      shippingCost: 4,
      item: {
        items: [
          { line: 1, quantity: 3 },
          { item: { id: cap }, quantity: 2, rate: 7 },
        ],
      },
    });
    expect(res.status).toBe(204);
    let so = await get('salesOrder', id);
    expect(so.item.items.map((line: Json) => [line.line, line.quantity, line.amount])).toEqual([
      [1, 3, 15],
      [2, 1, 20],
      [3, 2, 14],
    ]);
    expect(so).toMatchObject({ memo: 'edited', shippingCost: 4, subtotal: 49, total: 53 });
    expect(so.item.items[0].custcol_bc_line_id).toBe('L1'); // fields not sent stay

    expect((await call('PATCH', `/record/v1/salesOrder/${id}?replace=item`, { item: { items: [{ line: 1 }, { line: 3 }] } })).status).toBe(204);
    expect((await call('PATCH', `/record/v1/salesOrder/${id}`, { item: { items: [{ item: { id: mug }, quantity: 1 }] } })).status).toBe(204);
    so = await get('salesOrder', id);
    expect(so.item.items.map((line: Json) => line.line)).toEqual([1, 3, 4]);
  });

  test('refused like NetSuite: below fulfilled, repricing billed, closing fully billed, any item change once billed', async () => {
    const id = await order();
    await transform('salesOrder', id, 'itemFulfillment', {
      item: {
        items: [
          { orderLine: 1, quantity: 2 },
          { orderLine: 2, itemReceive: false },
        ],
      },
    });
    const below = await call('PATCH', `/record/v1/salesOrder/${id}`, { item: { items: [{ line: 1, quantity: 1 }] } });
    expect([below.status, detail(below)['o:errorCode']]).toEqual([400, 'USER_ERROR']);
    expect(detail(below).detail).toMatch(/^Error while accessing a resource\. .*below the quantity already fulfilled/);
    await transform('salesOrder', id, 'invoice');
    expect((await call('PATCH', `/record/v1/salesOrder/${id}`, { item: { items: [{ line: 1, rate: 6 }] } })).status).toBe(400);
    expect((await call('PATCH', `/record/v1/salesOrder/${id}`, { item: { items: [{ line: 1, isClosed: true }] } })).status).toBe(400);
    // Raising the quantity of a billed line at its rate is fine; the header still takes changes.
    expect((await call('PATCH', `/record/v1/salesOrder/${id}`, { item: { items: [{ line: 1, quantity: 3 }] }, memo: 'more' })).status).toBe(204);
    // Close the cap line, bill the rest: G, after which the items are frozen.
    await call('PATCH', `/record/v1/salesOrder/${id}`, { item: { items: [{ line: 2, isClosed: true }] } });
    await transform('salesOrder', id, 'itemFulfillment');
    await transform('salesOrder', id, 'invoice');
    expect(await statusOf(id)).toBe('G');
    const frozen = await call('PATCH', `/record/v1/salesOrder/${id}`, { item: { items: [{ item: { id: mug }, quantity: 1 }] } });
    expect([frozen.status, detail(frozen).detail]).toEqual([
      400,
      'Error while accessing a resource. You cannot change the items of a sales order that is Billed.',
    ]);
    expect((await call('PATCH', `/record/v1/salesOrder/${id}`, { memo: 'header only' })).status).toBe(204);
  });
});

describe('item fulfilments (lifecycle.md §5.1)', () => {
  test('created with packages, read back by id and eid:, patched, and deleted (which gives the quantity back)', async () => {
    const id = await order();
    const res = await transform('salesOrder', id, 'itemFulfillment', {
      externalId: 'IF-EXT-1',
      shipStatus: { id: 'B' },
      shipMethod: { id: ups },
      item: { items: [{ orderLine: 1, quantity: 1 }] },
      packageUps: { items: [{ packageTrackingNumberUps: '1Z999', packageWeightUps: 1.5 }] },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('location')).toMatch(/\/record\/v1\/itemFulfillment\/\d+$/);
    const fulfilment = idOf(res);
    const read = await get('itemFulfillment', fulfilment);
    expect(read).toMatchObject({
      createdFrom: { id },
      entity: { id: customer },
      tranId: expect.stringMatching(/^IF\d+$/),
      shipStatus: { id: 'B', refName: 'Packed' },
      shipMethod: { id: ups },
      externalId: 'IF-EXT-1',
      lastModifiedDate: '2026-03-04T10:00:00Z',
    });
    expect(read.item.items.map((line: Json) => [line.line, line.orderLine, line.item.id, line.quantity, line.itemReceive])).toEqual([
      [1, 1, mug, 1, true],
      [2, 2, cap, 1, true],
    ]);
    expect(read.packageUps.items).toEqual([expect.objectContaining({ packageTrackingNumberUps: '1Z999', packageWeightUps: 1.5 })]);
    expect(read.package.items).toEqual([]);
    expect((await call('GET', '/record/v1/itemFulfillment/eid:IF-EXT-1')).body!.id).toBe(fulfilment);
    const duplicate = await transform('salesOrder', id, 'itemFulfillment', { externalId: 'IF-EXT-1' });
    expect([duplicate.status, detail(duplicate).detail]).toEqual([400, 'Error while accessing a resource. This record already exists.']);

    now += 60_000;
    expect(
      (await call('PATCH', `/record/v1/itemFulfillment/${fulfilment}`, { shipStatus: 'C', package: { items: [{ packageTrackingNumber: 'TRK-2' }] } })).status,
    ).toBe(204);
    const patched = await get('itemFulfillment', fulfilment);
    expect(patched).toMatchObject({ shipStatus: { id: 'C' }, lastModifiedDate: '2026-03-04T10:01:00Z' });
    expect(patched.package.items).toEqual([expect.objectContaining({ packageTrackingNumber: 'TRK-2' })]);

    expect(await statusOf(id)).toBe('E'); // partly fulfilled, nothing billed
    expect((await call('DELETE', `/record/v1/itemFulfillment/${fulfilment}`)).status).toBe(204);
    expect((await call('GET', `/record/v1/itemFulfillment/${fulfilment}`)).status).toBe(404);
    expect(await statusOf(id)).toBe('B');
    expect((await get('salesOrder', id)).item.items[0].quantityFulfilled).toBe(0);
  });

  test('refuses more than is unfulfilled and a closed line', async () => {
    const id = await order();
    const over = await transform('salesOrder', id, 'itemFulfillment', { item: { items: [{ orderLine: 1, quantity: 3 }] } });
    expect([over.status, detail(over)['o:errorCode']]).toEqual([400, 'USER_ERROR']);
    await call('PATCH', `/record/v1/salesOrder/${id}`, { item: { items: [{ line: 2, isClosed: true }] } });
    expect((await transform('salesOrder', id, 'itemFulfillment', { item: { items: [{ orderLine: 2, quantity: 1 }] } })).status).toBe(400);
  });
});

describe('bills, credits, refunds and deposits (lifecycle.md §4.2, §6.2)', () => {
  test('nothing fulfilled: no invoice ("You must enter at least one line item")', async () => {
    const id = await order();
    const res = await transform('salesOrder', id, 'invoice');
    expect([res.status, detail(res).detail]).toEqual([400, 'Error while accessing a resource. You must enter at least one line item for this transaction.']);
  });

  test('invoice → credit memo (applied to the invoice) → customer refund; never more than billed', async () => {
    const id = await order();
    await transform('salesOrder', id, 'itemFulfillment');
    const invoice = idOf(await transform('salesOrder', id, 'invoice'));
    expect(await get('invoice', invoice)).toMatchObject({ total: 40, shippingCost: 10, createdFrom: { id } });
    const memo = await transform(
      'invoice',
      invoice,
      'creditMemo',
      { item: { items: [{ line: 1, quantity: 1 }] }, apply: { items: [{ doc: { id: invoice }, apply: true, amount: 5 }] } },
      '?replace=item',
    );
    expect(memo.body).toBeUndefined();
    expect(memo.status).toBe(204);
    const read = await get('creditMemo', idOf(memo));
    expect(read).toMatchObject({ total: 5, createdFrom: { id: invoice }, status: { id: 'B' } });
    expect(read.apply.items).toEqual([expect.objectContaining({ doc: { id: invoice }, amount: 5 })]);
    const tooMuch = await transform('invoice', invoice, 'creditMemo', { item: { items: [{ line: 1, quantity: 2 }] } }, '?replace=item');
    expect([tooMuch.status, detail(tooMuch)['o:errorCode']]).toEqual([400, 'USER_ERROR']);
    const refund = await transform('creditMemo', idOf(memo), 'customerRefund');
    expect((await get('customerRefund', idOf(refund))).total).toBe(5);
    expect((await transform('creditMemo', idOf(memo), 'customerRefund')).status).toBe(400);
  });

  test('cash sale → cash refund; a deposit with the order currency only, refunded through a customer refund', async () => {
    const id = await order();
    await transform('salesOrder', id, 'itemFulfillment');
    const sale = idOf(await transform('salesOrder', id, 'cashSale'));
    const cashRefund = await transform('cashSale', sale, 'cashRefund');
    expect(cashRefund.body).toBeUndefined();
    expect(cashRefund.status).toBe(204);
    expect((await transform('cashSale', sale, 'cashRefund')).status).toBe(400);

    const eur = ns.currencyId('EUR');
    const wrong = await call('POST', '/record/v1/customerDeposit', {
      customer: { id: customer },
      salesOrder: { id },
      payment: 10,
      undepFunds: true,
      currency: { id: eur },
    });
    expect([wrong.status, detail(wrong)['o:errorCode']]).toEqual([400, 'USER_ERROR']);
    const deposit = await call('POST', '/record/v1/customerDeposit', {
      customer: { id: customer },
      salesOrder: { id },
      payment: 25,
      undepFunds: true,
      externalId: 'DEP-1',
      tranDate: '2026-03-04',
    });
    expect(deposit.status).toBe(204);
    expect(await get('customerDeposit', 'eid:DEP-1')).toMatchObject({ customer: { id: customer }, salesOrder: { id }, payment: 25, undepFunds: true });
    expect((await call('POST', '/record/v1/customerDeposit', { customer: { id: customer }, payment: 1, undepFunds: true, externalId: 'DEP-1' })).status).toBe(
      400,
    );
    const refund = await transform('customerDeposit', idOf(deposit), 'customerRefund', {
      deposit: { items: [{ doc: { id: idOf(deposit) }, apply: true, amount: 30 }] },
    });
    expect(refund.status).toBe(400); // more than was paid
    expect((await transform('customerDeposit', idOf(deposit), 'customerRefund')).status).toBe(204);
  });

  test("options: transformExternalIds 'ignored' (the body's externalId is not stored, so it cannot guard a retry) and depositsNeedNoPaymentMethod", async () => {
    const lax = await NetSuiteSimulator.start({ tba, transformExternalIds: 'ignored', depositsNeedNoPaymentMethod: true, clock: () => now });
    try {
      const who = lax.addCustomer({ email: 'b@example.com', firstName: 'B', lastName: 'C' });
      const item = lax.addItem({ itemId: 'X' });
      const so = idOf(
        await call('POST', '/record/v1/salesOrder', { entity: { id: who }, item: { items: [{ item: { id: item }, quantity: 2, rate: 1 }] } }, {}, lax),
      );
      const first = await call(
        'POST',
        `/record/v1/salesOrder/${so}/!transform/itemFulfillment`,
        { externalId: 'X-1', item: { items: [{ orderLine: 1, quantity: 1 }] } },
        {},
        lax,
      );
      const again = await call(
        'POST',
        `/record/v1/salesOrder/${so}/!transform/itemFulfillment`,
        { externalId: 'X-1', item: { items: [{ orderLine: 1, quantity: 1 }] } },
        {},
        lax,
      );
      expect([first.status, again.status]).toEqual([204, 204]);
      expect((await call('GET', '/record/v1/itemFulfillment/eid:X-1', undefined, {}, lax)).status).toBe(404);
      // depositsNeedNoPaymentMethod: an order with a payment method takes no deposit (lifecycle.md §6.2, SECONDARY).
      const paid = idOf(
        await call(
          'POST',
          '/record/v1/salesOrder',
          { entity: { id: who }, paymentMethod: { id: '4' }, item: { items: [{ item: { id: item }, quantity: 1, rate: 1 }] } },
          {},
          lax,
        ),
      );
      const deposit = (salesOrder: string) =>
        call('POST', '/record/v1/customerDeposit', { customer: { id: who }, salesOrder: { id: salesOrder }, payment: 1, undepFunds: true }, {}, lax);
      expect((await deposit(paid)).status).toBe(400);
      expect((await deposit(so)).status).toBe(204);
    } finally {
      await lax.close();
    }
  });
});

describe('SuiteQL (lifecycle.md §5.1, §7.1)', () => {
  test('the fulfilment keyset query of lifecycle.md §5.1 runs verbatim; statuses are bare letters, BUILTIN.CF/DF name them', async () => {
    now = Date.parse('2026-03-05T08:00:00Z');
    const id = await order();
    const fulfilment = idOf(await transform('salesOrder', id, 'itemFulfillment', { package: { items: [{ packageTrackingNumber: 'TRK-9' }] } }));
    const rows = await suiteql(`SELECT t.id, t.tranid, t.lastmodifieddate, t.trandate, BUILTIN.CF(t.status) AS status,
       t.shipcarrier, t.trackingnumberlist,
       so.id AS so_id, so.externalid AS so_externalid
FROM transaction t
JOIN transactionline ml ON ml.transaction = t.id AND ml.mainline = 'T'
JOIN transaction so ON so.id = ml.createdfrom AND so.type = 'SalesOrd'
WHERE t.type = 'ItemShip'
  AND so.externalid LIKE 'BC-abc123-%'
  AND ( t.lastmodifieddate > TO_TIMESTAMP('2026-03-05 07:59:59', 'YYYY-MM-DD HH24:MI:SS')
     OR (t.lastmodifieddate = TO_TIMESTAMP('2026-03-05 07:59:59', 'YYYY-MM-DD HH24:MI:SS') AND t.id > 0) )
ORDER BY t.lastmodifieddate, t.id`);
    expect(rows).toEqual([
      expect.objectContaining({
        id: fulfilment,
        status: 'ItemShip:C',
        shipcarrier: 'nonups',
        trackingnumberlist: 'TRK-9',
        so_id: id,
        so_externalid: `BC-abc123-${orderNumber}`,
      }),
    ]);
    const [so] = await suiteql(`SELECT status, BUILTIN.DF(status) AS name FROM transaction WHERE id = ${id}`);
    expect(so).toMatchObject({ status: 'F', name: 'Pending Billing' });
    const lines = await suiteql(
      `SELECT id, quantityshiprecv, quantitybilled, isclosed FROM transactionline WHERE transaction = ${id} AND mainline = 'F' AND item IN (${mug}, ${cap}) ORDER BY id`,
    );
    expect(lines).toMatchObject([
      { id: '1', quantityshiprecv: '2', quantitybilled: '0', isclosed: 'F' },
      { id: '2', quantityshiprecv: '1', quantitybilled: '0', isclosed: 'F' },
    ]);
    await transform('salesOrder', id, 'invoice');
    const types = await suiteql(
      `SELECT t.type, BUILTIN.CF(t.status) AS code FROM transaction t JOIN transactionline ml ON ml.transaction = t.id AND ml.mainline = 'T' WHERE ml.createdfrom = ${id} ORDER BY t.id`,
    );
    expect(types).toMatchObject([
      { type: 'ItemShip', code: 'ItemShip:C' },
      { type: 'CustInvc', code: 'CustInvc:A' },
    ]);
  });
});

describe('custom fields must exist', () => {
  test('an undefined custcol_/custbody_ field is unknown: refused under "error", dropped with a warning by default', async () => {
    const body = { entity: { id: customer }, custbody_nope: 'x', item: { items: [{ item: { id: mug }, quantity: 1, rate: 1, custcol_bc_line_id: 'L9' }] } };
    const strict = await call('POST', '/record/v1/salesOrder', body, { 'X-NetSuite-PropertyNameValidation': 'error' });
    expect([strict.status, detail(strict)['o:errorPath']]).toEqual([400, 'custbody_nope']);
    const lenient = await call('POST', '/record/v1/salesOrder', {
      ...body,
      item: { items: [{ item: { id: mug }, quantity: 1, rate: 1, custcol_typo: 'L9' }] },
    });
    expect(lenient.status).toBe(204);
    expect(lenient.headers.get('x-netsuite-propertyvalidation')).toContain('item.items[0].custcol_typo');
    expect((await get('salesOrder', idOf(lenient))).item.items[0].custcol_typo).toBeUndefined();
    ns.defineCustomField('custbody_nope');
    expect((await call('POST', '/record/v1/salesOrder', body, { 'X-NetSuite-PropertyNameValidation': 'error' })).status).toBe(204);
  });
});

describe('programmatic API (same code paths as HTTP)', () => {
  test('fulfil, bill, salesOrder, records and deleteFulfilment', async () => {
    const id = await order();
    const fulfilment = ns.fulfil(id, { lines: { 1: 1 }, tracking: ['1ZAPI'], carrier: 'ups', externalId: 'IF-API-1' });
    expect(ns.salesOrder(id)).toMatchObject({
      status: 'E',
      lines: [
        { line: 1, quantityFulfilled: 1 },
        { line: 2, quantityFulfilled: 0 },
      ],
    });
    expect((await get('itemFulfillment', fulfilment)).packageUps.items).toEqual([expect.objectContaining({ packageTrackingNumberUps: '1ZAPI' })]);
    const invoice = ns.bill(id);
    expect(ns.records('invoice').find((record) => record.id === invoice)).toMatchObject({ createdFrom: id, total: 15 });
    expect(ns.salesOrder(id)!.status).toBe('D');
    expect(() => ns.deleteFulfilment(fulfilment)).toThrow(/dependent records/); // billed: NetSuite keeps it
    const second = ns.fulfil(id);
    ns.deleteFulfilment(second);
    expect(ns.records('itemFulfillment').map((record) => record.id)).not.toContain(second);
    expect(() => ns.bill(id, 'cashSale')).toThrow(/at least one line item/);
  });
});
