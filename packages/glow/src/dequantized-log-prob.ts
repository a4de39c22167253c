import * as tf from '@tensorflow/tfjs-core';
import { Chain, OptionError, type Bijector, type Flow } from '@bijective/core';
import { Glow } from './glow.js';
import { IMAGE_LEVELS, binCorners } from './variational-dequantization.js';

/** Importance samples per row of {@link variationalLogProb} by default (the CLI's `train` and `eval` use it). */
export const DEQUANTIZATION_SAMPLES = 4;

/** The Glow with variational dequantisation that is `bijector` or one link of it (a chain), or null. */
export function variationalGlow(bijector: Bijector): Glow | null {
  const links = bijector instanceof Chain ? bijector.bijectors : [bijector];
  const glow = links.find((b): b is Glow => b instanceof Glow && b.dequantizer !== null);
  return glow ?? null;
}

/** Options of {@link variationalLogProb}. */
export interface VariationalLogProbOptions {
  /** Importance samples K per row; default {@link DEQUANTIZATION_SAMPLES}. */
  samples?: number;
  /** Seed of the noise draws; default 0. */
  seed?: number;
  /** Context rows of a conditional (class-conditional) Glow, batch-aligned with the rows. */
  context?: tf.Tensor;
}

/**
 * The importance-weighted lower bound (Burda et al. 2016) on the log-probability of the 8-bit images
 * behind dequantised rows y under a flow whose Glow has variational dequantisation (Ho et al. 2019):
 * with x = ⌊256 y⌋ and u_k ~ q(u | x), log P(x) ≥ log (1/K) Σ_k p((x + u_k)/256) / q(u_k | x), in the
 * units of `flow.logProb(y)` (add −D·ln 256 for the pixels' log-probability). K = 1 is the ELBO
 * that training maximises; the bound tightens as K grows. Rows `[n, h·w·c]`; returns `[n]`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, useBackend } from '@bijective/core';
 * import { Glow, variationalLogProb } from '@bijective/glow';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const glow = new Glow({ imageShape: [4, 4, 1], levels: 1, stepsPerLevel: 1, hiddenChannels: 4, dequantization: 'variational', seed: 0 });
 * const flow = new Flow(new StandardNormal({ eventShape: [16] }), glow);
 * const y = tf.randomUniform([2, 16], 0, 1, 'float32', 1);
 * console.log(variationalLogProb(flow, y, { samples: 8 }).shape); // [2]
 * flow.dispose();
 * ```
 */
export function variationalLogProb(
  flow: Flow,
  y: tf.Tensor,
  options: VariationalLogProbOptions = {},
): tf.Tensor {
  const glow = variationalGlow(flow.bijector);
  if (glow === null || glow.dequantizer === null) {
    throw new OptionError("variationalLogProb: the flow has no Glow with dequantization 'variational'");
  }
  const samples = options.samples ?? DEQUANTIZATION_SAMPLES;
  if (!Number.isInteger(samples) || samples < 1 || samples > 1024) {
    throw new OptionError(`variationalLogProb: samples must be an integer in [1, 1024], got ${samples}`);
  }
  const dequantizer = glow.dequantizer;
  const seed = options.seed ?? 0;
  return tf.tidy(() => {
    const corners = binCorners(y);
    const weights: tf.Tensor[] = [];
    for (let k = 0; k < samples; k++) {
      const { u, logQ } = dequantizer.sample(corners, seed + 7919 * k);
      const y = tf.add(corners, tf.div(u, IMAGE_LEVELS));
      weights.push(tf.sub(flow.logProb(y, { context: options.context }), logQ));
    }
    return tf.sub(tf.logSumExp(tf.stack(weights, 1), 1), Math.log(samples));
  });
}
