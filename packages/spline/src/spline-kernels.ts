import { defineHostKernel } from '@bijective/engine';
import { HostSpline, cacheHeads, type SplineSettings } from './host-spline.js';

/** Attributes of the spline's host kernels: the settings, the transformed columns B, the direction and whether a cache passes between them. */
export type SplineKernelAttrs = SplineSettings & {
  /** The transformed columns B, in head order. */
  columns: readonly number[];
  /** g⁻¹ instead of g. */
  inverse: boolean;
  /** Apply: also output the cache; grad: read it (the input after ∂L/∂value) instead of recomputing from raw. */
  cache: boolean;
};

/** The loop bounds of the spline's kernels on u `[n, d]`: rows n, row length d, |B| and the raw row width (3K - 1)·|B|. */
function extents(shape: readonly number[], attrs: SplineKernelAttrs): [number, number, number, number] {
  const m = attrs.columns.length;
  return [shape[0] as number, shape[1] as number, m, (3 * attrs.bins - 1) * m];
}

/** The cache's row width (2K + 7)·|B|: `HostSpline.save` of B's k-th column at (2K + 7)·k. */
function cacheWidth(attrs: SplineKernelAttrs): number {
  return cacheHeads(attrs.bins) * attrs.columns.length;
}

/**
 * The rational-quadratic spline (Durkan et al. 2019) of columns B of u `[n, d]` as one host kernel:
 * (u, raw) -> (value `[n, d]`, Σ_B log|∂value/∂u| `[n]`[, cache `[n, (2K + 7)·|B|]`]), forward or
 * inverse, identity elsewhere (and on the tails outside [-B, B]); head h of B's k-th column is raw
 * column h·|B| + k. The cache (with `attrs.cache`) is each element's state for the grad kernel.
 */
export const splineApplyKernel = defineHostKernel<SplineKernelAttrs>({
  name: 'Bijective.Spline.Apply',
  outputShapes: ([shape], attrs) => {
    const n = (shape as number[])[0] as number;
    return [[...(shape as number[])], [n], ...(attrs.cache ? [[n, cacheWidth(attrs)]] : [])];
  },
  run(inputs, outputs, [shape], attrs) {
    const [u, raw] = inputs as [Float32Array, Float32Array];
    const [value, logDet, cache] = outputs as [Float32Array, Float32Array, Float32Array?];
    const [n, d, m, width] = extents(shape as number[], attrs);
    const { columns, inverse } = attrs;
    const stored = cacheWidth(attrs);
    const heads = cacheHeads(attrs.bins);
    const spline = new HostSpline(attrs);
    value.set(u);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let k = 0; k < m; k++) {
        const at = i * d + (columns[k] as number);
        const v = u[at] as number;
        if (!spline.inside(v)) continue;
        spline.load(raw, i * width + k, m);
        value[at] = spline.apply(v, inverse);
        sum += spline.logDet;
        if (cache) spline.save(cache, i * stored + k * heads);
      }
      logDet[i] = sum;
    }
  },
});

/**
 * The backward pass of {@link splineApplyKernel} as one host kernel: (u, raw, ∂L/∂value[, cache][, ∂L/∂logDet])
 * -> (∂L/∂u `[n, d]`, ∂L/∂raw `[n, (3K - 1)·|B|]`, its column sums), float64 inside (see `HostSpline.backward`);
 * from the apply kernel's cache (with `attrs.cache`) it skips the softmaxes, the bin search and the root.
 */
export const splineGradKernel = defineHostKernel<SplineKernelAttrs>({
  name: 'Bijective.Spline.Grad',
  outputShapes: ([uShape, rawShape]) => [
    [...(uShape as number[])],
    [...(rawShape as number[])],
    [(rawShape as number[])[1] as number],
  ],
  run(inputs, outputs, [shape], attrs) {
    const [u, raw, dValue] = inputs as [Float32Array, Float32Array, Float32Array];
    const cache = attrs.cache ? (inputs[3] as Float32Array) : null;
    const dLogDet = inputs[attrs.cache ? 4 : 3];
    const [du, dRaw, dRawSums] = outputs as [Float32Array, Float32Array, Float32Array];
    const [n, d, m, width] = extents(shape as number[], attrs);
    const { columns, inverse } = attrs;
    const stored = cacheWidth(attrs);
    const heads = cacheHeads(attrs.bins);
    const spline = new HostSpline(attrs);
    du.set(dValue);
    for (let i = 0; i < n; i++) {
      const gl = dLogDet ? (dLogDet[i] as number) : 0;
      for (let k = 0; k < m; k++) {
        const at = i * d + (columns[k] as number);
        const v = u[at] as number;
        if (!spline.inside(v)) continue;
        if (cache) spline.restore(cache, i * stored + k * heads);
        else {
          spline.load(raw, i * width + k, m);
          spline.locate(v, inverse);
        }
        du[at] = spline.backward(inverse, dValue[at] as number, gl, dRaw, i * width + k, m);
      }
    }
    for (let j = 0; j < width; j++) {
      let sum = 0;
      for (let at = j; at < dRaw.length; at += width) sum += dRaw[at] as number;
      dRawSums[j] = sum;
    }
  },
});
