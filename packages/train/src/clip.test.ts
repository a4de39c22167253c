import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { expect, test } from 'vitest';
import { clipByGlobalNorm } from './clip.js';

test('clipByGlobalNorm: the norm of all gradients together, and scaling only above the bound', () => {
  const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor2d([[0, 4]]) };
  const before = tf.memory().numTensors;
  const plain = clipByGlobalNorm(grads);
  expect(plain.globalNorm.dataSync()[0]).toBeCloseTo(5, 6);
  expect(plain.clipped).toBe(grads);
  const clipped = clipByGlobalNorm(grads, 2.5);
  expect(clipped.globalNorm.dataSync()[0]).toBeCloseTo(5, 6);
  expect(Array.from(clipped.clipped.a!.dataSync())).toEqual([1.5, 0]);
  expect(Array.from(clipped.clipped.b!.dataSync())).toEqual([0, 2]);
  expect(clipped.clipped.b!.shape).toEqual([1, 2]);
  const loose = clipByGlobalNorm(grads, 10);
  expect(Array.from(loose.clipped.a!.dataSync())).toEqual([3, 0]);
  tf.dispose([plain.globalNorm, clipped.globalNorm, loose.globalNorm]);
  tf.dispose([...Object.values(clipped.clipped), ...Object.values(loose.clipped)]);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose(Object.values(grads));
});
