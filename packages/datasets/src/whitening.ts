import { ShapeError, ValueError } from '@bijective/core';
import { fitStandardisation } from './standardise.js';
import type { Table } from './table.js';

/**
 * Full whitening z = L⁻¹(x - mean), with L L^T the (population, ddof 0) covariance of training rows
 * (JSON-serialisable). A flow that starts at the identity on z starts at the maximum-likelihood
 * full-covariance Gaussian of the training rows.
 */
export interface Whitening {
  /** Column means. */
  readonly mean: readonly number[];
  /** The lower-triangular Cholesky factor L of the covariance, row-major d x d, positive diagonal. */
  readonly cholesky: readonly number[];
  /** log|det ∂z/∂x| = -Σ_j log L_jj: add it to a log-density of whitened rows to get one in data units. */
  readonly logDet: number;
}

type Rows = Pick<Table, 'data' | 'rows' | 'cols' | 'columns'>;

/**
 * Smallest admitted squared Cholesky pivot of the correlation matrix: 1 - R² of each column on the
 * columns before it. Below it a column is (numerically) a linear combination of the others.
 */
const MIN_PIVOT = 1e-8;

/**
 * Mean and Cholesky factor of the covariance of a table's rows, in float64: the correlation matrix's
 * factor scaled by the column standard deviations (so the pivot test is scale-free). Throws a
 * {@link ValueError} for non-finite values, constant columns, or collinear columns (fewer rows than
 * columns always are): per-column standardisation is then the fallback.
 */
export function fitWhitening(table: Rows): Whitening {
  const { data, rows, cols } = table;
  const { mean, std } = fitStandardisation(table);
  if (data.length !== rows * cols) {
    throw new ShapeError(`fitWhitening: expected ${rows} x ${cols} values, got ${data.length}`);
  }
  const corr = new Float64Array(cols * cols);
  const z = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++)
      z[j] = ((data[r * cols + j] as number) - (mean[j] as number)) / (std[j] as number);
    for (let i = 0; i < cols; i++)
      for (let j = 0; j <= i; j++)
        corr[i * cols + j] = (corr[i * cols + j] as number) + (z[i] as number) * (z[j] as number);
  }
  for (let k = 0; k < corr.length; k++) corr[k] = (corr[k] as number) / rows;
  const l = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j <= i; j++) {
      let s = corr[i * cols + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * cols + k] as number) * (l[j * cols + k] as number);
      if (i === j) {
        if (!(s > MIN_PIVOT)) {
          const name = table.columns?.[i] !== undefined ? ` ('${table.columns[i]}')` : '';
          throw new ValueError(
            `fitWhitening: column ${i}${name} is a linear combination of the columns before it (residual variance ${s.toExponential(2)} of its own); the covariance is singular`,
          );
        }
        l[i * cols + i] = Math.sqrt(s);
      } else l[i * cols + j] = s / (l[j * cols + j] as number);
    }
  }
  const cholesky = Array.from(l, (v, k) => v * (std[Math.floor(k / cols)] as number));
  let logDet = 0;
  for (let i = 0; i < cols; i++) logDet -= Math.log(cholesky[i * cols + i] as number);
  return { mean: [...mean], cholesky, logDet };
}

/** z = L⁻¹(x - mean) per row of row-major values (forward substitution, float64 inside). */
export function whiten(data: Float32Array, w: Whitening): Float32Array {
  const cols = w.mean.length;
  if (w.cholesky.length !== cols * cols || data.length % cols !== 0) {
    throw new ShapeError(`whitening of ${cols} columns applied to ${data.length} values`);
  }
  const out = new Float32Array(data.length);
  const z = new Float64Array(cols);
  for (let r = 0; r < data.length / cols; r++) {
    for (let i = 0; i < cols; i++) {
      let s = (data[r * cols + i] as number) - (w.mean[i] as number);
      for (let k = 0; k < i; k++) s -= (w.cholesky[i * cols + k] as number) * (z[k] as number);
      z[i] = s / (w.cholesky[i * cols + i] as number);
      out[r * cols + i] = z[i] as number;
    }
  }
  return out;
}
