import * as tf from '@tensorflow/tfjs-core';
import { runRegisteredKernel } from '../numerics/registered-kernel.js';

/**
 * The tfjs kernel name of the standard normal's log-density plus a log-det as one kernel (inputs
 * x0 = z `[n, d]`, x1 = logDet `[n]`; output logDet − ½|z|² − (d/2) log 2π `[n]`, with a registered
 * gradient): where a backend has it (@bijective/engine registers it for wasm),
 * `StandardNormal.logProbPlus` is that one kernel instead of five tfjs ops.
 * @internal
 */
export const STANDARD_NORMAL_LOG_DENSITY_KERNEL = 'Bijective.StandardNormalLogDensity';

/**
 * logDet − ½|z|² − (d/2) log 2π per batch element by the {@link STANDARD_NORMAL_LOG_DENSITY_KERNEL}
 * kernel (z `[n, ...event]`, logDet `[n]`), or null where the active backend does not have it.
 * @internal
 */
export function standardNormalLogDensityKernel(z: tf.Tensor, logDet: tf.Tensor): tf.Tensor | null {
  if (tf.getKernel(STANDARD_NORMAL_LOG_DENSITY_KERNEL, tf.getBackend()) === undefined) return null;
  const n = z.shape[0] as number;
  const inputs = {
    x0: z.rank === 2 ? z : tf.reshape(z, [n, z.size / Math.max(n, 1)]),
    x1: logDet.rank === 1 ? logDet : tf.reshape(logDet, [n]),
  };
  return (runRegisteredKernel(STANDARD_NORMAL_LOG_DENSITY_KERNEL, inputs) as tf.Tensor[])[0] as tf.Tensor;
}
