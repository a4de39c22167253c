// The CLI's sinh-arcsinh marginal layer alone (core's SinhArcsinh, 16 columns, batch 512, the
// density's direction x -> z with its log-det, and the gradient of a loss through it by the four
// variables), on tfjs's wasm backend three ways in alternating rounds of one process: the engine's
// SIMD kernels (`Bijective.SinhArcsinh` and its gradient), the same kernels on their float64 host
// loops (`useWasmSimdKernels(false)`), and core's tfjs ops (the kernel unregistered: what wasm ran
// before). CPU ms per step (best and median of rounds) and kernels per step.
// Usage: node tools/bench/run.mjs tools/bench/src/marginal-step.ts [--steps 200] [--rounds 5] [--cols 16] [--batch 512]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { SINH_ARCSINH_KERNEL, SinhArcsinh, hostRng } from '@bijective/core';
import { useWasmSimdKernels } from '@bijective/engine';
import '@bijective/engine/gradients';
import { selectBackend } from './coupling-backends.js';
import { cpuMs as cpu, load } from './process-clock.js';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '5' },
    cols: { type: 'string', default: '16' },
    batch: { type: 'string', default: '512' },
  },
});
const [steps, rounds, d, n] = [args.steps, args.rounds, args.cols, args.batch].map(Number) as [
  number,
  number,
  number,
  number,
];
await selectBackend('wasm');
const kernels = [SINH_ARCSINH_KERNEL, `${SINH_ARCSINH_KERNEL}Grad`].map((name) => tf.getKernel(name, 'wasm'));
if (kernels.some((k) => k === undefined))
  throw new Error('marginal-step: the engine did not register the kernels');
const rng = hostRng(3);
const values = Float32Array.from({ length: n * d }, () => 1.5 * rng.normal());
const x = tf.tensor2d(values, [n, d]);
const map = new SinhArcsinh({
  eventShape: [d],
  loc: Array.from({ length: d }, () => 0.2 * rng.normal()),
  skew: Array.from({ length: d }, () => 0.5 * rng.normal()),
  tailweight: Array.from({ length: d }, () => Math.exp(0.3 * rng.normal())),
});
/** The loss's own ops without the map (z = x, log-det 0), its gradient by one variable: subtracted from the others. */
let lossAlone = false;
const step = () => {
  const { value, grads } = tf.variableGrads(
    () => {
      const { value: z, logDet } = lossAlone
        ? { value: tf.add(x, map.loc), logDet: tf.zeros([n]) }
        : map.inverseAndLogDet(x);
      return tf.neg(tf.mean(tf.add(logDet, tf.mul(-0.5, tf.sum(tf.square(z), 1))))) as tf.Scalar;
    },
    lossAlone ? [map.loc] : [...map.variables],
  );
  tf.dispose([value, ...Object.values(grads)]);
};

type Way = 'simd kernels' | 'host loops' | 'tfjs ops' | 'the loss alone';
/** Sets up a way: the kernels registered or not, the SIMD module on or off. */
function use(way: Way): void {
  for (const name of [SINH_ARCSINH_KERNEL, `${SINH_ARCSINH_KERNEL}Grad`])
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  if (way !== 'tfjs ops') for (const k of kernels) tf.registerKernel(k as tf.KernelConfig);
  useWasmSimdKernels(way !== 'host loops');
  lossAlone = way === 'the loss alone';
}
const ways: Way[] = ['simd kernels', 'host loops', 'tfjs ops', 'the loss alone'];
const times = new Map<Way, number[]>(ways.map((w) => [w, []]));
const counts = new Map<Way, number>();
console.log(`# marginal-step: ${d} columns, batch ${n}, ${steps} steps x ${rounds} rounds; load ${load()}`);
for (const way of ways) {
  use(way);
  for (let i = 0; i < 20; i++) step();
  counts.set(way, (await tf.profile(step)).kernelNames.length);
}
for (let r = 0; r < rounds; r++)
  for (const way of ways) {
    use(way);
    step();
    const start = cpu();
    for (let i = 0; i < steps; i++) step();
    times.get(way)!.push((cpu() - start) / steps);
  }
use('simd kernels');
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
const loss = Math.min(...times.get('the loss alone')!);
const ref = Math.min(...times.get('tfjs ops')!) - loss;
console.log(
  '| way | kernels per step | CPU ms per step (best) | median | the map alone (best − the loss alone) | tfjs ops / this (the map alone) |',
);
console.log('|---|---|---|---|---|---|');
for (const way of ways) {
  const t = times.get(way)!;
  const alone = Math.min(...t) - loss;
  const cells = [way, `${counts.get(way)}`, Math.min(...t).toFixed(3), median(t).toFixed(3)];
  cells.push(...(way === 'the loss alone' ? ['—', '—'] : [alone.toFixed(3), `${(ref / alone).toFixed(1)}x`]));
  console.log(`| ${cells.join(' | ')} |`);
}
console.log(`# load at end ${load()}`);
