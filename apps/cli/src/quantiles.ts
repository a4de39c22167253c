/**
 * The probability levels at which `train` saves quantiles of the log-density: every 0.001 in the
 * tails (below 0.01 and above 0.99, plus 0.0001, 0.0002, 0.0005 and their mirrors) and every 0.01
 * between, so that `score --contamination q` reads small q without interpolating far.
 */
export const QUANTILE_LEVELS: readonly number[] = (() => {
  const levels = new Set<number>([0, 0.0001, 0.0002, 0.0005, 0.9995, 0.9998, 0.9999, 1]);
  for (let k = 1; k < 10; k++) levels.add(k / 1000).add(1 - k / 1000);
  for (let k = 1; k < 100; k++) levels.add(k / 100);
  return [...levels].map((v) => Number(v.toFixed(4))).sort((a, b) => a - b);
})();

/** The p-quantile of sorted values (linear interpolation between order statistics, Hyndman & Fan type 7). */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/** Quantiles of `values` at {@link QUANTILE_LEVELS} (finite values only), rounded to 7 significant digits. */
export function quantilesOf(values: ArrayLike<number>): number[] {
  const sorted = Float64Array.from(values).filter(Number.isFinite).sort();
  if (sorted.length === 0) return [];
  return QUANTILE_LEVELS.map((p) => Number(quantileOfSorted(sorted, p).toPrecision(7)));
}

/** The value at level `p` of a quantile function given at `levels` (increasing), by linear interpolation. */
export function interpolateQuantile(
  levels: readonly number[],
  quantiles: readonly number[],
  p: number,
): number {
  const last = levels.length - 1;
  if (p <= (levels[0] as number)) return quantiles[0] as number;
  if (p >= (levels[last] as number)) return quantiles[last] as number;
  // Binary search for levels[i - 1] < p <= levels[i].
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((levels[mid] as number) < p) lo = mid;
    else hi = mid;
  }
  const t = (p - (levels[lo] as number)) / ((levels[hi] as number) - (levels[lo] as number));
  return (quantiles[lo] as number) + t * ((quantiles[hi] as number) - (quantiles[lo] as number));
}
