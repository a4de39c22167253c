// conv2dSame's forward-convolution gradients against tfjs's own conv2d gradients (cpu), and the
// wasm Conv2DBackpropFilter kernel against the cpu backend's.
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/test-support/wasm';
import '@tensorflow/tfjs-backend-wasm';
import '@bijective/engine/gradients';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { registerWasmConv2dFilterGradient } from '../kernels/conv2d-filter-gradient.js';
import { conv2dSame } from './conv2d.js';

function grads(backend: string, k: number, own: boolean, ci = 3, co = 4): Promise<number[][]> {
  return tf.setBackend(backend).then(() =>
    tf.tidy(() => {
      const x = tf.randomNormal([2, 5, 4, ci], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([k, k, ci, co], 0, 0.5, 'float32', 2) as tf.Tensor4D;
      const dy = tf.randomNormal([2, 5, 4, co], 0, 1, 'float32', 3);
      const conv = (a: tf.Tensor, b: tf.Tensor) =>
        own
          ? conv2dSame(a as tf.Tensor4D, b as tf.Tensor4D)
          : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same');
      const value = conv(x, w);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), dy)))([x, w]);
      return [value, dx as tf.Tensor, dw as tf.Tensor].map((t) => Array.from(t.dataSync()));
    }),
  );
}

/** Value and gradients (x, w, b) of relu(conv(x, w) + b), ours or tfjs's ops. */
function biasReluGrads(backend: string, k: number, own: boolean, ci = 3, co = 4): Promise<number[][]> {
  return tf.setBackend(backend).then(() =>
    tf.tidy(() => {
      const x = tf.randomNormal([2, 5, 4, ci], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([k, k, ci, co], 0, 0.5, 'float32', 2) as tf.Tensor4D;
      const b = tf.randomNormal([co], 0, 0.5, 'float32', 4) as tf.Tensor1D;
      const dy = tf.randomNormal([2, 5, 4, co], 0, 1, 'float32', 3);
      const layer = (a: tf.Tensor, f: tf.Tensor, c: tf.Tensor) =>
        own
          ? conv2dSame(a as tf.Tensor4D, f as tf.Tensor4D, { bias: c as tf.Tensor1D, activation: 'relu' })
          : tf.relu(tf.add(tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), c));
      const value = layer(x, w, b);
      const g = tf.grads((a: tf.Tensor, f: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(layer(a, f, c), dy)));
      return [value, ...g([x, w, b])].map((t) => Array.from(t.dataSync()));
    }),
  );
}

const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i] as number, 3));

describe('conv2dSame', () => {
  test.each([
    [1, 3, 4],
    [3, 3, 4],
    [5, 3, 4],
    [1, 5, 2],
    [3, 5, 2],
    [5, 4, 4],
  ])(
    '%i-wide kernels, %i → %i channels: value and gradients equal tfjs conv2d on cpu and wasm',
    async (k, ci, co) => {
      const reference = await grads('cpu', k, false, ci, co);
      for (const backend of ['cpu', 'wasm']) {
        const ours = await grads(backend, k, true, ci, co);
        ours.forEach((g, i) => close(g, reference[i] as number[]));
      }
    },
  );

  test.each([
    [1, 3, 4],
    [3, 3, 4],
    [1, 5, 2],
    [3, 5, 2],
  ])(
    'kernel size %i with a bias and a ReLU, %i → %i channels: value and gradients equal tfjs ops',
    async (k, ci, co) => {
      const reference = await biasReluGrads('cpu', k, false, ci, co);
      for (const backend of ['cpu', 'wasm']) {
        const ours = await biasReluGrads(backend, k, true, ci, co);
        expect(ours.length).toBe(4);
        ours.forEach((g, i) => close(g, reference[i] as number[]));
      }
    },
  );

  test('even kernels are refused with a ShapeError', () => {
    expect(() =>
      conv2dSame(tf.zeros([1, 4, 4, 2]) as tf.Tensor4D, tf.zeros([2, 2, 2, 1]) as tf.Tensor4D),
    ).toThrow(/odd square kernel/);
  });
});

describe('registerWasmConv2dFilterGradient', () => {
  test("tf.conv2d trains on wasm after it, with the cpu backend's filter gradient", async () => {
    registerWasmConv2dFilterGradient();
    registerWasmConv2dFilterGradient(); // idempotent
    const reference = await grads('cpu', 3, false);
    const wasm = await grads('wasm', 3, false);
    close(wasm[2] as number[], reference[2] as number[]);
    await tf.setBackend('cpu');
  });
});
