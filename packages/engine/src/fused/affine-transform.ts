import { defineHostKernel } from '../kernels/host-kernel.js';
import { sizeOfRows, transformKernels, type TransformKernelAttrs } from './transform-kernels.js';
import type { ElementwiseTransform } from './elementwise-transform.js';

/** Default bound c of affine log-scales, s = c·tanh(ŝ/c) ∈ (-c, c): a factor of at most e² ≈ 7.4 per layer. */
export const DEFAULT_SCALE_BOUND = 2;

type Attrs = TransformKernelAttrs & { bound: number };

const apply = defineHostKernel<Attrs>({
  name: 'Bijective.Affine',
  outputShapes: ([u]) => [[...(u as number[])], [(u as number[])[0] as number]],
  run([u, raw], [value, logDet], [shape], { columns, bound, inverse }) {
    const [n, d] = sizeOfRows(shape);
    const b = columns.length;
    (value as Float32Array).set(u as Float32Array);
    for (let r = 0; r < n; r++) {
      let sum = 0;
      for (let k = 0; k < b; k++) {
        const i = r * d + (columns[k] as number);
        const s = bound * Math.tanh((raw as Float32Array)[r * 2 * b + k]! / bound);
        const t = (raw as Float32Array)[r * 2 * b + b + k]!;
        const x = (u as Float32Array)[i]!;
        (value as Float32Array)[i] = inverse ? (x - t) * Math.exp(-s) : x * Math.exp(s) + t;
        sum += s;
      }
      (logDet as Float32Array)[r] = inverse ? -sum : sum;
    }
  },
});

const grad = defineHostKernel<Attrs>({
  name: 'Bijective.AffineGrad',
  outputShapes: ([u, raw]) => [
    [...(u as number[])],
    [...(raw as number[])],
    [(raw as number[])[1] as number],
  ],
  run([u, raw, dValue, dLogDet], [du, dRaw, dRawSums], [shape], { columns, bound, inverse }) {
    const [n, d] = sizeOfRows(shape);
    const b = columns.length;
    (du as Float32Array).set(dValue as Float32Array);
    const sums = new Float64Array(2 * b);
    for (let r = 0; r < n; r++) {
      const dl = (dLogDet as Float32Array)[r]!;
      for (let k = 0; k < b; k++) {
        const i = r * d + (columns[k] as number);
        const th = Math.tanh((raw as Float32Array)[r * 2 * b + k]! / bound);
        const s = bound * th;
        const t = (raw as Float32Array)[r * 2 * b + b + k]!;
        const x = (u as Float32Array)[i]!;
        const g = (dValue as Float32Array)[i]!;
        // forward y = x e^s + t: ∂y/∂s = x e^s; inverse y = (x - t) e^{-s}: ∂y/∂s = -y, ∂y/∂t = -e^{-s}.
        const e = Math.exp(inverse ? -s : s);
        const dS = inverse ? -g * (x - t) * e - dl : g * x * e + dl;
        const dSHat = dS * (1 - th * th);
        const dT = inverse ? -g * e : g;
        (du as Float32Array)[i] = g * e;
        (dRaw as Float32Array)[r * 2 * b + k] = dSHat;
        (dRaw as Float32Array)[r * 2 * b + b + k] = dT;
        sums[k] = sums[k]! + dSHat;
        sums[b + k] = sums[b + k]! + dT;
      }
    }
    (dRawSums as Float32Array).set(sums);
  },
});

/**
 * RealNVP's affine map with a soft-bounded log-scale (Dinh et al. 2017; MAF, Papamakarios et al.
 * 2017): heads (ŝ, t), s = c·tanh(ŝ/c) (≈ ŝ for |ŝ| ≪ c); forward y = x ⊙ exp(s) + t with
 * log|det J| = Σ s, inverse x = (y - t) ⊙ exp(-s) with -Σ s. One host kernel per direction and one
 * for the backward pass; inside the engine's one-kernel wasm runs, the SIMD module's `affineMap`.
 */
export function affineTransform(bound: number): ElementwiseTransform {
  return {
    ...transformKernels({ heads: 2, hasLogDet: true, apply, grad, attrs: { bound } }),
    simd: { kind: 'affine', bound },
  };
}
