import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  BaseBijector,
  type BijectorConfig,
  type CallOptions,
  type ValueAndLogDet,
  ValueError,
} from '@bijective/core';
import {
  CENTRAL_DIFFERENCE_STEP,
  FLOAT32_EPS,
  RICHARDSON_STEP,
  autodiffJacobian,
  numericalBijectorJacobian,
  numericalJacobian,
} from './jacobian.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** f(x, y) = (x² y, sin x + 3y, e^y) with J = [[2xy, x²], [cos x, 3], [0, e^y]]. */
const f = (v: ArrayLike<number>): number[] => [
  v[0]! ** 2 * v[1]!,
  Math.sin(v[0]!) + 3 * v[1]!,
  Math.exp(v[1]!),
];
const exactJ = (x: number, y: number): number[][] => [
  [2 * x * y, x * x],
  [Math.cos(x), 3],
  [0, Math.exp(y)],
];

function maxAbsDiff(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  return Math.max(...a.flatMap((row, r) => row.map((v, i) => Math.abs(v - b[r]![i]!))));
}

/** Elementwise y = a·x³ + x (row-wise, non-linear): a test map with a closed-form diagonal Jacobian. */
class CubicBijector extends BaseBijector {
  readonly name = 'test/cubic';
  constructor(d: number) {
    super({ eventShape: [d] });
  }
  getConfig(): BijectorConfig {
    return { name: this.name, options: {} };
  }
  protected computeForward(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    const shift = options.context ?? tf.scalar(0);
    const value = tf.add(tf.add(tf.mul(0.5, tf.pow(x, 3)), x), shift);
    return { value, logDet: tf.sum(tf.log(tf.add(1, tf.mul(1.5, tf.square(x)))), 1) };
  }
  protected computeInverse(): ValueAndLogDet {
    throw new Error('not needed here');
  }
}

describe('step constants', () => {
  test('are the cube and fifth roots of float32 eps', () => {
    expect(CENTRAL_DIFFERENCE_STEP).toBeCloseTo(4.92e-3, 5);
    expect(RICHARDSON_STEP ** 5).toBeCloseTo(FLOAT32_EPS, 15);
  });
});

describe('numericalJacobian', () => {
  test('matches the closed form of a float64 function to O(h²)', () => {
    const jac = numericalJacobian(f, [0.7, -1.3], { precision: 'float64' });
    expect(jac).toHaveLength(3);
    expect(maxAbsDiff(jac, exactJ(0.7, -1.3))).toBeLessThan(1e-4);
  });

  test('Richardson extrapolation reaches O(h⁴) accuracy', () => {
    const plain = numericalJacobian(f, [0.7, -1.3], { precision: 'float64', stepScale: 1e-2 });
    const rich = numericalJacobian(f, [0.7, -1.3], {
      precision: 'float64',
      stepScale: 1e-2,
      richardson: true,
    });
    const errPlain = maxAbsDiff(plain, exactJ(0.7, -1.3));
    const errRich = maxAbsDiff(rich, exactJ(0.7, -1.3));
    expect(errRich).toBeLessThan(1e-8);
    expect(errRich).toBeLessThan(errPlain / 100);
  });

  test('scales the step with |x| so that large coordinates are differentiated accurately', () => {
    const g = (v: ArrayLike<number>) => [Math.log(v[0]!)];
    const jac = numericalJacobian(g, [1e4]);
    expect(jac[0]![0]! * 1e4).toBeCloseTo(1, 4);
  });

  test('divides by the float32-rounded step so a float32 function is differentiated to ~eps/h', () => {
    const g = (v: ArrayLike<number>) => [Math.fround(Math.fround(v[0]!) * Math.fround(3.1))];
    const jac = numericalJacobian(g, [0.1234567]);
    expect(Math.abs(jac[0]![0]! - 3.1)).toBeLessThan(1e-4);
  });

  test('rejects a non-finite point and a bad step', () => {
    expect(() => numericalJacobian(f, [Number.NaN, 1])).toThrow(ValueError);
    expect(() => numericalJacobian(f, [1, 1], { stepScale: 0 })).toThrow(/stepScale/);
    expect(() => numericalJacobian(f, [])).toThrow(/empty/);
  });
});

describe('bijector Jacobians', () => {
  const x = tf.tensor2d([
    [0.3, -1.2, 2],
    [-0.5, 0.1, 1.5],
  ]);
  const diagonal = (row: number[]) => row.map((v) => 1.5 * v * v + 1);

  test('numericalBijectorJacobian evaluates every stencil in one call and matches the closed form', () => {
    const bij = new CubicBijector(3);
    let calls = 0;
    const forward = bij.forward.bind(bij);
    bij.forward = (t, o) => {
      calls++;
      expect(t.shape).toEqual([2 * 2 * 3, 3]);
      return forward(t, o);
    };
    const before = tf.memory().numTensors;
    const jac = numericalBijectorJacobian(bij, x);
    expect(tf.memory().numTensors).toBe(before);
    expect(calls).toBe(1);
    (x.arraySync() as number[][]).forEach((row, b) => {
      const d = diagonal(row);
      const expected = d.map((v, i) => d.map((_, j) => (i === j ? v : 0)));
      expect(maxAbsDiff(jac[b]!, expected)).toBeLessThan(2e-3 * Math.max(...d));
    });
  });

  test('numericalBijectorJacobian repeats each context row across its stencil', () => {
    const bij = new CubicBijector(3);
    const context = tf.tensor2d([
      [1, 2, 3],
      [-1, 0, 4],
    ]);
    const jac = numericalBijectorJacobian(bij, x, { context, richardson: true });
    (x.arraySync() as number[][]).forEach((row, b) => {
      diagonal(row).forEach((v, i) => expect(Math.abs(jac[b]![i]![i]! - v)).toBeLessThan(1e-3 * v));
    });
    context.dispose();
  });

  test('numericalBijectorJacobian rejects a batch of the wrong event shape', () => {
    expect(() => numericalBijectorJacobian(new CubicBijector(2), x)).toThrow(
      /expected shape \[batch, 2\], got \[2, 3\]/,
    );
  });

  test('autodiffJacobian gives the exact per-row Jacobian of a coupled map', () => {
    // y = [x0 * x1, x0 + 2 x1, x1²] has J = [[x1, x0], [1, 2], [0, 2 x1]].
    const fn = (t: tf.Tensor) => {
      const [a, b] = tf.split(t, 2, 1) as [tf.Tensor, tf.Tensor];
      return tf.concat([tf.mul(a, b), tf.add(a, tf.mul(2, b)), tf.square(b)], 1);
    };
    const xs = tf.tensor2d([
      [1, 2],
      [-3, 0.5],
    ]);
    const before = tf.memory().numTensors;
    const jac = autodiffJacobian(fn, xs);
    expect(tf.memory().numTensors).toBe(before);
    expect(jac).toEqual([
      [
        [2, 1],
        [1, 2],
        [0, 4],
      ],
      [
        [0.5, -3],
        [1, 2],
        [0, 1],
      ],
    ]);
    xs.dispose();
  });

  test('autodiff and numerical Jacobians of a bijector agree', () => {
    const bij = new CubicBijector(3);
    const exact = autodiffJacobian((t) => bij.forward(t), x);
    const approx = numericalBijectorJacobian(bij, x);
    exact.forEach((j, b) => expect(maxAbsDiff(j, approx[b]!)).toBeLessThan(2e-2));
  });
});
