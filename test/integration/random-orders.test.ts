/**
 * 1,000 seeded random orders mixing every shape the product books (see random-orders.ts), synced against both
 * simulators and DynamoDB Local, then reconciled: no cent of difference between BigCommerce's and NetSuite's
 * totals goes unexplained, and the only drift is where the account's tax rate differs from the store's.
 */
import pLimit from 'p-limit';
import { randomUUID } from 'node:crypto';
import { orderKey } from '../../functions/core/external-ids.ts';
import { isUnexplained, reconcileOrders } from '../../functions/core/reconcile-orders.ts';
import { refreshSkuMap } from '../../functions/core/refresh-sku-map.ts';
import { syncOrder } from '../../functions/core/sync-order.ts';
import { DynamoDbAlertLog } from '../../functions/adapters/dynamodb/dynamodb-alert-log.ts';
import { createDocumentClient } from '../../functions/adapters/dynamodb/dynamodb-client.ts';
import type { DriftAlert } from '../../functions/core/ports.ts';
import type { DynamoDbLedger } from '../../functions/adapters/dynamodb/dynamodb-ledger.ts';
import { randomOrders } from '../../local/simulators/bigcommerce/fixtures/random-orders.ts';
import { demoCatalog } from '../../local/simulators/bigcommerce/fixtures/demo-store.ts';
import { seededRandom } from '../../local/simulators/seeded-random.ts';
import { demoTaxSetup } from '../../local/simulators/netsuite/fixtures/demo-account.ts';
import { startHarness, type Harness } from '../support/sync-harness.ts';

const ORDERS = 1000;
let h: Harness;
afterAll(async () => h?.close());

test(`${ORDERS} random orders: every paid one booked, and zero unexplained cent differences after reconciliation`, async () => {
  h = await startHarness({
    // The demo account's tax: TX 8.25 %, MA 6 %, FL 7 % (the store charges 6 % there: the designed drift).
    netsuite: { ...demoTaxSetup, currencies: ['USD', 'EUR'], multiShipRoutes: true },
    env: ({ ns }) => ({
      NETSUITE_MULTI_SHIP_ROUTES: 'true',
      NETSUITE_SHIP_METHODS: JSON.stringify({
        'Flat Rate': ns.addItem({ itemId: 'Ground', itemType: 'ShipItem' }),
        'UPS Ground': ns.addItem({ itemId: 'UPS', itemType: 'ShipItem' }),
      }),
      NETSUITE_GIFT_CERTIFICATE_ITEM_ID: ns.addItem({ itemId: 'Gift Certificate', itemType: 'NonInvtPart', taxCode: '-8' }),
      NETSUITE_NO_SKU_ITEM_ID: ns.addItem({ itemId: 'Custom', itemType: 'NonInvtPart' }),
      NETSUITE_WRAPPING_ITEM_ID: ns.addItem({ itemId: 'Gift Wrapping', itemType: 'OthCharge' }),
      NETSUITE_HANDLING_ITEM_ID: ns.addItem({ itemId: 'Handling', itemType: 'OthCharge' }),
      NETSUITE_FEE_ITEM_ID: ns.addItem({ itemId: 'Fees', itemType: 'OthCharge' }),
    }),
  });
  for (const product of demoCatalog) h.ns.addItem({ itemId: product.sku });
  await refreshSkuMap(h.context);

  const generated = randomOrders(ORDERS, seededRandom(20261201));
  const orderIds = h.bc.addOrders(generated.map((order) => order.seed));
  const limit = pLimit(4);
  const outcomes = await Promise.all(
    orderIds.map((orderId) => limit(() => syncOrder(orderId, { ...h.context, workerId: randomUUID() }).catch((error: unknown) => error))),
  );

  const failures = outcomes.filter((outcome) => outcome instanceof Error);
  expect(failures.map((failure) => (failure as Error).message)).toEqual([]);
  const paid = generated.map((order, index) => ({ ...order.shape, orderId: orderIds[index]! })).filter((order) => order.paid);
  expect(h.ns.salesOrders()).toHaveLength(paid.length);
  expect(paid.length).toBeGreaterThan(ORDERS * 0.9);
  expect(paid.filter((order) => order.addresses === 2).length).toBeGreaterThan(20);
  expect(h.ns.salesOrders().filter((order) => order.isMultiShipTo).length).toBe(paid.filter((order) => order.addresses === 2).length);

  const alerts: DriftAlert[] = [];
  const db = createDocumentClient({ region: 'us-east-1', endpoint: h.config.aws.dynamodbEndpoint });
  const result = await reconcileOrders({
    ledger: h.context.ledger as DynamoDbLedger,
    erp: h.context.erp,
    alerts: new DynamoDbAlertLog(db, h.config.aws.ledgerTable),
    alerter: { sendDrift: async (alert) => void alerts.push(alert) },
    storeHash: 'abc123',
    owner: 'test',
  });
  expect(result.checked).toBe(paid.length);
  expect(result.netsuiteQueries).toBe(Math.ceil(paid.length / 1000)); // at most 0.001 queries per order

  const unexplained = result.drifted.filter((order) => isUnexplained(order.drift));
  expect(unexplained).toEqual([]);
  // Drift exactly where the account taxes differently, and only in the tax (and the total it explains).
  const drifting = paid.filter((order) => order.drifts).map((order) => order.orderId);
  expect(result.drifted.map((order) => order.orderId).sort()).toEqual(drifting.sort());
  for (const order of result.drifted) expect(order.drift.map((part) => part.component)).toEqual(['tax', 'total']);
  expect(alerts).toHaveLength(drifting.length);

  // Every clean order is reconciled in the ledger; EUR orders are booked in EUR.
  const eur = h.ns.currencyId('EUR');
  for (const order of paid.filter((candidate) => !candidate.drifts).slice(0, 50)) {
    expect(await h.context.ledger.get(orderKey('abc123', order.orderId))).toMatchObject({ state: 'reconciled' });
  }
  const booked = new Map(h.ns.salesOrders().map((salesOrder) => [salesOrder.otherRefNum, salesOrder]));
  for (const order of paid) expect(booked.get(String(order.orderId))?.currency === eur).toBe(order.currency === 'EUR');
}, 300_000);
