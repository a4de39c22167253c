// Where the time of flows-throughput's logProb and sample calls goes (2-D, batch 256, standard normal
// base, wasm): each call and its parts timed apart (best CPU µs per call of 5 windows), and the time
// inside the engine's wasm module by export (each export wrapped by performance.now, like
// wasm-call-profile.ts), so the per-call JavaScript around the kernels shows as the difference.
// Usage: node tools/bench/run.mjs tools/bench/src/inference-profile.ts [--flows realnvp,maf]
//   [--layers realnvp:4,maf:5] [--batch 256] [--seconds 1]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { Flow, StandardNormal, create, type Bijector } from '@bijective/core';
import { simdRuntime } from '@bijective/engine';
import '@bijective/autoregressive';
import '@bijective/coupling';
import '@bijective/spline';
import { selectBackend } from './coupling-backends.js';
import { timeModuleExports } from './module-timers.js';
import { bestCpuMicroseconds, load } from './process-clock.js';

const { values: args } = parseArgs({
  options: {
    flows: { type: 'string', default: 'realnvp,maf' },
    layers: { type: 'string', default: 'realnvp:4,maf:5,nsf:4' },
    batch: { type: 'string', default: '256' },
    seconds: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'wasm' },
  },
});
await selectBackend(args.backend);
tf.env().set('PROD', true);
const runtime = simdRuntime(tf.backend());
if (!runtime) throw new Error('inference-profile: the engine wasm SIMD kernels are not available');
const calls = timeModuleExports(runtime);
const layersOf = new Map(args.layers.split(',').map((s) => s.split(':') as [string, string]));
const n = Number(args.batch);
const seconds = Number(args.seconds);
console.log(`# inference-profile: batch ${n}, backend ${args.backend}; load ${load()}`);
for (const name of args.flows.split(',')) {
  const bijector: Bijector = create('bijector', name as 'realnvp', {
    eventShape: [2],
    layers: Number(layersOf.get(name) ?? 4),
    hidden: [64, 64],
    seed: 0,
  });
  const base = new StandardNormal({ eventShape: [2] });
  const flow = new Flow(base, bijector);
  const x = tf.randomNormal([n, 2], 0, 1, 'float32', 1);
  const z = tf.randomNormal([n, 2], 0, 1, 'float32', 2);
  const parts: Record<string, () => void> = {
    'logProb (flows-throughput)': () => tf.tidy(() => void flow.logProb(x).dataSync()),
    '  bijector.inverseAndLogDet': () => tf.tidy(() => void bijector.inverseAndLogDet(x).logDet.dataSync()),
    '  base.logProbPlus': () => tf.tidy(() => void base.logProbPlus(x, tf.sum(x, 1)).dataSync()),
    'sample (flows-throughput)': () => tf.tidy(() => void flow.sample(n).dataSync()),
    '  base.sample': () => tf.tidy(() => void base.sample(n).dataSync()),
    '  bijector.forward': () => tf.tidy(() => void bijector.forward(z).dataSync()),
    'dataSync of a [n, 2] tensor': () => tf.tidy(() => void tf.clone(z).dataSync()),
    "the same, the values returned from the tidy (main 8189f2e's bench)": () =>
      void tf.tidy(() => tf.clone(z).dataSync()),
  };
  console.log(`\n## ${name}-${layersOf.get(name)}; load ${load()}`);
  console.log(
    '| call | CPU µs a call (best) | wall µs a call (200 calls) | in the module µs (same 200) | kernels a call | module exports a call (µs) |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const [label, fn] of Object.entries(parts)) {
    for (let i = 0; i < 50; i++) fn();
    const us = bestCpuMicroseconds(fn, seconds, 20);
    calls.clear();
    const profile = tf.profile(() => fn());
    const kernelNames = (await profile).kernels.map((k) => k.name);
    calls.clear();
    const reps = 200;
    const wallStart = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const wallUs = (1000 * (performance.now() - wallStart)) / reps;
    const inModule = [...calls.values()].reduce((s, c) => s + c.ms, 0) / reps;
    const exports = [...calls]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([k, c]) => `${k} ${(c.n / reps).toFixed(0)}× ${((1000 * c.ms) / reps).toFixed(1)}`)
      .join('; ');
    console.log(
      `| ${label} | ${us.toFixed(1)} | ${wallUs.toFixed(1)} | ${(1000 * inModule).toFixed(1)} | ${kernelNames.length}: ${kernelNames.join(' ')} | ${exports} |`,
    );
  }
  tf.dispose([x, z]);
  flow.dispose();
}
