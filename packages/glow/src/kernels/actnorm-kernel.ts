import type * as tf from '@tensorflow/tfjs-core';
import { defineHostKernel } from '@bijective/engine';
import { pixelLayout } from './host-backends.js';

type Attrs = { inverse: boolean };

/** ∂L/∂(y, b, ℓ) of {@link actNormKernel} from (y, b, ℓ, ∂value, ∂logDet). */
const grad = defineHostKernel<Attrs>({
  name: 'Bijective.ActNormGrad',
  outputShapes: ([y, b, l]) => [[...(y as number[])], [...(b as number[])], [...(l as number[])]],
  run([y, bias, logScale, dValue, dLogDet], [dy, dBias, dLogScale], [shape], { inverse }) {
    const { pixels, perRow, channels: c } = pixelLayout(shape as number[]);
    const scale = new Float64Array(c);
    for (let j = 0; j < c; j++) scale[j] = Math.exp(inverse ? logScale![j]! : -logScale![j]!);
    let rows = 0;
    for (let r = 0; r < pixels / perRow; r++) rows += dLogDet![r]!;
    const sign = inverse ? 1 : -1;
    const end = pixels * c;
    // One channel at a time, its two sums in locals.
    for (let j = 0; j < c; j++) {
      const e = scale[j]!;
      const b = bias![j]!;
      let sumG = 0;
      let sumGY = 0;
      for (let i = j; i < end; i += c) {
        const g = dValue![i]!;
        dy![i] = g * e;
        sumG += g;
        sumGY += inverse ? g * (y![i]! + b) : g * y![i]!;
      }
      // density direction v = (y + b) e^ℓ: ∂b = e Σg, ∂ℓ = e Σg(y + b); sampling v = y e^−ℓ − b: ∂b = −Σg, ∂ℓ = −e Σgy.
      dBias![j] = inverse ? e * sumG : -sumG;
      dLogScale![j] = (inverse ? e : -e) * sumGY + sign * perRow * rows;
    }
  },
});

/**
 * Actnorm (Kingma & Dhariwal 2018, §3.1) as one host kernel: (y `[b, h, w, c]`, b `[c]`, ℓ `[c]`) ->
 * (value, log-det `[b]`); the density direction (`inverse`) v = (y + b) ⊙ e^ℓ with log-det h·w·Σ ℓ,
 * the sampling direction v = y ⊙ e^−ℓ − b with −h·w·Σ ℓ; its gradient is one more host kernel. @internal
 */
export const actNormKernel = defineHostKernel<Attrs>({
  name: 'Bijective.ActNorm',
  outputShapes: ([y]) => [[...(y as number[])], [(y as number[])[0] as number]],
  run([y, bias, logScale], [value, logDet], [shape], { inverse }) {
    const { pixels, perRow, channels: c } = pixelLayout(shape as number[]);
    const scale = new Float64Array(c);
    let total = 0;
    for (let j = 0; j < c; j++) {
      scale[j] = Math.exp(inverse ? logScale![j]! : -logScale![j]!);
      total += logScale![j]!;
    }
    for (let p = 0; p < pixels; p++) {
      for (let j = 0; j < c; j++) {
        const i = p * c + j;
        value![i] = inverse ? (y![i]! + bias![j]!) * scale[j]! : y![i]! * scale[j]! - bias![j]!;
      }
    }
    logDet!.fill((inverse ? 1 : -1) * perRow * total);
  },
  gradient: {
    saveInputs: [0, 1, 2],
    grad: ([dValue, dLogDet], [y, bias, logScale], attrs) =>
      grad(
        [y as tf.Tensor, bias as tf.Tensor, logScale as tf.Tensor, dValue as tf.Tensor, dLogDet as tf.Tensor],
        attrs,
      ),
  },
});
