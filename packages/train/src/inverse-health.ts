import * as tf from '@tensorflow/tfjs-core';
import { type Bijector, checkBatchOfEvents } from '@bijective/core';
import { checkNumberOption } from './options.js';

/** Options of {@link inverseHealth}. */
export interface InverseHealthOptions {
  /** How many of the worst rows to report (default 5). */
  worst?: number;
  /** Rows per call (default 1024). */
  batchSize?: number;
  /** Conditioning rows aligned with the data. */
  context?: tf.Tensor;
}

/** One row's reconstruction error ‖f(f⁻¹(x)) − x‖₂. */
export interface RowInverseError {
  /** Row index in the data. */
  row: number;
  /** ‖f(f⁻¹(x)) − x‖₂ (Infinity when the round trip is not finite). */
  error: number;
}

/** What {@link inverseHealth} reports. */
export interface InverseHealth {
  /** The largest ‖f(f⁻¹(x)) − x‖₂ over the rows (Infinity when any round trip is NaN or infinite). */
  inverseError: number;
  /** The mean error over the rows with a finite round trip. */
  meanError: number;
  /** The `worst` rows, largest error first. */
  worstRows: RowInverseError[];
  /** Rows whose f⁻¹(x) or f(f⁻¹(x)) is NaN or infinite. */
  nonFiniteRows: number;
  /** Rows checked. */
  n: number;
}

/**
 * Inverse health of a bijector f on data x (Behrmann et al. 2021, "Understanding and mitigating
 * exploding inverses"): the reconstruction error ‖f(f⁻¹(x)) − x‖₂ of every row, its maximum and mean,
 * and the rows where it is worst. Norms are accumulated in float64 on the host.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, create, useBackend } from '@bijective/core';
 * import { inverseHealth } from '@bijective/train';
 * import '@bijective/planar';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const flow = new Flow(new StandardNormal({ eventShape: [2] }), create('bijector', 'planar', { eventShape: [2], layers: 8, seed: 0 }));
 * const data = tf.randomNormal([64, 2], 0, 1, 'float32', 1);
 * const health = inverseHealth(flow.bijector, data, { worst: 3 });
 * if (health.inverseError > 1e-3) console.warn('unstable inverse at rows', health.worstRows);
 * console.log(health.inverseError);
 * ```
 */
export function inverseHealth(
  bijector: Bijector,
  x: tf.Tensor,
  options: InverseHealthOptions = {},
): InverseHealth {
  const n = checkBatchOfEvents(x, bijector.outputEventShape, 'inverseHealth data');
  const worst = checkNumberOption(options.worst ?? 5, 'worst', { min: 0, integer: true });
  const batchSize = checkNumberOption(options.batchSize ?? 1024, 'batchSize', { min: 1, integer: true });
  const rowSize = n === 0 ? 0 : x.size / n;
  const errors = new Float64Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const [rows, back] = tf.tidy(() => {
      const rows = tf.slice(x, start, size);
      const context = options.context ? tf.slice(options.context, start, size) : undefined;
      const call = { context, training: false };
      return [rows, bijector.forward(bijector.inverse(rows, call), call)];
    });
    const a = back.dataSync();
    const b = rows.dataSync();
    tf.dispose([rows, back]);
    for (let r = 0; r < size; r++) {
      let squares = 0;
      for (let k = r * rowSize; k < (r + 1) * rowSize; k++)
        squares += ((a[k] as number) - (b[k] as number)) ** 2;
      errors[start + r] = Number.isFinite(squares) ? Math.sqrt(squares) : Infinity;
    }
  }
  let nonFiniteRows = 0;
  let sum = 0;
  for (const e of errors) {
    if (e === Infinity) nonFiniteRows++;
    else sum += e;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => (errors[j] as number) - (errors[i] as number),
  );
  return {
    inverseError: n === 0 ? 0 : (errors[order[0] as number] as number),
    meanError: n - nonFiniteRows > 0 ? sum / (n - nonFiniteRows) : NaN,
    worstRows: order.slice(0, worst).map((row) => ({ row, error: errors[row] as number })),
    nonFiniteRows,
    n,
  };
}
