/**
 * `npm run status -- <order id> [--stack <name>] [--region <region>] [--json]`
 *
 * One order's state and its history, oldest event first: from the deployed stack's ledger (found by the stack's
 * name, read with your own AWS credentials), or from the local stack `npm start` is running. Exits 1 when the
 * ledger has no such order, 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { describeEvent } from '../functions/core/order-history.ts';
import { usageFailure } from './cli-args.ts';
import { printTable } from '../local/runtime/print-table.ts';
import { createOperatorBackend } from './backend/operator-backend.ts';
import { resolveTarget } from './backend/target.ts';
import { explainError, orderLinks, stateLabel } from './backend/order-words.ts';

const fail: (message: string) => never = usageFailure('status', '<order id> [--stack <name>] [--region <region>] [--json]');
let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { stack: { type: 'string' }, region: { type: 'string' }, json: { type: 'boolean', default: false } } });
} catch (error) {
  fail((error as Error).message);
}
const [idText, ...extra] = parsed.positionals;
if (!idText || extra.length > 0) fail('give one order id');
const orderId = Number(idText);
if (!Number.isInteger(orderId) || orderId <= 0) fail(`the order id must be a positive whole number, got "${idText}"`);

let exitCode = 0;
try {
  const target = await resolveTarget({ stack: parsed.values.stack, region: parsed.values.region });
  const backend = createOperatorBackend(target);
  try {
    const entry = await backend.views.getOrder(orderId);
    if (!entry) {
      console.error(`Order ${orderId} is not in the ledger of ${target.label} (table ${target.ledgerTable}).`);
      exitCode = 1;
    } else if (parsed.values.json) {
      console.log(JSON.stringify(entry, null, 2));
    } else {
      const links = orderLinks(target, orderId, entry);
      console.log(`Order ${orderId} in ${target.label}\n`);
      const facts: Array<[string, string]> = [
        ['State', stateLabel(entry.state)],
        ['Attempts', String(entry.attempts)],
        ['Sales order', entry.salesOrderId ? `${entry.salesOrderId}  ${links.salesOrder}` : '(none)'],
        ['Customer', entry.customerId ? `${entry.customerId}  ${links.customer}` : '(none yet)'],
        ['BigCommerce', links.bigcommerce],
      ];
      if (entry.state === 'failed' || entry.lastErrorMessage) facts.push(['Last error', explainError(entry)]);
      if (entry.missingSkus?.length) facts.push(['Parked for', entry.missingSkus.join(', ')]);
      if (entry.skipReason && entry.state === 'skipped') facts.push(['Skipped', entry.skipReason]);
      for (const part of entry.drift ?? []) facts.push([`Drift (${part.component})`, part.cause]);
      for (const [name, value] of facts) console.log(`${name.padEnd(16)}${value}`);
      console.log(`\nHistory (oldest first${entry.historySummary ? `; ${entry.historySummary.dropped} older event(s) summarised` : ''}):\n`);
      if (entry.historySummary) {
        const kinds = Object.entries(entry.historySummary.byEvent)
          .map(([kind, count]) => `${count} ${kind}`)
          .join(', ');
        console.log(`  ${entry.historySummary.from} to ${entry.historySummary.to}: ${kinds}\n`);
      }
      printTable(
        ['Time', 'Source', 'Event'],
        (entry.history ?? []).map((event) => [event.at, event.source, describeEvent(event)]),
      );
    }
  } finally {
    backend.close();
  }
} catch (error) {
  console.error(`npm run status failed: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
}
process.exit(exitCode);
