// Kernel-level roofline of a conditioner's 64x64 layer at batch n: achieved GFLOP/s of the three dense
// products of a train step (forward x W + b with ReLU, weight gradient hᵀ δ, input gradient δ Wᵀ) for
// the engine's own wasm SIMD gemm (called directly, and as the one-kernel MLP through tfjs's dispatch),
// tfjs-wasm's XNNPACK matMul as the engine used it before (fused matMul; transposes plus packed
// product), and torch on one thread (tools/bench/reference/gemm.py), all in one run, timed by CPU clock.
// The engine's rows run for both builds of its module (the variant column): `simd128` (multiply, then
// add) and `relaxed` (fused multiply-adds; this bench turns wasm relaxed SIMD on, as the CLI does).
// Usage: node tools/bench/run.mjs tools/bench/src/gemm-roofline.ts [--n 256] [--k 64] [--m 64] [--seconds 0.5]
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  enableRelaxedSimd,
  fusedMatMulKernel,
  simdRuntime,
  useWasmSimdVariant,
  wasmMlpForward,
  wasmMlpBackward,
  type WasmSimdVariant,
} from '@bijective/engine';
import { selectBackend } from './coupling-backends.js';
import { bestCpuMicroseconds, load } from './process-clock.js';
import { findPython } from './python.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '256' },
    k: { type: 'string', default: '64' },
    m: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '0.5' },
  },
});
const [n, k, m, seconds] = [Number(args.n), Number(args.k), Number(args.m), Number(args.seconds)];
const relaxed = enableRelaxedSimd();
await selectBackend('wasm');
const variants: WasmSimdVariant[] = relaxed ? ['simd128', 'relaxed'] : ['simd128'];
const runtimes = variants.map((v) => simdRuntime(tf.backend(), v));
const runtime = runtimes[0];
if (!runtime || runtimes.includes(null))
  throw new Error('gemm-roofline: the engine wasm SIMD kernels are not available');

/** Best-of-5-windows CPU microseconds per call after a warm-up. */
const microseconds = (fn: () => void): number => bestCpuMicroseconds(fn, seconds, 200);

const x = tf.randomNormal([n, k], 0, 1, 'float32', 1) as tf.Tensor2D;
const w = tf.randomNormal([k, m], 0, 1, 'float32', 2) as tf.Tensor2D;
const b = tf.randomNormal([m], 0, 1, 'float32', 3) as tf.Tensor1D;
const h = tf.relu(tf.randomNormal([n, k], 0, 1, 'float32', 4)) as tf.Tensor2D;
const d = tf.randomNormal([n, m], 0, 1, 'float32', 5) as tf.Tensor2D;
const out = tf.zeros([n, m]) as tf.Tensor2D;
const outK = tf.zeros([n, k]) as tf.Tensor2D;
const outW = tf.zeros([k, m]) as tf.Tensor2D;
// The bench's own block (a runtime's scratch moves when its MLP kernels grow it).
const scratch = runtime.heap.malloc(4 * k * m);
const at = (t: tf.Tensor) => runtime.heap.offset(t);

const rows: [string, string, string, number][] = [];
let variant = '—';
const add = (product: string, side: string, us: number) => rows.push([product, side, variant, us]);
const gu = tf.zeros([n, k]) as tf.Tensor2D;
for (const [i, v] of variants.entries()) {
  const rt = runtimes[i]!;
  const g = rt.kernels;
  variant = v;
  useWasmSimdVariant(v === 'relaxed' ? 'auto' : 'simd128');
  // Own gemm, called directly (no tfjs dispatch): the arithmetic alone.
  add(
    'forward',
    'own gemm (direct)',
    microseconds(() => g.gemm(n, m, k, at(x), k, 1, at(w), m, at(out), m, at(b), 0, 2)),
  );
  add(
    'weightGrad',
    'own gemm (direct)',
    microseconds(() => g.gemm(k, m, n, at(h), 1, k, at(d), m, at(outW), m, 0, 0, 0)),
  );
  add(
    'weightGrad',
    'own gemm in row chunks (contractRows)',
    microseconds(() => rt.contractRows(k, m, n, at(h), k, at(d), at(outW))),
  );
  add(
    'inputGrad',
    'own gemm (direct)',
    microseconds(() => rt.productTransposed(n, k, m, at(d), at(w), at(outK), at(h), 4, scratch)),
  );
  // Own kernels through tfjs: one dense layer as the MLP kernels (forward: linear + bias; backward: all three grads).
  add(
    'forward',
    'own MLP kernel (tfjs dispatch)',
    microseconds(() => tf.dispose(wasmMlpForward(x, [w], [b]))),
  );
  // The whole backward of one layer in one kernel: for reference against the three products.
  add(
    'weightGrad + inputGrad + bias grad',
    'own MLP backward kernel (tfjs dispatch)',
    microseconds(() => {
      const r = wasmMlpBackward(d, gu, x, [w], []);
      tf.dispose([r.du, ...r.kernels, ...r.biases]);
    }),
  );
}
useWasmSimdVariant('auto');
variant = '—';
// XNNPACK as the engine used it: fused matMul (bias + ReLU); the weight gradient as a transpose and a packed product.
// A fresh weight each call (θ is split anew each step, so XNNPACK packs it every time); the copy's cost is subtracted.
const copyW = microseconds(() => tf.dispose(tf.add(w, 0)));
add(
  'forward',
  'tfjs-wasm XNNPACK (fresh W)',
  microseconds(() => tf.tidy(() => void fusedMatMulKernel(x, tf.add(w, 0) as tf.Tensor2D, b, 'relu'))) -
    copyW,
);
add(
  'forward',
  'tfjs-wasm XNNPACK (same W)',
  microseconds(() => tf.dispose(fusedMatMulKernel(x, w, b, 'relu'))),
);
add(
  'weightGrad',
  'tfjs-wasm XNNPACK (transpose + product)',
  microseconds(() => tf.tidy(() => void tf.matMul(tf.transpose(h), d))),
);
add(
  'weightGrad',
  'tfjs-wasm matMul transpose flag',
  microseconds(() => tf.dispose(tf.matMul(h, d, true, false))),
);
add(
  'inputGrad',
  'tfjs-wasm XNNPACK (transpose + product)',
  microseconds(() => tf.tidy(() => void tf.matMul(d, tf.transpose(w)))),
);

// The alternative to sharing tfjs-wasm's memory: a module with its own memory would copy each
// product's operands in and its result out; one forward product's copies (x and W in, the output out).
const own = new WebAssembly.Memory({ initial: Math.ceil((4 * (n * k + k * m + n * m)) / 65536) + 1 });
const copies = microseconds(() => {
  const heap = new Float32Array(runtime.heap.memory.buffer);
  const mine = new Float32Array(own.buffer);
  mine.set(heap.subarray(at(x) / 4, at(x) / 4 + n * k), 0);
  mine.set(heap.subarray(at(w) / 4, at(w) / 4 + k * m), n * k);
  heap.set(mine.subarray(n * k + k * m, n * k + k * m + n * m), at(out) / 4);
});
add('forward', 'copy in/out to an own memory (extra, per product)', copies);

const python = findPython('torch');
if (python) {
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'reference', 'gemm.py');
  const res = spawnSync(python, [script, String(n), String(k), String(m), String(seconds)], {
    encoding: 'utf8',
  });
  if (res.status === 0) {
    const t = JSON.parse(res.stdout.trim()) as Record<string, number>;
    for (const [product, us] of Object.entries(t)) add(product, 'torch 1 thread', us);
  } else console.error(`torch reference failed: ${res.stderr}`);
}

const flops = 2 * n * k * m;
console.log(
  `n = ${n}, k = ${k}, m = ${m}: ${(flops / 1e6).toFixed(2)} MFLOP per product; load ${load()}${relaxed ? '' : '; no relaxed SIMD here'}`,
);
console.log('| product | implementation | variant | µs | GFLOP/s |');
console.log('| --- | --- | --- | --- | --- |');
for (const [product, side, v, us] of rows) {
  const f = product.startsWith('weightGrad +') ? 2 * flops : flops;
  const rate = side.startsWith('copy') ? '—' : (f / us / 1e3).toFixed(1);
  console.log(`| ${product} | ${side} | ${v} | ${us.toFixed(1)} | ${rate} |`);
}
tf.dispose([x, w, b, h, d, out, outK, outW, gu]);
