import * as tf from '@tensorflow/tfjs-core';
import { OptionError } from '@bijective/core';
import type {
  BatchFunction,
  EstimateOptions,
  HutchinsonOptions,
  TraceEstimator,
  TraceResult,
} from './estimator.js';
import { checkBatch, probeTrace } from './probe-trace.js';

/** The distribution of Hutchinson probe entries: standard normal, or ±1 with equal probability. */
export type ProbeDistribution = 'gaussian' | 'rademacher';

/**
 * Hutchinson's (1990) unbiased estimator tr(A) ≈ (1/m) Σ_j eⱼᵀ A eⱼ with E[e eᵀ] = I, as used by FFJORD
 * (Grathwohl et al. 2019). For A = ∂f/∂z its variance per probe is ‖A‖²_F + tr(A²) with Gaussian
 * probes and that minus 2 Σ_i A_ii² with Rademacher probes, which is never larger.
 */
export class HutchinsonTrace implements TraceEstimator {
  /** Registry name: `hutchinson-gaussian` or `hutchinson-rademacher`. */
  readonly name: string;
  /** Probe vectors per batch element. */
  readonly probes: number;

  /** Creates the estimator; throws an {@link OptionError} for a bad or unknown option. */
  constructor(
    /** The distribution of the probe entries. */
    readonly distribution: ProbeDistribution,
    options: HutchinsonOptions = {},
  ) {
    this.name = `hutchinson-${distribution}`;
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new OptionError(`${this.name}: options must be an object, got ${JSON.stringify(options)}`);
    }
    for (const key of Object.keys(options)) {
      if (key !== 'probes') throw new OptionError(`${this.name}: unknown option '${key}'; known: probes`);
    }
    const probes = options.probes ?? 1;
    if (!Number.isInteger(probes) || probes < 1) {
      throw new OptionError(
        `${this.name}: probes must be a positive integer, got ${JSON.stringify(options.probes)}`,
      );
    }
    this.probes = probes;
  }

  /** Draws `[probes, ...shape]` probe entries from the estimator's distribution, reproducibly for a seed. */
  createProbe(shape: readonly number[], seed?: number): tf.Tensor {
    const full = [this.probes, ...shape];
    if (this.distribution === 'gaussian') return tf.randomNormal(full, 0, 1, 'float32', seed);
    return tf.tidy(() =>
      tf.sub(tf.mul(tf.step(tf.sub(tf.randomUniform(full, 0, 1, 'float32', seed), 0.5)), 2), 1),
    );
  }

  /** f(z) and the Hutchinson estimate per batch element; see {@link TraceEstimator.estimate}. */
  estimate(f: BatchFunction, z: tf.Tensor, probe?: tf.Tensor, options?: EstimateOptions): TraceResult {
    checkBatch(z, this.name);
    const e = probe ?? this.createProbe(z.shape);
    try {
      return probeTrace(f, z, e, 1 / (e.shape[0] as number), this.name, options);
    } finally {
      if (probe === undefined) e.dispose();
    }
  }
}
