// Core's sinh-arcsinh map as the engine's wasm kernels (each direction with its log-det, and the
// backward pass, one kernel each) against core's tfjs ops on cpu differentiated by autodiff, and the
// SIMD module against the kernels' float64 host loops: values, log-dets and every gradient agree,
// nothing leaks, and cpu keeps tfjs's ops.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/test-support/wasm';
import '../tfjs/gradients.js';
import { SINH_ARCSINH_KERNEL, SinhArcsinh, type SinhArcsinhOptions } from '@bijective/core';
import { relativeDifference } from '@bijective/test-support/simd-parity';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { useWasmSimdKernels } from '../wasm/simd-runtime.js';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});
afterAll(async () => {
  useWasmSimdKernels(true);
  await tf.setBackend('cpu');
});

/** Seeded uniform numbers in [lo, hi). */
function uniforms(count: number, lo: number, hi: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * state) / 2 ** 32;
  });
}

/** Parameters within the option bounds, and rows with a spread of magnitudes (0, tiny, large, outliers). */
function workload(eventShape: number[], n: number, seed: number) {
  const d = eventShape.reduce((a, b) => a * b, 1);
  const options: SinhArcsinhOptions = {
    eventShape,
    loc: uniforms(d, -1, 1, seed),
    scale: uniforms(d, 0.3, 3, seed + 1),
    skew: uniforms(d, -3.5, 3.5, seed + 2),
    tailweight: uniforms(d, 0.2, 5, seed + 3),
  };
  const values = uniforms(n * d, -4, 4, seed + 4);
  values[0] = 0;
  values[1] = 1e-6;
  values[2] = -3e4;
  values[3 % values.length] = 250;
  return { options, rows: [n, ...eventShape], values };
}

/** value, log-det and the gradients of Σ w·value + Σ v·logDet by the rows and the four variables, in `direction`. */
function evaluate(
  options: SinhArcsinhOptions,
  rows: number[],
  values: number[],
  direction: 'forward' | 'inverse',
): tf.Tensor[] {
  const map = new SinhArcsinh(options);
  const x = tf.variable(tf.tensor(values, rows));
  const weights = tf.tensor(uniforms(values.length, 0.1, 1, 9), rows);
  const ldWeights = tf.tensor(uniforms(rows[0] as number, -1, 1, 10), [rows[0] as number]);
  const call = () => (direction === 'forward' ? map.forwardAndLogDet(x) : map.inverseAndLogDet(x));
  const { value, logDet } = call();
  const variables = [x, ...map.variables];
  const { grads } = tf.variableGrads(() => {
    const out = call();
    return tf.add(tf.sum(tf.mul(out.value, weights)), tf.sum(tf.mul(out.logDet, ldWeights))) as tf.Scalar;
  }, variables);
  const result = [value, logDet, ...variables.map((v) => grads[v.name] as tf.Tensor)];
  tf.dispose([x, weights, ldWeights]);
  map.dispose();
  return result;
}

/** The same evaluation on `backend`, read back as host tensors of the cpu backend. */
async function on(
  backend: string,
  simd: boolean,
  ...args: Parameters<typeof evaluate>
): Promise<tf.Tensor[]> {
  await tf.setBackend(backend);
  useWasmSimdKernels(simd);
  const out = evaluate(...args);
  const arrays = out.map((t) => ({ data: t.dataSync().slice(), shape: t.shape }));
  tf.dispose(out);
  useWasmSimdKernels(true);
  await tf.setBackend('cpu');
  return arrays.map((a) => tf.tensor(a.data, a.shape));
}

test('registered for wasm only', () => {
  expect(tf.getKernel(SINH_ARCSINH_KERNEL, 'wasm')).toBeDefined();
  expect(tf.getKernel(SINH_ARCSINH_KERNEL, 'cpu')).toBeUndefined();
});

const CASES: [string, number[], number][] = [
  ['16 columns', [16], 37],
  ['5 columns (a partial vector)', [5], 23],
  ['a [2, 3] event', [2, 3], 9],
  ['one column', [1], 11],
];

for (const [name, eventShape, n] of CASES)
  for (const direction of ['forward', 'inverse'] as const)
    test(`${direction}, ${name}: SIMD and host kernels match core's ops on cpu, value, log-det and every gradient`, async () => {
      const { options, rows, values } = workload(eventShape, n, 7 + n);
      const reference = await on('cpu', true, options, rows, values, direction);
      const simd = await on('wasm', true, options, rows, values, direction);
      const host = await on('wasm', false, options, rows, values, direction);
      const labels = ['value', 'logDet', 'x', 'loc', 'scale', 'skew', 'tailweight'];
      reference.forEach((want, i) => {
        // float32 ops (tfjs) against float32 lanes (SIMD) and float64 loops (host): rounding of a
        // few ulps through asinh, sinh and sums of up to 37 rows.
        expect(relativeDifference(simd[i]!, want), `${labels[i]} SIMD vs ops`).toBeLessThan(2e-5);
        expect(relativeDifference(host[i]!, want), `${labels[i]} host vs ops`).toBeLessThan(2e-5);
        expect(relativeDifference(simd[i]!, host[i]!), `${labels[i]} SIMD vs host`).toBeLessThan(1e-5);
      });
      tf.dispose([...reference, ...simd, ...host]);
    });

test('a training step through the map is one kernel forward and one backward, and leaks nothing', async () => {
  await tf.setBackend('wasm');
  const { options, rows, values } = workload([16], 64, 3);
  const map = new SinhArcsinh(options);
  const x = tf.tensor(values, rows);
  const loss = () => tf.mean(map.inverseAndLogDet(x).logDet) as tf.Scalar;
  const step = () => {
    const { value, grads } = tf.variableGrads(loss, [...map.variables]);
    tf.dispose([value, ...Object.values(grads)]);
  };
  step();
  const profile = await tf.profile(step);
  expect(profile.kernelNames.filter((k) => k.startsWith(SINH_ARCSINH_KERNEL))).toEqual([
    SINH_ARCSINH_KERNEL,
    `${SINH_ARCSINH_KERNEL}Grad`,
  ]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) step();
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose(x);
  map.dispose();
  await tf.setBackend('cpu');
});

test('the SIMD lanes stay within float32 rounding of float64 over a wide range of inputs', async () => {
  await tf.setBackend('wasm');
  const map = new SinhArcsinh({
    eventShape: [4],
    loc: [0, 0, 0, 0],
    skew: [0, 0.5, -1, 2],
    tailweight: [1, 0.3, 2, 3],
  });
  const grid = [
    ...uniforms(400, -1e-3, 1e-3, 1),
    ...uniforms(400, -10, 10, 2),
    ...uniforms(400, -5000, 5000, 3),
    ...uniforms(400, -1e12, 1e12, 4),
  ];
  const x = tf.tensor2d(grid, [grid.length / 4, 4]);
  const { value, logDet } = map.inverseAndLogDet(x);
  const got = value.dataSync();
  const gotLd = logDet.dataSync();
  const skew = [0, 0.5, -1, 2];
  const tail = [1, 0.3, 2, 3];
  let worstValue = 0;
  let worstLd = 0;
  for (let r = 0; r < grid.length / 4; r++) {
    let ld = 0;
    for (let j = 0; j < 4; j++) {
      const u = Math.fround(grid[r * 4 + j]!);
      const v = tail[j]! * Math.asinh(u) - skew[j]!;
      const z = Math.sinh(v);
      // sinh carries the rounding of its argument v (~|v|·2⁻²⁴) into a relative error of its value.
      const conditioned = Math.max(1, Math.abs(z)) * (1 + Math.abs(v));
      worstValue = Math.max(worstValue, Math.abs(got[r * 4 + j]! - z) / conditioned);
      ld += Math.log(tail[j]!) + Math.log(Math.cosh(v)) - 0.5 * Math.log1p(u * u);
    }
    worstLd = Math.max(worstLd, Math.abs(gotLd[r]! - ld) / Math.max(1, Math.abs(ld)));
  }
  expect(worstValue).toBeLessThan(3e-7);
  expect(worstLd).toBeLessThan(1e-6);
  tf.dispose([x, value, logDet]);
  map.dispose();
  await tf.setBackend('cpu');
});
