// Where the CLI training loop's time goes on 2-D moons, in one process with the CLI's model and
// recipe (a flow on a gaussian-mixture base behind the data standardisation, Adam at lr 4e-3 with
// cosine annealing, batch 256, 180000 training rows, a validation pass over 20000 rows every
// 250 steps, the best weights kept): CPU time per step of the optimisation step alone, of a
// validation pass and of a best-weights snapshot, the loop's own time over the sum of those, and the
// kernels of one step by name (calls, and exclusive CPU time: a kernel's own time without the
// kernels it calls, e.g. tfjs `Identity` clones that the tape makes of saved tensors).
// Workloads: `main` (RealNVP, 12 couplings of 2x64: the main job's flow) and `realnvp5`, `maf5`,
// `nsf5` (5 transforms of 2x64: cli-loop-speed's).
// Usage: node tools/bench/run.mjs tools/bench/src/cli-loop-profile.ts [--workloads main,maf5]
//   [--steps 500] [--rounds 2]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { Affine, Chain, Flow, create, type Bijector } from '@bijective/core';
import { fit, meanNegLogProb } from '@bijective/train';
import '@bijective/coupling';
import '@bijective/autoregressive';
import '@bijective/spline';
import '@bijective/datasets';
import { selectBackend } from './coupling-backends.js';
import { cpuMs as cpu, load } from './process-clock.js';
import { kernelProfile } from './kernel-profile.js';

const { values: args } = parseArgs({
  options: {
    workloads: { type: 'string', default: 'main,realnvp5,maf5' },
    steps: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '2' },
    backend: { type: 'string', default: 'wasm' },
  },
});

const WORKLOADS: Record<string, { flow: string; layers: number }> = {
  main: { flow: 'realnvp', layers: 12 },
  realnvp5: { flow: 'realnvp', layers: 5 },
  maf5: { flow: 'maf', layers: 5 },
  nsf5: { flow: 'nsf', layers: 5 },
};

await selectBackend(args.backend);
tf.env().set('PROD', true);

const moons = create('dataset', 'moons', {});
if (moons.kind !== 'generative') throw new Error('moons is not generative');
const rows = moons.sample(200_000, 1);
// The CLI standardises with the training rows' mean and s.d. (fitStandardisation).
const mean = [0, 0];
const sd = [0, 0];
for (let j = 0; j < 2; j++) {
  let s = 0;
  let q = 0;
  for (let r = 0; r < 180_000; r++) s += rows[2 * r + j] as number;
  mean[j] = s / 180_000;
  for (let r = 0; r < 180_000; r++) q += ((rows[2 * r + j] as number) - (mean[j] as number)) ** 2;
  sd[j] = Math.sqrt(q / 180_000);
}
const train = tf.tensor2d(rows.subarray(0, 360_000), [180_000, 2]);
const validation = tf.tensor2d(rows.subarray(360_000), [20_000, 2]);

const make = (name: string, layers: number): Flow =>
  new Flow(
    create('distribution', 'gaussian-mixture', { eventShape: [2] }),
    new Chain([
      create('bijector', name as 'realnvp', {
        eventShape: [2],
        layers,
        hidden: [64, 64],
        seed: 0,
      }) as Bijector,
      new Affine({ eventShape: [2], shift: mean, scale: sd, trainable: false }),
    ]),
  );
const recipe = {
  batchSize: 256,
  learningRate: 4e-3,
  schedule: 'cosine' as const,
  patience: 1000,
  seed: 0,
  validationFraction: 0,
};

const steps = Number(args.steps);
console.log(
  `# cli-loop-profile: ${steps} steps x ${args.rounds} rounds, backend ${args.backend}; load ${load()}`,
);
for (const key of args.workloads.split(',')) {
  const w = WORKLOADS[key];
  if (!w) throw new Error(`unknown workload '${key}' (${Object.keys(WORKLOADS).join(', ')})`);
  const flow = make(w.flow, w.layers);
  fit(flow, train, { ...recipe, steps: 20 });
  const stepMs: number[] = [];
  const loopMs: number[] = [];
  const valMs: number[] = [];
  for (let round = 0; round < Number(args.rounds); round++) {
    let t = cpu();
    fit(flow, train, { ...recipe, steps });
    stepMs.push((cpu() - t) / steps);
    t = cpu();
    meanNegLogProb(flow, validation);
    valMs.push(cpu() - t);
    t = cpu();
    fit(flow, train, { ...recipe, steps, validationData: validation, validationEvery: 250 });
    loopMs.push((cpu() - t) / steps);
  }
  const min = (v: number[]) => Math.min(...v);
  const kernels = await kernelProfile(() => fit(flow, train, { ...recipe, steps: 50 }));
  const perStep = [...kernels].sort((a, b) => b[1].ms - a[1].ms);
  const calls = perStep.reduce((s, [, v]) => s + v.calls, 0) / 50;
  const inKernels = perStep.reduce((s, [, v]) => s + v.ms, 0) / 50;
  const predicted = min(stepMs) + min(valMs) / 250;
  console.log(
    `\n## ${key} (${w.flow}, ${w.layers} x 2x64): step ${min(stepMs).toFixed(3)} ms CPU, validation pass ${min(valMs).toFixed(1)} ms (${(min(valMs) / 250).toFixed(3)} ms a step at 1/250), loop ${min(loopMs).toFixed(3)} ms a step (step + validation share = ${predicted.toFixed(3)}); ${calls.toFixed(0)} kernels a step, ${inKernels.toFixed(3)} ms in kernels (with the profiler's own cost)`,
  );
  console.log('| kernel | calls a step | exclusive ms a step |');
  console.log('|---|---|---|');
  for (const [name, v] of perStep.slice(0, 14))
    console.log(`| ${name} | ${(v.calls / 50).toFixed(1)} | ${(v.ms / 50).toFixed(3)} |`);
  flow.dispose();
}
train.dispose();
validation.dispose();
console.log(`# load at end ${load()}`);
