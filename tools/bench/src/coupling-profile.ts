// Kernel census of one RealNVP/NICE/MAF/IAF/NSF train step: how many kernels of each kind run and their time,
// to find what to fuse. Usage: node tools/bench/run.mjs tools/bench/src/coupling-profile.ts
//   [--backend wasm|wasm-layers|wasm-jsmaps|wasm-xnnpack|cpu] [--flow realnvp|nice|maf|iaf|nsf] [--batch 256] [--layers 8]
//   [--hidden 64,64] [--dims 2]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { Flow, StandardNormal, create, type Bijector } from '@bijective/core';
import { Adam } from '@bijective/train';
import '@bijective/autoregressive';
import '@bijective/coupling';
import '@bijective/spline';
import { selectBackend } from './coupling-backends.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    flow: { type: 'string', default: 'realnvp' },
    batch: { type: 'string', default: '256' },
    layers: { type: 'string', default: '8' },
    hidden: { type: 'string', default: '64,64' },
    dims: { type: 'string', default: '2' },
  },
});
await selectBackend(args.backend);
const d = Number(args.dims);
const bijector: Bijector = create('bijector', args.flow as 'realnvp', {
  eventShape: [d],
  layers: Number(args.layers),
  hidden: args.hidden.split(',').map(Number),
  seed: 0,
});
const flow = new Flow(new StandardNormal({ eventShape: [d] }), bijector);
const x = tf.randomNormal([Number(args.batch), d], 0, 1, 'float32', 1);
const adam = new Adam();
const trainable = flow.trainableVariables as tf.Variable[];
const step = () =>
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () => tf.neg(tf.mean(flow.logProb(x, { training: true }))) as tf.Scalar,
      trainable,
    );
    adam.apply(trainable, grads, 1e-3);
    return value.dataSync()[0];
  });
for (let i = 0; i < 20; i++) step();

const parts: Record<string, () => unknown> = {
  'logProb only': () => tf.tidy(() => void flow.logProb(x).dataSync()),
  'sample only': () => tf.tidy(() => void flow.sample(Number(args.batch)).dataSync()),
  'logProb + grads': () =>
    tf.tidy(() =>
      tf
        .variableGrads(() => tf.neg(tf.mean(flow.logProb(x, { training: true }))) as tf.Scalar, trainable)
        .value.dataSync(),
    ),
  'train step (grads + Adam)': step,
};
for (const [name, fn] of Object.entries(parts)) {
  const wall: number[] = [];
  for (let w = 0; w < 9; w++) {
    const start = performance.now();
    for (let i = 0; i < 10; i++) fn();
    wall.push((performance.now() - start) / 10);
  }
  wall.sort((a, b) => a - b);
  console.log(`${name}: best window ${wall[0]!.toFixed(2)} ms, median ${wall[4]!.toFixed(2)} ms per call`);
}
const count = async (name: string, fn: () => unknown) =>
  console.log(`${name}: ${(await tf.profile(() => void fn())).kernels.length} kernels`);
await count('logProb only', parts['logProb only']!);
await count('sample only', parts['sample only']!);
await count('logProb + grads', parts['logProb + grads']!);
const info = await tf.profile(() => {
  step();
});
const byKernel = new Map<string, { count: number; ms: number }>();
for (const k of info.kernels) {
  const e = byKernel.get(k.name) ?? { count: 0, ms: 0 };
  e.count += 1;
  e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  byKernel.set(k.name, e);
}
const byShape = new Map<string, { count: number; ms: number }>();
for (const k of info.kernels) {
  if (k.name !== 'BatchMatMul' && k.name !== 'Transpose') continue;
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  const e = byShape.get(key) ?? { count: 0, ms: 0 };
  e.count += 1;
  e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  byShape.set(key, e);
}
for (const [name, e] of [...byShape.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
  console.log(`${name.padEnd(48)} ${String(e.count).padStart(5)} ${e.ms.toFixed(2).padStart(8)} ms`);
const sorted = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
console.log(`kernels per train step: ${info.kernels.length}`);
for (const [name, e] of sorted)
  console.log(`${name.padEnd(24)} ${String(e.count).padStart(5)} ${e.ms.toFixed(2).padStart(8)} ms`);
