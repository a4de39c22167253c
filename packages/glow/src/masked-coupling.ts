import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  OptionError,
  defineOptions,
  option,
  sumOverEvent,
  type BijectorConfig,
  type ValueAndLogDet,
} from '@bijective/core';
import { shiftAndLogScale } from './affine-coupling.js';
import { ConvNet } from './conv-net.js';
import { hiddenChannelsOption, imageShapeOption, type ImageShape } from './image-shape.js';

/** Options of {@link MaskedCoupling}. */
export interface MaskedCouplingOptions {
  /** Image event shape `[h, w, c]`. */
  eventShape: number[];
  /** `checkerboard` (pixels with (i + j + parity) even pass through) or `channel` (the first half of the channels, swapped by parity); default `checkerboard`. */
  mask?: 'checkerboard' | 'channel';
  /** 0 or 1: which half of the mask passes through; default 0. */
  parity?: number;
  /** Channels of the conditioner's hidden layers; default 64. */
  hiddenChannels?: number;
  /** Seed of the conditioner's initial weights; random when absent. */
  seed?: number;
}

/** The pass-through mask m `[h, w, c]` (1 = conditioning, unchanged). @internal */
export function couplingMask(
  shape: ImageShape,
  mask: 'checkerboard' | 'channel',
  parity: number,
): Float32Array {
  const [h, w, c] = shape;
  const m = new Float32Array(h * w * c);
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++)
      for (let k = 0; k < c; k++) {
        const on = mask === 'checkerboard' ? (i + j + parity) % 2 === 0 : k < c / 2 !== (parity === 1);
        m[(i * w + j) * c + k] = on ? 1 : 0;
      }
  return m;
}

/**
 * RealNVP's masked affine coupling on images (Dinh et al. 2016, §3.4): with a checkerboard or
 * channel mask m, (t, log s) = NN(m ⊙ y) and, in the density direction,
 * z = m ⊙ y + (1 − m) ⊙ (y + t) ⊙ s with the bounded scale s = sigmoid(h + 2), log|det| = Σ (1 − m) log s.
 * The conditioner is Glow's 3x3 → 1x1 → zero-initialised 3x3 network.
 */
export class MaskedCoupling extends BaseBijector {
  readonly name = 'masked-coupling';
  /** Its options, declared once. */
  static readonly schema = defineOptions('masked-coupling', {
    eventShape: imageShapeOption(),
    mask: option.oneOf(['checkerboard', 'channel'] as const, { default: 'checkerboard' }),
    parity: option.oneOf([0, 1] as const, { default: 0 }),
    hiddenChannels: hiddenChannelsOption(64),
    seed: option.seed(),
  });
  private readonly options: ReturnType<typeof MaskedCoupling.schema.read>;
  private readonly net: ConvNet;
  private readonly maskValues: Float32Array;

  /** Creates the coupling near the identity (zero last layer). */
  constructor(options: MaskedCouplingOptions) {
    const resolved = MaskedCoupling.schema.read(options);
    const [h, w, c] = resolved.eventShape;
    if (resolved.mask === 'channel' && c < 2) {
      throw new OptionError(
        `masked-coupling: a channel mask needs at least 2 channels, got eventShape [${h}, ${w}, ${c}]`,
      );
    }
    if (resolved.mask === 'checkerboard' && h * w < 2) {
      throw new OptionError(
        `masked-coupling: a checkerboard mask needs at least 2 pixels, got eventShape [${h}, ${w}, ${c}]`,
      );
    }
    super({ eventShape: resolved.eventShape });
    this.options = resolved;
    this.maskValues = couplingMask(resolved.eventShape, resolved.mask, resolved.parity);
    this.net = new ConvNet(c, resolved.hiddenChannels, 2 * c, resolved.seed);
  }

  /** The conditioner's variables. */
  override get variables(): readonly tf.Variable[] {
    return this.net.variables;
  }

  /** `{name, options: {eventShape, mask, parity, hiddenChannels, seed}}`. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: MaskedCoupling.schema.toConfig(this.options) };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    const { m, shift, logScale } = this.parts(x);
    const moved = tf.sub(tf.mul(x, tf.exp(tf.neg(logScale))), shift);
    const value = tf.add(tf.mul(x, m), tf.mul(moved, tf.sub(1, m)));
    return { value, logDet: tf.neg(sumOverEvent(tf.mul(logScale, tf.sub(1, m)))) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const { m, shift, logScale } = this.parts(y);
    const moved = tf.mul(tf.add(y, shift), tf.exp(logScale));
    const value = tf.add(tf.mul(y, m), tf.mul(moved, tf.sub(1, m)));
    return { value, logDet: sumOverEvent(tf.mul(logScale, tf.sub(1, m))) };
  }

  private parts(t: tf.Tensor): { m: tf.Tensor; shift: tf.Tensor; logScale: tf.Tensor } {
    const m = tf.tensor(this.maskValues, [...this.eventShape]);
    const c = (this.eventShape as ImageShape)[2];
    return { m, ...shiftAndLogScale(this.net.apply(tf.mul(t, m) as tf.Tensor4D), c) };
  }
}
