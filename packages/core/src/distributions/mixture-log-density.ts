import * as tf from '@tensorflow/tfjs-core';
import { HALF_LOG_TWO_PI } from './gaussian.js';
import { runRegisteredKernel } from '../numerics/registered-kernel.js';

/**
 * The tfjs kernel name of {@link mixtureLogDensity} as one kernel (inputs x0 = x, x1 = logits,
 * x2 = means, x3 = logScales; output log p(x) `[n]`, with a registered gradient): where a backend
 * has it (@bijective/engine registers it for wasm), the density runs as that kernel.
 * @internal
 */
export const MIXTURE_LOG_DENSITY_KERNEL = 'Bijective.MixtureLogDensity';

/**
 * log p(x) of a diagonal Gaussian mixture, logsumexp_k a_nk with
 * a_nk = log π_k − Σ_i ℓ_ki − (d/2) log 2π − ½ Σ_i z_nki², z_nki = (x_ni − μ_ki) e^{−ℓ_ki},
 * π = softmax(logits), as ONE tape entry whose backward pass is written from the responsibilities
 * r_nk = exp(a_nk − log p(x_n)) (the EM identities, Bishop 2006 §9.2): ∂/∂x_n = −Σ_k r_nk z_nk e^{−ℓ_k},
 * ∂/∂μ_k = Σ_n r_nk z_nk e^{−ℓ_k}, ∂/∂ℓ_k = Σ_n r_nk (z_nk² − 1), ∂/∂logits_k = Σ_n (r_nk − π_k),
 * each weighted by the upstream gradient. The tape then holds ~20 backward kernels instead of the
 * ~35 that differentiating the forward ops one by one dispatches (small flows are dispatch-bound).
 * On a backend with the {@link MIXTURE_LOG_DENSITY_KERNEL} kernel, forward and backward are one kernel each.
 * @internal
 */
export function mixtureLogDensity(
  x: tf.Tensor,
  logits: tf.Tensor,
  means: tf.Tensor,
  logScales: tf.Tensor,
): tf.Tensor1D {
  const fused = runRegisteredKernel(MIXTURE_LOG_DENSITY_KERNEL, {
    x0: x,
    x1: logits,
    x2: means,
    x3: logScales,
  });
  if (fused) return fused[0] as tf.Tensor1D;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, w, mu, ell] = args as tf.Tensor[];
    const save = args[4] as tf.GradSaveFunc;
    const d = (xs as tf.Tensor).shape[1] as number;
    const inv = tf.exp(tf.neg(ell as tf.Tensor));
    const z = tf.mul(tf.sub(tf.expandDims(xs as tf.Tensor, 1), mu as tf.Tensor), inv);
    const logPi = tf.logSoftmax(w as tf.Tensor);
    const constant = tf.sub(logPi, tf.add(tf.sum(ell as tf.Tensor, 1), d * HALF_LOG_TWO_PI));
    const a = tf.add(tf.mul(tf.sum(tf.square(z), 2), -0.5), constant);
    const value = tf.logSumExp(a, 1);
    save([z, inv, a, value, logPi]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [zs, invs, as, values, logPis] = saved as [
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
        ];
        const up = dy as tf.Tensor;
        const r = tf.mul(tf.exp(tf.sub(as, tf.expandDims(values, 1))), tf.expandDims(up, 1));
        const r3 = tf.expandDims(r, 2);
        const rz = tf.mul(r3, zs);
        return [
          tf.neg(tf.sum(tf.mul(rz, invs), 1)),
          tf.sub(tf.sum(r, 0), tf.mul(tf.exp(logPis), tf.sum(up))),
          tf.mul(tf.sum(rz, 0), invs),
          tf.sum(tf.mul(r3, tf.sub(tf.square(zs), 1)), 0),
        ];
      },
    };
  });
  return op(x, logits, means, logScales) as tf.Tensor1D;
}
