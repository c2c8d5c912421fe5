/**
 * A chaos run: orders flow through the local stack (webhook → queue → worker, with the poller and the
 * dead-letter notifier on their timers) while random faults hit every part: NetSuite 5xx and 429, creates
 * whose response is lost or never comes (the write committed), workers that crash between the NetSuite
 * create and the ledger write, duplicate webhooks, the poller overlapping them, BigCommerce 429s. Then the
 * warehouse ships the synced orders in NetSuite (some in two partial fulfilments) and the fulfilment poller runs
 * under faults of its own: SuiteQL and record reads failing, shipment POSTs whose answer is lost or never comes
 * (BigCommerce created the shipment), and pollers that crash between the POST and the ledger write. Afterwards it
 * checks what the product promises and returns every violation it finds.
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { orderKey } from '../functions/core/external-ids.ts';
import type { OrderLedger, ShipmentLedger } from '../functions/core/ports.ts';
import { shipmentMarker } from '../functions/core/ship-fulfilments.ts';
import { loadFulfilmentPollerConfig } from '../functions/common/config.ts';
import { createFulfilmentPollerHandler, fulfilmentPollerDepsFromConfig } from '../functions/fulfilment-poller.ts';
import { lambdaContext } from '../local/runtime/lambda-context.ts';
import { shipInNetSuite } from '../local/runtime/warehouse.ts';
import { defaultRetrySchedule } from '../functions/core/retry-schedule.ts';
import { startLocalStack } from '../local/runtime/local-stack.ts';
import { seededRandom } from '../local/simulators/seeded-random.ts';

export interface ChaosOptions {
  orders: number;
  seed: number;
  /** Probability scale of every fault: 0.2 is "20 % injected faults". */
  faultRate?: number;
  dynamodbEndpoint?: string;
  log?: (line: string) => void;
}

export interface ChaosReport {
  violations: string[];
  stats: Record<string, number>;
}

const MONEY = /^\d+\.\d{4}$/;

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const rate = options.faultRate ?? 0.2;
  const catalog = Array.from({ length: 30 }, (_, index) => ({ sku: `CHAOS-${String(index + 1).padStart(2, '0')}`, price: (5 + index * 1.25).toFixed(4) }));
  const knownShoppers = Array.from({ length: Math.max(3, Math.ceil(options.orders / 8)) }, (_, index) => `known${index}@example.com`);
  const newShoppers = Array.from({ length: Math.max(3, Math.ceil(options.orders / 8)) }, (_, index) => `new.${index}@example.com`);

  const stack = await startLocalStack({
    ...(options.dynamodbEndpoint ? { dynamodbEndpoint: options.dynamodbEndpoint } : {}),
    pollIntervalMs: 2_000,
    notifyIntervalMs: 1_000,
    maxConcurrency: 4,
    // The production schedule's shape, capped at a second per wait so a run takes minutes, not hours.
    retrySchedule: { delaySeconds: (error, receiveCount) => Math.min(1, defaultRetrySchedule.delaySeconds(error, receiveCount)) },
    env: {
      POLLER_INITIAL_LOOKBACK_HOURS: '1',
      POLLER_OVERLAP_MINUTES: '0.05', // three seconds: the poller re-reads what webhooks just delivered
      SYNC_LEASE_MS: '2000',
      NETSUITE_TIMEOUT_MS: '1500',
      BIGCOMMERCE_TIMEOUT_MS: '2000',
      NETSUITE_CONCURRENCY: '4',
    },
    simulator: { concurrencyLimit: 5, rateLimit: { quota: 2000, windowMs: 1000 }, bigcommerce: { webhookDuplicateRate: rate, random } },
    seed: ({ ns }) => {
      for (const item of catalog) ns.addItem({ itemId: item.sku });
      for (const email of knownShoppers) ns.addCustomer({ email, firstName: 'Known', lastName: 'Shopper', isPerson: true });
    },
  });
  const faults = { crashes: 0 };
  try {
    const { bc, ns } = stack.simulated!;
    for (const server of [ns.server, bc.server, stack.slack!.server]) server.random = random;
    // Every request class fails with probability `rate` in all, split over the ways it can fail.
    const creates = { method: 'POST', path: '/record/v1/salesOrder' };
    ns.server.setFaultRate(creates, { kind: 'drop-after-commit' }, rate * 0.3); // committed, response lost
    ns.server.setFaultRate(creates, { kind: 'hang-after-commit' }, rate * 0.1); // committed, client times out
    ns.server.setFaultRate(creates, { kind: 'status', status: 503 }, rate * 0.3);
    ns.server.setFaultRate(creates, { kind: 'rate-limit' }, rate * 0.3);
    ns.server.setFaultRate({ path: '/record/v1/' }, { kind: 'status', status: 503 }, rate * 0.5);
    ns.server.setFaultRate({ path: '/record/v1/' }, { kind: 'rate-limit' }, rate * 0.5);
    ns.server.setFaultRate({ path: '/query/v1/suiteql' }, { kind: 'status', status: 500 }, rate * 0.5);
    ns.server.setFaultRate({ path: '/query/v1/suiteql' }, { kind: 'rate-limit' }, rate * 0.5);
    bc.server.setFaultRate({ path: '/v2/orders' }, { kind: 'rate-limit' }, rate * 0.7);
    bc.server.setFaultRate({ path: '/v2/orders' }, { kind: 'status', status: 429 }, rate * 0.3); // load shedding, no headers
    bc.server.setFaultRate({ path: '/v3/orders' }, { kind: 'status', status: 502 }, rate);
    stack.slack!.server.setFaultRate({ method: 'POST' }, { kind: 'status', status: 503 }, rate);
    crashWorkersBetweenCreateAndLedger(stack.context.ledger, () => random() < rate / 2, faults);

    // Changes to a sales order meet the same faults as creates: a PATCH that NetSuite applied whose answer is lost.
    ns.server.setFaultRate({ method: 'PATCH', path: '/record/v1/salesOrder' }, { kind: 'drop-after-commit' }, rate * 0.3);

    // The shop: most orders are syncable; a few have a SKU NetSuite lacks; a few are unpaid (never synced).
    type Planned = {
      orderId: number;
      kind: 'syncable' | 'unsyncable' | 'ineligible';
      email: string;
      change?: 'edit' | 'cancel' | 'refund';
      /** Edited after a refund of every unit: refused and announced if NetSuite closed the sales order first. */
      editedWhollyRefunded?: boolean;
    };
    const planned: Planned[] = [];
    for (let index = 0; index < options.orders; index++) {
      const roll = random();
      const kind: Planned['kind'] = roll < 0.05 ? 'unsyncable' : roll < 0.1 ? 'ineligible' : 'syncable';
      const email = random() < 0.5 ? knownShoppers[Math.floor(random() * knownShoppers.length)]! : newShoppers[Math.floor(random() * newShoppers.length)]!;
      const lines = Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
        const item = catalog[Math.floor(random() * catalog.length)]!;
        return { sku: item.sku, quantity: 1 + Math.floor(random() * 3), priceExTax: item.price };
      });
      if (kind === 'unsyncable') lines.push({ sku: `MISSING-${index}`, quantity: 1, priceExTax: '1.0000' });
      const orderId = bc.addOrder({
        statusId: kind === 'ineligible' ? 7 : 11,
        billing: {
          firstName: 'Chaos',
          lastName: `Shopper ${email.split('@')[0]}`,
          street1: '1 Main St',
          city: 'Austin',
          state: 'Texas',
          zip: '78701',
          countryIso2: 'US',
          email,
        },
        lines,
        shippingCostExTax: (random() * 10).toFixed(2),
      });
      planned.push({ orderId, kind, email });
      if (index % 25 === 24) await new Promise((resolve) => setTimeout(resolve, 50)); // arrivals in bursts
    }
    log(
      `placed ${planned.length} orders: ${planned.filter((p) => p.kind === 'syncable').length} syncable, ${planned.filter((p) => p.kind === 'unsyncable').length} with a missing SKU, ${planned.filter((p) => p.kind === 'ineligible').length} unpaid`,
    );

    // Lifecycle events interleaved with the creates still in flight: some orders are edited or cancelled before
    // their sales order exists, some after. Whatever the order, NetSuite must end at each order's final state.
    const half = Math.floor(planned.length / 2);
    const early = await changeSomeOrders(planned.slice(0, half), bc, catalog, random);
    // The second half once most sales orders exist: these changes meet synced orders, mid-stream.
    const syncable = planned.filter((p) => p.kind === 'syncable').length;
    for (const until = Date.now() + 300_000; ns.salesOrders().length < syncable * 0.6 && Date.now() < until;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const late = await changeSomeOrders(planned.slice(half), bc, catalog, random);
    // Refunded orders edited afterwards: BigCommerce still counts the refunded units, NetSuite must not get them back.
    const refundedThenEdited = editSomeRefunded(planned.slice(0, half), bc, catalog, random);
    const changed = {
      edits: early.edits + late.edits,
      cancels: early.cancels + late.cancels,
      refunds: early.refunds + late.refunds,
      refundedThenEdited,
    };
    log(
      `changed ${changed.edits} orders (quantities, prices, added and removed lines), cancelled ${changed.cancels} and refunded ${changed.refunds} (${refundedThenEdited} edited after), while creates were in flight`,
    );

    // Settle: webhooks delivered (with retries), the queue drained, the poller's last pass drained too.
    const progress = setInterval(() => {
      void queueDepth(stack, stack.queues.ordersQueueUrl).then((depth) =>
        log(`… ${depth} message(s) in the orders queue, ${ns.salesOrders().length} sales orders`),
      );
    }, 10_000);
    await bc.flushWebhooks();
    await stack.worker.waitForIdle({ timeoutMs: 900_000 });
    // Quiet the schedules, then one last poll and drain, so the checks see a still picture.
    await stack.stopSchedules();
    await stack.pollNow();
    await bc.flushWebhooks();
    await stack.worker.waitForIdle({ timeoutMs: 900_000 });
    clearInterval(progress);
    stack.slack!.server.clearFaults();
    for (let attempt = 0; attempt < 5; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // peeks hide dead letters for a second
      const result = await stack.notifyNow().catch(() => undefined);
      if (result && result.seen === 0) break;
    }
    log('settled; checking');

    const violations: string[] = [];
    const texts = stack.slack!.texts();
    // A sweep with more than a handful of new failures announces them in one digest that names them (up to 20).
    const digests = stack.slack!.messages.filter((message) => /^\d+ orders (did not reach NetSuite|need a person)/.test(message.text ?? ''));
    const inDigests = digests.flatMap((message) => [...JSON.stringify(message.blocks).matchAll(/manage\/orders\/(\d+)\|/g)].map((match) => Number(match[1])));
    const refusedAsDesigned = new Set<number>();
    const salesOrders = ns.salesOrders();
    const byOrder = new Map<string, typeof salesOrders>();
    for (const salesOrder of salesOrders) byOrder.set(salesOrder.otherRefNum ?? '', [...(byOrder.get(salesOrder.otherRefNum ?? '') ?? []), salesOrder]);
    const itemIds = new Map(ns.items().map((item) => [item.itemId, item.id]));
    const customers = new Map(ns.customers().map((customer) => [customer.id, customer]));

    for (const order of planned) {
      const found = byOrder.get(String(order.orderId)) ?? [];
      if (order.kind !== 'syncable') {
        if (found.length > 0) violations.push(`order ${order.orderId} (${order.kind}) has ${found.length} sales order(s); expected none`);
        continue;
      }
      if (order.change === 'cancel') {
        // Cancelled before it synced: skipped, no sales order. After: one sales order, every line closed.
        if (found.length > 1) violations.push(`cancelled order ${order.orderId} has ${found.length} sales orders`);
        const open = found[0]?.lines.filter((line) => !line.isClosed) ?? [];
        if (open.length > 0) violations.push(`cancelled order ${order.orderId}: ${open.length} line(s) of sales order ${found[0]!.id} are still open`);
        continue;
      }
      if (found.length !== 1) {
        const entry = await stack.context.ledger.get(orderKey('abc123', order.orderId));
        violations.push(
          `order ${order.orderId} has ${found.length} sales orders; expected exactly one (ledger: ${entry?.state ?? 'none'} ${entry?.lastErrorMessage ?? ''})`,
        );
        continue;
      }
      const salesOrder = found[0]!;
      // A wholly refunded order whose sales order NetSuite closed (every line) before the edit came: editing a Closed
      // sales order is refused and announced once (lifecycle.md §8: refuse and alert, never force a closed order).
      if (order.editedWhollyRefunded && salesOrder.lines.every((line) => line.isClosed)) {
        // Alone, or named in one digest (which lists only its top reasons: the ledger says why).
        const said = texts.filter((text) => text.startsWith(`Order ${order.orderId} `));
        const digested = inDigests.filter((orderId) => orderId === order.orderId).length;
        const refusal = (await stack.context.ledger.get(orderKey('abc123', order.orderId)))?.snapshot?.refused?.reason ?? '';
        const alone = said.length === 1 && said[0]!.includes('the sales order is Closed') && digested === 0;
        const inDigest = said.length === 0 && digested === 1 && refusal.includes('the sales order is Closed');
        if (!alone && !inDigest)
          violations.push(
            `order ${order.orderId} (wholly refunded, then edited) stayed closed without one "is Closed" alert: ${said.join(' | ')} (named in ${digested} digest(s); refused: ${refusal || 'nothing'})`,
          );
        refusedAsDesigned.add(order.orderId);
        continue;
      }
      // The open lines, as a set: an edit closes removed lines and appends added ones.
      const sorted = (lines: unknown[][]) => lines.map((line) => JSON.stringify(line)).sort();
      // Refunded units come off an unbilled sales order (a fully refunded line is closed).
      const expected = sorted(
        bc
          .getOrderProducts(order.orderId)
          .filter((line) => line.quantity > line.quantity_refunded)
          .map((line) => [itemIds.get(line.sku), line.quantity - line.quantity_refunded, Number(line.price_ex_tax)]),
      );
      const actual = sorted(salesOrder.lines.filter((line) => !line.isClosed).map((line) => [line.item, line.quantity, line.rate]));
      if (JSON.stringify(actual) !== JSON.stringify(expected))
        violations.push(`order ${order.orderId}: lines ${JSON.stringify(actual)} differ from the storefront's ${JSON.stringify(expected)}`);
      if (order.change === 'refund') {
        const refunds = Object.keys((await stack.context.ledger.get(orderKey('abc123', order.orderId)))?.refunds ?? {});
        const given = bc.refunds(order.orderId).map((refund) => String(refund.id));
        if (JSON.stringify(refunds.sort()) !== JSON.stringify(given.sort()))
          violations.push(`order ${order.orderId}: NetSuite booked refunds ${JSON.stringify(refunds)}; BigCommerce has ${JSON.stringify(given)}`);
      }
      const bcOrder = bc.getOrder(order.orderId)!;
      if (!MONEY.test(bcOrder.shipping_cost_ex_tax) || (salesOrder.shippingCost ?? 0) !== Number(bcOrder.shipping_cost_ex_tax)) {
        violations.push(`order ${order.orderId}: shipping ${salesOrder.shippingCost} differs from ${bcOrder.shipping_cost_ex_tax}`);
      }
      const customer = customers.get(salesOrder.entity);
      if (customer?.email?.toLowerCase() !== order.email)
        violations.push(`order ${order.orderId}: sales order is on customer ${salesOrder.entity} (${customer?.email}), expected ${order.email}`);
    }

    const emails = ns.customers().map((customer) => (customer.email ?? '').toLowerCase());
    for (const email of new Set(emails)) {
      const count = emails.filter((candidate) => candidate === email).length;
      if (count > 1) violations.push(`customer ${email} exists ${count} times in NetSuite`);
    }

    const deadLettered = await deadLetterOrderIds(stack);
    const digestCount =
      digests.reduce((sum, message) => sum + Number(/^(\d+)/.exec(message.text ?? '')![1]), 0) -
      inDigests.filter((orderId) => refusedAsDesigned.has(orderId)).length;
    const unsyncable = planned.filter((p) => p.kind === 'unsyncable');
    for (const order of unsyncable) {
      if (!deadLettered.has(order.orderId)) violations.push(`unsyncable order ${order.orderId} is not in the dead-letter queue`);
      const alerts =
        texts.filter((text) => text.startsWith(`Order ${order.orderId} `)).length + inDigests.filter((orderId) => orderId === order.orderId).length;
      if (alerts > 1) violations.push(`unsyncable order ${order.orderId} produced ${alerts} Slack alerts; expected exactly one`);
    }
    const announced = unsyncable.filter((order) => texts.some((text) => text.startsWith(`Order ${order.orderId} `))).length + digestCount;
    if (announced !== unsyncable.length) violations.push(`${announced} unsyncable orders were announced (alone or in a digest); expected ${unsyncable.length}`);
    for (const order of planned.filter((p) => p.kind !== 'unsyncable' && !refusedAsDesigned.has(p.orderId))) {
      const said = texts.filter((text) => text.startsWith(`Order ${order.orderId} `));
      if (said.length > 0 || inDigests.includes(order.orderId))
        violations.push(
          `order ${order.orderId} (${order.kind}${order.change ? `, ${order.change}` : ''}) was announced as failed: ${said.join(' | ') || 'in a digest'}`,
        );
    }

    const inFlight = await queueDepth(stack, stack.queues.ordersQueueUrl);
    if (inFlight > 0) violations.push(`${inFlight} message(s) still in the orders queue`);
    for (const order of planned) {
      const entry = await stack.context.ledger.get(orderKey('abc123', order.orderId));
      if (entry?.state === 'in_progress') {
        const sales = (byOrder.get(String(order.orderId)) ?? []).length;
        violations.push(
          `order ${order.orderId} is still in progress in the ledger (${order.kind}, ${sales} sales order(s), attempts ${entry.attempts}, lease ${entry.leaseOwner} until ${entry.leaseExpiresAt} vs now ${Date.now()})`,
        );
      }
    }

    const shipping = await chaosFulfilments(stack, random, rate, violations, log);

    const nsRequests = ns.server.log.length;
    return {
      violations,
      stats: {
        orders: planned.length,
        salesOrders: salesOrders.length,
        customers: ns.customers().length,
        deadLetters: await queueDepth(stack, stack.queues.deadLetterQueueUrl),
        alerts: texts.length,
        netsuiteRequests: nsRequests,
        netsuiteInjectedFaults: ns.server.log.filter((entry) => entry.fault).length,
        netsuite429s: ns.server.log.filter((entry) => entry.status === 429).length,
        bigcommerceRequests: bc.server.log.length,
        bigcommerceInjectedFaults: bc.server.log.filter((entry) => entry.fault).length,
        duplicateWebhooks: bc.webhookDeliveries.filter((delivery) => delivery.duplicate).length,
        edits: changed.edits,
        cancels: changed.cancels,
        refunds: changed.refunds,
        refundedThenEdited: changed.refundedThenEdited,
        refusedAsDesigned: refusedAsDesigned.size,
        salesOrderPatches: ns.server.log.filter((entry) => entry.method === 'PATCH' && entry.path.includes('/record/v1/salesOrder/')).length,
        workerCrashes: faults.crashes,
        ...shipping,
      },
    };
  } finally {
    await stack.stop();
  }
}

/**
 * Edits about one syncable order in ten (a quantity and price change, an added line, or a removed line) and cancels
 * one in twenty, in random order with short pauses, so some land before and some after their sales order exists.
 */
async function changeSomeOrders(
  planned: Array<{ orderId: number; kind: string; change?: 'edit' | 'cancel' | 'refund' }>,
  bc: NonNullable<Awaited<ReturnType<typeof startLocalStack>>['simulated']>['bc'],
  catalog: Array<{ sku: string; price: string }>,
  random: () => number,
): Promise<{ edits: number; cancels: number; refunds: number }> {
  const counts = { edits: 0, cancels: 0, refunds: 0 };
  for (const order of planned) {
    if (order.kind !== 'syncable') continue;
    const roll = random();
    if (roll < 0.05) {
      bc.setStatus(order.orderId, 5);
      order.change = 'cancel';
      counts.cancels += 1;
    } else if (roll < 0.15) {
      const products = bc.getOrderProducts(order.orderId);
      const first = products[0]!;
      const item = catalog[Math.floor(random() * catalog.length)]!;
      const kind = random();
      const edit =
        kind < 0.4
          ? [{ id: first.id, quantity: first.quantity + 1, price_ex_tax: '3.5000', price_inc_tax: '3.5000' }]
          : kind < 0.7 || products.length < 2
            ? [{ name: item.sku, sku: item.sku, quantity: 1, price_ex_tax: item.price, price_inc_tax: item.price }]
            : [{ id: products.at(-1)!.id, quantity: 0 }];
      bc.editOrder(order.orderId, { products: edit });
      order.change = 'edit';
      counts.edits += 1;
    } else if (roll < 0.2) {
      // One unit of the first line goes back to the shopper (the chaos store charges no tax: its price is the refund).
      const first = bc.getOrderProducts(order.orderId)[0]!;
      const amount = Number(Number(first.price_inc_tax).toFixed(2));
      bc.refund(order.orderId, {
        items: [{ item_type: 'PRODUCT', item_id: first.id, quantity: 1 }],
        payments: [{ provider_id: 'testgateway', amount, offline: false }],
        reason: 'chaos: one returned',
      });
      order.change = 'refund';
      counts.refunds += 1;
    } else continue;
    if (random() < 0.3) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return counts;
}

/** Half the refunded orders get one more of their first line, or a new line. */
function editSomeRefunded(
  planned: Array<{ orderId: number; change?: 'edit' | 'cancel' | 'refund'; editedWhollyRefunded?: boolean }>,
  bc: NonNullable<Awaited<ReturnType<typeof startLocalStack>>['simulated']>['bc'],
  catalog: Array<{ sku: string; price: string }>,
  random: () => number,
): number {
  let edited = 0;
  for (const order of planned) {
    if (order.change !== 'refund' || random() < 0.5) continue;
    const products = bc.getOrderProducts(order.orderId);
    const first = products[0]!;
    const item = catalog[Math.floor(random() * catalog.length)]!;
    order.editedWhollyRefunded = products.every((product) => product.quantity_refunded >= product.quantity);
    bc.editOrder(order.orderId, {
      products:
        random() < 0.5
          ? [{ id: first.id, quantity: first.quantity + 1 }]
          : [{ name: item.sku, sku: item.sku, quantity: 1, price_ex_tax: item.price, price_inc_tax: item.price }],
    });
    edited += 1;
  }
  return edited;
}

/** The process dies right after NetSuite answered: no ledger write, not even the failure record. */
function crashWorkersBetweenCreateAndLedger(ledger: OrderLedger, crash: () => boolean, faults: { crashes: number }): void {
  const dead = new Set<string>();
  const { markSynced, markFailed } = ledger;
  ledger.markSynced = async (key, owner, salesOrderId, booked, trail) => {
    if (crash()) {
      dead.add(owner);
      faults.crashes += 1;
      throw new Error('chaos: the worker crashed after NetSuite created the sales order');
    }
    return markSynced.call(ledger, key, owner, salesOrderId, booked, trail);
  };
  ledger.markFailed = async (key, owner, failure, trail) => {
    if (dead.has(owner)) throw new Error('chaos: a crashed worker writes nothing');
    return markFailed.call(ledger, key, owner, failure, trail);
  };
}

async function queueDepth(stack: Awaited<ReturnType<typeof startLocalStack>>, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await stack.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

async function deadLetterOrderIds(stack: Awaited<ReturnType<typeof startLocalStack>>): Promise<Set<number>> {
  const ids = new Set<number>();
  for (let round = 0; round < 100; round++) {
    const { Messages = [] } = await stack.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stack.queues.deadLetterQueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 1 }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) ids.add((JSON.parse(message.Body ?? '{}') as { orderId: number }).orderId);
  }
  return ids;
}

/**
 * The warehouse ships every synced order in NetSuite (a third of them in two partial fulfilments), then the fulfilment
 * poller runs, run after run as its schedule would, under faults and crashes, until nothing is left to ship. Each
 * fulfilment must end as exactly one BigCommerce shipment (found by its marker), with one shipping e-mail.
 */
async function chaosFulfilments(
  stack: Awaited<ReturnType<typeof startLocalStack>>,
  random: () => number,
  rate: number,
  violations: string[],
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const { bc, ns } = stack.simulated!;
  ns.server.clearFaults();
  bc.server.clearFaults();
  const fulfilments: Array<{ orderId: number; fulfilmentId: string }> = [];
  for (const salesOrder of ns.salesOrders()) {
    const orderId = Number(salesOrder.otherRefNum);
    // Cancelled orders' sales orders are closed: nothing left for the warehouse to ship.
    const open = salesOrder.lines.filter((line) => !line.isClosed);
    if (!Number.isInteger(orderId) || open.length === 0 || [5, 6].includes(bc.getOrder(orderId)?.status_id ?? 5)) continue;
    const split = open.find((line) => line.quantity >= 2 && random() < 0.33);
    if (split) {
      // One unit of one line first, the rest later: two shipments, Partially Shipped in between.
      fulfilments.push({
        orderId,
        fulfilmentId: await shipInNetSuite(stack.context.netsuite, salesOrder.id, {
          lines: [{ orderLine: split.line, quantity: 1 }],
          tracking: `CH-${orderId}-A`,
        }),
      });
    }
    fulfilments.push({
      orderId,
      fulfilmentId: await shipInNetSuite(stack.context.netsuite, salesOrder.id, { tracking: `CH-${orderId}-B`, carrier: 'packageUps' }),
    });
  }
  log(`the warehouse made ${fulfilments.length} item fulfilments of ${new Set(fulfilments.map((f) => f.orderId)).size} orders`);

  ns.server.setFaultRate({ path: '/query/v1/suiteql' }, { kind: 'status', status: 500 }, rate * 0.3);
  ns.server.setFaultRate({ path: '/query/v1/suiteql' }, { kind: 'rate-limit' }, rate * 0.3);
  ns.server.setFaultRate({ path: '/record/v1/' }, { kind: 'status', status: 503 }, rate * 0.3);
  ns.server.setFaultRate({ path: '/record/v1/' }, { kind: 'rate-limit' }, rate * 0.3);
  const shipmentPosts = { method: 'POST', path: /\/shipments$/ };
  bc.server.setFaultRate(shipmentPosts, { kind: 'drop-after-commit' }, rate * 0.3); // created, answer lost
  bc.server.setFaultRate(shipmentPosts, { kind: 'hang-after-commit' }, rate * 0.1); // created, client times out
  bc.server.setFaultRate(shipmentPosts, { kind: 'status', status: 503 }, rate * 0.2);
  bc.server.setFaultRate({ path: '/v2/orders' }, { kind: 'rate-limit' }, rate * 0.3);

  const crashes = { count: 0 };
  // Claims expire fast: a crashed run's claim is taken over by the next run (one poller at a time, by its lease).
  const deps = fulfilmentPollerDepsFromConfig(
    loadFulfilmentPollerConfig({ ...stack.env, FULFILMENT_CLAIM_LEASE_MS: '200', FULFILMENT_OVERLAP_MINUTES: '0.05', FULFILMENT_INITIAL_LOOKBACK_HOURS: '1' }),
  );
  const handler = createFulfilmentPollerHandler(async () => ({ ...deps, ledger: crashingAfterPost(deps.ledger, () => random() < rate / 2, crashes) }));
  let runs = 0;
  let quiet = 0;
  while (runs < 200 && quiet < 2) {
    runs += 1;
    const result = await handler({}, lambdaContext('fulfilment-poller', 300_000)).catch(() => undefined);
    // Done when two clean runs in a row find nothing new to post.
    quiet = result?.status === 'completed' && result.posted === 0 && result.adopted === 0 ? quiet + 1 : 0;
    if (quiet < 2) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  ns.server.clearFaults();
  bc.server.clearFaults();
  log(`the fulfilment poller settled after ${runs} runs (${crashes.count} crashed after a POST)`);

  const shipmentsOf = new Map<number, ReturnType<typeof bc.shipments>>();
  for (const { orderId } of fulfilments) if (!shipmentsOf.has(orderId)) shipmentsOf.set(orderId, bc.shipments(orderId));
  for (const { orderId, fulfilmentId } of fulfilments) {
    const marker = shipmentMarker(fulfilmentId, 0).replace(/0\]$/, '');
    const made = shipmentsOf.get(orderId)!.filter((shipment) => shipment.comments.includes(marker)).length;
    if (made !== 1) violations.push(`item fulfilment ${fulfilmentId} of order ${orderId} produced ${made} BigCommerce shipments; expected exactly one`);
  }
  for (const [orderId, shipments] of shipmentsOf) {
    const expected = fulfilments.filter((f) => f.orderId === orderId).length;
    if (bc.shipmentEmails(orderId) !== expected)
      violations.push(`order ${orderId}: ${bc.shipmentEmails(orderId)} shipping e-mails for ${expected} fulfilment(s)`);
    if (shipments.length !== expected) violations.push(`order ${orderId}: ${shipments.length} shipments for ${expected} fulfilment(s)`);
    // A refunded order keeps BigCommerce's refund status (the fulfilment flow never overrides it).
    if (![2, 4, 14].includes(bc.getOrder(orderId)?.status_id ?? 0))
      violations.push(`order ${orderId} is fully fulfilled in NetSuite but status ${bc.getOrder(orderId)?.status_id} in BigCommerce`);
  }
  return {
    fulfilments: fulfilments.length,
    shipments: [...shipmentsOf.values()].reduce((sum, list) => sum + list.length, 0),
    fulfilmentRuns: runs,
    fulfilmentCrashes: crashes.count,
    shipmentPostFaults: bc.server.log.filter((entry) => entry.fault && entry.method === 'POST' && entry.path.endsWith('/shipments')).length,
  };
}

/** The poller dies right after BigCommerce created the shipment: the claim stays, the ledger never hears of it. */
function crashingAfterPost(ledger: ShipmentLedger, crash: () => boolean, crashes: { count: number }): ShipmentLedger {
  // Everything else is the real ledger (its prototype), so this stays a ledger whatever the port grows.
  return Object.assign(Object.create(ledger) as ShipmentLedger, {
    markPosted: async (...args: Parameters<ShipmentLedger['markPosted']>) => {
      if (crash()) {
        crashes.count += 1;
        throw new Error('chaos: the fulfilment poller crashed after BigCommerce created the shipment');
      }
      return ledger.markPosted(...args);
    },
    // A dead process gives nothing up: its claims wait for their lease to run out.
    release: async () => undefined,
  });
}
