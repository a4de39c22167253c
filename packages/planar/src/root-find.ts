/** The value and slope of a scalar function at one point. */
export interface ValueAndSlope {
  /** g(x). */
  value: number;
  /** g'(x). */
  slope: number;
}

/** Settings of {@link solveIncreasing}. */
export interface SolveSettings {
  /** Stop when a step or the bracket is below `tolerance`·(1 + |x|) (default 1e-12, float64). */
  tolerance?: number;
  /** Iterations before giving up (default 200: bisection alone halves a bracket of width 2^50 to 1e-12 in ~100). */
  maxIterations?: number;
}

/** Why {@link solveIncreasing} failed: a bracket that holds no sign change, or no convergence. */
export type SolveFailure = {
  reason: 'not-bracketed' | 'no-convergence' | 'not-finite';
  lo: number;
  hi: number;
};

/**
 * Root of an increasing function g on a bracket [lo, hi] with g(lo) ≤ 0 ≤ g(hi), by safeguarded
 * Newton (Newton–bisection, `rtsafe` of Press et al., Numerical Recipes §9.4): a Newton step from
 * the current point when it stays inside the bracket, a bisection otherwise, the bracket shrinking
 * with the sign of g at every step. Converges quadratically near the root and never leaves the
 * bracket. Float64 on the host; returns the root or a {@link SolveFailure}.
 */
export function solveIncreasing(
  g: (x: number) => ValueAndSlope,
  bracket: { lo: number; hi: number },
  start: number,
  settings: SolveSettings = {},
): number | SolveFailure {
  const tolerance = settings.tolerance ?? 1e-12;
  const maxIterations = settings.maxIterations ?? 200;
  let { lo, hi } = bracket;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !Number.isFinite(start))
    return { reason: 'not-finite', lo, hi };
  const atLo = g(lo).value;
  const atHi = g(hi).value;
  if (Number.isNaN(atLo) || Number.isNaN(atHi)) return { reason: 'not-finite', lo, hi };
  if (atLo > 0 || atHi < 0) return { reason: 'not-bracketed', lo, hi };
  if (atLo === 0) return lo;
  if (atHi === 0) return hi;
  let x = Math.min(Math.max(start, lo), hi);
  for (let i = 0; i < maxIterations; i++) {
    const { value, slope } = g(x);
    if (Number.isNaN(value)) return { reason: 'not-finite', lo, hi };
    if (value === 0) return x;
    if (value < 0) lo = x;
    else hi = x;
    const newton = x - value / slope;
    const next = slope > 0 && newton > lo && newton < hi ? newton : lo + 0.5 * (hi - lo);
    const scale = tolerance * (1 + Math.abs(next));
    if (Math.abs(next - x) <= scale || hi - lo <= scale) return next;
    x = next;
  }
  return { reason: 'no-convergence', lo, hi };
}

/** True when {@link solveIncreasing} returned a failure rather than a root. */
export function isSolveFailure(result: number | SolveFailure): result is SolveFailure {
  return typeof result !== 'number';
}
