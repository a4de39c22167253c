// readInto: float32 tensors' values laid end to end into a flat vector from an offset, straight
// from wasm's heap or through dataSync, leaving the rest of the vector and every tensor as they were.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import { readInto } from './read-into.js';

describe('readInto', () => {
  for (const backend of ['cpu', 'wasm'])
    test(`${backend}: copies each tensor after the last, returns the end, allocates no tensor`, async () => {
      await tf.setBackend(backend);
      const a = tf.tensor2d([1.5, -2, 3, 4.25, 5, 6], [2, 3]);
      const b = tf.tensor1d([7, 8]);
      const empty = tf.zeros([0, 4]);
      // a view into a larger shared buffer, as a replica's output is
      const shared = new Float32Array(new SharedArrayBuffer(4 * 12)).fill(-1);
      const into = shared.subarray(1, 11);
      const before = tf.memory().numTensors;
      expect(readInto([a, empty, b], into, 1)).toBe(9);
      expect(Array.from(shared)).toEqual([-1, -1, 1.5, -2, 3, 4.25, 5, 6, 7, 8, -1, -1]);
      expect(tf.memory().numTensors).toBe(before);
      expect(Array.from(a.dataSync())).toEqual([1.5, -2, 3, 4.25, 5, 6]);
      tf.dispose([a, b, empty]);
    });
});
