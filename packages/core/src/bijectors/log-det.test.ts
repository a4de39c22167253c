import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { constantLogDetPerRow, sameLogDetPerRow } from './log-det.js';

describe('constantLogDetPerRow', () => {
  test('the same float32 rows as sameLogDetPerRow of a scalar, as one kernel', () => {
    for (const total of [0, -0, 1.2345678901234, -37.5, Math.log(3) * 16, 1e-40]) {
      tf.tidy(() => {
        const kernels = tf.engine().state.numDataBuffers;
        const constant = constantLogDetPerRow(total, 5);
        expect(tf.engine().state.numDataBuffers - kernels).toBe(1);
        const reference = sameLogDetPerRow(tf.scalar(total), 5);
        expect(constant.shape).toEqual([5]);
        expect(constant.dtype).toBe('float32');
        expect(Array.from(constant.dataSync())).toEqual(Array.from(reference.dataSync()));
      });
    }
  });
});
