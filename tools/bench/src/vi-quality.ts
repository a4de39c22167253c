// Variational fitting quality: reverse KL(q‖p) on the energies U1–U4 of Rezende & Mohamed (2015,
// Table 1) for planar, radial, IAF and NSF at roughly equal parameter counts (~160), against the
// PyTorch planar reference (tools/bench/reference/planar_vi.py) at the same budget.
// Usage: node tools/bench/run.mjs tools/bench/src/vi-quality.ts [--targets u1,u2,u3,u4]
//   [--flows planar,radial,iaf,nsf] [--steps 20000] [--samples 512] [--lr 1e-3] [--seeds 0]
//   [--eval-samples 65536] [--backend wasm] [--python PATH] [--no-reference] [--json]
// Every flow: standard normal base, Adam at a constant rate, `samples` reparameterised draws a step
// (core's fitVariational), then KL = log Z − ELBO on `eval-samples` fresh draws, log Z by quadrature.
// The reference runs planar with the same K, init, samples, steps and optimiser, one torch thread.
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import '@bijective/backend-cpu';
import '@bijective/backend-wasm';
import '@bijective/autoregressive';
import '@bijective/spline';
import '@bijective/planar';
import { Flow, StandardNormal, create, createByName, type JsonObject } from '@bijective/core';
import { fitVariational } from '@bijective/train';
import type { EnergyName } from '@bijective/planar';
import { findTorchPython } from './coupling-reference.js';

const { values: args } = parseArgs({
  options: {
    targets: { type: 'string', default: 'u1,u2,u3,u4' },
    flows: { type: 'string', default: 'planar,radial,iaf,nsf' },
    steps: { type: 'string', default: '20000' },
    samples: { type: 'string', default: '512' },
    lr: { type: 'string', default: '1e-3' },
    seeds: { type: 'string', default: '0' },
    'eval-samples': { type: 'string', default: '65536' },
    backend: { type: 'string', default: 'wasm' },
    python: { type: 'string' },
    'no-reference': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

/** Each flow's options at ~160 trainable parameters in 2-D (planar K = 32: 5 per layer). */
const FLOWS: Record<string, JsonObject> = {
  planar: { layers: 32 },
  radial: { layers: 40 },
  iaf: { layers: 3, hidden: [7] },
  nsf: { layers: 2, hidden: [5], bins: 4 },
};

const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
const steps = Number(args.steps);
const samples = Number(args.samples);
const learningRate = Number(args.lr);
const evaluationSamples = Number(args['eval-samples']);
const targets = args.targets.split(',') as EnergyName[];
const flows = args.flows.split(',');
for (const f of flows)
  if (!FLOWS[f]) throw new Error(`vi-quality: unknown flow '${f}'; known: ${Object.keys(FLOWS).join(', ')}`);
const python = args['no-reference'] ? null : findTorchPython(args.python);
if (!args['no-reference'] && !python) console.error('vi-quality: no python with torch; reference skipped');

await tf.setBackend(args.backend);
await tf.ready();

interface Row {
  target: string;
  flow: string;
  impl: string;
  seed: number;
  params: number;
  kl: number;
  elbo: number;
  ess: number;
  msPerStep: number;
}

function ours(target: EnergyName, flowName: string, seed: number): Row {
  const t = create('target', target, {});
  const bijector = createByName('bijector', flowName, { eventShape: [2], seed, ...FLOWS[flowName] });
  const flow = new Flow(new StandardNormal({ eventShape: [2] }), bijector);
  const result = fitVariational(flow, t, {
    steps,
    batchSize: samples,
    learningRate,
    schedule: 'constant',
    seed,
    evaluationSamples,
  });
  const params = flow.trainableVariables.reduce((s, v) => s + v.size, 0);
  flow.dispose();
  return {
    target,
    flow: flowName,
    impl: `tfjs-${args.backend}`,
    seed,
    params,
    kl: result.kl as number,
    elbo: result.elbo,
    ess: result.ess,
    msPerStep: 1000 * result.secondsPerStep,
  };
}

function reference(target: EnergyName, seed: number): Row {
  const argv = [
    resolve(ROOT, 'tools/bench/reference/planar_vi.py'),
    '--targets',
    target,
    '--layers',
    String(FLOWS.planar!.layers),
    '--steps',
    String(steps),
    '--samples',
    String(samples),
    '--lr',
    String(learningRate),
    '--seed',
    String(seed),
    '--eval-samples',
    String(evaluationSamples),
  ];
  const run = spawnSync(python as string, argv, { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`planar_vi.py failed:\n${run.stderr}`);
  const r = JSON.parse(run.stdout.trim().split('\n').at(-1) as string);
  return {
    target,
    flow: 'planar',
    impl: 'torch',
    seed,
    params: r.params,
    kl: r.kl,
    elbo: r.elbo,
    ess: r.ess,
    msPerStep: r.msPerStep,
  };
}

const rows: Row[] = [];
const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));
const print = (r: Row) =>
  console.log(
    args.json
      ? JSON.stringify(r)
      : `| ${r.target} | ${r.flow} | ${r.impl} | ${r.seed} | ${r.params} | ${fmt(r.kl)} | ${fmt(r.elbo)} | ${fmt(r.ess, 2)} | ${fmt(r.msPerStep, 1)} |`,
  );
if (!args.json) {
  console.log(
    `steps ${steps}, ${samples} samples a step, Adam ${learningRate} constant, KL on ${evaluationSamples} draws`,
  );
  console.log('| target | flow | impl | seed | params | KL (nats) | ELBO | ESS | ms/step |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
}
for (const seed of args.seeds.split(',').map(Number)) {
  for (const target of targets) {
    // The reference and ours side by side, so both see the same load on a shared machine.
    if (python && flows.includes('planar')) print(rows[rows.push(reference(target, seed)) - 1] as Row);
    for (const f of flows) print(rows[rows.push(ours(target, f, seed)) - 1] as Row);
  }
}
