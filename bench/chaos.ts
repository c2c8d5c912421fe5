/**
 * `npm run chaos -- --orders N --seed S [--fault-rate 0.2]`: a chaos run (see chaos-run.ts) that prints what
 * was injected and exits non-zero, naming every violation, if any order was lost or duplicated.
 */
import { parseArgs } from 'node:util';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const { runChaos } = await import('./chaos-run.ts');
const { integerArg, printTable } = await import('./stats.ts');

const { values } = parseArgs({ options: { orders: { type: 'string' }, seed: { type: 'string' }, 'fault-rate': { type: 'string' } } });
const orders = integerArg(values, 'orders', 200);
const seed = integerArg(values, 'seed', 1);
const faultRate = Number(values['fault-rate'] ?? 0.2);
const started = Date.now();
console.log(`Chaos run: ${orders} orders, seed ${seed}, fault rate ${faultRate}`);
const report = await runChaos({ orders, seed, faultRate, log: (line) => console.log(`  ${line}`) });
printTable('Chaos run', [
  ...Object.entries(report.stats).map(([name, value]): [string, string] => [name, String(value)]),
  ['seconds', ((Date.now() - started) / 1000).toFixed(1)],
  ['violations', String(report.violations.length)],
]);
for (const violation of report.violations) console.log(`VIOLATION: ${violation}`);
console.log(`\n${JSON.stringify({ orders, seed, faultRate, ...report.stats, violations: report.violations.length })}`);
process.exitCode = report.violations.length === 0 ? 0 : 1;
