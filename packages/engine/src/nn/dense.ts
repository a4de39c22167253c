import * as tf from '@tensorflow/tfjs-core';
import { matMulExplicit } from '@bijective/core';

/** Affine layer y = x W + b on a batch `[n, in]`, with the wasm-friendly gradient of {@link matMulExplicit}. */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.add(matMulExplicit(x, kernel), bias);
}
