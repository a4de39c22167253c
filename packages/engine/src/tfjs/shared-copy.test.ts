// sharedCopy: a copy that holds a variable's data without copying it, which a later assign leaves
// as it was; freed by its own dispose; tf.clone's values where a backend has no reference counts.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import { sharedCopy } from './shared-copy.js';

describe('sharedCopy', () => {
  for (const backend of ['cpu', 'wasm'])
    test(`${backend}: keeps the value through the variable's assign, copies no bytes, leaks nothing`, async () => {
      await tf.setBackend(backend);
      const v = tf.variable(tf.tensor1d([1, 2, 3]));
      const before = tf.memory();
      const copy = sharedCopy(v);
      expect(copy.dataId).toBe(v.dataId);
      expect(tf.memory().numBytes - before.numBytes).toBe(copy.size * 4); // tfjs counts it as a tensor
      const next = tf.mul(v, 10) as tf.Tensor1D;
      v.assign(next);
      next.dispose();
      expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
      expect(Array.from(v.dataSync())).toEqual([10, 20, 30]);
      v.assign(copy);
      copy.dispose();
      expect(Array.from(v.dataSync())).toEqual([1, 2, 3]);
      expect(tf.memory().numTensors).toBe(before.numTensors);
      v.dispose();
    });

  test('a backend that keeps no reference counts gets a clone', async () => {
    await tf.setBackend('wasm'); // whose clone copies (the cpu backend's clone itself counts references)
    const backend = tf.backend() as unknown as { incRef: (id: object) => void };
    const incRef = backend.incRef;
    backend.incRef = () => {
      throw new Error('Not yet implemented');
    };
    try {
      const t = tf.tensor1d([4, 5]);
      const copy = sharedCopy(t);
      expect(copy.dataId).not.toBe(t.dataId);
      expect(Array.from(copy.dataSync())).toEqual([4, 5]);
      tf.dispose([t, copy]);
    } finally {
      backend.incRef = incRef;
    }
  });
});
