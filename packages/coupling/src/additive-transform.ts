import * as tf from '@tensorflow/tfjs-core';
import type {
  Direction,
  ElementwiseTransform,
  TransformGradients,
  TransformResult,
} from './elementwise-transform.js';

/** NICE's additive map (Dinh et al. 2015): forward y = x + t, inverse x = y - t; volume-preserving. */
export const ADDITIVE_TRANSFORM: ElementwiseTransform = {
  heads: 1,
  headScales: [1],
  hasLogDet: false,
  apply(direction: Direction, u: tf.Tensor2D, [t]: tf.Tensor2D[]): TransformResult {
    const value = direction === 'forward' ? tf.add(u, t as tf.Tensor2D) : tf.sub(u, t as tf.Tensor2D);
    return { value: value as tf.Tensor2D, logDet: null, saved: [] };
  },
  grad(direction: Direction, dValue: tf.Tensor2D): TransformGradients {
    return { du: dValue, dHeads: [direction === 'forward' ? dValue : tf.neg(dValue)] };
  },
};
