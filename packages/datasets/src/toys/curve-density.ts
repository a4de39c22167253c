/** Quadrature nodes of a weighted curve: positions and the probability mass each node carries. */
export interface CurveNodes {
  /** x of each node. */
  readonly xs: Float64Array;
  /** y of each node. */
  readonly ys: Float64Array;
  /** Probability mass of each node (all curves of a mixture together sum to 1). */
  readonly mass: Float64Array;
}

/**
 * Midpoint-rule nodes for a curve c(t), t uniform on [a, b], carrying total mass `weight`:
 * `n` nodes at t_i = a + (i + 1/2)(b - a)/n, each of mass weight/n.
 */
export function uniformCurveNodes(
  curve: (t: number) => readonly [number, number],
  a: number,
  b: number,
  n: number,
  weight: number,
): CurveNodes {
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [x, y] = curve(a + ((i + 0.5) * (b - a)) / n);
    xs[i] = x;
    ys[i] = y;
  }
  return { xs, ys, mass: new Float64Array(n).fill(weight / n) };
}

/** Joins the nodes of several mixture components. */
export function joinNodes(parts: readonly CurveNodes[]): CurveNodes {
  const join = (pick: (p: CurveNodes) => Float64Array): Float64Array => {
    const out = new Float64Array(parts.reduce((s, p) => s + pick(p).length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(pick(p), at);
      at += pick(p).length;
    }
    return out;
  };
  return { xs: join((p) => p.xs), ys: join((p) => p.ys), mass: join((p) => p.mass) };
}

/**
 * log p(x) for p = (curve measure) * N(0, σ²I): log Σ_i m_i N(x; c_i, σ²I), i.e.
 * -log(2πσ²) - d²_min/(2σ²) + log Σ_i m_i exp(-(d²_i - d²_min)/(2σ²)), stable far from the curve.
 */
export function smoothedCurveLogDensity(nodes: CurveNodes, sigma: number): (x: number, y: number) => number {
  const { xs, ys, mass } = nodes;
  const half = 1 / (2 * sigma * sigma);
  const logNorm = -Math.log(2 * Math.PI * sigma * sigma);
  const d2 = new Float64Array(xs.length);
  return (x, y) => {
    let min = Infinity;
    for (let i = 0; i < xs.length; i++) {
      const dx = x - (xs[i] as number);
      const dy = y - (ys[i] as number);
      const d = dx * dx + dy * dy;
      d2[i] = d;
      if (d < min) min = d;
    }
    if (!Number.isFinite(min)) return -Infinity;
    let sum = 0;
    for (let i = 0; i < xs.length; i++)
      sum += (mass[i] as number) * Math.exp(-((d2[i] as number) - min) * half);
    return logNorm - min * half + Math.log(sum);
  };
}

/**
 * Node count for the midpoint rule on a curve of length at most `length` smoothed by noise `sigma`:
 * spacing σ/10 on open curves (endpoint error ~ (h/σ)²/24), σ/2 on closed ones (spectral accuracy).
 */
export function nodeCount(length: number, sigma: number, closed: boolean): number {
  return Math.min(200_000, Math.max(64, Math.ceil(length / (closed ? sigma / 2 : sigma / 10))));
}
