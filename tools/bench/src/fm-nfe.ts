// Sampling cost against quality for a trained flow-matching model (a `train` model directory):
// 10k samples from the same base draws with dopri5 at several tolerances and with rk4 / euler at
// several step counts; NFE per solve, wall seconds, the energy distance to 10k fresh data draws, and
// the RMS distance of each sample to its reference (dopri5 at rtol = atol = 1e-6) from the same noise.
// Usage: node tools/bench/run.mjs tools/bench/src/fm-nfe.ts --model DIR --data moons [--backend wasm]
import { parseArgs } from 'node:util';
import {
  CallRecord,
  Chain,
  Flow,
  createBijector,
  solveTelemetry,
  useBackend,
  type BijectorConfig,
} from '@bijective/core';
import { loadFlowFromDirectory } from '@bijective/core/node';
import '@bijective/backend-cpu';
import '@bijective/backend-wasm';
import '@bijective/datasets';
import '@bijective/flow-matching';
import type * as tf from '@tensorflow/tfjs-core';
import { energyDistance, load, toyRows } from './fm-common.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    data: { type: 'string', default: 'moons' },
    backend: { type: 'string', default: 'wasm' },
  },
});
if (!args.model) throw new Error('fm-nfe: --model DIR is required');
await useBackend(args.backend as 'wasm' | 'cpu');
const { flow } = await loadFlowFromDirectory(args.model);
const chain = flow.bijector as Chain;
const index = chain.bijectors.findIndex((b) => b.name === 'flow-matching');
if (index < 0) throw new Error('fm-nfe: the model has no flow-matching link');
const N = 10_000;

/** The model with its flow-matching link rebuilt with other solver options, sharing the trained weights. */
function withSolver(solver: Record<string, unknown>): Flow {
  const links = chain.bijectors.map((b, i) => {
    if (i !== index) return b;
    const config = b.getConfig();
    const { rtol: _r, atol: _a, steps: _s, ...rest } = config.options;
    const rebuilt = createBijector({ name: config.name, options: { ...rest, ...solver } } as BijectorConfig);
    rebuilt.variables.forEach((v, k) => v.assign(b.variables[k] as tf.Variable));
    return rebuilt;
  });
  return new Flow(flow.base, new Chain(links));
}

const z = flow.base.sample(N, { seed: 11 });
const fresh = toyRows(args.data, N, 1001);
const run = (solver: Record<string, unknown>) => {
  const f = withSolver(solver);
  const record = new CallRecord();
  const start = performance.now();
  const x = f.bijector.forward(z, { record });
  const seconds = (performance.now() - start) / 1000;
  const nfe = solveTelemetry(record.counters).nfeForward ?? NaN;
  record.dispose();
  const values = x.dataSync() as Float32Array;
  x.dispose();
  return { values, nfe, seconds };
};
console.error(`load before: ${load()}`);
const reference = run({ solver: 'dopri5', rtol: 1e-6, atol: 1e-6 });
const settings: [string, Record<string, unknown>][] = [
  ['dopri5 rtol=atol=1e-6 (reference)', { solver: 'dopri5', rtol: 1e-6, atol: 1e-6 }],
  ['dopri5 rtol=atol=1e-5 (default)', { solver: 'dopri5', rtol: 1e-5, atol: 1e-5 }],
  ['dopri5 rtol=atol=1e-3', { solver: 'dopri5', rtol: 1e-3, atol: 1e-3 }],
  ['rk4 2 steps', { solver: 'rk4', steps: 2 }],
  ['rk4 4 steps', { solver: 'rk4', steps: 4 }],
  ['rk4 8 steps', { solver: 'rk4', steps: 8 }],
  ['rk4 16 steps', { solver: 'rk4', steps: 16 }],
  ['euler 2 steps', { solver: 'euler', steps: 2 }],
  ['euler 8 steps', { solver: 'euler', steps: 8 }],
  ['euler 32 steps', { solver: 'euler', steps: 32 }],
];
const lines = [
  '| solver | NFE per solve | seconds (10k samples) | energy distance to data | RMS distance to reference |',
  '| --- | --- | --- | --- | --- |',
];
const floor = energyDistance(toyRows(args.data, N, 2002), fresh);
for (const [label, solver] of settings) {
  const r = run(solver);
  let sq = 0;
  for (let i = 0; i < r.values.length; i++)
    sq += ((r.values[i] as number) - (reference.values[i] as number)) ** 2;
  const rms = Math.sqrt(sq / (r.values.length / 2));
  lines.push(
    `| ${label} | ${r.nfe} | ${r.seconds.toFixed(2)} | ${energyDistance(r.values, fresh).toExponential(2)} | ${rms.toExponential(2)} |`,
  );
  console.error(lines[lines.length - 1]);
}
console.log(
  `model ${args.model}, ${args.data}, backend ${args.backend}; data-vs-data floor ${floor.toExponential(2)}; load after: ${load()}`,
);
console.log(lines.join('\n'));
