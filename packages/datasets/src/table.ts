import { ShapeError, gatherRowsInto } from '@bijective/core';

/** Conditioning columns kept beside a table's data, row-aligned with it. */
export interface ContextColumns {
  /** Row-major values, `rows x cols`. */
  readonly data: Float32Array;
  /** Number of context columns. */
  readonly cols: number;
  /** Column names. */
  readonly columns: readonly string[];
}

/** Rows of examples: row-major float32 values with optional names, context and labels. */
export interface Table {
  /** Row-major values, `rows x cols` (an image row is its pixels in height, width, channel order). */
  readonly data: Float32Array;
  /** Number of rows (examples). */
  readonly rows: number;
  /** Scalars per row (the event size). */
  readonly cols: number;
  /** Column names, when the source has them (CSV headers or `x0..x{d-1}`). */
  readonly columns?: readonly string[];
  /** Conditioning columns (CSV `contextColumns`), row-aligned with `data`. */
  readonly context?: ContextColumns;
  /** Integer class labels, one per row (IDX label files). */
  readonly labels?: Int32Array;
}

/** Throws a {@link ShapeError} unless the table's arrays have `rows x cols` values and aligned context and labels. */
export function checkTable(table: Table, what: string): Table {
  const { data, rows, cols } = table;
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 1) {
    throw new ShapeError(`${what}: rows must be an integer >= 0 and cols >= 1, got ${rows} x ${cols}`);
  }
  if (data.length !== rows * cols) {
    throw new ShapeError(`${what}: expected ${rows} x ${cols} = ${rows * cols} values, got ${data.length}`);
  }
  if (table.columns && table.columns.length !== cols) {
    throw new ShapeError(`${what}: ${table.columns.length} column names for ${cols} columns`);
  }
  if (table.context && table.context.data.length !== rows * table.context.cols) {
    throw new ShapeError(
      `${what}: context holds ${table.context.data.length} values, expected ${rows} x ${table.context.cols}`,
    );
  }
  if (table.labels && table.labels.length !== rows) {
    throw new ShapeError(`${what}: ${table.labels.length} labels for ${rows} rows`);
  }
  return table;
}

/** A new table holding the rows of `table` at `indices` (in that order), with their context and labels. */
export function selectRows(table: Table, indices: ArrayLike<number>): Table {
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r] as number;
    if (!Number.isInteger(i) || i < 0 || i >= table.rows) {
      throw new ShapeError(`selectRows: row index ${i} is outside 0..${table.rows - 1}`);
    }
  }
  const context = table.context && {
    data: gatherRowsInto(table.context.data, table.context.cols, indices),
    cols: table.context.cols,
    columns: table.context.columns,
  };
  return {
    data: gatherRowsInto(table.data, table.cols, indices),
    rows: indices.length,
    cols: table.cols,
    ...(table.columns ? { columns: table.columns } : {}),
    ...(context ? { context } : {}),
    ...(table.labels ? { labels: Int32Array.from(indices, (i) => table.labels?.[i] as number) } : {}),
  };
}

/** Default column names `x0..x{cols-1}` (the CLI's sample header). */
export function defaultColumnNames(cols: number): string[] {
  return Array.from({ length: cols }, (_, i) => `x${i}`);
}
