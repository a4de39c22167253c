/**
 * The knots of one axis of a rational-quadratic spline from its K logits, in float64 (Durkan et al.
 * 2019, §3.1): p = softmax(logits), bin sizes 2B·(m + (1 - K·m)·p_j), left knots -B + 2B·Σ_{i<j}(…),
 * with the adjoint that carries ∂L/∂(left knot, size) of one bin back to the logits.
 */
export class HostKnots {
  /** softmax(logits). */
  readonly p: Float64Array;
  /** Left knot of each bin. */
  readonly left: Float64Array;
  /** Size of each bin. */
  readonly size: Float64Array;

  /** Scratch for `bins` bins on [-bound, bound] with smallest bin fraction `minBinSize`. */
  constructor(
    readonly bins: number,
    readonly bound: number,
    readonly minBinSize: number,
  ) {
    this.p = new Float64Array(bins);
    this.left = new Float64Array(bins);
    this.size = new Float64Array(bins);
  }

  /** Reads the logits raw[base + j·stride], j < K, and fills p, left and size. */
  load(raw: ArrayLike<number>, base: number, stride: number): void {
    const { bins, p } = this;
    let max = -Infinity;
    for (let j = 0; j < bins; j++) max = Math.max(max, raw[base + j * stride] as number);
    let total = 0;
    for (let j = 0; j < bins; j++) {
      const e = Math.exp((raw[base + j * stride] as number) - max);
      p[j] = e;
      total += e;
    }
    const span = 2 * this.bound;
    const scale = 1 - bins * this.minBinSize;
    let edge = -this.bound;
    for (let j = 0; j < bins; j++) {
      p[j] = (p[j] as number) / total;
      const size = span * (this.minBinSize + scale * (p[j] as number));
      this.left[j] = edge;
      this.size[j] = size;
      edge += size;
    }
  }

  /** The bin of v: how many interior knots lie strictly below it (a value on a knot takes the lower bin). */
  bin(v: number): number {
    let k = 0;
    while (k < this.bins - 1 && (this.left[k + 1] as number) < v) k++;
    return k;
  }

  /**
   * Writes ∂L/∂logit_j to out[base + j·stride] from ∂L/∂left_k and ∂L/∂size_k of bin k:
   * g_j = 2B·(dLeft·[j < k] + dSize·[j = k]), then ∂L/∂logit_j = (1 - K·m)·p_j·(g_j - Σ_i p_i g_i).
   */
  backward(k: number, dLeft: number, dSize: number, out: Float32Array, base: number, stride: number): void {
    const { p } = this;
    const span = 2 * this.bound;
    const scale = 1 - this.bins * this.minBinSize;
    let below = 0;
    for (let j = 0; j < k; j++) below += p[j] as number;
    const mean = span * (dLeft * below + dSize * (p[k] as number));
    for (let j = 0; j < this.bins; j++) {
      const g = j < k ? span * dLeft : j === k ? span * dSize : 0;
      out[base + j * stride] = scale * (p[j] as number) * (g - mean);
    }
  }
}
