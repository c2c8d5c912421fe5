/**
 * The worker as Lambda gets it: bundled and minified by esbuild into one ESM file, AWS SDK included (the
 * stack bundles with the same settings). Measures its size and how long Node takes to load it cold.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BundleMeasurement {
  bytes: number;
  /** Median of several cold `import()`s, each in a fresh Node process. */
  coldLoadMs: number;
}

export async function measureWorkerBundle(runs = 5): Promise<BundleMeasurement> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'worker-bundle-')), 'index.mjs');
  await build({
    entryPoints: ['functions/worker.ts'],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    // CommonJS dependencies inside an ESM bundle still call require().
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'error',
  });
  const loads: number[] = [];
  for (let run = 0; run < runs; run++) {
    const child = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(outfile)}); console.log(performance.now() - t);`],
      { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1' } },
    );
    if (child.status !== 0) throw new Error(`loading the bundle failed: ${child.stderr}`);
    loads.push(Number(child.stdout.trim()));
  }
  loads.sort((a, b) => a - b);
  return { bytes: statSync(outfile).size, coldLoadMs: loads[Math.floor(loads.length / 2)]! };
}
