/**
 * `npm run console -- [--stack <name>] [--region <region>] [--port <port>]`
 *
 * The operator's web console on http://127.0.0.1 (never another interface): orders by state with counts, search
 * by order id or e-mail, each order's history, the dead-letter queue, parked orders, the reconciliation report
 * with CSV, charts, and the actions (retry an order, redrive the dead-letter queue, run the SKU refresh).
 * With --stack it works on the deployed stack found by that name, with your own AWS credentials; without it, on
 * the local stack `npm start` is running (which also starts a console itself and prints its URL).
 */
import { parseArgs } from 'node:util';
import { usageFailure } from './cli-args.ts';
import { startConsole } from './console/console-server.ts';
import { createOperatorBackend } from './backend/operator-backend.ts';
import { resolveTarget } from './backend/target.ts';

const fail: (message: string) => never = usageFailure('console', '[--stack <name>] [--region <region>] [--port <port>]');
let values;
try {
  values = parseArgs({ options: { stack: { type: 'string' }, region: { type: 'string' }, port: { type: 'string' } } }).values;
} catch (error) {
  fail((error as Error).message);
}
const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, got "${values.port}"`);

try {
  const target = await resolveTarget({ stack: values.stack, region: values.region });
  const backend = createOperatorBackend(target);
  const server = await startConsole(backend, { port });
  console.log(`Console for ${target.label}: ${server.url}  (Ctrl-C stops it)`);
  const stop = async () => {
    await server.close();
    backend.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} catch (error) {
  console.error(`npm run console failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
