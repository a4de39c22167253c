/**
 * Wilson-Hilferty z-score of a chi-square statistic with k degrees of freedom:
 * z = ((X/k)^(1/3) − (1 − 2/(9k))) / sqrt(2/(9k)), approximately N(0, 1) under the null
 * (Wilson & Hilferty 1931); accurate in the upper tail for k ≥ 3 or so.
 */
export function wilsonHilfertyZ(statistic: number, dof: number): number {
  const v = 2 / (9 * dof);
  return (Math.cbrt(statistic / dof) - (1 - v)) / Math.sqrt(v);
}

/** A Pearson chi-square test result. */
export interface ChiSquareResult {
  /** Σ (O − E)² / E over the cells after pooling. */
  statistic: number;
  /** Cells after pooling minus one. */
  dof: number;
  /** The {@link wilsonHilfertyZ} of the statistic. */
  z: number;
}

/**
 * Pearson's chi-square goodness of fit of observed to expected counts. Cells expecting fewer than
 * `minExpected` (default 5, Cochran's rule) are pooled into one cell first; if the pool still
 * expects fewer, it joins the smallest remaining cell. The cells depend on the expectations only,
 * so the statistic keeps its null distribution.
 */
export function chiSquare(
  observed: readonly number[],
  expected: readonly number[],
  minExpected = 5,
): ChiSquareResult {
  const cells: [number, number][] = [];
  let pool: [number, number] = [0, 0];
  observed.forEach((o, i) => {
    const e = expected[i]!;
    if (e >= minExpected) cells.push([o, e]);
    else pool = [pool[0] + o, pool[1] + e];
  });
  if (pool[1] >= minExpected || cells.length === 0) cells.push(pool);
  else {
    const smallest = cells.reduce((best, c) => (c[1] < best[1] ? c : best));
    smallest[0] += pool[0];
    smallest[1] += pool[1];
  }
  const statistic = cells.reduce((s, [o, e]) => s + (e > 0 ? (o - e) ** 2 / e : o > 0 ? Infinity : 0), 0);
  const dof = Math.max(1, cells.length - 1);
  return { statistic, dof, z: wilsonHilfertyZ(statistic, dof) };
}

/** Mean and standard error sd/√n of a sample. */
export function meanAndStandardError(values: readonly number[]): { mean: number; standardError: number } {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, n - 1);
  return { mean, standardError: Math.sqrt(variance / n) };
}
