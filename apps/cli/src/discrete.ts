import { hostRng, previewJson, type JsonObject } from '@bijective/core';
import type { Table } from '@bijective/datasets';
import { UsageError } from './usage-error.js';

/**
 * A column of a table whose values lie on a grid a + k·h: `train` dequantises it uniformly at its
 * resolution h (model metadata `discreteColumns`).
 */
export interface DiscreteColumn {
  /** 0-based index among the model's data columns. */
  column: number;
  /** The grid step h (> 0), in the column's units. */
  resolution: number;
}

/** A column is discrete only with at most this fraction of its rows as distinct values (each value repeats on average). */
export const MAX_DISTINCT_FRACTION = 0.5;

/** Grids with more points than this between the column's extremes are not searched (float32 cannot resolve them). */
const MAX_GRID_POINTS = 1_000_000;

/** Divisors m of the smallest gap g tried as the step h = g/m (values {0, 2, 4, 7} lie on h = 2/2 = 1). */
const MAX_DIVISOR = 16;

/** float32 unit roundoff: the largest relative error of a parsed CSV value. */
const FLOAT32_EPS = 2 ** -24;

/** A step close to a short decimal (0.1 from float32 data: 0.10000000149) is reported as that decimal. */
function tidyStep(h: number): number {
  const short = Number(h.toPrecision(6));
  return Math.abs(short - h) <= 1e-5 * h ? short : h;
}

/**
 * The grid step h of one column (values a + k·h with integer k), or null when it has no such grid
 * with repeated values. Rule: at least 2 distinct values, at most max(2, ⌊0.5·rows⌋) of them
 * (every value repeats on average: the case where a density could collapse on the grid points), and
 * every distinct value v within 10⁻³ + 8·ε₃₂·max|v|/h of a grid point, h being the smallest gap g
 * between distinct values divided by the first m ≤ 16 that fits (so {0, 2, 4, 7} gives h = 1), and
 * spread evenly over the range ((max − min)/h rounded to an integer K ≤ 10⁶).
 */
export function gridStep(values: ArrayLike<number>): number | null {
  const rows = values.length;
  const distinct = [...new Set(Array.from(values))].sort((a, b) => a - b);
  if (distinct.length < 2 || distinct.length > Math.max(2, Math.floor(MAX_DISTINCT_FRACTION * rows))) {
    return null;
  }
  if (!distinct.every(Number.isFinite)) return null;
  const low = distinct[0] as number;
  const high = distinct[distinct.length - 1] as number;
  const range = high - low;
  let gap = Infinity;
  for (let i = 1; i < distinct.length; i++)
    gap = Math.min(gap, (distinct[i] as number) - (distinct[i - 1] as number));
  const magnitude = Math.max(Math.abs(low), Math.abs(high));
  for (let m = 1; m <= MAX_DIVISOR; m++) {
    const points = Math.round((range * m) / gap);
    if (points < 1 || points > MAX_GRID_POINTS) return null;
    const h = range / points;
    const tolerance = 1e-3 + (8 * FLOAT32_EPS * magnitude) / h;
    if (distinct.every((v) => Math.abs((v - low) / h - Math.round((v - low) / h)) <= tolerance)) {
      return tidyStep(h);
    }
  }
  return null;
}

/** The discrete columns of a table's data (not its context), detected on its rows by {@link gridStep}. */
export function detectDiscreteColumns(table: Table): DiscreteColumn[] {
  const found: DiscreteColumn[] = [];
  const column = new Float64Array(table.rows);
  for (let j = 0; j < table.cols; j++) {
    for (let i = 0; i < table.rows; i++) column[i] = table.data[i * table.cols + j] as number;
    const h = gridStep(column);
    if (h !== null) found.push({ column: j, resolution: h });
  }
  return found;
}

/**
 * Σⱼ log hⱼ over the discrete columns: the probability of a grid cell of x is ≈ Πⱼ hⱼ · p(v), so a
 * dequantised row's log-density plus this is the discrete rows' log-probability bound (Theis et al. 2016).
 */
export function discreteLogVolume(columns: readonly DiscreteColumn[]): number {
  return columns.reduce((sum, c) => sum + Math.log(c.resolution), 0);
}

/** Per-column noise widths of a table with `cols` columns: h for a discrete column, 0 for the others. */
export function dequantisationWidths(columns: readonly DiscreteColumn[], cols: number): Float32Array {
  const widths = new Float32Array(cols);
  for (const c of columns) widths[c.column] = c.resolution;
  return widths;
}

/**
 * A table with each discrete column's values v replaced by v + h·(u − ½), u ~ U(0, 1) drawn from
 * `seed` (fixed draws: validation, test, `eval` and `score` rows); the table itself when none is.
 */
export function dequantiseColumns(table: Table, columns: readonly DiscreteColumn[], seed: number): Table {
  if (columns.length === 0) return table;
  const rng = hostRng(seed);
  const data = Float32Array.from(table.data);
  for (let i = 0; i < table.rows; i++) {
    for (const c of columns) {
      const at = i * table.cols + c.column;
      data[at] = (data[at] as number) + c.resolution * (rng.uniform() - 0.5);
    }
  }
  return { ...table, data };
}

/** Names of discrete columns for people: `name (h = 1)`, or `column 3 (h = 0.5)` without a header. */
export function describeDiscrete(columns: readonly DiscreteColumn[], names?: readonly string[]): string {
  if (columns.length === 0) return 'none';
  return columns.map((c) => `${names?.[c.column] ?? `column ${c.column}`} (h = ${c.resolution})`).join(', ');
}

/**
 * The `discreteColumns` a model's metadata records (none when absent: models from before this field,
 * or trained with `--discrete none`), checked against its `dims` data columns; a malformed value is a
 * usage error naming the field.
 */
export function recordedDiscreteColumns(metadata: JsonObject, dims: number): DiscreteColumn[] {
  const value = metadata.discreteColumns;
  if (value === undefined || value === null) return [];
  const bad = (why: string) =>
    new UsageError(`model metadata 'discreteColumns' is corrupt: ${why}; retrain the model`);
  if (!Array.isArray(value)) throw bad('expected a list of {column, resolution}');
  const seen = new Set<number>();
  return value.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw bad(`entry ${i} is not an object {column, resolution}`);
    }
    const { column, resolution } = entry as JsonObject;
    if (typeof column !== 'number' || !Number.isInteger(column) || column < 0 || column >= dims) {
      throw bad(`entry ${i} has column ${previewJson(column)}, expected an integer in 0..${dims - 1}`);
    }
    if (seen.has(column)) throw bad(`column ${column} is listed twice`);
    seen.add(column);
    if (typeof resolution !== 'number' || !Number.isFinite(resolution) || resolution <= 0) {
      throw bad(`entry ${i} has resolution ${previewJson(resolution)}, expected a finite number > 0`);
    }
    return { column, resolution };
  });
}

/** `--discrete`: `auto` detects discrete columns of a CSV table, `none` trains on the raw values. */
export type DiscreteMode = 'auto' | 'none';

/**
 * The discrete columns `train` dequantises: those {@link detectDiscreteColumns} finds on the training
 * rows of a table (a `fixed` dataset without image `levels`) under `--discrete auto`; none otherwise.
 */
export function discreteColumnsFor(mode: DiscreteMode, train: Table, tabular: boolean): DiscreteColumn[] {
  return mode === 'auto' && tabular ? detectDiscreteColumns(train) : [];
}

/** Splits with their discrete columns dequantised, each by its own fixed draws: train `seed + 1`, validation `seed + 2`, test `seed + 3` (as `train` does). */
export function dequantisedSplits<S extends { train: Table; validation?: Table | null; test?: Table | null }>(
  splits: S,
  columns: readonly DiscreteColumn[],
  seed: number,
): S {
  if (columns.length === 0) return splits;
  return {
    ...splits,
    train: dequantiseColumns(splits.train, columns, seed + 1),
    validation: splits.validation && dequantiseColumns(splits.validation, columns, seed + 2),
    test: splits.test && dequantiseColumns(splits.test, columns, seed + 3),
  };
}
