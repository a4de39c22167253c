import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { otPath } from './paths.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('conditional paths', () => {
  const x0 = tf.tensor2d([
    [1, -2],
    [0.5, 3],
  ]);
  const x1 = tf.tensor2d([
    [4, 0],
    [-1, 2],
  ]);

  test('OT path: x_t = (1 − (1 − σ)t) x0 + t x1 and u_t = x1 − (1 − σ) x0, row by row', () => {
    const sigma = 0.1;
    const t = tf.tensor2d([[0.3], [0.8]]);
    const { xt, ut } = otPath(x0, x1, t, sigma);
    const a = x0.arraySync();
    const b = x1.arraySync();
    const ts = [0.3, 0.8];
    const expectedX = a.map((row, i) =>
      row.map((v, j) => (1 - (1 - sigma) * ts[i]!) * v + ts[i]! * b[i]![j]!),
    );
    const expectedU = a.map((row, i) => row.map((v, j) => b[i]![j]! - (1 - sigma) * v));
    expect(
      xt
        .arraySync()
        .flat()
        .map((v) => Number(v.toFixed(5))),
    ).toEqual(expectedX.flat().map((v) => Number(v.toFixed(5))));
    expect(
      ut
        .arraySync()
        .flat()
        .map((v) => Number(v.toFixed(5))),
    ).toEqual(expectedU.flat().map((v) => Number(v.toFixed(5))));
    tf.dispose([t, xt, ut]);
  });

  test('ends: x_0 at t = 0, x_1 + σ x_0 at t = 1; u_t is dx_t/dt', () => {
    const sigma = 0.05;
    const at = (s: number) => otPath(x0, x1, tf.fill([2, 1], s) as tf.Tensor2D, sigma);
    const start = at(0);
    const end = at(1);
    expect(start.xt.arraySync()).toEqual(x0.arraySync());
    const expectedEnd = tf.tidy(() => tf.add(x1, tf.mul(x0, sigma)).arraySync()) as number[][];
    end.xt
      .arraySync()
      .flat()
      .forEach((v, i) => expect(v).toBeCloseTo(expectedEnd.flat()[i]!, 5));
    // Finite difference of x_t in t equals u_t (the path is linear in t).
    const h = 1e-2;
    const [p, q] = [at(0.5 - h), at(0.5 + h)];
    const fd = tf.tidy(() => tf.div(tf.sub(q.xt, p.xt), 2 * h).arraySync()) as number[][];
    p.ut
      .arraySync()
      .flat()
      .forEach((v, i) => expect(fd.flat()[i]).toBeCloseTo(v, 3));
    tf.dispose([start.xt, start.ut, end.xt, end.ut, p.xt, p.ut, q.xt, q.ut]);
  });

  test('σ_min = 0 is the rectified straight line: u_t = x1 − x0', () => {
    const { xt, ut } = otPath(x0, x1, tf.tensor2d([[0.5], [0.5]]), 0);
    const mid = tf.tidy(() => tf.div(tf.add(x0, x1), 2).arraySync());
    expect(xt.arraySync()).toEqual(mid);
    expect(ut.arraySync()).toEqual(tf.tidy(() => tf.sub(x1, x0).arraySync()));
    tf.dispose([xt, ut]);
  });
});
