// Bundles a TypeScript benchmark entry with esbuild (tfjs gradients need a bundle) and runs it.
// Usage: node tools/bench/run.mjs tools/bench/src/<name>.ts [args...]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { basename, resolve } from 'node:path';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node tools/bench/run.mjs <entry.ts> [args...]');
  process.exit(2);
}
const outfile = resolve(import.meta.dirname, '.out', `${basename(entry, '.ts')}.mjs`);
await build({
  entryPoints: [resolve(entry)],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile,
  conditions: ['@bijective/source'],
  external: ['@tensorflow/tfjs-backend-wasm', 'playwright-core', 'esbuild'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
// The PyTorch references run on one thread unless a bench says otherwise: torch.set_num_threads(1)
// bounds torch's own pool but not OpenBLAS's, which Debian's torch uses for its matrix products and
// which otherwise starts a thread per core (measured here: 2 CPU-seconds per wall second on a
// 256x64 by 64x64 product loop). A value the caller set is kept.
const env = { ...process.env };
for (const name of ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS']) env[name] ??= '1';
const result = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
