// Builds `dist/tfjs/gradients.node.js` of @bijective/engine: tfjs-core's gradient registrations for
// plain Node. tfjs-core's Node entry (a CommonJS bundle) registers no gradients, and its ESM
// `dist/register_all_gradients.js` uses extension-less imports that Node cannot resolve, so the
// gradients and the op code they call are bundled here into one ESM file. The bundle shares tfjs's
// engine and kernel/gradient registries through `globalThis` (as two copies of tfjs-core do), and
// imports the installed tfjs-core first so that the canonical copy creates the engine.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.resolve('package.json'));
const entry = require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');
await build({
  entryPoints: [entry],
  outfile: 'dist/tfjs/gradients.node.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  minify: true,
  legalComments: 'none',
  banner: {
    js: "// tfjs-core's gradient registrations for plain Node (Apache-2.0, Google LLC), bundled by @bijective/engine.\nimport '@tensorflow/tfjs-core';",
  },
  logLevel: 'warning',
});
