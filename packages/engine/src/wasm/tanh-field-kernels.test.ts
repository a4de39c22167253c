// The engine's wasm SIMD kernels of a tanh MLP field with its vector-Jacobian product against the same
// field and VJP written as tfjs ops (tanh, XNNPACK products) and differentiated once by tfjs: values
// and every gradient, on shapes that hit each code path (4×8 tiles, 4-column and scalar tails, row
// tails, row dot products and transposed gradients for thin layers, one layer only).
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import '../tfjs/gradients.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { useWasmSimdKernels } from './simd-runtime.js';
import { wasmTanhFieldAvailable, wasmTanhFieldVjp, wasmTanhFieldVjpGrad } from './tanh-field-kernels.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const maxError = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
const scale = (t: tf.Tensor) => tf.tidy(() => Math.max(1, tf.max(tf.abs(t)).dataSync()[0]!));

/**
 * [f; eᵀ ∂f/∂z] of the tanh MLP as tfjs ops, the VJP written out with tanh' = 1 − h²: f once and the
 * VJPs of the m probes stacked in e (z tiled m times for them).
 */
function reference(
  z0: tf.Tensor2D,
  e: tf.Tensor2D,
  kernels: tf.Tensor2D[],
  shifts: tf.Tensor1D[],
): tf.Tensor2D {
  const L = kernels.length;
  const n = z0.shape[0];
  const z = tf.tile(z0, [e.shape[0] / n, 1]) as tf.Tensor2D;
  const hidden: tf.Tensor[] = [];
  let x: tf.Tensor = z;
  kernels.forEach((k, l) => {
    const a = tf.add(tf.matMul(x as tf.Tensor2D, k), shifts[l]!);
    x = l < L - 1 ? tf.tanh(a) : a;
    if (l < L - 1) hidden.push(x);
  });
  let w: tf.Tensor = e;
  for (let l = L - 1; l >= 0; l--) {
    const p = tf.matMul(w as tf.Tensor2D, kernels[l]!, false, true);
    w = l > 0 ? tf.mul(p, tf.sub(1, tf.square(hidden[l - 1]!))) : p;
  }
  return tf.concat([tf.slice(x, 0, n), w], 0) as tf.Tensor2D;
}

describe('wasm SIMD tanh field kernels', () => {
  test('are available on the wasm backend in Node, and off with the switch', () => {
    expect(wasmTanhFieldAvailable()).toBe(true);
    useWasmSimdKernels(false);
    expect(wasmTanhFieldAvailable()).toBe(false);
    useWasmSimdKernels(true);
  });

  test.each([
    { n: 256, widths: [2, 64, 64, 64, 2], probes: 1 },
    { n: 256, widths: [2, 64, 64, 64, 2], probes: 2 },
    { n: 37, widths: [3, 13, 9, 3], probes: 1 },
    { n: 37, widths: [3, 13, 9, 3], probes: 3 },
    { n: 9, widths: [5, 8, 2, 8, 5], probes: 2 },
    { n: 6, widths: [4, 64, 2, 64, 4], probes: 1 },
    { n: 5, widths: [1, 1], probes: 1 },
    { n: 11, widths: [6, 6], probes: 2 },
  ])(
    'match tfjs ops and their gradients: n = $n, widths $widths, $probes probes',
    ({ n, widths, probes }) => {
      const seed = widths.reduce((a, b) => 31 * a + b, n + 7 * probes);
      const D = widths[0]!;
      const z = tf.randomNormal([n, D], 0, 1, 'float32', seed) as tf.Tensor2D;
      const e = tf.randomNormal([probes * n, D], 0, 1, 'float32', seed + 1) as tf.Tensor2D;
      const kernels = widths
        .slice(1)
        .map((m, l) => tf.randomNormal([widths[l]!, m], 0, 0.6, 'float32', seed + 2 + l) as tf.Tensor2D);
      const shifts = widths
        .slice(1)
        .map((m, l) => tf.randomNormal([m], 0, 0.5, 'float32', seed + 50 + l) as tf.Tensor1D);
      const dy = tf.randomNormal([(1 + probes) * n, D], 0, 1, 'float32', seed + 99) as tf.Tensor2D;

      const before = tf.memory().numTensors;
      const { stacked, tape } = wasmTanhFieldVjp(z, e, kernels, shifts);
      expect(tf.memory().numTensors).toBe(before + 2);
      const expected = reference(z, e, kernels, shifts);
      expect(stacked.shape).toEqual([(1 + probes) * n, D]);
      expect(maxError(stacked, expected)).toBeLessThan(2e-5 * scale(expected));

      const simd = wasmTanhFieldVjpGrad(dy, z, e, kernels, tape);
      const L = kernels.length;
      const f = (...xs: tf.Tensor[]) => {
        const [zz, ...rest] = xs as tf.Tensor2D[];
        const out = reference(zz!, e, rest.slice(0, L), rest.slice(L) as tf.Tensor[] as tf.Tensor1D[]);
        return tf.sum(tf.mul(out, dy));
      };
      const grads = tf.grads(f)([z, ...kernels, ...shifts]);
      expect(maxError(simd.z, grads[0]!)).toBeLessThan(2e-5 * scale(grads[0]!));
      kernels.forEach((_, l) => {
        const dK = grads[1 + l]!;
        const dc = grads[1 + L + l]!;
        expect(simd.kernels[l]!.shape).toEqual(dK.shape);
        expect(maxError(simd.kernels[l]!, dK)).toBeLessThan(2e-5 * scale(dK));
        expect(maxError(simd.shifts[l]!, dc)).toBeLessThan(2e-5 * scale(dc));
      });
      tf.dispose([
        z,
        e,
        dy,
        stacked,
        tape,
        expected,
        ...kernels,
        ...shifts,
        ...grads,
        simd.z,
        ...simd.kernels,
        ...simd.shifts,
      ]);
    },
  );

  test('tanh saturates to ±1, is odd, and keeps NaN', () => {
    const z = tf.tensor2d([
      [-1e4],
      [-12],
      [-9.5],
      [-0.3],
      [0],
      [1e-6],
      [0.3],
      [9.5],
      [12],
      [1e4],
      [NaN],
      [Infinity],
    ]);
    const one = tf.ones([1, 1]) as tf.Tensor2D;
    const zero = tf.zeros([1]) as tf.Tensor1D;
    const e = tf.zerosLike(z) as tf.Tensor2D;
    // f = tanh(z) read back through a second, identity layer.
    const { stacked, tape } = wasmTanhFieldVjp(z, e, [one, one], [zero, zero]);
    const got = Array.from(stacked.dataSync().slice(0, z.shape[0]));
    const want = Array.from(z.dataSync(), Math.tanh);
    got.forEach((v, i) => {
      if (Number.isNaN(want[i]!)) expect(v).toBeNaN();
      else expect(Math.abs(v - want[i]!)).toBeLessThan(1.2e-7);
    });
    tf.dispose([z, one, zero, e, stacked, tape]);
  });
});
