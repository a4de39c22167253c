/** An axis-aligned 2-D window `[xMin, xMax] x [yMin, yMax]`. */
export interface Bounds {
  /** Smallest x shown. */
  xMin: number;
  /** Largest x shown. */
  xMax: number;
  /** Smallest y shown. */
  yMin: number;
  /** Largest y shown. */
  yMax: number;
}

/** A window around 2-D points: their 0.5%-99.5% quantile box widened by `margin` of its size on each side. */
export function boundsOf(points: Float32Array, margin = 0.15): Bounds {
  const n = points.length / 2;
  const xs = Float64Array.from({ length: n }, (_, i) => points[2 * i] as number).sort();
  const ys = Float64Array.from({ length: n }, (_, i) => points[2 * i + 1] as number).sort();
  const q = (a: Float64Array, p: number) =>
    a[Math.min(n - 1, Math.max(0, Math.round(p * (n - 1))))] as number;
  const [x0, x1, y0, y1] = [q(xs, 0.005), q(xs, 0.995), q(ys, 0.005), q(ys, 0.995)];
  const dx = Math.max(x1 - x0, 1e-6) * margin;
  const dy = Math.max(y1 - y0, 1e-6) * margin;
  return { xMin: x0 - dx, xMax: x1 + dx, yMin: y0 - dy, yMax: y1 + dy };
}

/** Centres of a `resolution x resolution` grid over `bounds`, row-major from the top row (largest y). */
export function gridPoints(bounds: Bounds, resolution: number): Float32Array {
  const out = new Float32Array(resolution * resolution * 2);
  for (let row = 0; row < resolution; row++) {
    for (let col = 0; col < resolution; col++) {
      const i = 2 * (row * resolution + col);
      out[i] = bounds.xMin + ((col + 0.5) / resolution) * (bounds.xMax - bounds.xMin);
      out[i + 1] = bounds.yMax - ((row + 0.5) / resolution) * (bounds.yMax - bounds.yMin);
    }
  }
  return out;
}
