import * as tf from '@tensorflow/tfjs-core';
import type { Target } from '@bijective/core';

/**
 * log p̃(x) of every row of `points`, in batches, as float64 host values; adds log Z's negative when
 * `normalise` is set and the target knows log Z (so the values are log p(x)). For plots of a target
 * beside a flow's density (`plot --model DIR` of a model trained against a target).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { create, useBackend } from '@bijective/core';
 * import { targetLogDensityInBatches } from '@bijective/planar';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const n = 50; // an n x n grid over [-4, 4]²
 * const axis = Array.from({ length: n }, (_, i) => -4 + (8 * (i + 0.5)) / n);
 * const gridPoints = axis.flatMap((y) => axis.flatMap((x) => [x, y]));
 * const grid = tf.tensor2d(gridPoints, [n * n, 2]);
 * const logP = targetLogDensityInBatches(create('target', 'u2', {}), grid, { normalise: true });
 * console.log(logP.length, Math.max(...logP));
 * ```
 */
export function targetLogDensityInBatches(
  target: Target,
  points: tf.Tensor,
  options: { batchSize?: number; normalise?: boolean } = {},
): Float64Array {
  const n = points.shape[0] as number;
  const batchSize = options.batchSize ?? 4096;
  const shift = options.normalise && target.logNormalizer !== null ? target.logNormalizer : 0;
  const out = new Float64Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const values = tf.tidy(() => target.logDensity(tf.slice(points, start, size)));
    const logs = values.dataSync();
    values.dispose();
    for (let i = 0; i < size; i++) out[start + i] = (logs[i] as number) - shift;
  }
  return out;
}
