import * as tf from '@tensorflow/tfjs-core';
import { ValueError, type Flow, type Target } from '@bijective/core';
import { checkNumberOption } from './options.js';

/** An unnormalised log-density: a registered {@link Target} or a function x `[batch, ...event]` -> log p̃(x) `[batch]`. */
export type LogDensity = Target | ((x: tf.Tensor) => tf.Tensor);

/** Options of {@link evaluateVariational}. */
export interface VariationalEvaluationOptions {
  /** Samples drawn from q (default 4096). */
  samples?: number;
  /** Samples per `sampleAndLogProb` call (default 1024). */
  batchSize?: number;
  /** Seed of the draws (default 0). */
  seed?: number;
  /** log Z of the target; default the target's `logNormalizer` (null for a plain function). */
  logNormalizer?: number | null;
}

/** How well q fits p = p̃/Z, from log-weights log w = log p̃(x) − log q(x), x ~ q (float64 on the host). */
export interface VariationalMetrics {
  /** Evidence lower bound E_q[log p̃ − log q] ≤ log Z (nats). */
  elbo: number;
  /** Standard error of the ELBO estimate. */
  elboStandardError: number;
  /** Reverse KL(q‖p) = log Z − ELBO (nats) when log Z is known, else null. */
  kl: number | null;
  /** Importance-sampling effective sample size fraction (Σw)² / (n Σw²) ∈ (0, 1] (Kong 1992). */
  ess: number;
  /** The importance-sampling estimate of log Z, log((1/n) Σ w) (≥ ELBO on average). */
  logNormalizerEstimate: number;
  /** log Z used for `kl`, or null. */
  logNormalizer: number | null;
  /** Samples drawn. */
  samples: number;
}

/** The function form of a {@link LogDensity}. */
export function logDensityFunction(target: LogDensity): (x: tf.Tensor) => tf.Tensor {
  return typeof target === 'function' ? target : (x) => target.logDensity(x);
}

/** The log Z a {@link LogDensity} declares: the target's `logNormalizer`, or null for a function. */
export function declaredLogNormalizer(target: LogDensity): number | null {
  return typeof target === 'function' ? null : target.logNormalizer;
}

/**
 * Evaluates a variational fit q of p = p̃/Z: with x ~ q and log w = log p̃(x) − log q(x), the ELBO
 * E_q[log w], KL(q‖p) = log Z − ELBO when log Z is known, the importance-sampling effective sample
 * size fraction (Σw)²/(n Σw²) and the estimate log Z ≈ log mean w (Rezende & Mohamed 2015; Kong 1992).
 *
 * @example
 * ```ts
 * import { Flow, StandardNormal, create, useBackend } from '@bijective/core';
 * import { evaluateVariational } from '@bijective/train';
 * import '@bijective/planar';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const flow = new Flow(new StandardNormal({ eventShape: [2] }), create('bijector', 'planar', { eventShape: [2], layers: 4, seed: 0 }));
 * const metrics = evaluateVariational(flow, create('target', 'u1', {}), { samples: 8192 });
 * console.log(metrics.kl, metrics.elbo, metrics.ess);
 * ```
 */
export function evaluateVariational(
  flow: Flow,
  target: LogDensity,
  options: VariationalEvaluationOptions = {},
): VariationalMetrics {
  const samples = checkNumberOption(options.samples ?? 4096, 'samples', { min: 1, integer: true });
  const batchSize = checkNumberOption(options.batchSize ?? 1024, 'batchSize', { min: 1, integer: true });
  const seed = options.seed ?? 0;
  const logNormalizer =
    options.logNormalizer === undefined ? declaredLogNormalizer(target) : options.logNormalizer;
  const logTarget = logDensityFunction(target);
  const logWeights = new Float64Array(samples);
  for (let start = 0, call = 0; start < samples; start += batchSize, call++) {
    const n = Math.min(batchSize, samples - start);
    const values = tf.tidy(() => {
      const { value, logProb } = flow.sampleAndLogProb(n, { seed: seed + call });
      return tf.sub(logTarget(value), logProb);
    });
    logWeights.set(values.dataSync(), start);
    values.dispose();
  }
  return metricsOfLogWeights(logWeights, logNormalizer);
}

/** ELBO, KL, ESS fraction and the log Z estimate of log-weights (see {@link evaluateVariational}). */
export function metricsOfLogWeights(
  logWeights: ArrayLike<number>,
  logNormalizer: number | null = null,
): VariationalMetrics {
  const n = logWeights.length;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = logWeights[i] as number;
    if (Number.isNaN(v) || v === Infinity)
      throw new ValueError(`variational evaluation: log-weight ${i} is ${v} (log p̃(x) − log q(x))`);
    max = Math.max(max, v);
    sum += v;
  }
  const elbo = sum / n;
  if (max === -Infinity) {
    // q puts all its draws where p̃ is 0: no weight carries any mass.
    const kl = logNormalizer === null ? null : Infinity;
    return {
      elbo,
      elboStandardError: NaN,
      kl,
      ess: 0,
      logNormalizerEstimate: -Infinity,
      logNormalizer,
      samples: n,
    };
  }
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((logWeights[i] as number) - elbo) ** 2;
  // Weights relative to the largest: w_i / w_max, so the sums neither overflow nor underflow to 0.
  let w = 0;
  let w2 = 0;
  for (let i = 0; i < n; i++) {
    const r = Math.exp((logWeights[i] as number) - max);
    w += r;
    w2 += r * r;
  }
  return {
    elbo,
    elboStandardError: n > 1 ? Math.sqrt(squares / (n - 1) / n) : NaN,
    kl: logNormalizer === null ? null : logNormalizer - elbo,
    ess: (w * w) / (n * w2),
    logNormalizerEstimate: max + Math.log(w / n),
    logNormalizer,
    samples: n,
  };
}
