// TransformOp: the affine and additive maps as differentiable ops agree with the same maps written
// as plain tfjs ops (values, log-dets, and autodiff gradients w.r.t. u and raw), in both directions.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import '../tfjs/gradients.js';
import { hostRng } from '@bijective/core';
import { ADDITIVE_TRANSFORM } from './additive-transform.js';
import { affineTransform } from './affine-transform.js';
import type { Direction, ElementwiseTransform } from './elementwise-transform.js';
import { TransformOp } from './transform-op.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const normals = (shape: [number, number], seed: number) => {
  const rng = hostRng(seed);
  return tf.tensor2d(
    Array.from({ length: shape[0] * shape[1] }, () => rng.normal()),
    shape,
  );
};

/** The map on `columns` of u `[n, d]` as plain tfjs ops, heads head-major in raw. */
function reference(
  kind: 'affine' | 'additive',
  direction: Direction,
  u: tf.Tensor2D,
  raw: tf.Tensor2D,
  columns: readonly number[],
): { value: tf.Tensor2D; logDet: tf.Tensor1D } {
  const [n, d] = u.shape;
  const b = columns.length;
  const heads = kind === 'affine' ? tf.split(raw, 2, 1) : [raw];
  const s = kind === 'affine' ? tf.mul(tf.tanh(tf.div(heads[0]!, 2)), 2) : tf.zeros([n, b]);
  const t = heads[heads.length - 1]!;
  const cols = tf.gather(u, columns, 1);
  const mapped =
    direction === 'forward' ? tf.add(tf.mul(cols, tf.exp(s)), t) : tf.mul(tf.sub(cols, t), tf.exp(tf.neg(s)));
  // Scatter the mapped columns back with a constant one-hot product.
  const place = tf.cast(tf.oneHot(columns, d), 'float32') as tf.Tensor2D;
  const keep = tf.sub(1, tf.sum(place, 0));
  const value = tf.add(tf.mul(u, keep), tf.matMul(mapped, place)) as tf.Tensor2D;
  const logDet = tf.mul(tf.sum(s, 1), direction === 'forward' ? 1 : -1) as tf.Tensor1D;
  return { value, logDet };
}

const transforms: Record<'affine' | 'additive', ElementwiseTransform> = {
  affine: affineTransform(2),
  additive: ADDITIVE_TRANSFORM,
};

describe('TransformOp', () => {
  for (const kind of ['affine', 'additive'] as const)
    for (const direction of ['forward', 'inverse'] as const)
      test(`${kind} ${direction}: values, log-dets and gradients match plain tfjs ops`, () => {
        const transform = transforms[kind];
        const op = new TransformOp(transform, 4);
        const columns = [2, 0, 3];
        const u = normals([5, 4], 1);
        const raw = normals([5, transform.heads * columns.length], 2);
        const w = normals([5, 4], 3);
        const loss = (f: typeof reference) => (x: tf.Tensor, r: tf.Tensor) => {
          const out = f(kind, direction, x as tf.Tensor2D, r as tf.Tensor2D, columns);
          const logDet = out.logDet ?? tf.zeros([5]);
          return tf.add(tf.sum(tf.mul(out.value, w)), tf.sum(tf.mul(logDet, tf.range(1, 6))));
        };
        const ours = (_: string, dir: Direction, x: tf.Tensor2D, r: tf.Tensor2D, c: readonly number[]) => {
          const out = op.apply(dir, x, r, c);
          return { value: out.value, logDet: out.logDet ?? (tf.zeros([5]) as tf.Tensor1D) };
        };
        const [a, b] = [tf.grads(loss(ours)), tf.grads(loss(reference))];
        const [ga, gb] = [a([u, raw]), b([u, raw])];
        const close = (x: tf.Tensor, y: tf.Tensor) =>
          expect(tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]).toBeLessThan(1e-5);
        const fa = ours(kind, direction, u, raw, columns);
        const fb = reference(kind, direction, u, raw, columns);
        close(fa.value, fb.value);
        close(fa.logDet, fb.logDet);
        ga.forEach((g, i) => close(g, gb[i]!));
        expect(transform.hasLogDet).toBe(kind === 'affine');
        tf.dispose([u, raw, w, ...ga, ...gb, fa.value, fa.logDet, fb.value, fb.logDet]);
        const before = tf.memory().numTensors;
        op.dispose();
        expect(tf.memory().numTensors).toBe(before - (kind === 'affine' ? 4 : 0));
      });
});
