import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import { type Bijector, type CallOptions, ValueError, checkBatchOfEvents, eventSize } from '@bijective/core';

/** Machine epsilon of float32, 2^-23 ≈ 1.19e-7: the spacing of float32 numbers just above 1. */
export const FLOAT32_EPS = 2 ** -23;

/**
 * Default relative step of central differences, cbrt(eps32) ≈ 4.9e-3: the truncation error
 * h²|f'''|/6 and the roundoff error ≈ eps32·|f|/h of a float32 function balance at h ~ eps32^(1/3)
 * (Nocedal & Wright, Numerical Optimization, 2nd ed., §8.1).
 */
export const CENTRAL_DIFFERENCE_STEP = Math.cbrt(FLOAT32_EPS);

/**
 * Default relative step with Richardson extrapolation, eps32^(1/5) ≈ 0.041: the truncation error is
 * O(h⁴), so it balances the roundoff eps32/h at h ~ eps32^(1/5).
 */
export const RICHARDSON_STEP = FLOAT32_EPS ** 0.2;

/** Options of {@link numericalJacobian} and its batched forms. */
export interface NumericalJacobianOptions {
  /**
   * Relative step: coordinate i moves by h_i = stepScale·max(1, |x_i|). Defaults to
   * {@link CENTRAL_DIFFERENCE_STEP}, or {@link RICHARDSON_STEP} with Richardson extrapolation.
   */
  stepScale?: number;
  /**
   * Richardson extrapolation (4·D(h/2) − D(h))/3 of the central differences D, which cancels the
   * h² error term (O(h⁴) truncation) at twice the evaluations. Default false.
   */
  richardson?: boolean;
  /**
   * Precision of the points f actually sees. `float32` (default, for f calling tfjs) rounds x and each
   * perturbed point to float32 and divides by the rounded step, so the quotient is a true difference
   * quotient at fround(x); `float64` uses the points as they are.
   */
  precision?: 'float32' | 'float64';
}

/** A function of many points at once: `points[k]` (length n) maps to `values[k]` (length m). */
export type BatchedVectorFunction = (points: readonly Float64Array[]) => readonly ArrayLike<number>[];

/** The perturbed points of a central-difference stencil and what is needed to combine their values. */
interface Stencil {
  /** Points in order: for each step level s and coordinate i, x + h e_i then x − h e_i. */
  points: Float64Array[];
  /** Actual (rounded) x_+ − x_− per level and coordinate. */
  widths: Float64Array[];
}

function checkedOptions(options: NumericalJacobianOptions): Required<NumericalJacobianOptions> {
  const richardson = options.richardson ?? false;
  const stepScale = options.stepScale ?? (richardson ? RICHARDSON_STEP : CENTRAL_DIFFERENCE_STEP);
  if (!(stepScale > 0) || !Number.isFinite(stepScale)) {
    throw new ValueError(`numericalJacobian: stepScale must be a positive finite number, got ${stepScale}`);
  }
  return { stepScale, richardson, precision: options.precision ?? 'float32' };
}

function stencil(x: ArrayLike<number>, options: Required<NumericalJacobianOptions>): Stencil {
  const round = options.precision === 'float32' ? Math.fround : (v: number) => v;
  const base = Float64Array.from(x, round);
  if (base.some((v) => !Number.isFinite(v))) {
    throw new ValueError('numericalJacobian: the point x must be finite');
  }
  const levels = options.richardson ? [1, 0.5] : [1];
  const points: Float64Array[] = [];
  const widths: Float64Array[] = [];
  for (const level of levels) {
    const width = new Float64Array(base.length);
    base.forEach((xi, i) => {
      const h = level * options.stepScale * Math.max(1, Math.abs(xi));
      const plus = base.slice();
      const minus = base.slice();
      plus[i] = round(xi + h);
      minus[i] = round(xi - h);
      points.push(plus, minus);
      width[i] = plus[i] - minus[i];
    });
    widths.push(width);
  }
  return { points, widths };
}

/** Combines the stencil's values into the m x n Jacobian (central differences, then Richardson). */
function combine(values: readonly ArrayLike<number>[], s: Stencil): number[][] {
  const n = s.widths[0]!.length;
  const m = values[0]?.length ?? 0;
  if (values.length !== s.points.length || values.some((v) => v.length !== m)) {
    throw new ValueError(`numericalJacobian: f returned ${values.length} values of unequal or wrong length`);
  }
  const central = s.widths.map((width, level) =>
    Array.from({ length: m }, (_, r) =>
      Array.from({ length: n }, (_, i) => {
        const k = 2 * (level * n + i);
        return (values[k]![r]! - values[k + 1]![r]!) / width[i]!;
      }),
    ),
  );
  const [coarse, fine] = central as [number[][], number[][] | undefined];
  if (!fine) return coarse;
  return coarse.map((row, r) => row.map((d, i) => (4 * fine[r]![i]! - d) / 3));
}

/**
 * Jacobian J[r][i] = ∂f_r/∂x_i of f: Rⁿ -> Rᵐ by central differences on the host in float64,
 * (f(x + h_i e_i) − f(x − h_i e_i)) / (2h_i), evaluating all perturbed points in one call of `f`.
 */
export function numericalJacobianBatched(
  f: BatchedVectorFunction,
  x: ArrayLike<number>,
  options: NumericalJacobianOptions = {},
): number[][] {
  if (x.length === 0) throw new ValueError('numericalJacobian: x must not be empty');
  const s = stencil(x, checkedOptions(options));
  return combine(f(s.points), s);
}

/** Jacobian J[r][i] = ∂f_r/∂x_i of f: Rⁿ -> Rᵐ by central differences (see {@link numericalJacobianBatched}). */
export function numericalJacobian(
  f: (x: Float64Array) => ArrayLike<number>,
  x: ArrayLike<number>,
  options: NumericalJacobianOptions = {},
): number[][] {
  return numericalJacobianBatched((points) => points.map(f), x, options);
}

/** Options of {@link numericalBijectorJacobian}. */
export interface BijectorJacobianOptions extends NumericalJacobianOptions {
  /** The map to differentiate: `forward` (default, at base points) or `inverse` (at data points). */
  direction?: 'forward' | 'inverse';
  /** Conditioning `[batch, ...contextShape]`, one row per point of x. */
  context?: tf.Tensor;
}

/** Repeats each row of `t` `times` times along the batch axis: `[b, ...e]` -> `[b·times, ...e]`. */
function repeatRows(t: tf.Tensor, times: number): tf.Tensor {
  const [batch, ...event] = t.shape as number[];
  return tf.tidy(() =>
    tf.reshape(tf.tile(tf.reshape(t, [batch!, 1, -1]), [1, times, 1]), [batch! * times, ...event]),
  );
}

/**
 * Numerical Jacobian of a bijector's forward (or inverse) at every row of the batch `x`, over
 * flattened events, as float64 `[batch][m][n]`: the stencils of all rows (2n points each, 4n with
 * Richardson) are stacked into ONE `[batch·2n, ...event]` call (eval mode, `training: false`).
 */
export function numericalBijectorJacobian(
  bijector: Bijector,
  x: tf.Tensor,
  options: BijectorJacobianOptions = {},
): number[][][] {
  const forward = (options.direction ?? 'forward') === 'forward';
  const inShape = forward ? bijector.eventShape : bijector.outputEventShape;
  const n = eventSize(inShape);
  const batch = checkBatchOfEvents(
    x,
    inShape,
    `numericalBijectorJacobian: ${bijector.name} ${forward ? 'forward' : 'inverse'} input`,
  );
  const rows = Float64Array.from(x.dataSync());
  const opts = checkedOptions(options);
  const stencils = Array.from({ length: batch }, (_, b) => stencil(rows.subarray(b * n, (b + 1) * n), opts));
  const perRow = stencils[0]?.points.length ?? 0;
  const flat = new Float32Array(batch * perRow * n);
  stencils.forEach((s, b) => s.points.forEach((p, k) => flat.set(p, (b * perRow + k) * n)));
  const values = tf.tidy(() => {
    const input = tf.tensor(flat, [batch * perRow, ...inShape]);
    const call: CallOptions = { training: false };
    if (options.context) call.context = repeatRows(options.context, perRow);
    return forward ? bijector.forward(input, call) : bijector.inverse(input, call);
  });
  const out = values.dataSync();
  values.dispose();
  const m = out.length / Math.max(1, batch * perRow);
  return stencils.map((s, b) =>
    combine(
      s.points.map((_, k) => out.subarray((b * perRow + k) * m, (b * perRow + k + 1) * m)),
      s,
    ),
  );
}

/**
 * Exact Jacobian of a row-wise map `fn: [batch, ...event] -> [batch, ...outEvent]` at every row of
 * `x` by reverse-mode autodiff, as float64 `[batch][m][n]`: for each output coordinate r, one
 * vector-Jacobian product with the cotangent e_r on every row gives ∂y_{b,r}/∂x_b for all rows b at
 * once, since rows do not interact (bijectors in eval mode). Costs m backward passes.
 */
export function autodiffJacobian(fn: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): number[][][] {
  const batch = x.shape[0] ?? 0;
  const n = batch === 0 ? 0 : x.size / batch;
  const outShape = tf.tidy(() => fn(x).shape);
  if (outShape[0] !== batch) {
    throw new ValueError(`autodiffJacobian: fn changed the batch size from ${batch} to ${outShape[0]}`);
  }
  const m = eventSize(outShape.slice(1));
  const vjp = tf.grad(fn);
  const jacobian = Array.from({ length: batch }, () => Array.from({ length: m }, () => new Array<number>(n)));
  for (let r = 0; r < m; r++) {
    const cotangent = new Float32Array(batch * m);
    for (let b = 0; b < batch; b++) cotangent[b * m + r] = 1;
    const rowGrads = tf.tidy(() => vjp(x, tf.tensor(cotangent, outShape)));
    const g = rowGrads.dataSync();
    rowGrads.dispose();
    for (let b = 0; b < batch; b++) for (let i = 0; i < n; i++) jacobian[b]![r]![i] = g[b * n + i]!;
  }
  return jacobian;
}
