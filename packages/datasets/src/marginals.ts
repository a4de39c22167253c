import { ShapeError } from '@bijective/core';
import type { Table } from './table.js';

/** Per-column parameters of a sinh-arcsinh marginal map x = ξ + s·sinh((asinh(z) + ε)/δ) (core's `SinhArcsinh`). */
export interface SinhArcsinhFit {
  /** Locations ξ. */
  readonly loc: number[];
  /** Scales s > 0. */
  readonly scale: number[];
  /** Skews ε, |ε| ≤ 3.9. */
  readonly skew: number[];
  /** Tail weights δ in [1/7.9, 7.9]. */
  readonly tailweight: number[];
}

/** Row-major values of a table (float32 or float64). */
type Rows = { data: ArrayLike<number> } & Pick<Table, 'rows' | 'cols'>;

/** Bounds of the fit (standardised columns): |ε| ≤ 2, δ in [1/2, 1], s in [1/2, 4]. */
const MAX_SKEW = 2;
const MIN_TAIL = 0.5;
const MIN_SCALE = 0.5;
const MAX_SCALE = 4;
/** Nelder–Mead evaluations per column. */
const EVALUATIONS = 400;

/**
 * Per-column maximum-likelihood sinh-arcsinh fits (Jones & Pewsey 2009) in float64 on the host: for
 * each column, the (ξ, s, ε, δ) under which z = sinh(δ·asinh((x − ξ)/s) − ε) is most normal, by the
 * profile log-likelihood −n/2·log var(z) + Σ log|dz/dx| (the mean and variance of z left free, as a
 * base-side whitening absorbs them), maximised by Nelder–Mead from the identity (ξ = 0, s = 1,
 * ε = 0, δ = 1; for standardised columns) within |ε| ≤ 2, 1/2 ≤ δ ≤ 1 (tails at least as heavy as the
 * normal's, so rows beyond the training range are not pushed far out) and 1/2 ≤ s ≤ 4. A column keeps
 * the identity unless the fit gains more than Schwarz's (1978) penalty, 2·log n nats for 4 parameters.
 */
export function fitSinhArcsinhMarginals(table: Rows): SinhArcsinhFit {
  const { data, rows, cols } = table;
  if (data.length !== rows * cols || rows < 2) {
    throw new ShapeError(`fitSinhArcsinhMarginals: expected at least 2 rows of ${cols} values`);
  }
  const fit: SinhArcsinhFit = { loc: [], scale: [], skew: [], tailweight: [] };
  const column = new Float64Array(rows);
  for (let j = 0; j < cols; j++) {
    for (let r = 0; r < rows; r++) column[r] = data[r * cols + j] as number;
    const objective = (p: number[]) => -profileLogLikelihood(column, constrain(p));
    const start = [0, 0, 0, 0];
    const best = nelderMead(objective, start, EVALUATIONS);
    // Schwarz's criterion: the 4 fitted parameters must gain more than 2·log n nats over the identity.
    const gain = objective(start) - objective(best);
    const chosen = gain > 2 * Math.log(rows) ? constrain(best) : IDENTITY;
    fit.loc.push(chosen[0] as number);
    fit.scale.push(chosen[1] as number);
    fit.skew.push(chosen[2] as number);
    fit.tailweight.push(chosen[3] as number);
  }
  return fit;
}

const IDENTITY: [number, number, number, number] = [0, 1, 0, 1];

/** (ξ, log s, e, t) -> (ξ, s, ε, δ) within the fit's bounds. */
function constrain(p: number[]): [number, number, number, number] {
  const [loc, logScale, e, t] = p as [number, number, number, number];
  return [
    Math.min(Math.max(loc, -3), 3),
    Math.min(Math.max(Math.exp(logScale), MIN_SCALE), MAX_SCALE),
    MAX_SKEW * Math.tanh(e / MAX_SKEW),
    Math.min(Math.max(Math.exp(t), MIN_TAIL), 1),
  ];
}

/** −n/2·log var(z) + Σ log|dz/dx| of one column under (ξ, s, ε, δ); −∞ where z is not finite. */
function profileLogLikelihood(x: Float64Array, [loc, scale, skew, tail]: number[]): number {
  const n = x.length;
  let sum = 0;
  let sumSq = 0;
  let logJacobian = 0;
  for (let i = 0; i < n; i++) {
    const u = ((x[i] as number) - (loc as number)) / (scale as number);
    const v = (tail as number) * Math.asinh(u) - (skew as number);
    const z = Math.sinh(v);
    sum += z;
    sumSq += z * z;
    const a = Math.abs(v);
    logJacobian += a + Math.log1p(Math.exp(-2 * a)) - Math.LN2 - 0.5 * Math.log1p(u * u);
  }
  const variance = sumSq / n - (sum / n) ** 2;
  if (!(variance > 0) || !Number.isFinite(variance)) return -Infinity;
  return -0.5 * n * Math.log(variance) + logJacobian + n * Math.log((tail as number) / (scale as number));
}

/** Minimises f from `start` by Nelder–Mead (standard coefficients, initial steps 0.5) in at most `budget` calls. */
function nelderMead(f: (p: number[]) => number, start: number[], budget: number): number[] {
  const d = start.length;
  let simplex = [start, ...start.map((_, i) => start.map((v, k) => (k === i ? v + 0.5 : v)))];
  let values = simplex.map(f);
  let calls = d + 1;
  const combine = (a: number[], b: number[], t: number) => a.map((v, k) => v + t * ((b[k] as number) - v));
  while (calls < budget) {
    const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
    simplex = order.map((i) => simplex[i] as number[]);
    values = order.map((i) => values[i] as number);
    if (Math.abs((values[d] as number) - (values[0] as number)) < 1e-9 * (1 + Math.abs(values[0] as number)))
      break;
    const centroid = start.map((_, k) => simplex.slice(0, d).reduce((s, p) => s + (p[k] as number), 0) / d);
    const worst = simplex[d] as number[];
    const reflected = combine(centroid, worst, -1);
    const fr = f(reflected);
    calls++;
    if (fr < (values[0] as number)) {
      const expanded = combine(centroid, worst, -2);
      const fe = f(expanded);
      calls++;
      [simplex[d], values[d]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < (values[d - 1] as number)) {
      [simplex[d], values[d]] = [reflected, fr];
    } else {
      const contracted = combine(centroid, worst, 0.5);
      const fc = f(contracted);
      calls++;
      if (fc < (values[d] as number)) [simplex[d], values[d]] = [contracted, fc];
      else {
        const best = simplex[0] as number[];
        simplex = simplex.map((p, i) => (i === 0 ? p : combine(best, p, 0.5)));
        values = simplex.map((p, i) => (i === 0 ? (values[0] as number) : f(p)));
        calls += d;
      }
    }
  }
  let best = 0;
  for (let i = 1; i <= d; i++) if ((values[i] as number) < (values[best] as number)) best = i;
  return simplex[best] as number[];
}
