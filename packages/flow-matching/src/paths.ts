import type * as tf from '@tensorflow/tfjs-core';
import { defineHostKernel, type HostKernelAttrs } from '@bijective/engine';

/** A point of a conditional path and its velocity, row by row. */
export interface PathPoint {
  /** x_t `[n, d]`. */
  xt: tf.Tensor2D;
  /** u_t(x_t | x_0, x_1) `[n, d]`, the regression target. */
  ut: tf.Tensor2D;
}

/**
 * The optimal-transport conditional path of Lipman et al. (2022, eq. 20–23) from noise x_0 to data
 * x_1: x_t = (1 − (1 − σ_min) t) x_0 + t x_1 with velocity u_t = x_1 − (1 − σ_min) x_0, for times
 * `t` `[n, 1]` (one per row). With σ_min = 0 it is the straight line of rectified flow (Liu et al.
 * 2022), u_t = x_1 − x_0.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { useBackend } from '@bijective/core';
 * import { otPath } from '@bijective/flow-matching';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const x0 = tf.tensor2d([[0, 0]]);
 * const x1 = tf.tensor2d([[2, 4]]);
 * const { xt, ut } = otPath(x0, x1, tf.tensor2d([[0.25]]), 0);
 * console.log(xt.arraySync(), ut.arraySync()); // [[0.5, 1]] [[2, 4]]
 * ```
 */
export function otPath(x0: tf.Tensor2D, x1: tf.Tensor2D, t: tf.Tensor2D, sigmaMin: number): PathPoint {
  return pairedOtPath(x0, x1, t, sigmaMin, []);
}

/** Attributes of the path kernels: 1 − σ_min and the pairing σ (empty: row i with row i). */
interface PathAttrs extends HostKernelAttrs {
  keep: number;
  pairing: readonly number[];
}

/** Row σ(i) of x_0 for data row i. */
const pairedRow = (pairing: readonly number[], i: number) =>
  pairing.length > 0 ? (pairing[i] as number) : i;

/**
 * The gradient of {@link pathKernel}: inputs (∂x_t, ∂u_t, x_0, x_1, t), outputs (∂x_0, ∂x_1, ∂t) with
 * ∂x_0[σ(i)] = (1 − k t_i) ∂x_t[i] − k ∂u_t[i], ∂x_1[i] = t_i ∂x_t[i] + ∂u_t[i] and
 * ∂t_i = Σ_j ∂x_t[i, j] (x_1[i, j] − k x_0[σ(i), j]), k = 1 − σ_min.
 */
const pathGradKernel = defineHostKernel<PathAttrs>({
  name: 'Bijective.FlowMatchingPathGrad',
  outputShapes: (shapes) => [[...shapes[2]!], [...shapes[3]!], [...shapes[4]!]],
  run([dxt, dut, x0, x1, t], [dx0, dx1, dt], shapes, { keep, pairing }) {
    const [n, d] = shapes[2] as [number, number];
    for (let i = 0; i < n; i++) {
      const ti = t![i] as number;
      const s = pairedRow(pairing, i) * d;
      let sum = 0;
      for (let j = 0; j < d; j++) {
        const o = i * d + j;
        const gx = dxt![o] as number;
        const gu = dut![o] as number;
        dx0![s + j] = (dx0![s + j] as number) + (1 - keep * ti) * gx - keep * gu;
        dx1![o] = ti * gx + gu;
        sum += gx * ((x1![o] as number) - keep * (x0![s + j] as number));
      }
      dt![i] = sum;
    }
  },
});

/**
 * The `ot` path between data rows x_1[i] and noise rows x_0[σ(i)] as ONE kernel: inputs (x_0, x_1,
 * t `[n, 1]`), outputs x_t = (1 − k t) x_0[σ] + t x_1 and u_t = x_1 − k x_0[σ] with k = 1 − σ_min;
 * differentiable in all three (a trainable base's draws).
 */
const pathKernel = defineHostKernel<PathAttrs>({
  name: 'Bijective.FlowMatchingPath',
  outputShapes: (shapes) => [[...shapes[1]!], [...shapes[1]!]],
  run([x0, x1, t], [xt, ut], shapes, { keep, pairing }) {
    const [n, d] = shapes[1] as [number, number];
    for (let i = 0; i < n; i++) {
      const ti = t![i] as number;
      const s = pairedRow(pairing, i) * d;
      for (let j = 0; j < d; j++) {
        const o = i * d + j;
        const a = x0![s + j] as number;
        const b = x1![o] as number;
        xt![o] = (1 - keep * ti) * a + ti * b;
        ut![o] = b - keep * a;
      }
    }
  },
  gradient: {
    saveInputs: [0, 1, 2],
    grad: ([dxt, dut], [x0, x1, t], attrs) =>
      pathGradKernel(
        [dxt as tf.Tensor, dut as tf.Tensor, x0 as tf.Tensor, x1 as tf.Tensor, t as tf.Tensor],
        attrs,
      ),
  },
});

/**
 * {@link otPath} between x_1[i] and x_0[σ(i)] for a pairing σ of the rows (`pairing[i]` = σ(i), a
 * permutation; empty: the identity), as one kernel whose gradient is one more.
 * @internal
 */
export function pairedOtPath(
  x0: tf.Tensor2D,
  x1: tf.Tensor2D,
  t: tf.Tensor2D,
  sigmaMin: number,
  pairing: readonly number[],
): PathPoint {
  const [xt, ut] = pathKernel([x0, x1, t], { keep: 1 - sigmaMin, pairing });
  return { xt: xt as tf.Tensor2D, ut: ut as tf.Tensor2D };
}
