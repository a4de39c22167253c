import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import '@bijective/engine/gradients';
import { Affine, Chain, LULinear, OptionError, ShapeError, StandardNormal, Flow } from '@bijective/core';
import { fit } from './fit.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function linearFlow(): Flow {
  const layers = [new LULinear({ eventShape: [2], seed: 1 }), new Affine({ eventShape: [2] })];
  return new Flow(new StandardNormal({ eventShape: [2] }), new Chain(layers));
}

/** 1000 rows: a standard normal column and a column that is always 2 (a grid of one point, step 1). */
function mixedData(): tf.Tensor2D {
  return tf.tidy(() => {
    const z = tf.randomNormal([1000, 1], 0, 1, 'float32', 5);
    return tf.concat([z, tf.fill([1000, 1], 2)], 1) as tf.Tensor2D;
  });
}

/** The standard deviation of column `j` of n draws from the flow. */
function sampleStd(flow: Flow, j: number): number {
  return tf.tidy(() => {
    const column = tf.slice(flow.sample(4000, { seed: 2 }), [0, j], [4000, 1]);
    return Math.sqrt(tf.moments(column).variance.dataSync()[0] as number);
  });
}

describe('fit with dequantisationWidths', () => {
  test('fresh uniform noise per minibatch: the constant column gets the variance of its dequantised values, not a spike, without leaks', () => {
    const data = mixedData();
    const widths = tf.tensor1d([0, 1]);
    const flow = linearFlow();
    const before = tf.memory().numTensors;
    const result = fit(flow, data, {
      steps: 600,
      learningRate: 2e-2,
      validationFraction: 0,
      dequantisationWidths: widths,
      seed: 3,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.stopReason).toBe('completed');
    // Var(2 + u) = 1/12 (without the noise the fitted variance would shrink towards 0).
    expect(sampleStd(flow, 1)).toBeCloseTo(Math.sqrt(1 / 12), 1);
    expect(sampleStd(flow, 0)).toBeCloseTo(1, 1);
    flow.dispose();
    widths.dispose();
    data.dispose();
  });

  test('widths of the wrong shape, negative or not finite are one clear error', () => {
    const data = mixedData();
    const flow = linearFlow();
    for (const [widths, error, pattern] of [
      [tf.tensor1d([1, 1, 1]), ShapeError, /one width per column/],
      [tf.tensor2d([[1, 1]]), ShapeError, /one width per column/],
      [tf.tensor1d([1, -1]), OptionError, />= 0/],
      [tf.tensor1d([1, NaN]), Error, /dequantisationWidths/],
    ] as const) {
      expect(() => fit(flow, data, { steps: 1, dequantisationWidths: widths })).toThrow(error);
      expect(() => fit(flow, data, { steps: 1, dequantisationWidths: widths })).toThrow(pattern);
      widths.dispose();
    }
    flow.dispose();
    data.dispose();
  });
});
