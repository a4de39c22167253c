import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { OptionError, ShapeError } from '../errors.js';
import { luDecompose } from '../numerics/lu.js';
import { hostRng, randomOrthogonal } from '../numerics/random.js';
import { LULinear } from './lu-linear.js';

/** log|det W| in float64 from the LU factors of W (Σ log|U_ii|). */
function logAbsDet(w: number[][]): number {
  return luDecompose(w).upper.reduce((sum, row, i) => sum + Math.log(Math.abs(row[i]!)), 0);
}

type Matrix = number[][];
const matmul = (a: Matrix, b: Matrix): Matrix =>
  a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));

/** Float64 inverse by Gauss-Jordan elimination with partial pivoting. */
function hostInverse(a: Matrix): Matrix {
  const d = a.length;
  const m = a.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const pivot = m[c]![c]!;
    m[c] = m[c]!.map((v) => v / pivot);
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      m[r] = m[r]!.map((v, j) => v - f * m[c]![j]!);
    }
  }
  return m.map((row) => row.slice(d));
}

/** W = P L (U + diag(s exp ℓ)) in float64 from the layer's current variables; signs from the seed's host LU. */
function hostWeight(b: LULinear, seed: number): Matrix {
  const d = b.eventShape[0] as number;
  const signs = luDecompose(randomOrthogonal(d, seed)).upper.map((row, i) => Math.sign(row[i]!));
  const lower = (b.lower.arraySync() as Matrix).map((row, i) =>
    row.map((v, j) => (j < i ? v : j === i ? 1 : 0)),
  );
  const logDiag = b.logDiag.arraySync() as number[];
  const upper = (b.upper.arraySync() as Matrix).map((row, i) =>
    row.map((v, j) => (j > i ? v : j === i ? signs[i]! * Math.exp(logDiag[i]!) : 0)),
  );
  const lu = matmul(lower, upper);
  const w: Matrix = lu.map(() => []);
  b.permutation.forEach((row, i) => (w[row] = lu[i]!));
  return w;
}

function perturb(b: LULinear, seed: number): void {
  const rng = hostRng(seed);
  for (const v of b.variables) {
    tf.tidy(() =>
      v.assign(
        tf.add(
          v,
          tf.tensor(
            Array.from({ length: v.size }, () => 0.5 * rng.normal()),
            v.shape,
          ),
        ),
      ),
    );
  }
}

function expectMatrixClose(actual: ArrayLike<number>, expected: Matrix, tolerance: number): void {
  expected
    .flat()
    .forEach((v, i) =>
      expect(Math.abs((actual[i] as number) - v)).toBeLessThan(tolerance * (1 + Math.abs(v))),
    );
}

describe('LULinear', () => {
  test('starts at the seeded random orthogonal matrix, with log|det| = 0', () => {
    const b = new LULinear({ eventShape: [5], seed: 4 });
    tf.tidy(() => expectMatrixClose(b.weight().dataSync(), randomOrthogonal(5, 4), 1e-6));
    expect(b.getConfig()).toEqual({
      name: 'lu-linear',
      options: { eventShape: [5], seed: 4, permutation: [...b.permutation], signs: expect.any(Array) },
    });
    tf.tidy(() => {
      expect(Math.abs(b.forwardAndLogDet(tf.ones([1, 5])).logDet.dataSync()[0]!)).toBeLessThan(1e-6);
    });
    b.dispose();
  });

  test.each([1, 5, 8])(
    'd = %i: forward, inverse and log-det match the float64 W, W⁻¹ and log|det W|',
    (d) => {
      const seed = 10 + d;
      const b = new LULinear({ eventShape: [d], seed });
      perturb(b, d);
      const w = hostWeight(b, seed);
      const rng = hostRng(1);
      const x = Array.from({ length: 3 }, () => Array.from({ length: d }, () => rng.normal()));
      tf.tidy(() => {
        const { value, logDet } = b.forwardAndLogDet(tf.tensor2d(x, [3, d]));
        expectMatrixClose(
          value.dataSync(),
          matmul(
            x,
            w.map((_, i) => w.map((row) => row[i]!)),
          ),
          1e-5,
        );
        Array.from(logDet.dataSync()).forEach((v) => expect(v).toBeCloseTo(logAbsDet(w), 5));
        const wInverse = hostInverse(w);
        expectMatrixClose(b.inverseWeight().dataSync(), wInverse, 1e-5);
        const inverse = b.inverseAndLogDet(tf.tensor2d(x, [3, d]));
        expectMatrixClose(
          inverse.value.dataSync(),
          matmul(
            x,
            wInverse.map((_, i) => wInverse.map((row) => row[i]!)),
          ),
          1e-5,
        );
        Array.from(inverse.logDet.dataSync()).forEach((v) => expect(v).toBeCloseTo(-logAbsDet(w), 5));
      });
      b.dispose();
    },
  );

  test('the config carries P and the signs, and an explicit P and signs win over the seed', () => {
    const b = new LULinear({ eventShape: [4], seed: 3 });
    const options = b.getConfig().options as { permutation: number[]; signs: number[] };
    expect(options.permutation).toEqual([...b.permutation]);
    expect(options.signs.every((v) => v === 1 || v === -1)).toBe(true);
    const reversed = [...b.permutation].reverse();
    const flipped = options.signs.map((v) => -v);
    const c = new LULinear({ eventShape: [4], seed: 3, permutation: reversed, signs: flipped });
    expect(c.getConfig().options).toMatchObject({ permutation: reversed, signs: flipped });
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
    const roundTrip = c.inverse(c.forward(x)).dataSync();
    x.dataSync().forEach((v, i) => expect(roundTrip[i]).toBeCloseTo(v, 4));
    expect(c.forward(x).arraySync()).not.toEqual(b.forward(x).arraySync());
    expect(() => new LULinear({ eventShape: [2], signs: [1, 0] })).toThrow(
      /'signs' must be 2 numbers, each 1 or -1/,
    );
    expect(() => new LULinear({ eventShape: [2], permutation: [0, 0] })).toThrow(OptionError);
    for (const l of [b, c]) l.dispose();
    x.dispose();
  });

  test('a missing seed is drawn and recorded; invalid options are named', () => {
    const b = new LULinear({ eventShape: [3] });
    expect(Number.isInteger(b.getConfig().options.seed)).toBe(true);
    b.dispose();
    expect(() => new LULinear({ eventShape: [3], seed: 1.5 })).toThrow(OptionError);
    expect(() => new LULinear({ eventShape: [3], seed: 1.5 })).toThrow("lu-linear: option 'seed'");
    expect(() => new LULinear({ eventShape: [2, 2] })).toThrow(ShapeError);
  });
});
