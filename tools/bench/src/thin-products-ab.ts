// The products of a train step of the CLI benches' RealNVP conditioners (2x64 hidden) by call shape,
// this tree's wasm module against another build of it (e.g. main's, `git show
// REV:packages/engine/src/wasm/mlp-kernels.generated.ts > /tmp/old.ts`), both instantiated on the same
// tfjs-wasm heap, timed alternately in one process by CPU clock (best of 5 windows), relaxed-SIMD
// builds (this bench turns relaxed SIMD on, as the CLI does). Each shape runs the call that
// mlpBackward / the fused forward makes in each tree: `wgrad` rows as the old tree's direct gemm and
// this tree's row chunks (contractRows). Prints µs per call and the old/new ratio.
// Usage: node tools/bench/run.mjs tools/bench/src/thin-products-ab.ts --old /tmp/old.ts [--seconds 0.3]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { SimdRuntime, simdRuntime } from '@bijective/engine';
import { selectBackend } from './coupling-backends.js';
import { oldKernels } from './old-kernels.js';
import { bestCpuMicroseconds, load } from './process-clock.js';

const { values: args } = parseArgs({
  options: { old: { type: 'string' }, seconds: { type: 'string', default: '0.3' } },
});
if (!args.old) throw new Error('thin-products-ab: --old PATH (a mlp-kernels.generated.ts) is required');
await selectBackend('wasm');
const current = simdRuntime(tf.backend());
if (!current || current.variant !== 'relaxed')
  throw new Error('thin-products-ab: the relaxed-SIMD kernels are not running');
const old = new SimdRuntime(oldKernels(args.old, current), current.heap, 'relaxed');

const ACCUMULATE = 1;
const RELU = 2;
const MASK = 4;
const heap = current.heap;
const block = (floats: number): number => {
  const at = heap.malloc(4 * floats);
  const view = new Float32Array(heap.memory.buffer, at, floats);
  for (let i = 0; i < floats; i++) view[i] = Math.sin(i * 0.37) * 0.5;
  return at;
};
/** One product of a step: its name, and the call for a runtime (old or new) with `wgradNew` telling which tree's weight-gradient path. */
type Call = (rt: SimdRuntime, isNew: boolean) => void;
const shapes: [string, Call][] = [];
for (const n of [256, 512, 1024]) {
  for (const [din, dout] of [
    [2, 2],
    [16, 16],
  ] as const) {
    if ((din === 2) !== (n !== 512)) continue; // 2-D at batch 256 (and validation's 1024), 16-D at 512
    const u = block(n * din);
    const h1 = block(n * 64);
    const h2 = block(n * 64);
    const w0 = block(din * 64);
    const w1 = block(64 * 64);
    const w2 = block(64 * dout);
    const bias = block(64);
    const out = block(n * 64);
    const dW = block(64 * 64);
    const scratch = heap.malloc(4 * 64 * 64 * 2);
    const tag = `n ${n}, ${din}->64->64->${dout}`;
    shapes.push(
      [
        `${tag}: forward in (K ${din})`,
        (rt) => rt.product(n, 64, din, u, din, 1, w0, out, bias, 0, RELU, scratch),
      ],
      [`${tag}: forward 64x64`, (rt) => rt.product(n, 64, 64, h1, 64, 1, w1, out, bias, 0, RELU, scratch)],
      [
        `${tag}: forward out (N ${dout})`,
        (rt) => rt.product(n, dout, 64, h2, 64, 1, w2, out, bias, 0, 0, scratch),
      ],
    );
    if (n === 1024) continue; // validation: forward only
    shapes.push(
      [
        `${tag}: wgrad 64x64`,
        (rt, isNew) =>
          isNew
            ? rt.contractRows(64, 64, n, h1, 64, h2, dW)
            : rt.kernels.gemm(64, 64, n, h1, 1, 64, h2, 64, dW, 64, 0, 0, 0),
      ],
      [
        `${tag}: wgrad in [${din}, 64]`,
        (rt, isNew) =>
          isNew
            ? rt.contractRows(din, 64, n, u, din, h1, dW)
            : rt.kernels.gemm(din, 64, n, u, 1, din, h1, 64, dW, 64, 0, 0, 0),
      ],
      [
        `${tag}: wgrad out [64, ${dout}]`,
        (rt, isNew) => {
          if (dout >= 4) {
            if (isNew) rt.contractRows(64, dout, n, h2, 64, out, dW);
            else rt.kernels.gemm(64, dout, n, h2, 1, 64, out, dout, dW, dout, 0, 0, 0);
          } else {
            if (isNew) rt.contractRows(dout, 64, n, out, dout, h2, scratch);
            else rt.kernels.gemm(dout, 64, n, out, 1, dout, h2, 64, scratch, 64, 0, 0, 0);
            rt.kernels.transpose(dout, 64, scratch, dW);
          }
        },
      ],
      [`${tag}: igrad 64x64`, (rt) => rt.productTransposed(n, 64, 64, h2, w1, out, h1, MASK, scratch)],
      [
        `${tag}: igrad out (K ${dout})`,
        (rt) => rt.productTransposed(n, 64, dout, out, w2, h1, h2, MASK, scratch),
      ],
      [
        `${tag}: igrad in (N ${din})`,
        (rt) => rt.productTransposed(n, din, 64, h1, w0, u, 0, ACCUMULATE, scratch),
      ],
    );
  }
}

const seconds = Number(args.seconds);
console.log(`# thin-products-ab: old ${args.old} against this tree, relaxed SIMD; load ${load()}`);
console.log('| product | old µs | new µs | old/new |');
console.log('|---|---|---|---|');
for (const [name, call] of shapes) {
  const o: number[] = [];
  const c: number[] = [];
  for (let round = 0; round < 2; round++) {
    o.push(bestCpuMicroseconds(() => call(old, false), seconds / 2, 50));
    c.push(bestCpuMicroseconds(() => call(current, true), seconds / 2, 50));
  }
  const [bo, bc] = [Math.min(...o), Math.min(...c)];
  console.log(`| ${name} | ${bo.toFixed(2)} | ${bc.toFixed(2)} | ${(bo / bc).toFixed(2)}x |`);
}
console.log(`# load at end ${load()}`);
