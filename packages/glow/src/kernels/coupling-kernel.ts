import * as tf from '@tensorflow/tfjs-core';
import { defineHostKernel } from '@bijective/engine';
import { pixelLayout } from './host-backends.js';

type Attrs = { inverse: boolean };

/** log sigmoid(u), stably: −log(1 + e^−u) for u ≥ 0, u − log(1 + e^u) below. */
function logSigmoid(u: number): number {
  return u >= 0 ? -Math.log1p(Math.exp(-u)) : u - Math.log1p(Math.exp(u));
}

/** The scale offset of Glow's coupling: s = sigmoid(h + 2), 0.88 at h = 0. */
const OFFSET = 2;

/** ∂L/∂(x, out) of {@link couplingKernel} from (x, out, ∂value, ∂logDet). */
const grad = defineHostKernel<Attrs>({
  name: 'Bijective.GlowCouplingGrad',
  outputShapes: ([x, out]) => [[...(x as number[])], [...(out as number[])]],
  run([x, out, dValue, dLogDet], [dx, dOut], [shape], { inverse }) {
    const { pixels, perRow, channels: c } = pixelLayout(shape as number[]);
    const kept = Math.ceil(c / 2);
    const k = c - kept;
    for (let p = 0; p < pixels; p++) {
      const dl = dLogDet![Math.floor(p / perRow)]!;
      const base = p * c;
      for (let j = 0; j < kept; j++) dx![base + j] = dValue![base + j]!;
      for (let j = 0; j < k; j++) {
        const i = base + kept + j;
        const t = out![p * 2 * k + j]!;
        const ls = logSigmoid(out![p * 2 * k + k + j]! + OFFSET);
        const s = Math.exp(ls);
        const g = dValue![i]!;
        let dLogScale: number;
        if (inverse) {
          // density direction v = (x + t) s, log-det Σ log s
          dx![i] = g * s;
          dOut![p * 2 * k + j] = g * s;
          dLogScale = g * (x![i]! + t) * s + dl;
        } else {
          // sampling direction v = x / s − t, log-det −Σ log s
          dx![i] = g / s;
          dOut![p * 2 * k + j] = -g;
          dLogScale = -g * x![i]! / s - dl;
        }
        // d log sigmoid(u) / du = 1 − sigmoid(u)
        dOut![p * 2 * k + k + j] = dLogScale * (1 - s);
      }
    }
  },
});

/**
 * The elementwise half of Glow's affine coupling (Kingma & Dhariwal 2018, §3.3) as one host kernel:
 * (x `[b, h, w, c]`, the conditioner's output `[b, h, w, 2k]` = (t, h)) -> (value, log-det `[b]`),
 * k = c − ⌈c/2⌉; the first ⌈c/2⌉ channels pass through, s = sigmoid(h + 2); the density direction
 * (`inverse`) v_b = (x_b + t) ⊙ s with log-det Σ log s, the sampling direction v_b = x_b / s − t
 * with −Σ log s. Its gradient is one more host kernel. @internal
 */
export const couplingKernel = defineHostKernel<Attrs>({
  name: 'Bijective.GlowCoupling',
  outputShapes: ([x]) => [[...(x as number[])], [(x as number[])[0] as number]],
  run([x, out], [value, logDet], [shape], { inverse }) {
    const { pixels, perRow, channels: c } = pixelLayout(shape as number[]);
    const kept = Math.ceil(c / 2);
    const k = c - kept;
    const rows = new Float64Array(pixels / perRow);
    for (let p = 0; p < pixels; p++) {
      const base = p * c;
      for (let j = 0; j < kept; j++) value![base + j] = x![base + j]!;
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const i = base + kept + j;
        const t = out![p * 2 * k + j]!;
        const ls = logSigmoid(out![p * 2 * k + k + j]! + OFFSET);
        value![i] = inverse ? (x![i]! + t) * Math.exp(ls) : x![i]! * Math.exp(-ls) - t;
        sum += ls;
      }
      const r = Math.floor(p / perRow);
      rows[r] = rows[r]! + sum;
    }
    for (let r = 0; r < rows.length; r++) logDet![r] = inverse ? rows[r]! : -rows[r]!;
  },
  gradient: {
    saveInputs: [0, 1],
    grad: ([dValue, dLogDet], [x, out], attrs) =>
      grad([x as tf.Tensor, out as tf.Tensor, dValue as tf.Tensor, dLogDet as tf.Tensor], attrs),
  },
});
