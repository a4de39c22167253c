// A real posterior: Bayesian logistic regression on UCI breast cancer (569 rows, 30 standardised
// features + intercept, prior N(0, I)), fitted by reverse KL with the full-covariance Gaussian
// baseline and flows on top of it; the ELBO (a lower bound on the log evidence) is the figure.
// Usage: node tools/bench/run.mjs tools/bench/src/vi-posterior.ts [--csv FILE] [--flows gaussian,planar,radial,iaf]
//   [--steps 4000] [--samples 256] [--lr 1e-2] [--seed 0] [--eval-samples 16384] [--backend wasm] [--python PATH]
// Writes the CSV with tools/bench/reference/export_labelled.py when FILE does not exist. Every q is
// trained with the same budget (Adam, cosine schedule); planar and radial (K = 32) act on the
// Gaussian's output (Chain[lu-linear, shift, flow]), IAF (2 layers, hidden 64) on a standard normal.
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import '@bijective/backend-cpu';
import '@bijective/backend-wasm';
import '@bijective/autoregressive';
import {
  Chain,
  Flow,
  LULinear,
  Shift,
  StandardNormal,
  create,
  createByName,
  type Bijector,
} from '@bijective/core';
import { fitVariational } from '@bijective/train';
import '@bijective/planar/node';
import { findTorchPython } from './coupling-reference.js';

const { values: args } = parseArgs({
  options: {
    csv: { type: 'string', default: '/tmp/bijective-breast-cancer-labelled.csv' },
    flows: { type: 'string', default: 'gaussian,planar,radial,iaf' },
    steps: { type: 'string', default: '4000' },
    samples: { type: 'string', default: '256' },
    lr: { type: 'string', default: '1e-2' },
    seed: { type: 'string', default: '0' },
    'eval-samples': { type: 'string', default: '16384' },
    backend: { type: 'string', default: 'wasm' },
    python: { type: 'string' },
  },
});

const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
if (!existsSync(args.csv)) {
  const python = findTorchPython(args.python) ?? '/usr/bin/python3';
  const run = spawnSync(python, [resolve(ROOT, 'tools/bench/reference/export_labelled.py'), args.csv], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`export_labelled.py failed:\n${run.stderr}`);
}
await tf.setBackend(args.backend);
await tf.ready();

const seed = Number(args.seed);
const posterior = create('target', 'logistic-regression', { data: args.csv, labelColumn: 'label' });
const d = posterior.eventShape[0] as number;
const eventShape = [d];

/** The Gaussian's links (x = W z + μ) followed by `extra`. */
const gaussianThen = (extra: Bijector[]) =>
  new Chain([new LULinear({ eventShape, seed }), new Shift({ eventShape }), ...extra]);
const BUILD: Record<string, () => Bijector> = {
  gaussian: () => gaussianThen([]),
  planar: () => gaussianThen([createByName('bijector', 'planar', { eventShape, layers: 32, seed })]),
  radial: () => gaussianThen([createByName('bijector', 'radial', { eventShape, layers: 32, seed })]),
  iaf: () => createByName('bijector', 'iaf', { eventShape, layers: 2, hidden: [64], seed }),
};

console.log(
  `breast cancer, d = ${d}; ${args.steps} steps, ${args.samples} samples a step, Adam ${args.lr} cosine, ELBO on ${args['eval-samples']} draws`,
);
console.log('| q | params | ELBO | ± s.e. | ESS | log Z (IS estimate) | ms/step |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const name of args.flows.split(',')) {
  const build = BUILD[name];
  if (!build) throw new Error(`vi-posterior: unknown q '${name}'; known: ${Object.keys(BUILD).join(', ')}`);
  const flow = new Flow(new StandardNormal({ eventShape }), build());
  const r = fitVariational(flow, posterior, {
    steps: Number(args.steps),
    batchSize: Number(args.samples),
    learningRate: Number(args.lr),
    seed,
    evaluationSamples: Number(args['eval-samples']),
  });
  const params = flow.trainableVariables.reduce((s, v) => s + v.size, 0);
  console.log(
    `| ${name} | ${params} | ${r.elbo.toFixed(2)} | ${r.elboStandardError.toFixed(2)} | ${r.ess.toFixed(3)} | ${r.logNormalizerEstimate.toFixed(2)} | ${(1000 * r.secondsPerStep).toFixed(1)} |`,
  );
  flow.dispose();
}
posterior.dispose();
