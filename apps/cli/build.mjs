// Bundles the CLI into dist/bijective.mjs with esbuild (tfjs-core's gradient registrations only
// resolve in a bundle); the wasm backend stays external so that it finds its .wasm files.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

// The external wasm backend loads tfjs-core's Node entry first; the bundled copy then sets the
// same platform again and warns. Both share tfjs's global engine, so that one warning is dropped.
const BANNER = [
  '#!/usr/bin/env node',
  "import { createRequire as __createRequire } from 'node:module';",
  'const require = __createRequire(import.meta.url);',
  'const __warn = console.warn;',
  "console.warn = (...a) => { if (!String(a[0]).startsWith('Platform node has already been set')) __warn(...a); };",
].join('\n');

/** Builds the bundle and returns its path. */
export async function buildCli() {
  const outfile = fileURLToPath(new URL('./dist/bijective.mjs', import.meta.url));
  await build({
    entryPoints: [fileURLToPath(new URL('./src/main.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    conditions: ['@bijective/source'],
    // Bundled, tfjs-backend-wasm cannot find its .wasm files, nor resvg its native binding;
    // installed beside the bundle they can.
    external: ['@tensorflow/tfjs-backend-wasm', '@resvg/resvg-js'],
    banner: { js: BANNER },
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
