import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { describe, expect, test } from 'vitest';
import '../tfjs/gradients.js';
import type { ActivationName } from '@bijective/core';
import { CONDITIONER_ACTIVATIONS } from './conditioner-activation.js';

/** a'(z) by tfjs's own gradient of the activation. */
function derivative(name: ActivationName, z: tf.Tensor2D): tf.Tensor2D {
  const apply = CONDITIONER_ACTIVATIONS[name].apply;
  return tf.grad((x: tf.Tensor) => tf.sum(apply(x as tf.Tensor2D)))(z) as tf.Tensor2D;
}

describe.each(['cpu', 'wasm'])('conditioner activations on %s', (backend) => {
  test.each(['relu', 'elu', 'tanh', 'silu'] as const)(
    '%s: δ, its column sums and δᵀ match tfjs, and nothing else is left',
    async (name) => {
      await tf.setBackend(backend);
      const activation = CONDITIONER_ACTIVATIONS[name];
      const z = tf.randomNormal([37, 5], 0, 1.5, 'float32', 3) as tf.Tensor2D;
      const dh = tf.randomNormal([37, 5], 0, 1, 'float32', 4) as tf.Tensor2D;
      const h = activation.apply(z);
      const before = tf.memory().numTensors;
      const plain = activation.backward(dh, h, z);
      const withT = activation.backward(dh, h, z, true);
      expect(tf.memory().numTensors).toBe(before + 5);
      expect(plain.deltaT).toBeUndefined();
      const expected = tf.mul(dh, derivative(name, z));
      for (const g of [plain, withT]) {
        expect(g.delta.shape).toEqual([37, 5]);
        const delta = await g.delta.array();
        const want = (await expected.array()) as number[][];
        delta.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 5)));
        const sums = await g.sums.data();
        const wantSums = await tf.sum(expected, 0).data();
        sums.forEach((v, j) => expect(v).toBeCloseTo(wantSums[j]!, 4));
      }
      expect(withT.deltaT?.shape).toEqual([5, 37]);
      expect(await withT.deltaT?.array()).toEqual(await tf.transpose(withT.delta).array());
      tf.dispose([z, dh, h, expected, plain.delta, plain.sums, withT.delta, withT.sums, withT.deltaT!]);
    },
  );
});
