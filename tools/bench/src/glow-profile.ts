// Kernel census of one training step of the pinned Glow (issue #16) on wasm: how many kernels of each
// kind run and their time, to find what to fuse.
// Usage: node tools/bench/run.mjs tools/bench/src/glow-profile.ts [--backend wasm] [--top 30] [--detail K1,K2] [--xnnpack]
// (--xnnpack: the engine's own wasm SIMD kernels switched off, tfjs's XNNPACK convolutions instead)
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import '@bijective/backend-cpu';
import '@bijective/backend-wasm';
import { useBackend } from '@bijective/core';
import { useWasmSimdKernels } from '@bijective/engine';
import { Adam } from '@bijective/train';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { pinnedGlow } from './glow-speed-model.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    top: { type: 'string', default: '30' },
    detail: { type: 'string', default: '' },
    xnnpack: { type: 'boolean', default: false },
  },
});
useWasmSimdKernels(!args.xnnpack);
await useBackend(args.backend as 'wasm');
const flow = pinnedGlow();
const x = tf.randomUniform([64, 784], 0.01, 0.99, 'float32', 1);
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
step();
step();
const wall: number[] = [];
for (let i = 0; i < 3; i++) {
  const start = performance.now();
  step();
  wall.push(performance.now() - start);
}
wall.sort((a, b) => a - b);
const info = await tf.profile(() => {
  step();
});
const byKernel = new Map<string, { count: number; ms: number }>();
let total = 0;
for (const k of info.kernels) {
  const e = byKernel.get(k.name) ?? { count: 0, ms: 0 };
  const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  e.count += 1;
  e.ms += ms;
  total += ms;
  byKernel.set(k.name, e);
}
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(
      ' ',
    )}; backend ${args.backend}${args.xnnpack ? ' (XNNPACK convolutions)' : ''}; train step wall ${wall.map((w) => w.toFixed(0)).join(' / ')} ms (unprofiled)`,
);
console.log(`kernels per train step: ${info.kernels.length}, summed kernel time ${total.toFixed(0)} ms`);
console.log('| kernel | count | ms |');
console.log('|---|---|---|');
const sorted = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
for (const [name, e] of sorted.slice(0, Number(args.top)))
  console.log(`| ${name} | ${e.count} | ${e.ms.toFixed(1)} |`);
const rest = sorted.slice(Number(args.top));
if (rest.length > 0)
  console.log(
    `| (${rest.length} others) | ${rest.reduce((a, [, e]) => a + e.count, 0)} | ${rest.reduce((a, [, e]) => a + e.ms, 0).toFixed(1)} |`,
  );
const byCount = [...byKernel.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, 15);
console.log(`most frequent: ${byCount.map(([n, e]) => `${n} ${e.count}`).join(', ')}`);
for (const name of args.detail.split(',').filter(Boolean)) {
  const byShape = new Map<string, { count: number; ms: number }>();
  for (const k of info.kernels) {
    if (k.name !== name) continue;
    const key = JSON.stringify(k.inputShapes);
    const e = byShape.get(key) ?? { count: 0, ms: 0 };
    e.count += 1;
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byShape.set(key, e);
  }
  for (const [shape, e] of [...byShape.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12))
    console.log(`${name} ${shape}: ${e.count} calls, ${e.ms.toFixed(1)} ms`);
}
x.dispose();
flow.dispose();
