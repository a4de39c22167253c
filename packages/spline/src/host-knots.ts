import { expNonPositive } from './host-exp.js';

/**
 * The knots of one axis of a rational-quadratic spline from its K logits, in float64 (Durkan et al.
 * 2019, §3.1): p = softmax(logits), bin sizes 2B·(m + (1 - K·m)·p_j), left knots -B + 2B·Σ_{i<j}(…),
 * with the adjoint that carries ∂L/∂(left knot, size) of one bin back to the logits. Both axes of
 * an element are loaded together by {@link loadKnots}.
 */
export class HostKnots {
  /** softmax(logits). */
  readonly p: Float64Array;
  /** Left knot of each bin. */
  readonly left: Float64Array;
  /** Size of each bin. */
  readonly size: Float64Array;
  /** 2B, the span of the knots. */
  private readonly span: number;
  /** 1 - K·m, the share of the span that the softmax distributes. */
  private readonly scale: number;
  /** 2B·m, the smallest bin size. */
  private readonly floor: number;
  /** 2B·(1 - K·m), the size the softmax distributes. */
  private readonly share: number;

  /** Scratch for `bins` bins on [-bound, bound] with smallest bin fraction `minBinSize`. */
  constructor(
    readonly bins: number,
    readonly bound: number,
    readonly minBinSize: number,
  ) {
    this.p = new Float64Array(bins);
    this.left = new Float64Array(bins);
    this.size = new Float64Array(bins);
    this.span = 2 * bound;
    this.scale = 1 - bins * minBinSize;
    this.floor = this.span * minBinSize;
    this.share = this.span * this.scale;
  }

  /** Sets p = e·norm from the exps e it holds and fills left and size. */
  normalize(norm: number): void {
    const { bins, p, left, size, floor, share } = this;
    let edge = -this.bound;
    for (let j = 0; j < bins; j++) {
      const pj = (p[j] as number) * norm;
      const sj = floor + share * pj;
      p[j] = pj;
      left[j] = edge;
      size[j] = sj;
      edge += sj;
    }
  }

  /** Writes p_j to out[base + j], j < K (float32: what {@link restore} reads back). */
  save(out: Float32Array, base: number): void {
    const { bins, p } = this;
    for (let j = 0; j < bins; j++) out[base + j] = p[j] as number;
  }

  /** Reads p back from a {@link save}; only p (not left, size) is set, as {@link backward} needs. */
  restore(cache: Float32Array, base: number): void {
    const { bins, p } = this;
    for (let j = 0; j < bins; j++) p[j] = cache[base + j] as number;
  }

  /** The size 2B·(m + (1 - K·m)·p_j) of bin j from p alone. */
  sizeOf(j: number): number {
    return this.floor + this.share * (this.p[j] as number);
  }

  /** The bin of v: how many interior knots lie strictly below it (a value on a knot takes the lower bin). */
  bin(v: number): number {
    const { left } = this;
    const last = this.bins - 1;
    let k = 0;
    while (k < last && (left[k + 1] as number) < v) k++;
    return k;
  }

  /**
   * Writes ∂L/∂logit_j to out[base + j·stride] from ∂L/∂left_k and ∂L/∂size_k of bin k:
   * g_j = 2B·(dLeft·[j < k] + dSize·[j = k]), then ∂L/∂logit_j = (1 - K·m)·p_j·(g_j - Σ_i p_i g_i).
   */
  backward(k: number, dLeft: number, dSize: number, out: Float32Array, base: number, stride: number): void {
    const { p, bins, scale } = this;
    const gLeft = this.span * dLeft;
    const gSize = this.span * dSize;
    let below = 0;
    for (let j = 0; j < k; j++) below += p[j] as number;
    const pk = p[k] as number;
    const mean = gLeft * below + gSize * pk;
    const lower = scale * (gLeft - mean);
    const upper = -scale * mean;
    let at = base;
    for (let j = 0; j < k; j++, at += stride) out[at] = (p[j] as number) * lower;
    out[at] = pk * scale * (gSize - mean);
    at += stride;
    for (let j = k + 1; j < bins; j++, at += stride) out[at] = (p[j] as number) * upper;
  }
}

/**
 * Loads the K width logits raw[base + j·stride] into `xs` and the K height logits
 * raw[base + (K + j)·stride] into `ys`: both softmaxes in the same loops (two independent exps per
 * step run side by side, ~20% faster than one axis after the other).
 */
export function loadKnots(
  xs: HostKnots,
  ys: HostKnots,
  raw: ArrayLike<number>,
  base: number,
  stride: number,
): void {
  const { bins } = xs;
  const gap = bins * stride;
  let xMax = -Infinity;
  let yMax = -Infinity;
  for (let j = 0, at = base; j < bins; j++, at += stride) {
    const x = raw[at] as number;
    const y = raw[at + gap] as number;
    if (x > xMax) xMax = x;
    if (y > yMax) yMax = y;
  }
  const px = xs.p;
  const py = ys.p;
  let xTotal = 0;
  let yTotal = 0;
  for (let j = 0, at = base; j < bins; j++, at += stride) {
    const ex = expNonPositive((raw[at] as number) - xMax);
    const ey = expNonPositive((raw[at + gap] as number) - yMax);
    px[j] = ex;
    py[j] = ey;
    xTotal += ex;
    yTotal += ey;
  }
  xs.normalize(1 / xTotal);
  ys.normalize(1 / yTotal);
}
