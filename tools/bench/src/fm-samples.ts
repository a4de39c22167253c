// Sample quality at equal training wall time: each flow, one at a time, trains through `fit` with
// `maxSeconds` and no step count (the path of the CLI's `train --max-seconds S` without `--steps`):
// it runs until the budget is spent and its cosine schedule anneals over the budget. Each flow has its
// recommended rate, batch and base, no validation (the whole budget trains). Then 10k samples are
// compared with 10k fresh draws of the toy by the energy distance (Székely & Rizzo 2013; 0 iff the
// distributions agree). The floor is the energy distance between two independent 10k draws of the
// data. Wall and CPU seconds of each fit, and the load before and after it, are printed. The budget
// is measured on the process's CPU time by default (`--clock cpu`, fit's `clock` option), so that the
// flows get the same computation whatever the load of a shared machine; `--clock wall` for wall time.
// Usage: node tools/bench/run.mjs tools/bench/src/fm-samples.ts [--data moons,8gaussians]
//   [--flows flow-matching,realnvp,ffjord] [--seconds 90] [--clock cpu|wall] [--backend wasm]
//   [--fm-options '{"ema":0}'] [--fm-lr 2e-3] [--fm-batch 128] [--seed 2]
import { parseArgs } from 'node:util';
import { useBackend, type JsonObject } from '@bijective/core';
import { fit } from '@bijective/train';
import '@bijective/backend-cpu';
import '@bijective/backend-wasm';
import '@bijective/cnf';
import '@bijective/coupling';
import '@bijective/datasets';
import '@bijective/flow-matching';
import {
  cliLikeFlow,
  cpuSeconds,
  energyDistance,
  load,
  recommended,
  sampleRows,
  tf,
  toyRows,
} from './fm-common.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: 'moons,8gaussians' },
    flows: { type: 'string', default: 'flow-matching,realnvp,ffjord' },
    seconds: { type: 'string', default: '90' },
    clock: { type: 'string', default: 'cpu' },
    backend: { type: 'string', default: 'wasm' },
    'fm-options': { type: 'string', default: '{}' },
    'fm-lr': { type: 'string' },
    'fm-batch': { type: 'string' },
    seed: { type: 'string', default: '2' },
  },
});
await useBackend(args.backend as 'wasm' | 'cpu');
const budget = Number(args.seconds);
const seed = Number(args.seed);
const fmOptions = JSON.parse(args['fm-options']) as JsonObject;
const N = 10_000;

const lines = [
  `| data | flow | steps | wall s | CPU s | ms/step | energy distance (10k vs 10k) | floor (data vs data) | load before / after |`,
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const data of args.data.split(',')) {
  const rows = toyRows(data, 100_000, 1);
  const x = tf.tensor2d(rows, [rows.length / 2, 2]);
  const fresh = toyRows(data, N, 1001);
  const floor = energyDistance(toyRows(data, N, 2002), fresh);
  for (const name of args.flows.split(',')) {
    const settings = recommended(name);
    const fm = name === 'flow-matching';
    const batchSize = fm && args['fm-batch'] ? Number(args['fm-batch']) : settings.batchSize;
    const learningRate = fm && args['fm-lr'] ? Number(args['fm-lr']) : settings.learningRate;
    const flow = cliLikeFlow(name, rows, fm ? fmOptions : {});
    const loadBefore = load().split(',')[0];
    const cpu0 = cpuSeconds();
    const t0 = performance.now();
    const result = fit(flow, x, {
      batchSize,
      learningRate,
      validationFraction: 0,
      maxSeconds: budget,
      seed,
      ...(args.clock === 'cpu' ? { clock: cpuSeconds } : {}),
    });
    const wall = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds() - cpu0;
    const loadAfter = load().split(',')[0];
    const samples = sampleRows(flow, N, 7);
    const ed = energyDistance(samples, fresh);
    lines.push(
      `| ${data} | ${name} | ${result.steps} | ${wall.toFixed(0)} | ${cpu.toFixed(0)} | ${(1000 * result.secondsPerStep).toFixed(1)} | ${ed.toExponential(2)} | ${floor.toExponential(2)} | ${loadBefore} / ${loadAfter} |`,
    );
    console.error(lines[lines.length - 1]);
    flow.dispose();
  }
  x.dispose();
}
console.log(
  `backend ${args.backend}, ${budget} s budget per flow (${args.clock} clock), seed ${seed}, flow-matching options ${JSON.stringify(fmOptions)}` +
    `${args['fm-lr'] ? ` lr ${args['fm-lr']}` : ''}${args['fm-batch'] ? ` batch ${args['fm-batch']}` : ''}`,
);
console.log(lines.join('\n'));
