import type * as tf from '@tensorflow/tfjs-core';
import { defineHostKernel } from '@bijective/engine';
import { pixelLayout } from './host-backends.js';

/** The fixed parts of the LU map: P's row order, the diagonal's signs, and the direction (W⁻¹ when `inverse`). @internal */
export type LuMixAttrs = { permutation: readonly number[]; signs: readonly number[]; inverse: boolean };
type Attrs = LuMixAttrs;

/** The LU factors in float64: L (unit lower), Ũ = U + diag(s ⊙ e^ℓ), and the matrix the map applies (W or W⁻¹), row-major. @internal */
export interface Factors {
  lower: Float64Array;
  upper: Float64Array;
  matrix: Float64Array;
}

/**
 * W = P L Ũ (row i of L Ũ at row permutation[i]) or W⁻¹ = Ũ⁻¹ L⁻¹ Pᵀ by forward and back
 * substitution, from the masked factor variables, in float64. @internal
 */
export function factors(
  lowerVar: Float32Array,
  upperVar: Float32Array,
  logDiag: Float32Array,
  { permutation, signs, inverse }: Attrs,
): Factors {
  const d = logDiag.length;
  const lower = new Float64Array(d * d);
  const upper = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    lower[i * d + i] = 1;
    upper[i * d + i] = signs[i]! * Math.exp(logDiag[i]!);
    for (let j = 0; j < i; j++) lower[i * d + j] = lowerVar[i * d + j]!;
    for (let j = i + 1; j < d; j++) upper[i * d + j] = upperVar[i * d + j]!;
  }
  const matrix = new Float64Array(d * d);
  if (!inverse) {
    for (let i = 0; i < d; i++) {
      const row = permutation[i]! * d;
      for (let j = 0; j < d; j++) {
        let sum = 0;
        for (let m = 0; m <= Math.min(i, j); m++) sum += lower[i * d + m]! * upper[m * d + j]!;
        matrix[row + j] = sum;
      }
    }
    return { lower, upper, matrix };
  }
  // Column e of (L Ũ)⁻¹: solve L y = e_col (unit lower), then Ũ x = y; it is column permutation[col] of W⁻¹.
  const y = new Float64Array(d);
  for (let col = 0; col < d; col++) {
    for (let i = 0; i < d; i++) {
      let sum = i === col ? 1 : 0;
      for (let m = 0; m < i; m++) sum -= lower[i * d + m]! * y[m]!;
      y[i] = sum;
    }
    const out = permutation[col]!;
    for (let i = d - 1; i >= 0; i--) {
      let sum = y[i]!;
      for (let m = i + 1; m < d; m++) sum -= upper[i * d + m]! * matrix[m * d + out]!;
      matrix[i * d + out] = sum / upper[i * d + i]!;
    }
  }
  return { lower, upper, matrix };
}

/**
 * ∂L/∂(lower, upper, ℓ) from G = ∂L/∂M (M the applied matrix, W or W⁻¹) and the log-det's gradient
 * summed over rows: through M = W⁻¹ ∂L/∂W = −Mᵀ G Mᵀ; W = P A with A = L Ũ: ∂A row i = ∂W row
 * permutation[i], ∂L = ∂A Ũᵀ, ∂Ũ = Lᵀ ∂A. @internal
 */
export function factorGradients(
  g: Float64Array,
  { lower, upper, matrix }: Factors,
  attrs: LuMixAttrs,
  perRow: number,
  rows: number,
  dLower: Float32Array,
  dUpper: Float32Array,
  dLogDiag: Float32Array,
): void {
  const d = dLogDiag.length;
  let gw = g;
  if (attrs.inverse) {
    const t = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let sum = 0;
        for (let m = 0; m < d; m++) sum += matrix[m * d + i]! * g[m * d + j]!;
        t[i * d + j] = sum;
      }
    gw = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let sum = 0;
        for (let m = 0; m < d; m++) sum += t[i * d + m]! * matrix[j * d + m]!;
        gw[i * d + j] = -sum;
      }
  }
  const sign = attrs.inverse ? -1 : 1;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      if (j < i) {
        let sum = 0;
        for (let m = j; m < d; m++) sum += gw[attrs.permutation[i]! * d + m]! * upper[j * d + m]!;
        dLower[i * d + j] = sum;
      } else {
        let sum = 0;
        for (let m = i; m < d; m++) sum += lower[m * d + i]! * gw[attrs.permutation[m]! * d + j]!;
        if (j > i) dUpper[i * d + j] = sum;
        else dLogDiag[i] = sum * upper[i * d + i]! + sign * perRow * rows;
      }
    }
  }
}

/** ∂L/∂(x, lower, upper, ℓ) of {@link luMixKernel} from (x, lower, upper, ℓ, ∂value, ∂logDet). */
const grad = defineHostKernel<Attrs>({
  name: 'Bijective.LUMixGrad',
  outputShapes: ([x, l, u, s]) => [
    [...(x as number[])],
    [...(l as number[])],
    [...(u as number[])],
    [...(s as number[])],
  ],
  run([x, lowerVar, upperVar, logDiag, dValue, dLogDet], [dx, dLower, dUpper, dLogDiag], [shape], attrs) {
    const { pixels, perRow, channels: d } = pixelLayout(shape as number[]);
    const f = factors(lowerVar!, upperVar!, logDiag!, attrs);
    // dx_p = Mᵀ g_p and G = Σ_p g_p x_pᵀ, the gradient of the applied matrix M.
    const g = new Float64Array(d * d);
    for (let p = 0; p < pixels; p++) {
      const base = p * d;
      for (let i = 0; i < d; i++) {
        const gi = dValue![base + i]!;
        if (gi === 0) continue;
        for (let j = 0; j < d; j++) {
          g[i * d + j] = g[i * d + j]! + gi * x![base + j]!;
          dx![base + j] = dx![base + j]! + gi * f.matrix[i * d + j]!;
        }
      }
    }
    let rows = 0;
    for (let r = 0; r < pixels / perRow; r++) rows += dLogDet![r]!;
    factorGradients(g, f, attrs, perRow, rows, dLower!, dUpper!, dLogDiag!);
  },
});

/**
 * Glow's invertible 1x1 convolution (Kingma & Dhariwal 2018, §3.2) as one host kernel: (x
 * `[b, h, w, c]`, the LU factor variables lower `[c, c]`, upper `[c, c]`, ℓ `[c]`) -> (value,
 * log-det `[b]`); builds W = P L (U + diag(s ⊙ e^ℓ)) (or W⁻¹ by substitution, `inverse`) and applies
 * it to every pixel, log-det ±h·w·Σ ℓ. Its gradient is one more host kernel. @internal
 */
export const luMixKernel = defineHostKernel<Attrs>({
  name: 'Bijective.LUMix',
  outputShapes: ([x]) => [[...(x as number[])], [(x as number[])[0] as number]],
  run([x, lowerVar, upperVar, logDiag], [value, logDet], [shape], attrs) {
    const { pixels, perRow, channels: d } = pixelLayout(shape as number[]);
    const { matrix } = factors(lowerVar!, upperVar!, logDiag!, attrs);
    for (let p = 0; p < pixels; p++) {
      const base = p * d;
      for (let i = 0; i < d; i++) {
        let sum = 0;
        for (let j = 0; j < d; j++) sum += matrix[i * d + j]! * x![base + j]!;
        value![base + i] = sum;
      }
    }
    let total = 0;
    for (let i = 0; i < d; i++) total += logDiag![i]!;
    logDet!.fill((attrs.inverse ? -1 : 1) * perRow * total);
  },
  gradient: {
    saveInputs: [0, 1, 2, 3],
    grad: ([dValue, dLogDet], saved, attrs) =>
      grad([...(saved as tf.Tensor[]), dValue as tf.Tensor, dLogDet as tf.Tensor], attrs),
  },
});
