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
  external: ['@tensorflow/tfjs-backend-wasm'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
const result = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
