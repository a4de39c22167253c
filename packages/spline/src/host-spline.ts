import { expNonPositive } from './host-exp.js';
import { HostKnots, loadKnots } from './host-knots.js';
import { RationalQuadratic, rationalQuadraticRoot } from './host-rational-quadratic.js';
import { identityDerivativeLogit } from './parameters.js';

/** The cache heads per element that {@link HostSpline.save} writes: 2K softmax values and 7 scalars. */
export function cacheHeads(bins: number): number {
  return 2 * bins + 7;
}

/** Resolved settings of a rational-quadratic spline (a type, so that kernel attributes can extend it). */
export type SplineSettings = {
  /** Number of bins K (>= 2). */
  bins: number;
  /** Half-width B of the interval [-B, B] (identity outside). */
  bound: number;
  /** Smallest bin width and height as a fraction of 2B (K times it below 1). */
  minBinSize: number;
  /** Smallest interior knot derivative δ_min, in (0, 1). */
  minDerivative: number;
};

/**
 * The rational-quadratic spline of one element (Durkan et al. 2019) on the host in float64, from
 * its 3K - 1 raw parameters (K width logits, K height logits, K - 1 derivative logits u with interior
 * δ = δ_min + softplus(u + u₀), u₀ = log(e^{1-δ_min} - 1) so that u = 0 gives δ = 1, boundary δ = 1):
 * value and log-slope in either direction, and the backward pass to the input and the raw parameters.
 * Only the two derivatives at the ends of the element's bin are computed; an element's state can
 * be saved after the forward and restored for the backward, which then skips the softmaxes.
 * Callers keep inputs outside [-B, B] (the identity tails) away from it.
 */
export class HostSpline {
  /** Knots on the input axis. */
  readonly xs: HostKnots;
  /** Knots on the output axis. */
  readonly ys: HostKnots;
  /** log|∂value/∂v| of the last {@link apply}. */
  logDet = 0;
  /** The bin's rational-quadratic map at θ. */
  private readonly rq = new RationalQuadratic();
  /** The interior derivative logits z_j = u_{j-1} + u₀ at knots j = 1, ..., K - 1. */
  private readonly logits: Float64Array;
  /** Knot derivatives δ_0, ..., δ_K (δ_0 = δ_K = 1; interior ones derived on demand by `deriveKnot`). */
  private readonly delta: Float64Array;
  /** ∂δ_j/∂u_{j-1} = sigmoid(z_j) at the interior knots, beside `delta`. */
  private readonly deltaSlope: Float64Array;
  private readonly offset: number;
  // The settings as own fields (attribute objects of many shapes would make their reads polymorphic).
  private readonly bins: number;
  private readonly bound: number;
  private readonly minDerivative: number;
  // The located bin k, its knots x_k, w_k, y_k, h_k, slope s = h_k/w_k, derivatives δ_k, δ_{k+1}
  // with their slopes ∂δ/∂u (0 at the boundary knots) and θ in it (clipped: θ left [0, 1] by rounding, so no gradient flows through it).
  private k = 0;
  private xk = 0;
  private wk = 0;
  private yk = 0;
  private hk = 0;
  private s = 0;
  private d0 = 1;
  private d1 = 1;
  private slope0 = 0;
  private slope1 = 0;
  private theta = 0;
  private clipped = false;

  /** Scratch for one element at a time. */
  constructor(settings: SplineSettings) {
    const { bins, bound, minBinSize, minDerivative } = settings;
    this.xs = new HostKnots(bins, bound, minBinSize);
    this.ys = new HostKnots(bins, bound, minBinSize);
    this.logits = new Float64Array(bins + 1);
    this.delta = new Float64Array(bins + 1).fill(1);
    this.deltaSlope = new Float64Array(bins + 1);
    this.offset = identityDerivativeLogit(minDerivative);
    this.bins = bins;
    this.bound = bound;
    this.minDerivative = minDerivative;
  }

  /** Whether v lies in [-B, B], where the spline acts (outside: the identity, log-slope 0). */
  inside(v: number): boolean {
    return Math.abs(v) <= this.bound;
  }

  /** Reads one element's parameters, head h at raw[base + h·stride], h < 3K - 1. */
  load(raw: ArrayLike<number>, base: number, stride: number): void {
    const { bins } = this;
    loadKnots(this.xs, this.ys, raw, base, stride);
    const { logits, offset } = this;
    for (let j = 1, at = base + 2 * bins * stride; j < bins; j++, at += stride)
      logits[j] = (raw[at] as number) + offset;
  }

  /** Returns g(v) (or g⁻¹(v) when `inverse`) for v inside [-B, B] and sets {@link logDet} to log|∂/∂v| of that map. */
  apply(v: number, inverse: boolean): number {
    this.locate(v, inverse);
    const { rq } = this;
    rq.evaluate(this.theta, this.s, this.d0, this.d1);
    const logSlope = rq.logSlope();
    this.logDet = inverse ? -logSlope : logSlope;
    return inverse ? this.xk + this.theta * this.wk : this.yk + this.hk * rq.ratio;
  }

  /**
   * Writes what {@link backward} reads after the last {@link apply} to out[base + h], h <
   * {@link cacheHeads}(K): both axes' softmax p, then k, θ, whether θ was clipped, δ_k, δ_{k+1} and
   * their slopes (float32, so a backward from the cache sees them rounded to 2⁻²⁴).
   */
  save(out: Float32Array, base: number): void {
    const { bins } = this;
    this.xs.save(out, base);
    this.ys.save(out, base + bins);
    const at = base + 2 * bins;
    out[at] = this.k;
    out[at + 1] = this.theta;
    out[at + 2] = this.clipped ? 1 : 0;
    out[at + 3] = this.d0;
    out[at + 4] = this.d1;
    out[at + 5] = this.slope0;
    out[at + 6] = this.slope1;
  }

  /** Restores the state of an {@link apply} from its {@link save}: {@link backward} then needs no {@link load} (no exps). */
  restore(cache: Float32Array, base: number): void {
    const { bins, xs, ys } = this;
    xs.restore(cache, base);
    ys.restore(cache, base + bins);
    const at = base + 2 * bins;
    const k = cache[at] as number;
    this.k = k;
    this.theta = cache[at + 1] as number;
    this.clipped = cache[at + 2] === 1;
    this.d0 = cache[at + 3] as number;
    this.d1 = cache[at + 4] as number;
    this.slope0 = cache[at + 5] as number;
    this.slope1 = cache[at + 6] as number;
    this.wk = xs.sizeOf(k);
    this.hk = ys.sizeOf(k);
    this.s = this.hk / this.wk;
  }

  /**
   * Backward pass of {@link apply} at the element located last (by {@link locate} or {@link restore})
   * with ∂L/∂value = gv and ∂L/∂logDet = gl: writes ∂L/∂raw to out[base + h·stride] and returns ∂L/∂v.
   * Forward: y = y_k + h_k·R(θ), θ = (x - x_k)/w_k. Inverse: x = x_k + θ·w_k with θ implicit in
   * y = y_k + h_k·R(θ), so ∂θ = -(∂(h_k R) + ∂y_k - ∂y)/(h_k ∂R/∂θ); then s = h_k/w_k, the knots'
   * cumulative sums and softmax, and the derivatives' softplus.
   */
  backward(
    inverse: boolean,
    gv: number,
    gl: number,
    out: Float32Array,
    base: number,
    stride: number,
  ): number {
    const { bins, k, wk, hk, s, theta, clipped, rq } = this;
    rq.evaluate(theta, s, this.d0, this.d1);
    rq.differentiate();
    const { ratio, rTheta, rS, rD0, rD1, lTheta, lS, lD0, lD1 } = rq;
    let dv: number;
    let dXk: number;
    let dWk: number;
    let dYk: number;
    let dHk: number;
    let dS: number;
    let dD0: number;
    let dD1: number;
    if (inverse) {
      // ∂L/∂θ through x and -ℓ, divided by ∂y/∂θ = h_k ∂R/∂θ (> 0).
      const t = clipped ? 0 : (gv * wk - gl * lTheta) / (hk * rTheta);
      const th = t * hk;
      dv = t;
      dXk = gv;
      dWk = gv * theta;
      dYk = -t;
      dHk = -t * ratio;
      dS = -gl * lS - th * rS;
      dD0 = -gl * lD0 - th * rD0;
      dD1 = -gl * lD1 - th * rD1;
    } else {
      const dTheta = clipped ? 0 : gv * hk * rTheta + gl * lTheta;
      const gh = gv * hk;
      dv = dTheta / wk;
      dXk = -dv;
      dWk = -dv * theta;
      dYk = gv;
      dHk = gv * ratio;
      dS = gh * rS + gl * lS;
      dD0 = gh * rD0 + gl * lD0;
      dD1 = gh * rD1 + gl * lD1;
    }
    const dSw = dS / wk;
    dHk += dSw;
    dWk -= dSw * s;
    this.xs.backward(k, dXk, dWk, out, base, stride);
    this.ys.backward(k, dYk, dHk, out, base + bins * stride, stride);
    const derivatives = base + 2 * bins * stride;
    if (k > 0) out[derivatives + (k - 1) * stride] = dD0 * this.slope0;
    if (k < bins - 1) out[derivatives + k * stride] = dD1 * this.slope1;
    return dv;
  }

  /** Finds the bin of v (on the y knots when `inverse`) after a {@link load}, its two knot derivatives and θ in it, clipped to [0, 1]. */
  locate(v: number, inverse: boolean): void {
    const { xs, ys, delta, deltaSlope, bins } = this;
    const k = (inverse ? ys : xs).bin(v);
    const xk = xs.left[k] as number;
    const wk = xs.size[k] as number;
    const yk = ys.left[k] as number;
    const hk = ys.size[k] as number;
    const s = hk / wk;
    if (k > 0) this.deriveKnot(k);
    if (k < bins - 1) this.deriveKnot(k + 1);
    const d0 = delta[k] as number;
    const d1 = delta[k + 1] as number;
    const raw = inverse ? rationalQuadraticRoot(v - yk, hk, s, d0, d1) : (v - xk) / wk;
    const clipped = !(raw >= 0 && raw <= 1);
    this.k = k;
    this.xk = xk;
    this.wk = wk;
    this.yk = yk;
    this.hk = hk;
    this.s = s;
    this.d0 = d0;
    this.d1 = d1;
    this.slope0 = deltaSlope[k] as number;
    this.slope1 = deltaSlope[k + 1] as number;
    this.theta = clipped ? (raw > 1 ? 1 : 0) : raw;
    this.clipped = clipped;
  }

  /** Sets δ_j = δ_min + softplus(z_j) = δ_min + max(z_j, 0) + log1p(e^{-|z_j|}) and its slope sigmoid(z_j), from one exp. */
  private deriveKnot(j: number): void {
    const z = this.logits[j] as number;
    const e = expNonPositive(-Math.abs(z));
    this.delta[j] = this.minDerivative + (z > 0 ? z : 0) + Math.log1p(e);
    this.deltaSlope[j] = (z >= 0 ? 1 : e) / (1 + e);
  }
}
