import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import '@bijective/engine/gradients';
import { afterAll, describe, expect, test } from 'vitest';
import { otPath, pairedOtPath } from './paths.js';

// The module's tensors are made while the tests are collected: the cpu backend first (importing
// the wasm backend makes it the default, which initialises asynchronously).
await tf.setBackend('cpu');
afterAll(async () => {
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

  test.each(['cpu', 'wasm'])(
    'paired path (one kernel): the path to x_0[σ(i)] and its gradients in x_0, x_1 and t (%s)',
    async (backend) => {
      await tf.setBackend(backend);
      const n = 7;
      const a = tf.randomNormal([n, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
      const b = tf.randomNormal([n, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
      const t = tf.randomUniform([n, 1], 0, 1, 'float32', 3) as tf.Tensor2D;
      const w = tf.randomNormal([n, 3], 0, 1, 'float32', 4);
      const v = tf.randomNormal([n, 3], 0, 1, 'float32', 5);
      const pairing = [3, 0, 6, 1, 5, 2, 4];
      const sigma = 0.1;
      const keep = 1 - sigma;
      // Reference, written out on the host in float64: row i pairs x_1[i] with x_0[σ(i)].
      const [A, B, T, W, V] = [a, b, t, w, v].map((x) => x.arraySync() as number[][]) as [
        number[][],
        number[][],
        number[][],
        number[][],
        number[][],
      ];
      const xt = A.map((_, i) =>
        A[pairing[i]!]!.map((x0, j) => (1 - keep * T[i]![0]!) * x0 + T[i]![0]! * B[i]![j]!),
      );
      const ut = A.map((_, i) => A[pairing[i]!]!.map((x0, j) => B[i]![j]! - keep * x0));
      const gA = A.map(() => [0, 0, 0]);
      A.forEach((_, i) =>
        gA[pairing[i]!]!.forEach(
          (_, j) => (gA[pairing[i]!]![j]! += (1 - keep * T[i]![0]!) * W[i]![j]! - keep * V[i]![j]!),
        ),
      );
      const gB = B.map((row, i) => row.map((_, j) => T[i]![0]! * W[i]![j]! + V[i]![j]!));
      const gT = T.map((_, i) => [
        W[i]!.reduce((s, wij, j) => s + wij * (B[i]![j]! - keep * A[pairing[i]!]![j]!), 0),
      ]);
      const point = pairedOtPath(a, b, t, sigma, pairing);
      const loss = (x0: tf.Tensor, x1: tf.Tensor, ts: tf.Tensor) => {
        const p = pairedOtPath(x0 as tf.Tensor2D, x1 as tf.Tensor2D, ts as tf.Tensor2D, sigma, pairing);
        return tf.add(tf.sum(tf.mul(p.xt, w)), tf.sum(tf.mul(p.ut, v)));
      };
      const grads = tf.grads(loss)([a, b, t]);
      const close = (x: tf.Tensor, expected: number[][]) =>
        (x.arraySync() as number[][]).flat().forEach((y, i) => expect(y).toBeCloseTo(expected.flat()[i]!, 4));
      close(point.xt, xt);
      close(point.ut, ut);
      close(grads[0]!, gA);
      close(grads[1]!, gB);
      close(grads[2]!, gT);
      // Without a pairing it is otPath.
      const plain = otPath(a, b, t, sigma);
      const identity = pairedOtPath(a, b, t, sigma, [0, 1, 2, 3, 4, 5, 6]);
      expect(plain.xt.arraySync()).toEqual(identity.xt.arraySync());
      tf.dispose([a, b, t, w, v, point.xt, point.ut, ...grads, plain.xt, plain.ut, identity.xt, identity.ut]);
      await tf.setBackend('cpu');
    },
  );
});
