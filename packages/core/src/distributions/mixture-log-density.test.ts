import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, test } from 'vitest';
import { gaussianLogDensity } from './gaussian.js';
import { mixtureLogDensity } from './mixture-log-density.js';

/** The mixture's log-density from the ops one by one (autodiff differentiates each). */
function reference(x: tf.Tensor, logits: tf.Tensor, means: tf.Tensor, logScales: tf.Tensor): tf.Tensor {
  const perComponent = tf.sum(gaussianLogDensity(tf.expandDims(x, 1), means, logScales), 2);
  return tf.logSumExp(tf.add(perComponent, tf.logSoftmax(logits)), 1);
}

describe('mixtureLogDensity', () => {
  test('value and every gradient match autodiff of the op-by-op density', () => {
    const inputs = [
      tf.randomNormal([37, 3], 0, 2, 'float32', 1),
      tf.randomNormal([5], 0, 1, 'float32', 2),
      tf.randomNormal([5, 3], 0, 1, 'float32', 3),
      tf.randomNormal([5, 3], 0, 0.5, 'float32', 4),
    ] as const;
    const upstream = tf.randomUniform([37], 0.1, 2, 'float32', 5);
    const loss =
      (f: typeof reference) =>
      (...t: tf.Tensor[]) =>
        tf.sum(
          tf.mul(f(t[0] as tf.Tensor, t[1] as tf.Tensor, t[2] as tf.Tensor, t[3] as tf.Tensor), upstream),
        );
    const before = tf.memory().numTensors;
    const ours = tf.grads(loss(mixtureLogDensity))([...inputs]);
    expect(tf.memory().numTensors).toBe(before + 4); // the four gradients, nothing else
    const theirs = tf.grads(loss(reference))([...inputs]);
    ours.forEach((g, i) => {
      expect(g.shape).toEqual(inputs[i]?.shape);
      const a = g.dataSync();
      const b = (theirs[i] as tf.Tensor).dataSync();
      a.forEach((v, j) => expect(v).toBeCloseTo(b[j] as number, 3));
    });
    const [value, expected] = [
      tf.tidy(() => mixtureLogDensity(...inputs)),
      tf.tidy(() => reference(...inputs)),
    ];
    const want = expected.dataSync();
    value.dataSync().forEach((v, j) => expect(v).toBeCloseTo(want[j] as number, 4));
    tf.dispose([...ours, ...theirs, value, expected]);
    tf.dispose([...inputs, upstream]);
  });
});
