// gatherRows (a minibatch's rows as one host kernel on wasm) against tf.gather: the same values for
// tables of rows and of images, one kernel, nothing leaked.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { beforeAll, describe, expect, test } from 'vitest';
import { gatherRows } from './gather-rows.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('gatherRows on wasm', () => {
  test.each([
    { shape: [300, 16], rows: [5, 299, 0, 5, 17] },
    { shape: [40, 3, 2, 2], rows: [39, 1, 1] },
    { shape: [7], rows: [6, 0] },
    { shape: [20, 80], rows: [19, 0, 7, 7] },
  ])('equals tf.gather for a table $shape', async ({ shape, rows }) => {
    const table = tf.randomNormal(shape, 0, 1, 'float32', 3);
    const indices = Int32Array.from(rows);
    const before = tf.memory().numTensors;
    const info = await tf.profile(() => gatherRows(table, indices));
    const got = info.result as tf.Tensor;
    expect(info.kernelNames).toEqual(['Bijective.GatherRows']);
    const want = tf.tidy(() => tf.gather(table, tf.tensor1d(indices, 'int32')));
    expect(got.shape).toEqual(want.shape);
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
    tf.dispose([got, want]);
    expect(tf.memory().numTensors).toBe(before);
    table.dispose();
  });
});
