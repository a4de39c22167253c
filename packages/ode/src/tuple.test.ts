import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import { beforeAll, describe, expect, test } from 'vitest';
import { combineOnHost } from './combination.js';
import { combine } from './tuple.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('combine on a host backend', () => {
  test('one kernel for the whole tuple: equals base + Σ w k by tfjs ops', async () => {
    const z = [
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.tensor1d([0.5, -0.5]),
    ];
    const k = [
      tf.tensor2d([
        [1, 1],
        [2, 2],
      ]),
      tf.tensor1d([4, 8]),
    ];
    const before = tf.memory().numTensors;
    let out: tf.Tensor[] = [];
    const profile = await tf.profile(() => {
      out = combine(z, [0.25], [k]);
    });
    expect(profile.kernels.map((kernel) => kernel.name)).toEqual(['Bijective.StateCombination']);
    const [zNext, logp] = out;
    expect(tf.memory().numTensors - before).toBe(2);
    expect(Array.from(zNext!.dataSync())).toEqual([1.25, 2.25, 3.5, 4.5]);
    expect(Array.from(logp!.dataSync())).toEqual([1.5, 1.5]);
    tf.dispose([...z, ...k, zNext!, logp!]);
  });

  test('equals base + Σ w k by tfjs ops, with gradients 1 and w_j, differentiable again', () => {
    const base = tf.tensor2d([
      [1, -2],
      [0.5, 3],
    ]);
    const k1 = tf.tensor2d([
      [0.25, 1],
      [-1, 2],
    ]);
    const k2 = tf.tensor2d([
      [4, 0],
      [2, -0.5],
    ]);
    const [fused] = combine([base], [0.5, 0, -2], [[k1], [tf.zeros([2, 2])], [k2]]);
    const byOps = tf.addN([base, tf.mul(k1, 0.5), tf.mul(k2, -2)]);
    expect(Array.from(fused!.dataSync())).toEqual(Array.from(byOps.dataSync()));
    const grads = tf.grads((b: tf.Tensor, a: tf.Tensor, c: tf.Tensor) =>
      tf.sum(
        tf.mul(
          combineOnHost([b], [0.5, -2], [[a], [c]])[0]!,
          tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
        ),
      ),
    )([base, k1, k2]);
    expect(Array.from(grads[0]!.dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(grads[1]!.dataSync())).toEqual([0.5, 1, 1.5, 2]);
    expect(Array.from(grads[2]!.dataSync())).toEqual([-2, -4, -6, -8]);
    // f(x) = Σ (3x)²: f' = 18x through the op's gradient, whose own gradient gives f'' = 18.
    const x = tf.tensor1d([0.5, -1]);
    const second = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.grad((u: tf.Tensor) => tf.sum(tf.square(combineOnHost(null, [3], [[u]])[0]!)))(v)),
    )(x);
    expect(Array.from(second.dataSync())).toEqual([18, 18]);
    tf.dispose([base, k1, k2, fused!, byOps, ...grads, x, second]);
  });
});
