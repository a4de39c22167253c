// The cost of one flow-matching training step (an MLP regression on (t, x_t, u_t) draws) against
// one RealNVP maximum-likelihood step with the same hidden widths and batch, measured side by side:
// the variants take turns in every round (in a rotating order), so a shared machine's load hits them
// alike. Reports the median seconds per step of each and its ratio to RealNVP's in the same rounds.
// Usage: node tools/bench/run.mjs tools/bench/src/fm-step-cost.ts [--backend wasm] [--hidden 64,64,64]
//   [--batch 256] [--steps 100] [--rounds 5]
import { parseArgs } from 'node:util';
import { useBackend } from '@bijective/core';
import { fit } from '@bijective/train';
import '@bijective/backend-cpu';
import '@bijective/backend-wasm';
import '@bijective/coupling';
import '@bijective/datasets';
import '@bijective/flow-matching';
import { ConcatSquashField } from '@bijective/cnf/pure';
import { optimalAssignment } from '@bijective/flow-matching/pure';
import { cliLikeFlow, load, tf, toyRows } from './fm-common.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    hidden: { type: 'string', default: '64,64,64' },
    batch: { type: 'string', default: '256' },
    steps: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '5' },
  },
});
await useBackend(args.backend as 'wasm' | 'cpu');
const hidden = args.hidden.split(',').map(Number);
const batchSize = Number(args.batch);
const steps = Number(args.steps);
const rounds = Number(args.rounds);

const rows = toyRows('moons', 20_000, 1);
const x = tf.tensor2d(rows, [rows.length / 2, 2]);
const variants: [string, string, Record<string, unknown>][] = [
  ['realnvp (12 layers)', 'realnvp', { hidden }],
  ['realnvp (4 layers)', 'realnvp', { hidden, layers: 4 }],
  ['flow-matching ot', 'flow-matching', { hidden, path: 'ot' }],
  ['flow-matching rectified', 'flow-matching', { hidden, path: 'rectified' }],
  ['flow-matching minibatch-ot', 'flow-matching', { hidden, path: 'minibatch-ot' }],
  ['flow-matching minibatch-ot (composed field)', 'flow-matching', { hidden, path: 'minibatch-ot' }],
];
const COMPOSED = variants.length - 1;
const fused = ConcatSquashField.prototype.applyAtTimes;
const flows = variants.map(([, name, options]) => cliLikeFlow(name, rows, options as never));
const times: number[][] = variants.map(() => []);
console.error(`load before: ${load()}`);
for (let round = 0; round <= rounds; round++) {
  // Each round starts at another variant, so that no variant always follows the same one.
  for (let k = 0; k < flows.length; k++) {
    const i = (k + round) % flows.length;
    const flow = flows[i] as (typeof flows)[number];
    if (i === COMPOSED)
      ConcatSquashField.prototype.applyAtTimes = ConcatSquashField.prototype.composedApplyAtTimes;
    const r = fit(flow, x, { steps, batchSize, learningRate: 1e-3, validationFraction: 0, seed: round });
    ConcatSquashField.prototype.applyAtTimes = fused;
    if (round > 0) (times[i] as number[]).push(r.secondsPerStep); // round 0 warms up
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
const reference = median(times[0] as number[]);
const lines = [
  `| variant | ms/step (median of ${rounds} rounds of ${steps}) | ratio to realnvp (12 layers) |`,
  '| --- | --- | --- |',
  ...variants.map(([label], i) => {
    const m = median(times[i] as number[]);
    return `| ${label} | ${(m * 1000).toFixed(2)} | ${(m / reference).toFixed(2)} |`;
  }),
];
console.log(
  `backend ${args.backend}, hidden ${hidden.join(',')}, batch ${batchSize}, moons; load after: ${load()}`,
);
console.log(lines.join('\n'));
// The assignment alone: squared distances of `block` standard-normal rows to `block` moons rows (raw units).
const block = Math.min(batchSize, 128);
const rounds2 = 50;
const noise = tf.tidy(() => tf.randomNormal([block * rounds2, 2], 0, 1, 'float32', 3).dataSync());
const t0 = performance.now();
for (let r = 0; r < rounds2; r++) {
  const cost = new Float64Array(block * block);
  for (let i = 0; i < block; i++)
    for (let j = 0; j < block; j++) {
      const dx = (rows[2 * i] as number) - (noise[2 * (r * block + j)] as number);
      const dy = (rows[2 * i + 1] as number) - (noise[2 * (r * block + j) + 1] as number);
      cost[i * block + j] = dx * dx + dy * dy;
    }
  optimalAssignment(cost, block);
}
console.log(
  `Hungarian assignment of a ${block} x ${block} block: ${((performance.now() - t0) / rounds2).toFixed(2)} ms (wall, mean of ${rounds2})`,
);
for (const f of flows) f.dispose();
x.dispose();
