import { HostKnots } from './host-knots.js';
import { rationalQuadratic, rationalQuadraticRoot } from './host-rational-quadratic.js';
import { identityDerivativeLogit } from './parameters.js';

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

/** One element's mapped value and log|∂value/∂input|. */
export interface HostSplineResult {
  value: number;
  logDet: number;
}

/** The bin an input falls in, its knots and derivatives, and the position θ in it. */
interface Bin {
  k: number;
  xk: number;
  wk: number;
  yk: number;
  hk: number;
  d0: number;
  d1: number;
  s: number;
  theta: number;
  /** θ came out of [0, 1] by rounding and was clipped (no gradient flows through it then). */
  clipped: boolean;
}

const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * The rational-quadratic spline of one element (Durkan et al. 2019) on the host in float64, from
 * its 3K - 1 raw parameters (K width logits, K height logits, K - 1 derivative logits u with interior
 * δ = δ_min + softplus(u + u₀), u₀ = log(e^{1-δ_min} - 1) so that u = 0 gives δ = 1, boundary δ = 1):
 * value and log-slope in either direction, and the backward pass to the input and the raw parameters.
 * Callers keep inputs outside [-B, B] (the identity tails) away from it.
 */
export class HostSpline {
  /** Knots on the input axis. */
  readonly xs: HostKnots;
  /** Knots on the output axis. */
  readonly ys: HostKnots;
  /** Knot derivatives δ_0, ..., δ_K. */
  private readonly delta: Float64Array;
  /** ∂δ_j/∂u_{j-1} = sigmoid(u_{j-1} + u₀) at the interior knots. */
  private readonly deltaSlope: Float64Array;
  private readonly offset: number;

  /** Scratch for one element at a time. */
  constructor(readonly settings: SplineSettings) {
    const { bins, bound, minBinSize, minDerivative } = settings;
    this.xs = new HostKnots(bins, bound, minBinSize);
    this.ys = new HostKnots(bins, bound, minBinSize);
    this.delta = new Float64Array(bins + 1).fill(1);
    this.deltaSlope = new Float64Array(bins + 1);
    this.offset = identityDerivativeLogit(minDerivative);
  }

  /** Whether v lies in [-B, B], where the spline acts (outside: the identity, log-slope 0). */
  inside(v: number): boolean {
    return Math.abs(v) <= this.settings.bound;
  }

  /** Reads one element's parameters, head h at raw[base + h·stride], h < 3K - 1. */
  load(raw: ArrayLike<number>, base: number, stride: number): void {
    const { bins, minDerivative } = this.settings;
    this.xs.load(raw, base, stride);
    this.ys.load(raw, base + bins * stride, stride);
    for (let j = 1; j < bins; j++) {
      const z = (raw[base + (2 * bins + j - 1) * stride] as number) + this.offset;
      this.delta[j] = minDerivative + softplus(z);
      this.deltaSlope[j] = sigmoid(z);
    }
  }

  /** g(v) (or g⁻¹(v) when `inverse`) and log|∂/∂v| of that map, for v inside [-B, B]. */
  apply(v: number, inverse: boolean): HostSplineResult {
    const bin = this.locate(v, inverse);
    const rq = rationalQuadratic(bin.theta, bin.s, bin.d0, bin.d1);
    return inverse
      ? { value: bin.xk + bin.theta * bin.wk, logDet: -rq.logSlope }
      : { value: bin.yk + bin.hk * rq.ratio, logDet: rq.logSlope };
  }

  /**
   * Backward pass of {@link apply} at v with ∂L/∂value = gv and ∂L/∂logDet = gl: writes ∂L/∂raw to
   * out[base + h·stride] and returns ∂L/∂v. Forward: y = y_k + h_k·R(θ), θ = (x - x_k)/w_k. Inverse:
   * x = x_k + θ·w_k with θ implicit in y = y_k + h_k·R(θ), so ∂θ = -(∂(h_k R) + ∂y_k - ∂y)/(h_k ∂R/∂θ);
   * then s = h_k/w_k, the knots' cumulative sums and softmax, and the derivatives' softplus.
   */
  backward(
    v: number,
    inverse: boolean,
    gv: number,
    gl: number,
    out: Float32Array,
    base: number,
    stride: number,
  ): number {
    const { bins } = this.settings;
    const { k, wk, hk, s, d0, d1, theta, clipped } = this.locate(v, inverse);
    const rq = rationalQuadratic(theta, s, d0, d1);
    const [rTheta, rS, rD0, rD1] = rq.dRatio;
    const [lTheta, lS, lD0, lD1] = rq.dLogSlope;
    let dv: number;
    let dXk: number;
    let dWk: number;
    let dYk: number;
    let dHk: number;
    let dS: number;
    let dD0: number;
    let dD1: number;
    if (inverse) {
      dXk = gv;
      dWk = gv * theta;
      dS = -gl * lS;
      dD0 = -gl * lD0;
      dD1 = -gl * lD1;
      // ∂L/∂θ through x and -ℓ, divided by ∂y/∂θ = h_k ∂R/∂θ (> 0).
      const t = clipped ? 0 : (gv * wk - gl * lTheta) / (hk * rTheta);
      dv = t;
      dYk = -t;
      dHk = -t * rq.ratio;
      dS -= t * hk * rS;
      dD0 -= t * hk * rD0;
      dD1 -= t * hk * rD1;
    } else {
      const dTheta = clipped ? 0 : gv * hk * rTheta + gl * lTheta;
      dv = dTheta / wk;
      dXk = -dv;
      dWk = -dv * theta;
      dYk = gv;
      dHk = gv * rq.ratio;
      dS = gv * hk * rS + gl * lS;
      dD0 = gv * hk * rD0 + gl * lD0;
      dD1 = gv * hk * rD1 + gl * lD1;
    }
    dHk += dS / wk;
    dWk -= (dS * s) / wk;
    this.xs.backward(k, dXk, dWk, out, base, stride);
    this.ys.backward(k, dYk, dHk, out, base + bins * stride, stride);
    const derivatives = base + 2 * bins * stride;
    if (k > 0) out[derivatives + (k - 1) * stride] = dD0 * (this.deltaSlope[k] as number);
    if (k < bins - 1) out[derivatives + k * stride] = dD1 * (this.deltaSlope[k + 1] as number);
    return dv;
  }

  /** The bin of v (on the y knots when `inverse`) and θ in it, clipped to [0, 1]. */
  private locate(v: number, inverse: boolean): Bin {
    const { xs, ys, delta } = this;
    const k = (inverse ? ys : xs).bin(v);
    const xk = xs.left[k] as number;
    const wk = xs.size[k] as number;
    const yk = ys.left[k] as number;
    const hk = ys.size[k] as number;
    const d0 = delta[k] as number;
    const d1 = delta[k + 1] as number;
    const s = hk / wk;
    const raw = inverse ? rationalQuadraticRoot(v - yk, hk, s, d0, d1) : (v - xk) / wk;
    const clipped = !(raw >= 0 && raw <= 1);
    return { k, xk, wk, yk, hk, d0, d1, s, theta: clipped ? (raw > 1 ? 1 : 0) : raw, clipped };
  }
}
