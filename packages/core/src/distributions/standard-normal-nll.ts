import type * as tf from '@tensorflow/tfjs-core';
import { runRegisteredKernel } from '../numerics/registered-kernel.js';

/**
 * The tfjs kernel name of {@link standardNormalNll} as one kernel (inputs x0 = z `[n, ...event]`,
 * x1 = log|det J| `[n]`; output the scalar loss, with a registered gradient): where a backend has
 * it (@bijective/engine registers it for wasm), a flow's training loss on a standard normal base runs
 * as that kernel and its gradient as one more.
 * @internal
 */
export const STANDARD_NORMAL_NLL_KERNEL = 'Bijective.StandardNormalNll';

/**
 * The negative log-likelihood of a flow on N(0, I), −mean_r(log N(z_r; 0, I) + logDet_r) =
 * mean_r(½|z_r|² − logDet_r) + (d/2) log 2π (Papamakarios et al. 2021, eq. 2), as ONE kernel where
 * the backend has {@link STANDARD_NORMAL_NLL_KERNEL} (its gradient ∂/∂z_r = z_r/n, ∂/∂logDet_r = −1/n
 * one more), else null: the ops one by one dispatch ~20 kernels forward and ~13 backward, and the
 * tape copies ~10 saved tensors.
 * @internal
 */
export function standardNormalNll(z: tf.Tensor, logDet: tf.Tensor): tf.Scalar | null {
  const n = z.shape[0];
  if (
    z.rank < 2 ||
    logDet.rank !== 1 ||
    logDet.shape[0] !== n ||
    z.dtype !== 'float32' ||
    logDet.dtype !== 'float32'
  )
    return null;
  const out = runRegisteredKernel(STANDARD_NORMAL_NLL_KERNEL, { x0: z, x1: logDet });
  return out && (out[0] as tf.Scalar);
}
