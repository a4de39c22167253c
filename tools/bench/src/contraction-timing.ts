// aᵀ b for a fresh batch a `[n, 64]` and b `[n, q]` (a dense layer's weight gradient) on tfjs's wasm
// backend, two ways: one matMul with the transpose flag (a plain loop there) against explicit
// transposes and XNNPACK's packed product; the cost of making a fresh a is subtracted. It sets
// core's THIN_WIDTH (packages/core/src/fused/contraction.ts).
// Usage: node tools/bench/run.mjs tools/bench/src/contraction-timing.ts [--batches 256,1024] [--widths 1,2,4,6,8,16,46]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { selectBackend } from './coupling-backends.js';

const { values: args } = parseArgs({
  options: {
    batches: { type: 'string', default: '256,1024' },
    widths: { type: 'string', default: '1,2,4,6,8,16,46' },
  },
});
await selectBackend('wasm');

/** Mean microseconds per call over `calls` calls after a warm-up. */
function microseconds(fn: () => void, calls = 2000): number {
  for (let i = 0; i < 200; i++) fn();
  const start = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return ((performance.now() - start) / calls) * 1000;
}

console.log('| n | q | transpose flag (µs) | transposes + packed product (µs) |');
console.log('| - | - | - | - |');
for (const n of args.batches.split(',').map(Number)) {
  const a = tf.randomNormal([n, 64]) as tf.Tensor2D;
  const fresh = microseconds(() => tf.tidy(() => void tf.add(a, 0)));
  for (const q of args.widths.split(',').map(Number)) {
    const b = tf.randomNormal([n, q]) as tf.Tensor2D;
    const flagged = microseconds(() => tf.tidy(() => void tf.matMul(tf.add(a, 0), b, true, false)));
    const packed = microseconds(() =>
      tf.tidy(() => {
        const fa = tf.add(a, 0) as tf.Tensor2D;
        void (q >= 64 ? tf.matMul(tf.transpose(fa), b) : tf.transpose(tf.matMul(tf.transpose(b), fa)));
      }),
    );
    console.log(`| ${n} | ${q} | ${(flagged - fresh).toFixed(1)} | ${(packed - fresh).toFixed(1)} |`);
    b.dispose();
  }
  a.dispose();
}
