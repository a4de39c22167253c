/**
 * One bin of the monotonic rational-quadratic spline (Durkan et al. 2019, eqs. 4 and 5) at the
 * position θ ∈ [0, 1], with slope s = h/w and knot derivatives δ₀, δ₁ at its ends, in float64:
 * scratch that {@link evaluate} and {@link differentiate} fill in place (no allocation per element).
 */
export class RationalQuadratic {
  /** R = (sθ² + δ₀θ(1-θ)) / (s + (δ₁ + δ₀ - 2s)θ(1-θ)); the bin maps to y_k + h·R. */
  ratio = 0;
  /** ∂R/∂θ = s·S/D². */
  rTheta = 0;
  /** ∂R/∂s. */
  rS = 0;
  /** ∂R/∂δ₀. */
  rD0 = 0;
  /** ∂R/∂δ₁. */
  rD1 = 0;
  /** ∂ℓ/∂θ. */
  lTheta = 0;
  /** ∂ℓ/∂s. */
  lS = 0;
  /** ∂ℓ/∂δ₀. */
  lD0 = 0;
  /** ∂ℓ/∂δ₁. */
  lD1 = 0;
  private theta = 0;
  private s = 0;
  private d0 = 0;
  private d1 = 0;
  private mixed = 0;
  private den = 0;
  private num = 0;
  private slope = 0;

  /** Sets R at θ for slope s and knot derivatives δ₀, δ₁ (and what {@link logSlope} and {@link differentiate} read). */
  evaluate(theta: number, s: number, d0: number, d1: number): void {
    const rest = 1 - theta;
    const mixed = theta * rest;
    const den = s + (d0 + d1 - 2 * s) * mixed;
    const num = s * theta * theta + d0 * mixed;
    const slope = d1 * theta * theta + 2 * s * mixed + d0 * rest * rest;
    this.theta = theta;
    this.s = s;
    this.d0 = d0;
    this.d1 = d1;
    this.mixed = mixed;
    this.den = den;
    this.num = num;
    this.slope = slope;
    this.ratio = num / den;
  }

  /** ℓ = log(dy/dx) = log(s²·S/D²), S = δ₁θ² + 2sθ(1-θ) + δ₀(1-θ)², D = s + (δ₁ + δ₀ - 2s)θ(1-θ), at the last {@link evaluate}. */
  logSlope(): number {
    const { s, den } = this;
    return Math.log((s * s * this.slope) / (den * den));
  }

  /** Sets the partials of R and ℓ at the point of the last {@link evaluate}. */
  differentiate(): void {
    const { theta, s, d0, d1, mixed, den, num, slope } = this;
    const rest = 1 - theta;
    const invDen = 1 / den;
    const invDen2 = invDen * invDen;
    const invSlope = 1 / slope;
    const twist = 1 - 2 * mixed;
    const twoMixedDen = 2 * mixed * invDen;
    this.rTheta = s * slope * invDen2;
    this.rS = (theta * theta * den - num * twist) * invDen2;
    this.rD0 = mixed * (den - num) * invDen2;
    this.rD1 = -num * mixed * invDen2;
    this.lTheta =
      2 * (d1 * theta + s * (1 - 2 * theta) - d0 * rest) * invSlope -
      2 * (d0 + d1 - 2 * s) * (1 - 2 * theta) * invDen;
    this.lS = 2 / s + 2 * mixed * invSlope - 2 * twist * invDen;
    this.lD0 = rest * rest * invSlope - twoMixedDen;
    this.lD1 = theta * theta * invSlope - twoMixedDen;
  }
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
