import type * as tf from '@tensorflow/tfjs-core';
import type { VectorField } from './solver.js';
import type { ButcherTableau } from './tableau.js';
import { combine } from './tuple.js';

/** The outcome of one explicit Runge-Kutta step. */
export interface RkStep {
  /** The new state y + h Σ b_i k_i. */
  y1: tf.Tensor[];
  /** The stage derivatives k_i (for a first-same-as-last method the last is f(t + h, y1)). */
  ks: tf.Tensor[][];
  /** The embedded error estimate h Σ (b_i - b̂_i) k_i, or null when the tableau has none. */
  error: tf.Tensor[] | null;
}

/**
 * One explicit Runge-Kutta step of signed size `h` from (t, y) given the first stage k_1 = f(t, y):
 * k_i = f(t + c_i h, y + h Σ_{j<i} a_ij k_j), y1 = y + h Σ b_i k_i. Call inside `tf.tidy`.
 */
export function rkStep(
  f: VectorField,
  tableau: ButcherTableau,
  t: number,
  h: number,
  y: readonly tf.Tensor[],
  k1: readonly tf.Tensor[],
): RkStep {
  const ks: tf.Tensor[][] = [[...k1]];
  const last = tableau.c.length - 1;
  let y1: tf.Tensor[] | null = null;
  for (let i = 1; i <= last; i++) {
    const yi = combine(
      y,
      (tableau.a[i] as readonly number[]).map((a) => a * h),
      ks,
    );
    if (tableau.fsal && i === last) y1 = yi;
    ks.push(f(t + (tableau.c[i] as number) * h, yi));
  }
  y1 ??= combine(
    y,
    tableau.b.map((b) => b * h),
    ks,
  );
  const error = tableau.errorWeights
    ? combine(
        null,
        tableau.errorWeights.map((e) => e * h),
        ks,
      )
    : null;
  return { y1, ks, error };
}
