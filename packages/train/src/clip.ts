import type * as tf from '@tensorflow/tfjs-core';
import { defineHostKernel } from '@bijective/engine';

/**
 * ‖g‖₂ over every input together (float64 sum of squares) as a scalar, then, when `clipNorm` > 0,
 * each input times min(1, c / ‖g‖₂): one kernel instead of a square, a sum and a product per gradient.
 */
const globalNormKernel = defineHostKernel<{ clipNorm: number }>({
  name: 'Bijective.ClipByGlobalNorm',
  outputShapes: (shapes, { clipNorm }) => [[], ...(clipNorm > 0 ? shapes.map((s) => [...s]) : [])],
  run(inputs, [norm, ...clipped], _shapes, { clipNorm }) {
    let sum = 0;
    for (const g of inputs) for (let i = 0; i < g.length; i++) sum += (g[i] as number) * (g[i] as number);
    const value = Math.sqrt(sum);
    (norm as Float32Array)[0] = value;
    if (clipNorm <= 0) return;
    const factor = Math.min(1, clipNorm / Math.max(value, 1e-12));
    inputs.forEach((g, k) => {
      const out = clipped[k] as Float32Array;
      for (let i = 0; i < g.length; i++) out[i] = (g[i] as number) * factor;
    });
  },
});

/**
 * Global-norm clipping (Pascanu et al. 2013): g ← g · min(1, c / ‖g‖₂) over all gradients together;
 * returns the (possibly) clipped gradients and the norm before clipping.
 */
export function clipByGlobalNorm(
  grads: tf.NamedTensorMap,
  clipNorm?: number,
): { clipped: tf.NamedTensorMap; globalNorm: tf.Scalar } {
  const names = Object.keys(grads);
  const [globalNorm, ...scaled] = globalNormKernel(
    names.map((n) => grads[n] as tf.Tensor),
    { clipNorm: clipNorm ?? 0 },
  );
  if (clipNorm === undefined) return { clipped: grads, globalNorm: globalNorm as tf.Scalar };
  return {
    clipped: Object.fromEntries(names.map((n, k) => [n, scaled[k] as tf.Tensor])),
    globalNorm: globalNorm as tf.Scalar,
  };
}
