// The conformance kit's flow checks on a mixture of flows (core's `flow-mixture`, what
// `train --flow auto` saves as an ensemble): a normalised density consistent with its sampler.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { createBijector, Flow, flowMixture, StandardNormal } from '@bijective/core';
import { checkFlow } from '@bijective/testing';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** ⅖ of an affine flow and ⅗ of a skewed sinh-arcsinh flow over d dimensions. */
function mixtureOf(d: number): Flow {
  const eventShape = [d];
  const parts = [
    new Flow(
      new StandardNormal({ eventShape }),
      createBijector({ name: 'affine', options: { eventShape, shift: 1, scale: 0.7 } }),
    ),
    new Flow(
      new StandardNormal({ eventShape }),
      createBijector({ name: 'sinh-arcsinh', options: { eventShape, skew: 0.8, loc: -0.5 } }),
    ),
  ];
  try {
    return flowMixture(parts, [0.4, 0.6]);
  } finally {
    for (const p of parts) p.dispose();
  }
}

describe('flow-mixture', () => {
  test('passes every flow check of the conformance kit (event sizes 1 to 3)', () => {
    const before = tf.memory().numTensors;
    expect(() => checkFlow('flow-mixture', mixtureOf)).not.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
