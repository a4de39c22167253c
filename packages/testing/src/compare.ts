import { CheckFailure } from './failure.js';
import { allowedError, withinTolerance, type Tolerance } from './tolerance.js';

/** Formats a number for a failure message: 6 significant digits. */
export function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}

/** Formats a flat array as rows of `rowSize` values: `[[a, b], [c, d]]`. */
export function formatRows(values: ArrayLike<number>, rowSize: number): string {
  const rows: string[] = [];
  for (let start = 0; start < values.length; start += rowSize) {
    rows.push(`[${Array.from({ length: rowSize }, (_, i) => fmt(values[start + i]!)).join(', ')}]`);
  }
  return `[${rows.join(', ')}]`;
}

/** Options of {@link expectClose}. */
export interface CloseOptions {
  /** Scalars per batch row, to name the failing element as (row, element); omitted for one value per row. */
  rowSize?: number;
  /** Multiplier of the tolerance's absolute part (the event size for log-determinants). */
  absScale?: number;
}

/**
 * Throws a {@link CheckFailure} naming the first element where `actual` and `expected` differ by
 * more than the tolerance (or either is not finite), with both values, the gap and the bound.
 */
export function expectClose(
  what: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance,
  options: CloseOptions = {},
): void {
  if (actual.length !== expected.length) {
    throw new CheckFailure(`${what}: ${actual.length} values, expected ${expected.length}`);
  }
  const absScale = options.absScale ?? 1;
  for (let k = 0; k < actual.length; k++) {
    const a = actual[k]!;
    const e = expected[k]!;
    if (withinTolerance(a, e, tolerance, absScale)) continue;
    const size = options.rowSize;
    const where = size === undefined ? `row ${k}` : `row ${Math.floor(k / size)}, element ${k % size}`;
    throw new CheckFailure(
      `${what}: at ${where} got ${fmt(a)}, expected ${fmt(e)} ` +
        `(|diff| ${fmt(Math.abs(a - e))} > allowed ${fmt(allowedError(tolerance, e, absScale))})`,
    );
  }
}

/** Throws a {@link CheckFailure} when any value is NaN or infinite. */
export function expectFinite(what: string, values: ArrayLike<number>, rowSize: number): void {
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k]!)) {
      throw new CheckFailure(
        `${what}: row ${Math.floor(k / rowSize)}, element ${k % rowSize} is ${values[k]}`,
      );
    }
  }
}
