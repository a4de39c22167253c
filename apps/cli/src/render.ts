import { colormap } from './colormap.js';
import type { RgbImage } from './png.js';

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

function plotPoint(
  image: RgbImage,
  bounds: Bounds,
  x: number,
  y: number,
  rgb: readonly number[],
  alpha: number,
): void {
  const col = Math.floor(((x - bounds.xMin) / (bounds.xMax - bounds.xMin)) * image.width);
  const row = Math.floor(((bounds.yMax - y) / (bounds.yMax - bounds.yMin)) * image.height);
  if (col < 0 || row < 0 || col >= image.width || row >= image.height) return;
  const i = 3 * (row * image.width + col);
  for (let k = 0; k < 3; k++) {
    image.pixels[i + k] = Math.round(
      (image.pixels[i + k] as number) * (1 - alpha) + (rgb[k] as number) * alpha,
    );
  }
}

/**
 * A density heat map: each grid cell coloured by p(x) / max p (the exp of `logDensity`, row-major
 * as {@link gridPoints} orders it), with optional data points overlaid in white.
 */
export function renderDensity(
  logDensity: Float32Array | Float64Array,
  resolution: number,
  bounds: Bounds,
  overlay?: Float32Array,
): RgbImage {
  let max = -Infinity;
  for (const v of logDensity) if (Number.isFinite(v) && v > max) max = v;
  const pixels = new Uint8Array(resolution * resolution * 3);
  logDensity.forEach((v, i) => pixels.set(colormap(Number.isFinite(v) ? Math.exp(v - max) : 0), 3 * i));
  const image = { width: resolution, height: resolution, pixels };
  if (overlay) {
    for (let i = 0; i + 1 < overlay.length; i += 2) {
      plotPoint(image, bounds, overlay[i] as number, overlay[i + 1] as number, [255, 255, 255], 0.5);
    }
  }
  return image;
}

/** A scatter plot of 2-D points: a 2-D histogram over `bounds`, coloured by count on a square-root scale. */
export function renderScatter(points: Float32Array, resolution: number, bounds: Bounds): RgbImage {
  const counts = new Float64Array(resolution * resolution);
  for (let i = 0; i + 1 < points.length; i += 2) {
    const col = Math.floor(
      (((points[i] as number) - bounds.xMin) / (bounds.xMax - bounds.xMin)) * resolution,
    );
    const row = Math.floor(
      ((bounds.yMax - (points[i + 1] as number)) / (bounds.yMax - bounds.yMin)) * resolution,
    );
    if (col >= 0 && row >= 0 && col < resolution && row < resolution) counts[row * resolution + col]! += 1;
  }
  const max = Math.max(1, ...counts);
  const pixels = new Uint8Array(resolution * resolution * 3);
  counts.forEach((c, i) => pixels.set(colormap(Math.sqrt(c / max)), 3 * i));
  return { width: resolution, height: resolution, pixels };
}

/**
 * Tiles `n` grey or RGB images (`[n, h, w, c]` values in [0, 1], c = 1 or 3) into a grid of `cols`
 * columns with a one-pixel border.
 */
export function renderImageGrid(
  images: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  cols: number,
): RgbImage {
  const rows = Math.ceil(n / cols);
  const width = cols * (w + 1) + 1;
  const height = rows * (h + 1) + 1;
  const pixels = new Uint8Array(width * height * 3).fill(40);
  for (let k = 0; k < n; k++) {
    const top = 1 + Math.floor(k / cols) * (h + 1);
    const left = 1 + (k % cols) * (w + 1);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = ((k * h + y) * w + x) * c;
        const dst = 3 * ((top + y) * width + left + x);
        for (let ch = 0; ch < 3; ch++) {
          const v = images[src + (c === 3 ? ch : 0)] as number;
          pixels[dst + ch] = Math.round(255 * Math.min(1, Math.max(0, v)));
        }
      }
    }
  }
  return { width, height, pixels };
}
