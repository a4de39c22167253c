import * as tf from '@tensorflow/tfjs-core';
import { defineHostKernel } from '@bijective/core';
import { HostSpline, type SplineSettings } from './host-spline.js';

/** Attributes of the spline's host kernels: the settings, the transformed columns B and the direction. */
export type SplineKernelAttrs = SplineSettings & {
  /** The transformed columns B, in head order. */
  columns: readonly number[];
  /** g⁻¹ instead of g. */
  inverse: boolean;
};

/**
 * Calls `visit(spline, row, at, v, base)` for each transformed element v = u[at] of u `[n, d]` that
 * lies inside [-B, B] (the tails are the identity), with the spline loaded from its raw parameters
 * (head h of B's k-th column is raw column h·|B| + k; base is the flat index of its head 0).
 */
function forEachInside(
  u: Float32Array,
  raw: Float32Array,
  shape: readonly number[],
  attrs: SplineKernelAttrs,
  visit: (spline: HostSpline, row: number, at: number, v: number, base: number) => void,
): void {
  const [n, d] = shape as [number, number];
  const { columns } = attrs;
  const m = columns.length;
  const width = (3 * attrs.bins - 1) * m;
  const spline = new HostSpline(attrs);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) {
      const at = i * d + (columns[k] as number);
      const v = u[at] as number;
      if (!spline.inside(v)) continue;
      spline.load(raw, i * width + k, m);
      visit(spline, i, at, v, i * width + k);
    }
  }
}

const APPLY = 'Bijective.Spline.Apply';

/**
 * The rational-quadratic spline (Durkan et al. 2019) of columns B of u `[n, d]` as one host kernel:
 * (u, raw) -> (value `[n, d]`, Σ_B log|∂value/∂u| `[n]`), forward or inverse, identity elsewhere.
 * Differentiable: its registered gradient runs {@link splineGradKernel}.
 */
export const splineApplyKernel = defineHostKernel<SplineKernelAttrs>({
  name: APPLY,
  outputShapes: ([shape]) => [[...(shape as number[])], [(shape as number[])[0] as number]],
  run(inputs, outputs, [shape], attrs) {
    const [u, raw] = inputs as [Float32Array, Float32Array];
    const [value, logDet] = outputs as [Float32Array, Float32Array];
    value.set(u);
    const sums = new Float64Array(logDet.length);
    forEachInside(u, raw, shape as number[], attrs, (spline, i, at, v) => {
      const r = spline.apply(v, attrs.inverse);
      value[at] = r.value;
      sums[i] = (sums[i] as number) + r.logDet;
    });
    logDet.set(sums);
  },
});

/**
 * The backward pass of {@link splineApplyKernel} as one host kernel: (u, raw, ∂L/∂value[, ∂L/∂logDet])
 * -> (∂L/∂u `[n, d]`, ∂L/∂raw `[n, (3K - 1)·|B|]`, its column sums), float64 inside (see `HostSpline.backward`).
 */
export const splineGradKernel = defineHostKernel<SplineKernelAttrs>({
  name: 'Bijective.Spline.Grad',
  outputShapes: ([uShape, rawShape]) => [
    [...(uShape as number[])],
    [...(rawShape as number[])],
    [(rawShape as number[])[1] as number],
  ],
  run(inputs, outputs, [shape], attrs) {
    const [u, raw, dValue, dLogDet] = inputs as [Float32Array, Float32Array, Float32Array, Float32Array?];
    const [du, dRaw, dRawSums] = outputs as [Float32Array, Float32Array, Float32Array];
    const stride = attrs.columns.length;
    du.set(dValue);
    forEachInside(u, raw, shape as number[], attrs, (spline, i, at, v, base) => {
      const gl = dLogDet ? (dLogDet[i] as number) : 0;
      du[at] = spline.backward(v, attrs.inverse, dValue[at] as number, gl, dRaw, base, stride);
    });
    const width = dRawSums.length;
    const sums = new Float64Array(width);
    for (let j = 0; j < dRaw.length; j++) sums[j % width] = (sums[j % width] as number) + (dRaw[j] as number);
    dRawSums.set(sums);
  },
});

tf.registerGradient({
  kernelName: APPLY,
  inputsToSave: ['x0', 'x1'],
  gradFunc: (dys, saved, attrs) => {
    const [dValue, dLogDet] = dys as [tf.Tensor, tf.Tensor];
    const [du, dRaw] = splineGradKernel([...saved, dValue, dLogDet], attrs as unknown as SplineKernelAttrs);
    return { x0: () => du as tf.Tensor, x1: () => dRaw as tf.Tensor };
  },
});
