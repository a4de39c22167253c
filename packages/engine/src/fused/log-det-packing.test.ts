// The packing of a value and its log-det through one op's output: on wasm the unpacking is one host
// kernel whose gradient packs the two gradients back; on cpu it is two constant products. Both give
// the columns themselves and the same gradients.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/test-support/wasm';
import '../tfjs/gradients.js';
import { afterAll, expect, test } from 'vitest';
import { LogDetPacking } from './log-det-packing.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

test.each(['cpu', 'wasm'])('unpack on %s: the columns, and the gradient packs [a | b]', async (backend) => {
  await tf.setBackend(backend);
  const packing = new LogDetPacking(3);
  const packed = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]);
  const a = tf.tensor2d([0.5, -1, 2, 3, 4, -5], [2, 3]);
  const b = tf.tensor1d([7, -8]);
  const { value, logDet } = packing.unpack(packed);
  expect(Array.from(value.dataSync())).toEqual([1, 2, 3, 5, 6, 7]);
  expect(Array.from(logDet.dataSync())).toEqual([4, 8]);
  const before = tf.memory().numTensors;
  const grad = tf.grad((p: tf.Tensor) => {
    const u = packing.unpack(p as tf.Tensor2D);
    return tf.add(tf.sum(tf.mul(u.value, a)), tf.sum(tf.mul(u.logDet, b)));
  })(packed);
  expect(tf.memory().numTensors).toBe(before + 1);
  expect(Array.from(grad.dataSync())).toEqual([0.5, -1, 2, 7, 3, 4, -5, -8]);
  tf.dispose([packed, a, b, value, logDet, grad]);
  packing.dispose();
});
