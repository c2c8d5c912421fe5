/**
 * Refunds and payments end to end on the local stack, driven as BigCommerce drives them: the store simulator's
 * refund and capture fire their webhooks over HTTP → the webhook handler → SQS → the worker → NetSuite
 * (simulator), whose final records are asserted. NetSuite's billing state is set as a warehouse and a billing
 * clerk would (fulfil, then invoice or cash sale). One stack per settings block, shared by its tests.
 */
import { orderKey } from '../../functions/core/external-ids.ts';
import { type LocalStack } from '../../local/runtime/local-stack.ts';
import { startTestStack } from '../support/test-stack.ts';
import { shopper, startHarness } from '../support/sync-harness.ts';

const sim = (stack: LocalStack) => stack.simulated!;

/** A paid order of 2 mugs (12.25) and a cap (15.99), 5.00 shipping, no tax; synced before it returns. */
async function syncedOrder(stack: LocalStack, seed: { paymentCaptured?: boolean } = {}) {
  const orderId = sim(stack).bc.addOrder({
    billing: shopper('refunds@example.com'),
    shippingCostExTax: '5.0000',
    lines: [
      { sku: 'MUG-11OZ', quantity: 2, priceExTax: '12.2500' },
      { sku: 'CAP-BLK', quantity: 1, priceExTax: '15.9900' },
    ],
    ...seed,
  });
  await stack.settle();
  const salesOrder = sim(stack)
    .ns.salesOrders()
    .find((order) => order.otherRefNum === String(orderId));
  if (!salesOrder) throw new Error(`order ${orderId} did not sync: ${JSON.stringify(await ledgerOf(stack, orderId))}`);
  const [mug, cap] = sim(stack).bc.getOrderProducts(orderId);
  return { orderId, salesOrderId: salesOrder.id, mug: mug!.id, cap: cap!.id };
}

async function shippingAddressId(stack: LocalStack, orderId: number): Promise<number> {
  const response = await fetch(`${stack.env.BIGCOMMERCE_API_URL}/stores/abc123/v2/orders/${orderId}/shipping_addresses`, {
    headers: { 'X-Auth-Token': stack.env.BIGCOMMERCE_ACCESS_TOKEN!, Accept: 'application/json' },
  });
  return ((await response.json()) as Array<{ id: number }>)[0]!.id;
}

/** Refunds in BigCommerce (its webhook fires) and pays the whole amount back to the card. */
function refund(stack: LocalStack, orderId: number, items: unknown[], amount: number) {
  return sim(stack).bc.refund(orderId, { items, payments: [{ provider_id: 'testgateway', amount, offline: false }], reason: 'customer return' });
}

const creditsOf = (stack: LocalStack, type: 'cashRefund' | 'creditMemo' | 'customerRefund' | 'customerDeposit', source?: string) =>
  sim(stack)
    .ns.records(type)
    .filter((record) => source === undefined || record.createdFrom === source || record.salesOrder === source);

async function ledgerOf(stack: LocalStack, orderId: number) {
  return stack.context.ledger.get(orderKey('abc123', orderId));
}

describe('payments off: refunds by billing state', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack({
      env: { NETSUITE_REFUND_ITEM_ID: '' },
      seed: ({ ns }) => {
        ns.addItem({ itemId: 'MUG-11OZ' });
        ns.addItem({ itemId: 'CAP-BLK' });
        return { NETSUITE_REFUND_ITEM_ID: ns.addItem({ itemId: 'BC-REFUND', itemType: 'OthCharge' }) };
      },
    });
  });
  afterAll(async () => stack.stop());

  test('cash sale: a partial refund with shipping, then the rest, are two cash refunds; the refund webhook delivered three times makes no third', async () => {
    const { orderId, salesOrderId, mug, cap } = await syncedOrder(stack);
    sim(stack).ns.fulfil(salesOrderId);
    const cashSale = sim(stack).ns.bill(salesOrderId, 'cashSale');
    const address = await shippingAddressId(stack, orderId);

    const first = refund(
      stack,
      orderId,
      [
        { item_type: 'PRODUCT', item_id: mug, quantity: 1 },
        { item_type: 'SHIPPING', item_id: address, amount: 5 },
      ],
      17.25,
    );
    await stack.settle();
    // The same refund/created callback twice more, as BigCommerce may redeliver it.
    const duplicate = { scope: 'store/order/refund/created', store_id: '1', data: { type: 'order', id: orderId, refund: { refund_id: first.id } }, hash: 'r' };
    for (const _ of [1, 2]) {
      const response = await fetch(stack.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-secret': stack.webhookSecret },
        body: JSON.stringify({ ...duplicate, created_at: Date.now(), producer: 'stores/abc123' }),
      });
      expect(response.status).toBe(200);
    }
    await stack.settle();

    const [partial, ...others] = creditsOf(stack, 'cashRefund', cashSale);
    expect(others).toHaveLength(0);
    expect(partial).toMatchObject({ externalId: `BC-abc123-${orderId}-RF${first.id}`, shippingCost: 5, total: 17.25 });
    expect(partial!.lines.map((line) => [line.quantity, line.amount])).toEqual([[1, 12.25]]);
    expect(partial!.memo).toContain(`[BC-abc123-${orderId}-RF${first.id}]`);

    const rest = refund(
      stack,
      orderId,
      [
        { item_type: 'PRODUCT', item_id: mug, quantity: 1 },
        { item_type: 'PRODUCT', item_id: cap, quantity: 1 },
      ],
      28.24,
    );
    await stack.settle();
    const credits = creditsOf(stack, 'cashRefund', cashSale);
    expect(credits.map((credit) => credit.total)).toEqual([17.25, 28.24]);
    expect(sim(stack).ns.server.count({ method: 'POST', path: '!transform/cashRefund' })).toBe(2);
    const entry = await ledgerOf(stack, orderId);
    expect(entry?.refunds).toMatchObject({
      [String(first.id)]: { recordType: 'cashRefund', recordId: partial!.id, amount: '17.25' },
      [String(rest.id)]: { recordType: 'cashRefund', recordId: credits[1]!.id, amount: '28.24' },
    });
    expect(entry?.history?.filter((event) => event.event === 'refunded')).toHaveLength(2);
  });

  test('unpaid invoice: a partial refund is a credit memo applied to the invoice, a full one credits the rest; no customer refund', async () => {
    const { orderId, salesOrderId, mug, cap } = await syncedOrder(stack);
    sim(stack).ns.fulfil(salesOrderId);
    const invoice = sim(stack).ns.bill(salesOrderId, 'invoice');

    refund(stack, orderId, [{ item_type: 'PRODUCT', item_id: cap, quantity: 1 }], 15.99);
    await stack.settle();
    const address = await shippingAddressId(stack, orderId);
    refund(
      stack,
      orderId,
      [
        { item_type: 'PRODUCT', item_id: mug, quantity: 2 },
        { item_type: 'SHIPPING', item_id: address, amount: 5 },
      ],
      29.5,
    );
    await stack.settle();

    const memos = creditsOf(stack, 'creditMemo', invoice);
    expect(memos.map((memo) => [memo.total, memo.status, memo.apply])).toEqual([
      [15.99, 'B', [{ doc: invoice, amount: 15.99 }]],
      [29.5, 'B', [{ doc: invoice, amount: 29.5 }]],
    ]);
    expect(memos[1]!.lines.map((line) => line.quantity)).toEqual([2]);
    expect(memos[1]!.shippingCost).toBe(5);
    expect(creditsOf(stack, 'customerRefund').filter((refund) => refund.memo?.includes(`[BC-abc123-${orderId}-`))).toHaveLength(0);
  });

  test('nothing billed: refunded units and shipping come off the sales order, a fully refunded line is closed', async () => {
    const { orderId, salesOrderId, mug, cap } = await syncedOrder(stack);
    const address = await shippingAddressId(stack, orderId);
    refund(
      stack,
      orderId,
      [
        { item_type: 'PRODUCT', item_id: mug, quantity: 1 },
        { item_type: 'SHIPPING', item_id: address, amount: 2 },
      ],
      14.25,
    );
    await stack.settle();
    let order = sim(stack).ns.salesOrder(salesOrderId)!;
    expect(order.lines.map((line) => [line.quantity, line.isClosed])).toEqual([
      [1, false],
      [1, false],
    ]);
    expect(order.shippingCost).toBe(3);

    refund(stack, orderId, [{ item_type: 'PRODUCT', item_id: cap, quantity: 1 }], 15.99);
    await stack.settle();
    order = sim(stack).ns.salesOrder(salesOrderId)!;
    expect(order.lines.map((line) => [line.quantity, line.isClosed])).toEqual([
      [1, false],
      [1, true],
    ]);
    expect(creditsOf(stack, 'creditMemo').filter((memo) => memo.memo?.includes(`[BC-abc123-${orderId}-`))).toHaveLength(0);
    expect(Object.values((await ledgerOf(stack, orderId))?.refunds ?? {}).map((record) => record.recordType)).toEqual(['salesOrder', 'salesOrder']);
  });

  test('nothing billed: an edit after a refund keeps the refunded units and shipping off, and a fully refunded line stays closed', async () => {
    const { orderId, salesOrderId, mug, cap } = await syncedOrder(stack);
    const address = await shippingAddressId(stack, orderId);
    refund(
      stack,
      orderId,
      [
        { item_type: 'PRODUCT', item_id: mug, quantity: 1 },
        { item_type: 'PRODUCT', item_id: cap, quantity: 1 },
        { item_type: 'SHIPPING', item_id: address, amount: 2 },
      ],
      30.24,
    );
    await stack.settle();
    expect(sim(stack).ns.salesOrder(salesOrderId)!.shippingCost).toBe(3);
    const patches = () => sim(stack).ns.server.count({ method: 'PATCH', path: `/record/v1/salesOrder/${salesOrderId}` });
    const afterRefund = patches();

    // One more mug and a dearer shipping: BigCommerce's quantity (3) and shipping (6) still count the refunded parts.
    sim(stack).bc.editOrder(orderId, { products: [{ id: mug, quantity: 3 }], shipping_cost_ex_tax: '6.0000', shipping_cost_inc_tax: '6.0000' });
    await stack.settle();

    const order = sim(stack).ns.salesOrder(salesOrderId)!;
    const link = (line: (typeof order.lines)[number]) => Number(line.customFields.custcol_bc_line_id);
    expect(order.lines.map((line) => [link(line), line.quantity, line.isClosed])).toEqual([
      [mug, 2, false],
      [cap, 1, true],
    ]);
    expect(order.shippingCost).toBe(4);
    // To the cent: what NetSuite keeps open is what the shopper paid after the edit less what went back.
    const bc = sim(stack).bc.getOrder(orderId)!;
    const refunded = sim(stack)
      .bc.refunds(orderId)
      .reduce((sum, one) => sum + Math.round(Number(one.total_amount) * 100), 0);
    const open = order.lines.filter((line) => !line.isClosed).reduce((sum, line) => sum + Math.round(line.amount * 100), 0);
    expect(open + Math.round(order.shippingCost! * 100)).toBe(Math.round(Number(bc.total_inc_tax) * 100) - refunded);
    expect(patches()).toBe(afterRefund + 1); // the edit, in one PATCH; the events about the refund itself changed nothing
    const entry = await ledgerOf(stack, orderId);
    expect(entry?.state).toBe('synced');
    expect(entry?.history?.filter((event) => event.event === 'edited').map((event) => event.detail)).toEqual([
      expect.stringContaining('1 × 12.25 → 2 × 12.25'),
    ]);
  });

  test('a refund whose webhook never arrived is found by the sweep and credited once; the late webhook adds nothing', async () => {
    const { orderId, salesOrderId, mug } = await syncedOrder(stack);
    sim(stack).ns.fulfil(salesOrderId);
    const cashSale = sim(stack).ns.bill(salesOrderId, 'cashSale');
    sim(stack).bc.pauseWebhooks();
    refund(stack, orderId, [{ item_type: 'PRODUCT', item_id: mug, quantity: 1 }], 12.25);
    await stack.pollNow();
    await stack.worker.waitForIdle();
    expect(creditsOf(stack, 'cashRefund', cashSale)).toHaveLength(1);

    sim(stack).bc.resumeWebhooks();
    await stack.settle();
    await stack.pollNow();
    await stack.worker.waitForIdle();
    expect(creditsOf(stack, 'cashRefund', cashSale)).toHaveLength(1);
  });
});

describe('SYNC_PAYMENTS=deposit, and a NetSuite that ignores externalIds in transform bodies', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack({
      env: { SYNC_PAYMENTS: 'deposit', SYNC_PAYMENTS_INCLUDE_TEST: 'true' },
      simulator: { netsuite: { transformExternalIds: 'ignored' } },
      seed: ({ ns }) => {
        ns.addItem({ itemId: 'MUG-11OZ' });
        ns.addItem({ itemId: 'CAP-BLK' });
      },
    });
  });
  afterAll(async () => stack.stop());

  test('a deposit per captured transaction: none for an authorization, one when it is captured', async () => {
    const paid = await syncedOrder(stack);
    expect(creditsOf(stack, 'customerDeposit', paid.salesOrderId).map((deposit) => [deposit.payment, deposit.externalId, deposit.undepFunds])).toEqual([
      [45.49, `BC-abc123-${paid.orderId}-TX${sim(stack).bc.transactions(paid.orderId)[0]!.id}`, true],
    ]);

    const authorized = await syncedOrder(stack, { paymentCaptured: false });
    expect(creditsOf(stack, 'customerDeposit', authorized.salesOrderId)).toHaveLength(0);
    const capture = sim(stack).bc.capture(authorized.orderId);
    await stack.settle();
    await stack.pollNow(); // a redundant sweep changes nothing
    await stack.worker.waitForIdle();
    const deposits = creditsOf(stack, 'customerDeposit', authorized.salesOrderId);
    expect(deposits.map((deposit) => [deposit.payment, deposit.salesOrder])).toEqual([[45.49, authorized.salesOrderId]]);
    expect((await ledgerOf(stack, authorized.orderId))?.deposits).toEqual({
      [String(capture.id)]: expect.objectContaining({ recordType: 'customerDeposit', recordId: deposits[0]!.id, amount: '45.49' }),
    });
  });

  test('paid by deposit only, nothing billed: a partial and then a full refund are customer refunds of the deposit, and the lines come off', async () => {
    const { orderId, salesOrderId, mug, cap } = await syncedOrder(stack);
    const [deposit] = creditsOf(stack, 'customerDeposit', salesOrderId);
    const address = await shippingAddressId(stack, orderId);
    refund(stack, orderId, [{ item_type: 'PRODUCT', item_id: mug, quantity: 1 }], 12.25);
    await stack.settle();
    expect(
      sim(stack)
        .ns.salesOrder(salesOrderId)!
        .lines.map((line) => [line.quantity, line.isClosed]),
    ).toEqual([
      [1, false],
      [1, false],
    ]);
    refund(
      stack,
      orderId,
      [
        { item_type: 'PRODUCT', item_id: mug, quantity: 1 },
        { item_type: 'PRODUCT', item_id: cap, quantity: 1 },
        { item_type: 'SHIPPING', item_id: address, amount: 5 },
      ],
      33.24,
    );
    await stack.settle();
    expect(creditsOf(stack, 'customerRefund', deposit!.id).map((refund) => [refund.total, refund.apply])).toEqual([
      [12.25, [{ doc: deposit!.id, amount: 12.25 }]],
      [33.24, [{ doc: deposit!.id, amount: 33.24 }]],
    ]);
    const order = sim(stack).ns.salesOrder(salesOrderId)!;
    expect(order.lines.every((line) => line.isClosed)).toBe(true);
    expect(order.shippingCost).toBe(0);
  });

  test('paid invoice: a partial and then a full refund are open credit memos, each paid out by a customer refund', async () => {
    const { orderId, salesOrderId, mug, cap } = await syncedOrder(stack);
    sim(stack).ns.fulfil(salesOrderId);
    const invoice = sim(stack).ns.bill(salesOrderId, 'invoice');
    const bcRefund = refund(stack, orderId, [{ item_type: 'PRODUCT', item_id: cap, quantity: 1 }], 15.99);
    await stack.settle();
    const [memo, ...others] = creditsOf(stack, 'creditMemo', invoice);
    expect(others).toHaveLength(0);
    expect(memo).toMatchObject({ total: 15.99, status: 'A', apply: [] });
    // This NetSuite ignored the externalIds: the memo marker is what identifies the records.
    expect(memo!.externalId).toBeUndefined();
    expect(memo!.memo).toContain(`[BC-abc123-${orderId}-RF${bcRefund.id}]`);
    const [payout] = creditsOf(stack, 'customerRefund', memo!.id);
    expect(payout).toMatchObject({ total: 15.99, apply: [{ doc: memo!.id, amount: 15.99 }] });
    expect(payout!.memo).toContain(`[BC-abc123-${orderId}-RF${bcRefund.id}-CR]`);

    // Then the rest, with shipping: the whole invoice is credited and paid back.
    const address = await shippingAddressId(stack, orderId);
    refund(
      stack,
      orderId,
      [
        { item_type: 'PRODUCT', item_id: mug, quantity: 2 },
        { item_type: 'SHIPPING', item_id: address, amount: 5 },
      ],
      29.5,
    );
    await stack.settle();
    const memos = creditsOf(stack, 'creditMemo', invoice);
    expect(memos.map((credit) => [credit.total, credit.shippingCost])).toEqual([
      [15.99, 0],
      [29.5, 5],
    ]);
    expect(creditsOf(stack, 'customerRefund', memos[1]!.id).map((refund) => refund.total)).toEqual([29.5]);
  });

  test('the cash refund is made but its response is lost: the retry finds it by its memo marker, and there is still one', async () => {
    const { orderId, salesOrderId, mug } = await syncedOrder(stack);
    sim(stack).ns.fulfil(salesOrderId);
    const cashSale = sim(stack).ns.bill(salesOrderId, 'cashSale');
    sim(stack).ns.server.injectFault({ method: 'POST', path: '!transform/cashRefund' }, { kind: 'drop-after-commit' }, 1);
    const bcRefund = refund(stack, orderId, [{ item_type: 'PRODUCT', item_id: mug, quantity: 1 }], 12.25);
    await stack.settle();

    expect(sim(stack).ns.server.count({ method: 'POST', path: '!transform/cashRefund' })).toBe(1);
    const [credit, ...others] = creditsOf(stack, 'cashRefund', cashSale);
    expect(others).toHaveLength(0);
    expect((await ledgerOf(stack, orderId))?.refunds).toEqual({
      [String(bcRefund.id)]: expect.objectContaining({ recordType: 'cashRefund', recordId: credit!.id }),
    });
  });

  test('a custom amount without NETSUITE_REFUND_ITEM_ID is refused and announced once; a later item refund still applies', async () => {
    const { orderId, salesOrderId, mug } = await syncedOrder(stack);
    sim(stack).ns.fulfil(salesOrderId);
    const cashSale = sim(stack).ns.bill(salesOrderId, 'cashSale');
    refund(stack, orderId, [{ item_type: 'ORDER', item_id: orderId, amount: 3 }], 3);
    await stack.settle();
    expect(creditsOf(stack, 'cashRefund', cashSale)).toHaveLength(0);
    expect((await ledgerOf(stack, orderId))?.history?.map((event) => event.event)).toContain('change_refused');

    refund(stack, orderId, [{ item_type: 'PRODUCT', item_id: mug, quantity: 1 }], 12.25);
    await stack.settle();
    expect(creditsOf(stack, 'cashRefund', cashSale).map((credit) => credit.total)).toEqual([12.25]);

    await stack.notifyNow();
    const alerts = stack.slack!.texts().filter((text) => text.includes(`Order ${orderId} `));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('NETSUITE_REFUND_ITEM_ID');
  });
});

describe('SYNC_TAX_MODE=line', () => {
  test("a cash sale's refund carries BigCommerce's refunded tax on the tax item, and NetSuite adds none", async () => {
    const h = await startHarness({
      env: ({ ns }) => ({
        SYNC_TAX_MODE: 'line',
        NETSUITE_TAX_ITEM_ID: ns.addItem({ itemId: 'SALES-TAX', itemType: 'OthCharge' }),
        NETSUITE_NON_TAXABLE_TAX_CODE_ID: '-8',
      }),
    });
    try {
      h.ns.addItem({ itemId: 'MUG-11OZ' });
      const orderId = h.bc.addOrder({ billing: shopper('tax-line@example.com'), taxRate: 0.1, lines: [{ sku: 'MUG-11OZ', quantity: 2, priceExTax: '10.00' }] });
      const synced = await h.sync(orderId);
      if (synced.status !== 'synced') throw new Error(`not synced: ${JSON.stringify(synced)}`);
      h.ns.fulfil(synced.salesOrderId);
      const cashSale = h.ns.bill(synced.salesOrderId, 'cashSale');
      const [mug] = h.bc.getOrderProducts(orderId);
      const bcRefund = h.bc.refund(orderId, {
        items: [{ item_type: 'PRODUCT', item_id: mug!.id, quantity: 1 }],
        payments: [{ provider_id: 'custom', amount: 11, offline: true }],
      });
      expect(bcRefund.total_tax).toBe(1);

      await h.sync(orderId); // the refund webhook's message, handled as the worker would
      const [credit, ...others] = h.ns.records('cashRefund').filter((record) => record.createdFrom === cashSale);
      expect(others).toHaveLength(0);
      expect(credit!.lines.map((line) => [line.quantity, line.amount])).toEqual([
        [1, 10],
        [1, 1],
      ]);
      expect(credit).toMatchObject({ taxTotal: 0, total: 11 });
    } finally {
      await h.close();
    }
  });
});
