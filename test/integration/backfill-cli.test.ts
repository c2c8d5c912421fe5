/**
 * `npm run sync` as a merchant's engineer runs it from a laptop: only BIGCOMMERCE_* and NETSUITE_* set, no AWS
 * credentials. The simulators stand in for the real APIs (over HTTP, as real as the CLI can tell); the CLI picks
 * its own ledger, an embedded DynamoDB Local persisting in a folder, so a second run books nothing twice.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulatedEnvironment, type SimulatedEnvironment } from '../../local/simulated-environment.ts';
import { shopper } from '../support/sync-harness.ts';

let sim: SimulatedEnvironment;
let home: string;
afterEach(async () => {
  await sim?.close();
  rmSync(home, { recursive: true, force: true });
});

function runSync(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['operator/sync.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

test('with only BigCommerce and NetSuite credentials: a persistent local ledger, and a second run creates nothing and writes nothing to NetSuite', async () => {
  sim = await startSimulatedEnvironment({ dynamodbEndpoint: process.env.TEST_DYNAMODB_ENDPOINT!, tablePrefix: `cli-${Date.now()}` });
  sim.ns.addItem({ itemId: 'MUG-11OZ' });
  for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
    sim.bc.addOrder({ billing: shopper(email), lines: [{ sku: 'MUG-11OZ', quantity: 1, priceExTax: '12.25' }], dateCreated: '2026-11-20T10:00:00Z' });
  }
  home = mkdtempSync(join(tmpdir(), 'bc-sync-home-'));
  // Only what a merchant's engineer sets: no AWS_* at all, and a home without ~/.aws.
  const apiEnv = Object.fromEntries(Object.entries(sim.env).filter(([name]) => name.startsWith('BIGCOMMERCE_') || name.startsWith('NETSUITE_')));
  const env = { ...apiEnv, PATH: process.env.PATH!, HOME: home, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' };
  const args = ['--since', '2020-01-01', '--data-dir', join(home, 'ledger')];

  const first = await runSync(args, env);
  expect(first.output).toContain(`Ledger: the local ledger in ${join(home, 'ledger')}`);
  expect(first.code).toBe(0);
  expect(sim.ns.salesOrders()).toHaveLength(3);
  const writesAfterFirst = sim.ns.server.count({ method: 'POST', path: '/services/rest/record/' });

  const second = await runSync(args, env);
  expect(second.code).toBe(0);
  expect(second.output).toContain('3 order(s) were synced by an earlier run and cost no NetSuite request now');
  expect(sim.ns.salesOrders()).toHaveLength(3);
  expect(sim.ns.server.count({ method: 'POST', path: '/services/rest/record/' })).toBe(writesAfterFirst);
}, 120_000);

test('with AWS credentials but no such stack, it fails before reading a single order, saying which ledger it could not reach', async () => {
  sim = await startSimulatedEnvironment({ dynamodbEndpoint: process.env.TEST_DYNAMODB_ENDPOINT!, tablePrefix: `cli-${Date.now()}` });
  home = mkdtempSync(join(tmpdir(), 'bc-sync-home-'));
  const apiEnv = Object.fromEntries(Object.entries(sim.env).filter(([name]) => name.startsWith('BIGCOMMERCE_') || name.startsWith('NETSUITE_')));
  // Credentials that point nowhere: CloudFormation is unreachable on this machine, as a wrong account would be.
  const env = {
    ...apiEnv,
    PATH: process.env.PATH!,
    HOME: home,
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_CLOUDFORMATION: 'http://127.0.0.1:9',
    AWS_MAX_ATTEMPTS: '1',
  };
  const result = await runSync(['--since', '2020-01-01', '--stack', 'NoSuchStack'], env);
  expect(result.code).toBe(2);
  expect(result.output).toMatch(/no ledger: cannot read the outputs of stack NoSuchStack in us-east-1/);
  expect(sim.bc.server.count()).toBe(0);
}, 60_000);
