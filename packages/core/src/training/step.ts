import * as tf from '@tensorflow/tfjs-core';
import type { Adam } from './adam.js';
import { clipByGlobalNorm } from './clip.js';

/** The loss and gradient norm of one optimisation step, read back to the host. */
export interface StepOutcome {
  /** The scalar loss before the update. */
  loss: number;
  /** The global gradient norm before clipping. */
  gradientNorm: number;
  /** Whether both were finite, so that the update was applied. */
  applied: boolean;
}

/**
 * One optimisation step shared by {@link fit} and {@link fitVariational}: gradients of `loss`
 * with respect to `trainable`, global-norm clipping, one host read of loss and norm, and an Adam
 * update only when both are finite. Leaves no tensor behind.
 */
export function optimisationStep(
  loss: () => tf.Scalar,
  trainable: readonly tf.Variable[],
  adam: Adam,
  learningRate: number,
  clipNorm?: number,
): StepOutcome {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, trainable as tf.Variable[]);
    const { clipped, globalNorm } = clipByGlobalNorm(grads, clipNorm);
    const [lossValue, normValue] = tf.stack([value, globalNorm]).dataSync() as Float32Array;
    const applied = Number.isFinite(lossValue) && Number.isFinite(normValue);
    if (applied) adam.apply(trainable, clipped, learningRate);
    return { loss: lossValue as number, gradientNorm: normValue as number, applied };
  });
}
