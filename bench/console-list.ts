/**
 * `npm run bench:console -- [--orders 100000] [--runs 20]`
 *
 * How fast the operator console answers with a large ledger: fills a fresh ledger table in DynamoDB Local with N
 * order items (realistic states, an eight-event history each, e-mail hashes), starts the console on it, and times
 * over HTTP: each state's first page, a later page, a search by e-mail, an order's detail, and one full count of
 * every state. Prints numbers; the target (the order list under 300 ms at 100,000 orders) is judged here, never in
 * a test.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { createDocumentClient } from '../functions/adapters/dynamodb/dynamodb-client.ts';
import { ledgerTable } from '../functions/adapters/dynamodb/table-definitions.ts';
import { emailHash, historyEvent } from '../functions/core/order-history.ts';
import type { LedgerState } from '../functions/core/ports.ts';
import { startConsole } from '../operator/console/console-server.ts';
import { createTables } from '../local/engines/create-tables.ts';
import { startDynamoDbLocal } from '../local/engines/dynamodb-local.ts';
import { createOperatorBackend } from '../operator/backend/operator-backend.ts';
import { percentile } from './stats.ts';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '100000' }, runs: { type: 'string', default: '20' } } });
const total = Number(values.orders);
const runs = Number(values.runs);

/** Shares of a store some months in: nearly everything reconciled, a few of every other state. */
const MIX: Array<[LedgerState, number]> = [
  ['reconciled', 0.9],
  ['synced', 0.04],
  ['synced_with_drift', 0.01],
  ['failed', 0.02],
  ['skipped', 0.025],
  ['in_progress', 0.005],
];

const dynamodb = await startDynamoDbLocal();
const table = `bench-${randomUUID().slice(0, 8)}-ledger`;
await createTables(dynamodb.endpoint, [{ definition: ledgerTable, name: table }]);
const db = createDocumentClient({ region: 'us-east-1', endpoint: dynamodb.endpoint });

console.log(`Writing ${total} ledger entries to DynamoDB Local…`);
const started = Date.now();
const limit = pLimit(16);
const start = Date.parse('2026-01-01T00:00:00Z');
const itemFor = (index: number) => {
  const orderId = 100_000 + index;
  let cut = (index * 7919) % total; // spread the states over the whole id range
  let state: LedgerState = 'reconciled';
  for (const [candidate, share] of MIX) {
    if (cut < share * total) {
      state = candidate;
      break;
    }
    cut -= share * total;
  }
  const at = new Date(start + index * 60_000).toISOString();
  const synced = state === 'reconciled' || state === 'synced' || state === 'synced_with_drift';
  const history = ['received', 'claimed', 'items_resolved', 'customer_matched', 'sales_order_created', 'synced', 'written_back', 'reconciled'].map((event) =>
    historyEvent('webhook', event as 'received', 'a step of the attempt, as long as the real ones', { salesOrderId: String(500_000 + index) }, new Date(at)),
  );
  return {
    pk: `order#abc123#${orderId}`,
    state,
    attempts: state === 'failed' ? 10 : 1,
    createdAt: at,
    updatedAt: at,
    emailHash: emailHash(`shopper${index % 20_000}@example.com`),
    history,
    ...(synced
      ? {
          salesOrderId: String(500_000 + index),
          syncedAt: at,
          reconcileState: state === 'synced' ? 'pending' : state === 'reconciled' ? 'reconciled' : 'drift',
          booked: { currency: 'USD', total: 1_000_000, tax: 50_000, shipping: 70_000, discount: 0, itemIds: ['42'] },
        }
      : {}),
    ...(state === 'failed'
      ? {
          lastErrorClass: 'permanent',
          lastErrorName: 'MissingSkuError',
          lastErrorMessage: `SKU SKU-${index % 50} has no NetSuite item`,
          missingSkus: [`SKU-${index % 50}`],
        }
      : {}),
    ...(state === 'skipped' ? { skipReason: 'status is Awaiting Payment (7), not one that triggers a sync' } : {}),
  };
};
const batches: Array<Promise<unknown>> = [];
for (let first = 0; first < total; first += 25) {
  const items = Array.from({ length: Math.min(25, total - first) }, (_, offset) => itemFor(first + offset));
  batches.push(
    limit(async () => {
      let request: Record<string, unknown[]> | undefined = { [table]: items.map((Item) => ({ PutRequest: { Item } })) };
      while (request && Object.keys(request).length > 0) {
        const result = await db.send(new BatchWriteCommand({ RequestItems: request as never }));
        request = result.UnprocessedItems as typeof request;
      }
    }),
  );
}
await Promise.all(batches);
console.log(`Written in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);

const backend = createOperatorBackend({
  kind: 'local',
  label: 'the benchmark ledger',
  region: 'us-east-1',
  ledgerTable: table,
  ordersQueueUrl: 'http://127.0.0.1:9/unused',
  deadLetterQueueUrl: 'http://127.0.0.1:9/unused',
  storeHash: 'abc123',
  netsuiteAccountId: '1234567',
  dynamodbEndpoint: dynamodb.endpoint,
});
const server = await startConsole(backend);

async function time(path: string): Promise<{ ms: number; body: string }> {
  const begun = performance.now();
  const response = await fetch(new URL(path, server.url));
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${body.slice(0, 200)}`);
  return { ms: performance.now() - begun, body };
}

async function measure(label: string, path: string | (() => Promise<string>)): Promise<void> {
  const samples: number[] = [];
  await time(typeof path === 'string' ? path : await path()); // warm
  for (let run = 0; run < runs; run++) samples.push((await time(typeof path === 'string' ? path : await path())).ms);
  samples.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(40)} p50 ${percentile(samples, 50).toFixed(0).padStart(4)} ms   p95 ${percentile(samples, 95).toFixed(0).padStart(4)} ms   max ${samples.at(-1)!.toFixed(0).padStart(4)} ms`,
  );
}

console.log(`Over HTTP, ${runs} runs each after one warm-up, 50 orders a page (the console's first count runs in the background meanwhile):`);
for (const [state] of MIX) await measure(`order list: ${state}`, `/orders?state=${state}`);
const second = /rel="next" href="([^"]+)"/.exec((await time('/orders?state=reconciled')).body)?.[1]?.replaceAll('&amp;', '&');
if (second) await measure('order list: reconciled, page 2', second);
let deep = '/orders?state=reconciled';
for (let page = 0; page < 20; page++) deep = /rel="next" href="([^"]+)"/.exec((await time(deep)).body)![1]!.replaceAll('&amp;', '&');
await measure('order list: reconciled, page 21', deep);
await measure('search by e-mail (5 orders)', '/orders?q=shopper42%40example.com');
await measure('order detail', `/orders/${100_000 + 1234}`);
await measure('search by order id (redirect)', `/orders/${100_000 + 99}`);

console.log('\nCounting each state through the keys-only index (what the tab counts cost; the pages never wait for it):');
for (const [state] of MIX) {
  const begun = performance.now();
  const count = await backend.views.countByState(state);
  console.log(`count ${state.padEnd(20)} ${String(count).padStart(6)} orders in ${(performance.now() - begun).toFixed(0).padStart(6)} ms`);
}

await server.close();
backend.close();
db.destroy();
await dynamodb.stop();
