// The training loop as the CLI runs it, in process: `fit` with Adam at lr 4e-3 (cosine), a
// validation pass every 250 steps, RealNVP / MAF / NSF with 5 transforms of 2x64, on 2-D moons at
// batch 256 (gaussian-mixture base, 20000 validation rows) and on a 16-D table at batch 512
// (standard normal base, 2200 validation rows), one thread, with backends side by side in
// alternating rounds (`wasm`: the whole-run kernels; `wasm-layers`: the fused layers layer by
// layer, as before). CPU time of the process per step (validation included), and kernels per step.
// Usage: node tools/bench/run.mjs tools/bench/src/fit-loop-ab.ts [--flows realnvp,maf,nsf]
//   [--workloads moons,table16] [--steps 250] [--rounds 3] [--backends wasm,wasm-layers] (also wasm-jsmaps, wasm-xnnpack)
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { Flow, create, hostRng, type BaseDistribution, type Bijector } from '@bijective/core';
import { fit } from '@bijective/train';
import '@bijective/coupling';
import '@bijective/autoregressive';
import '@bijective/spline';
import '@bijective/datasets';
import { selectBackend } from './coupling-backends.js';

const { values: args } = parseArgs({
  options: {
    flows: { type: 'string', default: 'realnvp,maf,nsf' },
    workloads: { type: 'string', default: 'moons,table16' },
    steps: { type: 'string', default: '250' },
    rounds: { type: 'string', default: '3' },
    backends: { type: 'string', default: 'wasm,wasm-layers' },
  },
});

interface Workload {
  d: number;
  batch: number;
  train: tf.Tensor2D;
  validation: tf.Tensor2D;
  base: () => BaseDistribution;
}

/** 16-D rows: correlated Gaussians bent by products of neighbours (cli-loop-speed's table), standardised. */
function table16(rows: number, seed: number): Float32Array {
  const rng = hostRng(seed);
  const out = new Float32Array(rows * 16);
  for (let r = 0; r < rows; r++) {
    const z = Array.from({ length: 16 }, () => rng.normal());
    for (let j = 0; j < 16; j++)
      out[r * 16 + j] =
        (z[j] as number) + 0.8 * Math.tanh(z[(j + 15) % 16] as number) * (z[(j + 1) % 16] as number);
  }
  return out;
}

function workload(name: string): Workload {
  if (name === 'moons') {
    const moons = create('dataset', 'moons', {});
    if (moons.kind !== 'generative') throw new Error('moons is not generative');
    return {
      d: 2,
      batch: 256,
      train: tf.tensor2d(moons.sample(180_000, 1), [180_000, 2]),
      validation: tf.tensor2d(moons.sample(20_000, 2), [20_000, 2]),
      base: () => create('distribution', 'gaussian-mixture', { eventShape: [2], seed: 0 }),
    };
  }
  if (name === 'table16')
    return {
      d: 16,
      batch: 512,
      train: tf.tensor2d(table16(19_800, 1), [19_800, 16]),
      validation: tf.tensor2d(table16(2200, 2), [2200, 16]),
      base: () => create('distribution', 'standard-normal', { eventShape: [16] }),
    };
  throw new Error(`fit-loop-ab: unknown workload '${name}' (moons, table16)`);
}

const steps = Number(args.steps);
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
const backends = args.backends.split(',');
await selectBackend(backends[0] as string);
tf.env().set('PROD', true);
console.log(`# fit-loop-ab: ${steps} steps x ${args.rounds} rounds per backend; load ${load()}`);
console.log(
  '| workload | flow | backend | kernels per step | steps per CPU s (best) | (median) | vs first (best) |',
);
console.log('|---|---|---|---|---|---|---|');
for (const name of args.workloads.split(',')) {
  const w = workload(name);
  for (const flowName of args.flows.split(',')) {
    const make = (): Flow =>
      new Flow(
        w.base(),
        create('bijector', flowName as 'realnvp', {
          eventShape: [w.d],
          layers: 5,
          hidden: [64, 64],
          seed: 0,
        }) as Bijector,
      );
    const options = {
      batchSize: w.batch,
      learningRate: 4e-3,
      schedule: 'cosine' as const,
      validationData: w.validation,
      validationEvery: 250,
      patience: 1000,
      seed: 0,
    };
    const rates: Record<string, number[]> = {};
    const kernels: Record<string, number> = {};
    for (let round = 0; round < Number(args.rounds); round++) {
      for (const backend of backends) {
        await selectBackend(backend);
        const flow = make();
        fit(flow, w.train, { ...options, steps: 5, validationData: undefined, validationFraction: 0 });
        if (round === 0) {
          const engine = tf.engine() as unknown as { runKernel: (...a: unknown[]) => unknown };
          const original = engine.runKernel;
          let calls = 0;
          engine.runKernel = (...a: unknown[]) => {
            calls += 1;
            return original.apply(engine, a);
          };
          try {
            const quiet = { ...options, validationData: undefined, validationFraction: 0 };
            fit(flow, w.train, { ...quiet, steps: 2 });
            const two = calls;
            calls = 0;
            fit(flow, w.train, { ...quiet, steps: 1 });
            kernels[backend] = two - calls;
          } finally {
            engine.runKernel = original;
          }
        }
        const started = cpu();
        fit(flow, w.train, { ...options, steps });
        (rates[backend] ??= []).push(steps / (cpu() - started));
        flow.dispose();
      }
    }
    const best = (b: string) => Math.max(...(rates[b] as number[]));
    for (const backend of backends) {
      const r = [...(rates[backend] as number[])].sort((a, b) => a - b);
      const median = r[Math.floor(r.length / 2)] as number;
      const ratio = best(backend) / best(backends[0] as string);
      console.log(
        `| ${name} | ${flowName} | ${backend} | ${kernels[backend]} | ${best(backend).toFixed(1)} | ${median.toFixed(1)} | ${ratio.toFixed(2)}x |`,
      );
    }
  }
  w.train.dispose();
  w.validation.dispose();
}
console.log(`# load at end ${load()}`);
