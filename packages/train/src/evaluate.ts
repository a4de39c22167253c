import * as tf from '@tensorflow/tfjs-core';
import type { Flow } from '@bijective/core';

/** Options of {@link meanNegLogProb}. */
export interface EvaluateOptions {
  /** Rows per logProb call (default 1024). */
  batchSize?: number;
  /** Conditioning rows aligned with the data. */
  context?: tf.Tensor;
}

/** Mean negative log-likelihood -(1/N) Σ log p(x_n) in nats, in batches, accumulated in float64 on the host. */
export function meanNegLogProb(flow: Flow, data: tf.Tensor, options: EvaluateOptions = {}): number {
  const logProb = logProbInBatches(flow, data, options);
  let sum = 0;
  for (const v of logProb) sum += v;
  return -sum / logProb.length;
}

/** log p(x_n) for every row, evaluated in batches in eval mode; returns float64 host values. */
export function logProbInBatches(flow: Flow, data: tf.Tensor, options: EvaluateOptions = {}): Float64Array {
  const n = data.shape[0] as number;
  const batchSize = options.batchSize ?? 1024;
  const out = new Float64Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const values = tf.tidy(() => {
      const rows = tf.slice(data, start, size);
      const context = options.context ? tf.slice(options.context, start, size) : undefined;
      return flow.logProb(rows, { context });
    });
    out.set(values.dataSync(), start);
    values.dispose();
  }
  return out;
}
