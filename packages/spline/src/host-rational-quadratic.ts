/** The rational-quadratic map of one bin at θ and its partial derivatives, in float64. */
export interface RationalQuadraticLocal {
  /** R = (sθ² + δ₀θ(1-θ)) / (s + (δ₁ + δ₀ - 2s)θ(1-θ)); the bin maps to y_k + h·R. */
  ratio: number;
  /** ℓ = log(dy/dx) = 2 log s + log(δ₁θ² + 2sθ(1-θ) + δ₀(1-θ)²) - 2 log(s + (δ₁ + δ₀ - 2s)θ(1-θ)). */
  logSlope: number;
  /** ∂R/∂θ, ∂R/∂s, ∂R/∂δ₀, ∂R/∂δ₁. */
  dRatio: [number, number, number, number];
  /** ∂ℓ/∂θ, ∂ℓ/∂s, ∂ℓ/∂δ₀, ∂ℓ/∂δ₁. */
  dLogSlope: [number, number, number, number];
}

/**
 * One bin of the monotonic rational-quadratic spline (Durkan et al. 2019, eqs. 4 and 5) at the
 * position θ ∈ [0, 1], with slope s = h/w and knot derivatives δ₀, δ₁ at its ends: the ratio R,
 * the log-slope ℓ = log(s²·S/D²) and their partials (∂R/∂θ = s·S/D²), for the host backward pass.
 */
export function rationalQuadratic(theta: number, s: number, d0: number, d1: number): RationalQuadraticLocal {
  const mixed = theta * (1 - theta);
  const curvature = d0 + d1 - 2 * s;
  const den = s + curvature * mixed;
  const num = s * theta * theta + d0 * mixed;
  const slope = d1 * theta * theta + 2 * s * mixed + d0 * (1 - theta) * (1 - theta);
  const den2 = den * den;
  return {
    ratio: num / den,
    logSlope: 2 * Math.log(s) + Math.log(slope) - 2 * Math.log(den),
    dRatio: [
      (s * slope) / den2,
      (theta * theta * den - num * (1 - 2 * mixed)) / den2,
      (mixed * (den - num)) / den2,
      -(num * mixed) / den2,
    ],
    dLogSlope: [
      (2 * d1 * theta + 2 * s * (1 - 2 * theta) - 2 * d0 * (1 - theta)) / slope -
        (2 * curvature * (1 - 2 * theta)) / den,
      2 / s + (2 * mixed) / slope - (2 * (1 - 2 * mixed)) / den,
      ((1 - theta) * (1 - theta)) / slope - (2 * mixed) / den,
      (theta * theta) / slope - (2 * mixed) / den,
    ],
  };
}

/**
 * The position θ in a bin of height h whose image is y_k + η, from the quadratic aθ² + bθ + c = 0
 * with a = h(s - δ₀) + ηκ, b = hδ₀ - ηκ, c = -sη, κ = δ₀ + δ₁ - 2s, in the stable form
 * θ = 2c / (-b - √(b² - 4ac)) (Durkan et al. 2019, eqs. 6-8); the caller clips it to [0, 1].
 */
export function rationalQuadraticRoot(eta: number, h: number, s: number, d0: number, d1: number): number {
  const curvature = d0 + d1 - 2 * s;
  const a = h * (s - d0) + eta * curvature;
  const b = h * d0 - eta * curvature;
  const c = -s * eta;
  const den = -b - Math.sqrt(Math.max(b * b - 4 * a * c, 0));
  // den < 0 whenever 0 <= η <= h; the guard only keeps rounding away from 0/0.
  return (2 * c) / Math.min(den, -Number.MIN_VALUE);
}
