import * as tf from '@tensorflow/tfjs-core';

/** A constant `[rows, cols]` matrix with ones where `one(i, j)` holds, built on the host (no one-hot kernel). */
export function indicatorMatrix(
  rows: number,
  cols: number,
  one: (i: number, j: number) => boolean,
): tf.Tensor2D {
  const values = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (one(i, j)) values[i * cols + j] = 1;
  return tf.tensor2d(values, [rows, cols]);
}

/** A constant row `[1, cols]` holding `value` at column `at` and zeros elsewhere. */
export function unitRow(cols: number, at: number, value = 1): tf.Tensor2D {
  const values = new Float32Array(cols);
  values[at] = value;
  return tf.tensor2d(values, [1, cols]);
}
