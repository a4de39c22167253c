import { ShapeError, ValueError } from '@bijective/core';
import type { Table } from './table.js';

/** Per-column affine normalisation z = (x - mean) / std, fitted on training rows (JSON-serialisable). */
export interface Standardisation {
  /** Column means. */
  readonly mean: readonly number[];
  /** Column standard deviations (population, ddof 0), all > 0. */
  readonly std: readonly number[];
  /**
   * log|det ∂z/∂x| = -Σ_j log std_j, so log p_x(x) = log p_z(z) + logDet: add it to a log-density
   * (subtract it from an NLL) computed on standardised rows to report it in the data's units.
   */
  readonly logDet: number;
}

type Rows = Pick<Table, 'data' | 'rows' | 'cols' | 'columns'>;

const columnLabel = (table: Rows, j: number): string =>
  `column ${j}${table.columns?.[j] !== undefined ? ` ('${table.columns[j]}')` : ''}`;

/**
 * Column means and standard deviations of a table (two-pass, float64) and the log-det -Σ log std.
 * Non-finite values and constant columns (std 0: the density would be degenerate) throw a {@link ValueError}.
 */
export function fitStandardisation(table: Rows): Standardisation {
  const { data, rows, cols } = table;
  if (rows < 1) throw new ValueError('fitStandardisation: the table has no rows');
  if (data.length !== rows * cols) {
    throw new ShapeError(`fitStandardisation: expected ${rows} x ${cols} values, got ${data.length}`);
  }
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const x = data[i * cols + j] as number;
      if (!Number.isFinite(x)) {
        throw new ValueError(`fitStandardisation: row ${i}, ${columnLabel(table, j)} holds ${x}`);
      }
      mean[j] = (mean[j] as number) + x;
    }
  }
  for (let j = 0; j < cols; j++) mean[j] = (mean[j] as number) / rows;
  const variance = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++)
      variance[j] = (variance[j] as number) + ((data[i * cols + j] as number) - (mean[j] as number)) ** 2;
  }
  const std = Array.from(variance, (v) => Math.sqrt(v / rows));
  std.forEach((s, j) => {
    if (!(s > 0))
      throw new ValueError(`fitStandardisation: ${columnLabel(table, j)} is constant (std 0); drop it`);
  });
  return { mean: Array.from(mean), std, logDet: -std.reduce((sum, s) => sum + Math.log(s), 0) };
}

function affine(
  data: Float32Array,
  s: Standardisation,
  f: (x: number, m: number, sd: number) => number,
): Float32Array {
  const cols = s.mean.length;
  if (s.std.length !== cols || data.length % cols !== 0) {
    throw new ShapeError(`standardisation of ${cols} columns applied to ${data.length} values`);
  }
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++)
    out[i] = f(data[i] as number, s.mean[i % cols] as number, s.std[i % cols] as number);
  return out;
}

/** z = (x - mean) / std, per column of row-major values. */
export function standardise(data: Float32Array, s: Standardisation): Float32Array {
  return affine(data, s, (x, m, sd) => (x - m) / sd);
}

/** x = z·std + mean, the inverse of {@link standardise}. */
export function unstandardise(data: Float32Array, s: Standardisation): Float32Array {
  return affine(data, s, (z, m, sd) => z * sd + m);
}

/** A copy of a table with standardised data (context and labels kept as they are). */
export function standardiseTable<T extends Table>(table: T, s: Standardisation): T {
  return { ...table, data: standardise(table.data, s) };
}
