// Time of flow-matching training steps at the recommended settings, for a CPU profile
// (`node --cpu-prof tools/bench/.out/fm-profile.mjs` after one run through run.mjs).
// Usage: node tools/bench/run.mjs tools/bench/src/fm-profile.ts [--backend wasm] [--steps 300]
//   [--batch 128] [--options '{"path":"ot"}'] [--flow flow-matching]
import { parseArgs } from 'node:util';
import { useBackend, type JsonObject } from '@bijective/core';
import { fit } from '@bijective/train';
import '@bijective/backend-cpu';
import '@bijective/backend-wasm';
import '@bijective/coupling';
import '@bijective/flow-matching';
import '@bijective/datasets';
import { cliLikeFlow, cpuSeconds, load, recommended, tf, toyRows } from './fm-common.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    flow: { type: 'string', default: 'flow-matching' },
    steps: { type: 'string', default: '300' },
    batch: { type: 'string' },
    options: { type: 'string', default: '{}' },
  },
});
await useBackend(args.backend as 'wasm' | 'cpu');
const rows = toyRows('moons', 20_000, 1);
const x = tf.tensor2d(rows, [rows.length / 2, 2]);
const flow = cliLikeFlow(args.flow, rows, JSON.parse(args.options) as JsonObject);
const settings = recommended(args.flow);
const batchSize = args.batch ? Number(args.batch) : settings.batchSize;
fit(flow, x, { steps: 20, batchSize, learningRate: settings.learningRate, validationFraction: 0 });
const cpu0 = cpuSeconds();
const r = fit(flow, x, {
  steps: Number(args.steps),
  batchSize,
  learningRate: settings.learningRate,
  validationFraction: 0,
});
const cpu = cpuSeconds() - cpu0;
console.log(
  `${args.flow} ${args.options} batch ${batchSize}: ${(1000 * r.secondsPerStep).toFixed(2)} wall ms/step, ${((1000 * cpu) / Number(args.steps)).toFixed(2)} CPU ms/step; load ${load()}`,
);
flow.dispose();
x.dispose();
