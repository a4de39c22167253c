import * as tf from '@tensorflow/tfjs-core';
import type { BatchFunction, EstimateOptions, TraceEstimator, TraceResult } from './estimator.js';
import { checkBatch, probeTrace } from './probe-trace.js';

/**
 * The exact trace tr(∂f/∂z) = Σ_i e_iᵀ (∂f/∂z) e_i from d vector-Jacobian products with the basis
 * vectors e_i of the d-dimensional event (computed as one batched product over d stacked copies of z).
 */
export class ExactTrace implements TraceEstimator {
  /** Registry name. */
  readonly name = 'exact';

  /** The d basis vectors for each batch element, `[d, batch, ...event]`; the seed is ignored. */
  createProbe(shape: readonly number[]): tf.Tensor {
    const event = shape.slice(1);
    const d = event.reduce((n, s) => n * s, 1);
    return tf.tidy(() =>
      tf.tile(tf.reshape(tf.eye(d), [d, 1, ...event]), [1, shape[0] as number, ...event.map(() => 1)]),
    );
  }

  /** f(z) and the exact trace per batch element; see {@link TraceEstimator.estimate}. */
  estimate(f: BatchFunction, z: tf.Tensor, probe?: tf.Tensor, options?: EstimateOptions): TraceResult {
    checkBatch(z, this.name);
    const basis = probe ?? this.createProbe(z.shape);
    try {
      return probeTrace(f, z, basis, 1, this.name, options);
    } finally {
      if (probe === undefined) basis.dispose();
    }
  }
}
