// Augmented neural ODEs (Dupont et al. 2019): a 1-D ODE map cannot send x to −x (trajectories cannot
// cross), one augmented dimension can (they pass each other in the plane). Trained by regression.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { createByName } from '@bijective/core';
import '@bijective/ode';
import { beforeAll, describe, expect, test } from 'vitest';
import { ConcatSquashField } from './field.js';
import { solveOdeMap } from './ode-map.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Trains the map x -> −x on [−1, 1] by mean squared error and returns the final MSE on a held-out grid. */
function fitReflection(augment: number): number {
  const field = new ConcatSquashField({
    stateSize: 1 + augment,
    hidden: [16],
    activation: 'tanh',
    contextSize: 0,
    zeroInitOutput: false,
    seed: 3,
  });
  // rk4 with 2 steps and 60 Adam steps: the augmented map is at MSE ~0.002 by then (0.0002 after 100).
  const solver = createByName('odeSolver', 'rk4', { steps: 2 });
  const optimiser = tf.train.adam(0.03);
  const train = tf.reshape(tf.linspace(-1, 1, 32), [-1, 1]) as tf.Tensor2D;
  const test_ = tf.reshape(tf.linspace(-0.97, 0.97, 50), [-1, 1]) as tf.Tensor2D;
  const mse = (x: tf.Tensor2D) =>
    tf.mean(tf.square(tf.add(solveOdeMap(field, x, { solver, endTime: 1, augment }), x))) as tf.Scalar;
  for (let step = 0; step < 60; step++) {
    tf.dispose(optimiser.minimize(() => mse(train), true, field.variables) ?? []);
  }
  const result = tf.tidy(() => mse(test_).dataSync()[0] as number);
  optimiser.dispose();
  tf.dispose([train, test_]);
  field.dispose();
  return result;
}

describe('augmented neural ODE', () => {
  // Two tests (each with its own time limit on a loaded machine), the same training for both.
  test('x -> −x in 1-D: the plain ODE map fails (MSE near E[x²] = 1/3)', () => {
    // The best increasing map of [−1, 1] onto −x is constant 0, with MSE 1/3; the ODE stays above ~0.3.
    expect(fitReflection(0)).toBeGreaterThan(0.25);
  });

  test('x -> −x in 1-D: one augmented dimension succeeds', () => {
    expect(fitReflection(1)).toBeLessThan(0.02);
  });

  test('rejects an input whose width plus the augmentation does not match the field', () => {
    const field = new ConcatSquashField({
      stateSize: 2,
      hidden: [4],
      activation: 'tanh',
      contextSize: 0,
      zeroInitOutput: false,
      seed: 1,
    });
    const x = tf.zeros([3, 2]) as tf.Tensor2D;
    const solver = createByName('odeSolver', 'euler', {});
    expect(() => solveOdeMap(field, x, { solver, endTime: 1, augment: 1 })).toThrow(
      /x of shape \[3, 2\] plus 1 augmented dimension\(s\) does not match the field's state width 2/,
    );
    x.dispose();
    field.dispose();
  });
});
