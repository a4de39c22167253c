import * as tf from '@tensorflow/tfjs-core';
import { OptionError } from '../errors.js';
import { matMulExplicit } from '../nn/matmul.js';
import { previewJson } from '../json.js';

/**
 * Checks that `value` is a permutation of 0..d-1 (each index once) or throws an OptionError naming `what`.
 * @internal
 */
export function checkPermutation(
  owner: string,
  value: unknown,
  d: number,
  what = "option 'permutation'",
): number[] {
  const seen = new Array<boolean>(d).fill(false);
  const valid =
    Array.isArray(value) &&
    value.length === d &&
    value.every((p) => {
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p >= d || seen[p]) return false;
      seen[p] = true;
      return true;
    });
  if (!valid) {
    throw new OptionError(
      `${owner}: ${what} must list each of 0..${d - 1} exactly once, got ${previewJson(value)}`,
    );
  }
  return [...(value as number[])];
}

/**
 * The inverse permutation q with q[p[i]] = i.
 * @internal
 */
export function inversePermutation(p: readonly number[]): number[] {
  const q = new Array<number>(p.length);
  p.forEach((pi, i) => (q[pi] = i));
  return q;
}

/**
 * The float32 one-hot matrix E with E[i][p[i]] = 1, so that (E·A) takes row p[i] of A to row i.
 * @internal
 */
export function oneHotMatrix(p: readonly number[]): tf.Tensor2D {
  if (p.length === 1) return tf.ones([1, 1]); // tf.oneHot needs a depth of at least 2
  // int32 then cast: tfjs-backend-wasm 4.22 writes integer bits into a float32 oneHot.
  return tf.tidy(
    () => tf.cast(tf.oneHot(tf.tensor1d(p as number[], 'int32'), p.length), 'float32') as tf.Tensor2D,
  );
}

/**
 * Gathers columns, y[:, i] = x[:, p[i]], as the one-hot product x · E with E[p[i]][i] = 1: exact, and
 * differentiable on every backend (tfjs's wasm backend has no gather gradient).
 * @internal
 */
export function permuteColumns(x: tf.Tensor2D, p: readonly number[]): tf.Tensor2D {
  return tf.tidy(() => matMulExplicit(x, oneHotMatrix(inversePermutation(p))));
}
