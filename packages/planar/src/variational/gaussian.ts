import { Chain, Flow, LULinear, Shift, StandardNormal } from '@bijective/core';

/**
 * The full-covariance Gaussian family q = N(μ, WWᵀ) as a flow: z ~ N(0, I), x = Wz + μ with
 * W = P L (U + diag(s ⊙ exp ℓ)) (core's `lu-linear`) and μ a trainable `shift`, which covers every
 * covariance. Fitted with `fitVariational`, it is the standard Gaussian VI baseline whose ELBO a
 * flow should beat (e.g. on the logistic-regression posterior). Starts at N(0, I).
 *
 * @example
 * ```ts
 * import { create, useBackend } from '@bijective/core';
 * import { fitVariational } from '@bijective/train';
 * import { fullCovarianceGaussian } from '@bijective/planar';
 * import '@bijective/backend-wasm';
 *
 * await useBackend('wasm');
 * const features = [[0.5, 1], [-1, 0.2], [2, -0.5], [0, 0.3], [1.5, 1.2], [-0.7, -1]];
 * const labels = [1, 0, 1, 0, 1, 0];
 * const posterior = create('target', 'logistic-regression', { features, labels });
 * const gaussian = fullCovarianceGaussian(posterior.eventShape[0] as number, { seed: 0 });
 * const baseline = fitVariational(gaussian, posterior, { steps: 100, batchSize: 256 }); // 3000 steps converge
 * console.log(baseline.elbo);
 * ```
 */
export function fullCovarianceGaussian(eventSize: number, options: { seed?: number } = {}): Flow {
  const eventShape = [eventSize];
  const linear = new LULinear({ eventShape, seed: options.seed ?? 0 });
  return new Flow(new StandardNormal({ eventShape }), new Chain([linear, new Shift({ eventShape })]));
}
