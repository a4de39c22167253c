import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import { create, type Scale } from '@bijective/core';
import './index.js';
import type { Nice } from './nice.js';

await tf.setBackend('cpu');

describe('nice', () => {
  test('a base-side diagonal scaling, then 4 additive couplings with reversals; only the scaling changes volume', () => {
    const flow = create('bijector', 'nice', { eventShape: [3], seed: 7, identityInit: false }) as Nice;
    expect(flow.getConfig().options).toEqual({
      eventShape: [3],
      layers: 4,
      hidden: [64, 64],
      activation: 'relu',
      mask: 'halves',
      mixing: 'reverse',
      identityInit: false,
      seed: 7,
    });
    // The reversals between couplings are folded into their partitions: 3 of them leave one at the end.
    expect(flow.chain.bijectors.map((b) => b.name)).toEqual(['scale', 'coupling-sequence', 'reverse']);
    const scale = flow.chain.bijectors[0] as Scale;
    tf.tidy(() => {
      scale.unconstrained.assign(tf.tensor1d([0.3, -0.2, 1]));
      const x = tf.randomNormal([4, 3], 0, 1, 'float32', 8);
      const { value, logDet } = flow.forwardAndLogDet(x);
      const expected = tf
        .sum(tf.log(tf.add(tf.softplus(scale.unconstrained), scale.minScale)))
        .dataSync()[0]!;
      logDet.dataSync().forEach((l) => expect(l).toBeCloseTo(expected, 5));
      const back = flow.inverse(value).dataSync();
      x.dataSync().forEach((v, i) => expect(back[i]).toBeCloseTo(v, 5));
    });
    flow.dispose();
  });
});
