// Sample quality at equal training wall time: each flow trains for the same seconds of its training
// loop (steps calibrated from a timed 40-step run, its recommended rate, batch and base; the learning
// rate follows the cosine schedule over those steps), then 10k samples are compared with 10k fresh
// draws of the toy by the energy distance (Székely & Rizzo 2013; 0 iff the distributions agree).
// The floor is the energy distance between two independent 10k draws of the data.
// Usage: node tools/bench/run.mjs tools/bench/src/fm-samples.ts [--data moons,8gaussians]
//   [--flows flow-matching,realnvp,ffjord] [--seconds 120] [--backend wasm]
import { parseArgs } from 'node:util';
import { useBackend } from '@bijective/core';
import { fit } from '@bijective/train';
import '@bijective/backend-cpu';
import '@bijective/backend-wasm';
import '@bijective/cnf';
import '@bijective/coupling';
import '@bijective/datasets';
import '@bijective/flow-matching';
import { cliLikeFlow, energyDistance, load, recommended, sampleRows, tf, toyRows } from './fm-common.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: 'moons,8gaussians' },
    flows: { type: 'string', default: 'flow-matching,realnvp,ffjord' },
    seconds: { type: 'string', default: '120' },
    backend: { type: 'string', default: 'wasm' },
  },
});
await useBackend(args.backend as 'wasm' | 'cpu');
const budget = Number(args.seconds);
const N = 10_000;

const lines = [
  `| data | flow | steps | training s | s/step | energy distance (10k vs 10k) | floor (data vs data) |`,
  '| --- | --- | --- | --- | --- | --- | --- |',
];
console.error(`load before: ${load()}`);
for (const data of args.data.split(',')) {
  const rows = toyRows(data, 100_000, 1);
  const x = tf.tensor2d(rows, [rows.length / 2, 2]);
  const fresh = toyRows(data, N, 1001);
  const floor = energyDistance(toyRows(data, N, 2002), fresh);
  for (const name of args.flows.split(',')) {
    const settings = recommended(name);
    const train = {
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      validationFraction: 0,
    };
    // Calibration: a few warm-up steps, then a timed run on a throwaway copy of the flow.
    const probe = cliLikeFlow(name, rows);
    fit(probe, x, { ...train, steps: 10 });
    const perStep = fit(probe, x, { ...train, steps: 40, seed: 1 }).secondsPerStep;
    probe.dispose();
    const steps = Math.max(20, Math.floor(budget / perStep));
    const flow = cliLikeFlow(name, rows);
    const result = fit(flow, x, { ...train, steps, seed: 2 });
    const samples = sampleRows(flow, N, 7);
    const ed = energyDistance(samples, fresh);
    lines.push(
      `| ${data} | ${name} | ${steps} | ${(result.secondsPerStep * steps).toFixed(0)} | ${result.secondsPerStep.toFixed(4)} | ${ed.toExponential(2)} | ${floor.toExponential(2)} |`,
    );
    console.error(lines[lines.length - 1], `load ${load()}`);
    flow.dispose();
  }
  x.dispose();
}
console.log(`backend ${args.backend}, ${budget} s of training per flow; load after: ${load()}`);
console.log(lines.join('\n'));
