import type * as tf from '@tensorflow/tfjs-core';
import { defineHostKernel } from '@bijective/engine';
import { pixelLayout } from './host-backends.js';

type Attrs = { inverse: boolean };

/** sigmoid(u) from e = e^−|u| (one exp shared with its log): 1 / (1 + e) for u ≥ 0, e / (1 + e) below. */
function sigmoidOf(u: number, e: number): number {
  return u >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** log sigmoid(u) from e = e^−|u|, stably: −log(1 + e) for u ≥ 0, u − log(1 + e) below. */
function logSigmoidOf(u: number, e: number): number {
  return u >= 0 ? -Math.log1p(e) : u - Math.log1p(e);
}

/** The scale offset of Glow's coupling: s = sigmoid(h + 2), 0.88 at h = 0. */
const OFFSET = 2;

/** The output scale of Glow's zero-initialised last convolution: out = (conv + b) ⊙ e^{3u}. */
const ZERO_CONV_SCALE = 3;

/** Per output channel of the last convolution: its bias and its scale e^{3u}. */
function channelAffine(
  bias: Float32Array,
  logScale: Float32Array,
): { bias: Float64Array; scale: Float64Array } {
  const scale = new Float64Array(logScale.length);
  for (let j = 0; j < scale.length; j++) scale[j] = Math.exp(ZERO_CONV_SCALE * logScale[j]!);
  return { bias: Float64Array.from(bias), scale };
}

/** ∂L/∂(x, conv, b, u) of {@link couplingKernel} from (x, conv, b, u, ∂value, ∂logDet). */
const grad = defineHostKernel<Attrs>({
  name: 'Bijective.GlowCouplingGrad',
  outputShapes: ([x, conv, b, u]) => [
    [...(x as number[])],
    [...(conv as number[])],
    [...(b as number[])],
    [...(u as number[])],
  ],
  run(
    [x, conv, biasIn, logScaleIn, dValue, dLogDet],
    [dx, dConv, dBias, dLogScaleOut],
    [shape],
    { inverse },
  ) {
    const { pixels, perRow, channels: c } = pixelLayout(shape as number[]);
    const kept = Math.ceil(c / 2);
    const k = c - kept;
    const { bias, scale } = channelAffine(biasIn!, logScaleIn!);
    const sumB = new Float64Array(2 * k);
    const sumU = new Float64Array(2 * k);
    for (let p = 0; p < pixels; p++) {
      const dl = dLogDet![Math.floor(p / perRow)]!;
      const base = p * c;
      const o = p * 2 * k;
      for (let j = 0; j < kept; j++) dx![base + j] = dValue![base + j]!;
      for (let j = 0; j < k; j++) {
        const i = base + kept + j;
        const preT = conv![o + j]! + bias[j]!;
        const preH = conv![o + k + j]! + bias[k + j]!;
        const t = preT * scale[j]!;
        const h = preH * scale[k + j]! + OFFSET;
        const s = sigmoidOf(h, Math.exp(-Math.abs(h)));
        const g = dValue![i]!;
        let dT: number;
        let dLogScale: number;
        if (inverse) {
          // density direction v = (x + t) s, log-det Σ log s
          dx![i] = g * s;
          dT = g * s;
          dLogScale = g * (x![i]! + t) * s + dl;
        } else {
          // sampling direction v = x / s − t, log-det −Σ log s
          dx![i] = g / s;
          dT = -g;
          dLogScale = (-g * x![i]!) / s - dl;
        }
        // d log sigmoid(h) / dh = 1 − sigmoid(h); h = (conv + b) e^{3u}
        const dH = dLogScale * (1 - s);
        dConv![o + j] = dT * scale[j]!;
        dConv![o + k + j] = dH * scale[k + j]!;
        sumB[j] = sumB[j]! + dT * scale[j]!;
        sumB[k + j] = sumB[k + j]! + dH * scale[k + j]!;
        sumU[j] = sumU[j]! + dT * t;
        sumU[k + j] = sumU[k + j]! + dH * preH * scale[k + j]!;
      }
    }
    for (let j = 0; j < 2 * k; j++) {
      dBias![j] = sumB[j]!;
      dLogScaleOut![j] = ZERO_CONV_SCALE * sumU[j]!;
    }
  },
});

/**
 * The elementwise half of Glow's affine coupling (Kingma & Dhariwal 2018, §3.3) as one host kernel:
 * (x `[b, h, w, c]`, the conditioner's last convolution `[b, h, w, 2k]` before its bias, the bias
 * b `[2k]` and log output scale u `[2k]`) -> (value, log-det `[b]`), k = c − ⌈c/2⌉; the
 * conditioner's output (t, h) = (conv + b) ⊙ e^{3u} (Glow's zero convolution), the first ⌈c/2⌉
 * channels pass through, s = sigmoid(h + 2); the density direction
 * (`inverse`) v_b = (x_b + t) ⊙ s with log-det Σ log s, the sampling direction v_b = x_b / s − t
 * with −Σ log s. Its gradient is one more host kernel. @internal
 */
export const couplingKernel = defineHostKernel<Attrs>({
  name: 'Bijective.GlowCoupling',
  outputShapes: ([x]) => [[...(x as number[])], [(x as number[])[0] as number]],
  run([x, conv, biasIn, logScaleIn], [value, logDet], [shape], { inverse }) {
    const { pixels, perRow, channels: c } = pixelLayout(shape as number[]);
    const kept = Math.ceil(c / 2);
    const k = c - kept;
    const { bias, scale } = channelAffine(biasIn!, logScaleIn!);
    const rows = new Float64Array(pixels / perRow);
    for (let p = 0; p < pixels; p++) {
      const base = p * c;
      for (let j = 0; j < kept; j++) value![base + j] = x![base + j]!;
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const i = base + kept + j;
        const o = p * 2 * k;
        const t = (conv![o + j]! + bias[j]!) * scale[j]!;
        const h = (conv![o + k + j]! + bias[k + j]!) * scale[k + j]! + OFFSET;
        const e = Math.exp(-Math.abs(h));
        const ls = logSigmoidOf(h, e);
        const s = sigmoidOf(h, e);
        value![i] = inverse ? (x![i]! + t) * s : x![i]! / s - t;
        sum += ls;
      }
      const r = Math.floor(p / perRow);
      rows[r] = rows[r]! + sum;
    }
    for (let r = 0; r < rows.length; r++) logDet![r] = inverse ? rows[r]! : -rows[r]!;
  },
  gradient: {
    saveInputs: [0, 1, 2, 3],
    grad: ([dValue, dLogDet], saved, attrs) =>
      grad([...(saved as tf.Tensor[]), dValue as tf.Tensor, dLogDet as tf.Tensor], attrs),
  },
});
