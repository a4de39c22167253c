import * as tf from '@tensorflow/tfjs-core';
import { sumOverEvent } from '@bijective/core';
import { ConvNet } from './conv-net.js';
import type { ImageShape } from './image-shape.js';

/** Quantisation levels of the 8-bit images Glow models (pixels / 256 in [0, 1)). */
export const IMAGE_LEVELS = 256;

/** Bound of the dequantiser's log scale: log σ = B·tanh(h / B). */
const LOG_SCALE_BOUND = 3;

/** A batch of dequantisation noise and its log-density. */
export interface DequantizationNoise {
  /** Noise u in (0, 1) per value, `[n, h·w·c]`. */
  u: tf.Tensor;
  /** log q(u | x) per row, `[n]` (a density on the unit cube). */
  logQ: tf.Tensor;
}

/**
 * The noise distribution q(u | x) of variational dequantisation (Ho et al. 2019, Flow++ §3.1): a
 * conditional flow u = sigmoid(μ(x) + σ(x) ⊙ ε), ε ~ N(0, I), whose mean and bounded log scale
 * (log σ = 3·tanh(h/3)) come from Glow's convolutional conditioner (3x3 → 1x1 → zero-initialised
 * 3x3) applied to the image's pixel levels x, so
 * log q(u | x) = Σ [log N(ε) − log σ − log sigmoid′(μ + σ ε)]. Trained jointly with the flow, it
 * tightens the bound log P(x) ≥ E_q[log p(x + u) − log q(u | x)]. Flow++ stacks conditional
 * couplings here; this is the cheaper one-layer logistic-normal variant.
 */
export class VariationalDequantizer {
  /** The image shape `[h, w, c]` of the rows. */
  readonly imageShape: ImageShape;
  private readonly net: ConvNet;

  /** A dequantiser for images of `imageShape`, its conditioner of `hiddenChannels`, seeded. */
  constructor(imageShape: ImageShape, hiddenChannels: number, seed: number) {
    this.imageShape = imageShape;
    this.net = new ConvNet(imageShape[2], hiddenChannels, 2 * imageShape[2], seed);
  }

  /** The conditioner's variables in saving order. */
  get variables(): tf.Variable[] {
    return this.net.variables;
  }

  /**
   * Draws u ~ q(u | x) for rows `corners` `[n, h·w·c]` of bin corners x / 256 (reparameterised: the
   * draw is differentiable in the conditioner's weights), with log q(u | x) per row.
   */
  sample(corners: tf.Tensor, seed: number): DequantizationNoise {
    return tf.tidy(() => {
      const { mean, logStd } = this.conditioner(corners);
      const eps = tf.randomNormal(mean.shape, 0, 1, 'float32', seed);
      const a = tf.add(mean, tf.mul(tf.exp(logStd), eps));
      return {
        u: tf.reshape(tf.sigmoid(a), [corners.shape[0] as number, -1]),
        logQ: logisticNormalLogDensity(eps, logStd, a),
      };
    });
  }

  /** log q(u | x) of given noise `u` `[n, h·w·c]` in (0, 1) for rows `corners` of bin corners x / 256. */
  logDensity(corners: tf.Tensor, u: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const { mean, logStd } = this.conditioner(corners);
      const a = tf.reshape(tf.sub(tf.log(u), tf.log1p(tf.neg(u))), mean.shape);
      return logisticNormalLogDensity(tf.mul(tf.sub(a, mean), tf.exp(tf.neg(logStd))), logStd, a);
    });
  }

  /** μ(x) and the bounded log σ(x), each `[n, h, w, c]`. */
  private conditioner(corners: tf.Tensor): { mean: tf.Tensor; logStd: tf.Tensor } {
    const n = corners.shape[0] as number;
    const c = this.imageShape[2];
    const image = tf.reshape(tf.sub(tf.mul(corners, 2), 1), [n, ...this.imageShape]) as tf.Tensor4D;
    const h = this.net.apply(image);
    const raw = tf.slice(h, [0, 0, 0, c], [-1, -1, -1, c]);
    return {
      mean: tf.slice(h, [0, 0, 0, 0], [-1, -1, -1, c]),
      logStd: tf.mul(tf.tanh(tf.div(raw, LOG_SCALE_BOUND)), LOG_SCALE_BOUND),
    };
  }

  /** Frees the conditioner's variables. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** Σ [log N(ε) − log σ − log sigmoid′(a)] per row: log sigmoid′(a) = −softplus(−a) − softplus(a). */
function logisticNormalLogDensity(eps: tf.Tensor, logStd: tf.Tensor, a: tf.Tensor): tf.Tensor {
  const logNormal = tf.sub(tf.mul(tf.square(eps), -0.5), 0.5 * Math.log(2 * Math.PI));
  const logSigmoidGrad = tf.neg(tf.add(tf.softplus(tf.neg(a)), tf.softplus(a)));
  return sumOverEvent(tf.sub(tf.sub(logNormal, logStd), logSigmoidGrad));
}

/** The bin corners x / 256 of dequantised rows y in [0, 1) (x = ⌊256 y⌋, clamped to 0..255). */
export function binCorners(y: tf.Tensor): tf.Tensor {
  return tf.tidy(() =>
    tf.div(tf.clipByValue(tf.floor(tf.mul(y, IMAGE_LEVELS)), 0, IMAGE_LEVELS - 1), IMAGE_LEVELS),
  );
}
