/**
 * A mixed tolerance: |actual − expected| ≤ abs + rel·|expected|. For log-determinants `abs` is per
 * scalar of the event (multiplied by the event size n), since float32 and finite-difference errors
 * add up over the n log-terms of a determinant.
 */
export interface Tolerance {
  /** Absolute part (per event scalar for log-determinants). */
  abs: number;
  /** Relative part, times |expected|. */
  rel: number;
}

/**
 * Tolerances of the bijector checks. Basis: float32 eps = 2^-23 ≈ 1.2e-7, the central-difference
 * step h = eps^(1/3) ≈ 4.9e-3 (truncation h²|f'''|/6 ≈ 4e-6, roundoff eps·|f|/h ≈ 2.4e-5·|f|), and
 * a few layers of float32 arithmetic on O(1)-scaled inputs. See the table in the package README.
 */
export interface BijectorTolerances {
  /** inverse(forward(x)) vs x and forward(inverse(y)) vs y, elementwise: ~800 eps of error growth. */
  roundTrip: Tolerance;
  /** Forward log-det vs log|det| of the numerical Jacobian: n entries of relative error ~2.4e-5·|f|/|J| each. */
  numericalLogDet: Tolerance;
  /** Forward log-det vs log|det| of the autodiff Jacobian: both float32, a few hundred eps per log-term. */
  autodiffLogDet: Tolerance;
  /** Inverse log-det at y = forward(x) plus the forward log-det, which must cancel. */
  inverseLogDet: Tolerance;
  /** Fused calls vs single-output calls: the same arithmetic, up to a different cheaper path. */
  fused: Tolerance;
  /** A batch vs its rows one by one: only summation order and kernel blocking may differ. */
  batchRows: Tolerance;
  /**
   * Factor on every inverse-side tolerance (round trip, inverse log-det, fused and per-row inverse)
   * of a bijector whose `hasAnalyticInverse` is false: an iterative inverse converges only to its
   * own tolerance (~1e-5 to 1e-6 in float32), which the round trip and what depends on it inherit.
   */
  nonAnalyticInverseFactor: number;
}

/** The default {@link BijectorTolerances}; the README's table lists and justifies each. */
export const DEFAULT_BIJECTOR_TOLERANCES: Readonly<BijectorTolerances> = {
  roundTrip: { abs: 1e-4, rel: 1e-4 },
  numericalLogDet: { abs: 2e-3, rel: 1e-3 },
  autodiffLogDet: { abs: 2e-4, rel: 1e-4 },
  inverseLogDet: { abs: 1e-4, rel: 1e-4 },
  fused: { abs: 1e-5, rel: 1e-5 },
  batchRows: { abs: 1e-5, rel: 1e-5 },
  nonAnalyticInverseFactor: 10,
};

/** Tolerances of the flow checks (see the README's table). */
export interface FlowTolerances {
  /** sampleAndLogProb's log p vs logProb of the same samples, per event scalar in `abs`. */
  sampleLogProb: Tolerance;
  /** |∫ p − 1| by midpoint quadrature on a grid (1-2 D): grid error plus the mass outside the box. */
  quadrature: number;
  /** Importance sampling above 2 D passes when |Ẑ − 1| ≤ `sigmas`·SE(Ẑ) + `abs`. */
  importance: { sigmas: number; abs: number };
  /**
   * Goodness of fit of samples vs density (1-2 D): the largest Wilson-Hilferty z-score of the
   * chi-square statistic accepted; 4.75 is a one-sided p-value of about 1e-6.
   */
  chiSquareZ: number;
  /** Factor on `sampleLogProb` for flows whose bijector has no analytic inverse. */
  nonAnalyticInverseFactor: number;
}

/** The default {@link FlowTolerances}. */
export const DEFAULT_FLOW_TOLERANCES: Readonly<FlowTolerances> = {
  sampleLogProb: { abs: 1e-4, rel: 1e-4 },
  quadrature: 1e-2,
  importance: { sigmas: 4, abs: 2e-2 },
  chiSquareZ: 4.75,
  nonAnalyticInverseFactor: 10,
};

/** Multiplies both parts of a tolerance by `factor`. */
export function scaleTolerance(t: Tolerance, factor: number): Tolerance {
  return { abs: t.abs * factor, rel: t.rel * factor };
}

/** The bound abs·scale + rel·|expected| that `actual` must be within. */
export function allowedError(t: Tolerance, expected: number, absScale = 1): number {
  return t.abs * absScale + t.rel * Math.abs(expected);
}

/** True when both numbers are finite and |actual − expected| ≤ {@link allowedError}. */
export function withinTolerance(actual: number, expected: number, t: Tolerance, absScale = 1): boolean {
  return (
    Number.isFinite(actual) &&
    Number.isFinite(expected) &&
    Math.abs(actual - expected) <= allowedError(t, expected, absScale)
  );
}
