/**
 * `npm run load -- [--seconds 20] [--rate 200]`
 *
 * A bounded load test of the public edge on loopback: for `seconds`, `rate` requests a second (open loop, at most
 * 256 in flight) go to the local webhook (the deployed handler module behind a local HTTP server, enqueueing into
 * fauxqs), in a mix of valid deliveries (60 %), duplicates of earlier ones (15 %), forged ones with a wrong secret
 * (15 %) and malformed ones (10 %: broken JSON, a body over the size limit, a wrong shape). The worker is stopped, so
 * the queue is counted afterwards. It prints p50/p95/p99 answer times, the error rate (5xx and dropped
 * connections) and the enqueued count, and checks that every valid delivery was enqueued exactly once (a duplicate
 * is a delivery too, and the worker's ledger makes it free) and no forged or malformed one was. Exits 1 on a
 * violation. BigCommerce sends one callback per order event: a busy store, a few a second.
 */
import { parseArgs } from 'node:util';

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const { ReceiveMessageCommand, DeleteMessageBatchCommand } = await import('@aws-sdk/client-sqs');
const { startLocalStack } = await import('../local/runtime/local-stack.ts');
const { integerArg, percentile, printTable } = await import('./stats.ts');

const { values } = parseArgs({ options: { seconds: { type: 'string' }, rate: { type: 'string' } } });
const seconds = integerArg(values, 'seconds', 20);
const rate = integerArg(values, 'rate', 200);
const MAX_IN_FLIGHT = 256;

const stack = await startLocalStack({ pollIntervalMs: 0, notifyIntervalMs: 0, reconcileIntervalMs: 0 });
await stack.worker.stop(); // leave what is enqueued in the queue, to count it

type Kind = 'valid' | 'duplicate' | 'forged' | 'malformed';
const sentValid = new Map<number, number>(); // order id → deliveries that should each be enqueued
const validBodies: string[] = [];
const latencies: number[] = [];
const outcomes = { answered: 0, unexpected: 0, errors: 0, byKind: { valid: 0, duplicate: 0, forged: 0, malformed: 0 } as Record<Kind, number> };
let nextValidId = 1_000_000;
let nextBadId = 9_000_000;
const envelope = (orderId: number) =>
  JSON.stringify({
    scope: 'store/order/created',
    store_id: '1',
    data: { type: 'order', id: orderId },
    hash: `h${orderId}`,
    created_at: 1,
    producer: 'stores/abc123',
  });

function pick(): Kind {
  const roll = Math.random();
  if (validBodies.length === 0 || roll < 0.6) return 'valid';
  if (roll < 0.75) return 'duplicate';
  if (roll < 0.9) return 'forged';
  return 'malformed';
}

async function send(kind: Kind): Promise<void> {
  let body: string;
  let secret = stack.webhookSecret;
  let expected = 200;
  if (kind === 'valid') {
    const orderId = nextValidId++;
    body = envelope(orderId);
    validBodies.push(body);
    sentValid.set(orderId, 1);
  } else if (kind === 'duplicate') {
    body = validBodies[Math.floor(Math.random() * validBodies.length)]!;
    const orderId = (JSON.parse(body) as { data: { id: number } }).data.id;
    sentValid.set(orderId, sentValid.get(orderId)! + 1);
  } else if (kind === 'forged') {
    body = envelope(nextBadId++);
    secret = 'not-the-secret-at-all';
    expected = 401;
  } else {
    const variant = nextBadId++ % 3;
    body =
      variant === 0
        ? '{"scope":"store/order/created","data":{'
        : variant === 1
          ? envelope(nextBadId).padEnd(70_000, ' ')
          : JSON.stringify({ scope: 'store/order/created', data: { id: 'x' } });
    expected = 400;
  }
  outcomes.byKind[kind] += 1;
  const started = performance.now();
  try {
    const response = await fetch(stack.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-webhook-secret': secret }, body });
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    outcomes.answered += 1;
    if (response.status >= 500) outcomes.errors += 1;
    else if (response.status !== expected) outcomes.unexpected += 1;
  } catch {
    outcomes.errors += 1;
  }
}

let inFlight = 0;
let skipped = 0;
const pending = new Set<Promise<void>>();
const started = Date.now();
for (let tick = 0; Date.now() - started < seconds * 1000; tick++) {
  // Open loop: the schedule does not wait for answers (that is what a sender at a fixed rate does).
  const due = Math.floor(((Date.now() - started) / 1000) * rate) - (outcomes.answered + outcomes.errors + inFlight + skipped);
  for (let i = 0; i < due; i++) {
    if (inFlight >= MAX_IN_FLIGHT) {
      skipped += 1;
      continue;
    }
    inFlight += 1;
    const request = send(pick()).finally(() => {
      inFlight -= 1;
      pending.delete(request);
    });
    pending.add(request);
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
}
await Promise.all(pending);
const elapsed = (Date.now() - started) / 1000;

// Count what reached the queue, by order id.
const enqueued = new Map<number, number>();
for (let empty = 0; empty < 3;) {
  const { Messages = [] } = await stack.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: stack.queues.ordersQueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600, WaitTimeSeconds: 1 }),
  );
  if (Messages.length === 0) {
    empty += 1;
    continue;
  }
  for (const message of Messages) {
    const orderId = (JSON.parse(message.Body!) as { orderId: number }).orderId;
    enqueued.set(orderId, (enqueued.get(orderId) ?? 0) + 1);
  }
  await stack.sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: stack.queues.ordersQueueUrl,
      Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
    }),
  );
}

const violations: string[] = [];
for (const [orderId, deliveries] of sentValid)
  if ((enqueued.get(orderId) ?? 0) !== deliveries) violations.push(`order ${orderId}: ${deliveries} valid deliveries, ${enqueued.get(orderId) ?? 0} enqueued`);
for (const orderId of enqueued.keys()) if (!sentValid.has(orderId)) violations.push(`order ${orderId} was enqueued but only ever sent forged or malformed`);
if (outcomes.unexpected > 0) violations.push(`${outcomes.unexpected} answers with an unexpected status`);

const total = outcomes.answered + outcomes.errors;
const round = (ms: number) => `${ms.toFixed(1)} ms`;
printTable(`npm run load: ${seconds} s at ${rate} requests/s on loopback`, [
  ['requests', `${total} (${(total / elapsed).toFixed(0)}/s achieved; ${skipped} not sent, ${MAX_IN_FLIGHT} in flight at most)`],
  ['mix', `${outcomes.byKind.valid} valid, ${outcomes.byKind.duplicate} duplicate, ${outcomes.byKind.forged} forged, ${outcomes.byKind.malformed} malformed`],
  ['answer time', `p50 ${round(percentile(latencies, 50))}, p95 ${round(percentile(latencies, 95))}, p99 ${round(percentile(latencies, 99))}`],
  ['error rate', `${((outcomes.errors / Math.max(1, total)) * 100).toFixed(2)} % (5xx or no answer)`],
  [
    'enqueued',
    `${[...enqueued.values()].reduce((sum, count) => sum + count, 0)} messages for ${enqueued.size} orders (expected ${outcomes.byKind.valid + outcomes.byKind.duplicate})`,
  ],
  ['violations', String(violations.length)],
]);
for (const violation of violations.slice(0, 20)) console.log(`  ✗ ${violation}`);
await stack.stop();
process.exit(violations.length > 0 ? 1 : 0);
