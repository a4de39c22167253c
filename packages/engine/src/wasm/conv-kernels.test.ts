// Glow's coupling network as the engine's wasm SIMD kernels (im2col, gemm, col2im) against the same
// network as tfjs convolutions (XNNPACK on the wasm backend, conv2dSame's gradients) differentiated by tfjs: the output and
// the gradients of x and every weight, on shapes that reach the tiles' tails, images of one pixel and
// odd sizes, channel counts with and without whole vectors, 1x1 or 5x5 outer kernels, and inputs
// whose first channels only are read (a coupling's kept half).
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import '../tfjs/gradients.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { conv2dSame } from '../nn/conv2d.js';
import { useWasmSimdKernels, wasmSimdAvailable } from './simd-runtime.js';
import { wasmConvNet } from './conv-kernels.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const maxError = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
const scale = (t: tf.Tensor) => tf.tidy(() => Math.max(1, tf.max(tf.abs(t)).dataSync()[0]!));

type Params = [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor4D, tf.Tensor1D, tf.Tensor4D];

/** The reference network as tfjs convolutions (conv2dSame, whose gradients are tested against tfjs's on cpu). */
function reference(...[x, w1, b1, w2, b2, w3]: Params): tf.Tensor4D {
  const xa = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, w1.shape[2]]);
  const h1 = tf.relu(tf.add(conv2dSame(xa, w1), b1)) as tf.Tensor4D;
  const h2 = tf.relu(tf.add(conv2dSame(h1, w2), b2)) as tf.Tensor4D;
  return conv2dSame(h2, w3);
}

describe('wasm SIMD coupling network (Glow)', () => {
  test('is available on the wasm backend only while the kernels are switched on', () => {
    expect(wasmSimdAvailable()).toBe(true);
    useWasmSimdKernels(false);
    expect(wasmSimdAvailable()).toBe(false);
    useWasmSimdKernels(true);
  });

  test('rejects filters that do not fit together', () => {
    tf.tidy(() => {
      const x = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
      const w1 = tf.zeros([3, 3, 2, 8]) as tf.Tensor4D;
      const w2 = tf.zeros([1, 1, 8, 8]) as tf.Tensor4D;
      const b = tf.zeros([8]) as tf.Tensor1D;
      expect(() => wasmConvNet(x, w1, b, w2, b, tf.zeros([5, 5, 8, 4]) as tf.Tensor4D)).toThrow(/w3/);
      expect(() => wasmConvNet(x, tf.zeros([2, 2, 2, 8]) as tf.Tensor4D, b, w2, b, w1)).toThrow(/k odd/);
    });
  });

  test('frees what a recorded call keeps when its backward pass never runs, at the next call', () => {
    const x = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
    const params = [
      tf.randomNormal([3, 3, 2, 8], 0, 0.3, 'float32', 2),
      tf.zeros([8]),
      tf.randomNormal([1, 1, 8, 8], 0, 0.3, 'float32', 3),
      tf.zeros([8]),
      tf.randomNormal([3, 3, 8, 4], 0, 0.3, 'float32', 4),
    ] as [tf.Tensor4D, tf.Tensor1D, tf.Tensor4D, tf.Tensor1D, tf.Tensor4D];
    const before = tf.memory().numTensors;
    // Recorded on the tape, but the loss does not depend on it: its gradient never runs.
    const dx = tf.grad((a: tf.Tensor) => {
      wasmConvNet(a as tf.Tensor4D, ...params);
      return tf.sum(a);
    })(x);
    dx.dispose();
    expect(tf.memory().numTensors).toBe(before + 3);
    tf.tidy(() => void wasmConvNet(x, ...params));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ...params]);
  });

  test.each([
    { b: 4, h: 14, w: 14, ci: 2, m: 64, co: 4, k: 3 },
    { b: 3, h: 7, w: 7, ci: 4, m: 64, co: 8, k: 3 },
    { b: 2, h: 5, w: 3, ci: 3, m: 13, co: 6, k: 3, c: 5 },
    { b: 2, h: 1, w: 1, ci: 1, m: 9, co: 2, k: 3, c: 2 },
    { b: 1, h: 6, w: 9, ci: 2, m: 8, co: 3, k: 5 },
    { b: 2, h: 4, w: 4, ci: 5, m: 12, co: 4, k: 1 },
  ])('matches tfjs convolutions and their gradients: $b x $h x $w x $ci (of $c), m $m, co $co, k $k', (s) => {
    const seed = s.b * 1000 + s.h * 100 + s.ci * 10 + s.m + s.k;
    const normal = (shape: number[], sd: number, i: number) =>
      tf.randomNormal(shape, 0, sd, 'float32', seed + i);
    const params = [
      normal([s.b, s.h, s.w, s.c ?? s.ci], 1, 0),
      normal([s.k, s.k, s.ci, s.m], 0.4, 1),
      normal([s.m], 0.3, 2),
      normal([1, 1, s.m, s.m], 0.3, 3),
      normal([s.m], 0.3, 4),
      normal([s.k, s.k, s.m, s.co], 0.3, 5),
    ] as Params;
    const dOut = normal([s.b, s.h, s.w, s.co], 1, 6);

    const before = tf.memory().numTensors;
    const value = wasmConvNet(...params);
    expect(tf.memory().numTensors).toBe(before + 1);
    const expected = tf.tidy(() => reference(...params));
    expect(value.shape).toEqual(expected.shape);
    expect(maxError(value, expected)).toBeLessThan(2e-5 * scale(expected));

    const loss =
      (f: (...p: Params) => tf.Tensor4D) =>
      (...p: tf.Tensor[]) =>
        tf.sum(tf.mul(f(...(p as Params)), dOut));
    const simd = tf.grads(loss(wasmConvNet))(params);
    const tfjs = tf.grads(loss(reference))(params);
    simd.forEach((g, i) => {
      expect(g.shape).toEqual(params[i]!.shape);
      expect(maxError(g, tfjs[i]!)).toBeLessThan(2e-5 * scale(tfjs[i]!));
    });
    tf.dispose([...params, dOut, value, expected, ...simd, ...tfjs]);
    expect(tf.memory().numTensors).toBe(before - 7);
  });
});
