import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  defineOptions,
  option,
  sumOverEvent,
  type BijectorConfig,
  type ValueAndLogDet,
} from '@bijective/core';
import { ConvNet } from './conv-net.js';
import { hiddenChannelsOption, imageShapeOption, type ImageShape } from './image-shape.js';
import { couplingKernel } from './kernels/coupling-kernel.js';
import { useHostKernels } from './kernels/host-backends.js';

/** Options of {@link GlowCoupling}. */
export interface GlowCouplingOptions {
  /** Image event shape `[h, w, c]`, c >= 2. */
  eventShape: number[];
  /** Channels of the conditioner's hidden layers; default 64. */
  hiddenChannels?: number;
  /** Seed of the conditioner's initial weights; random when absent. */
  seed?: number;
}

/** The shift t and log-scale log s of a coupling from the conditioner's output `[b, h, w, 2k]`. @internal */
export function shiftAndLogScale(out: tf.Tensor4D, k: number): { shift: tf.Tensor; logScale: tf.Tensor } {
  const shift = tf.slice(out, [0, 0, 0, 0], [-1, -1, -1, k]);
  const raw = tf.slice(out, [0, 0, 0, k], [-1, -1, -1, k]);
  // log sigmoid(raw + 2) = −softplus(−(raw + 2)): the scale is bounded in (0, 1), 0.88 at the start.
  return { shift, logScale: tf.neg(tf.softplus(tf.neg(tf.add(raw, 2)))) };
}

/**
 * Glow's affine coupling on channels (Kingma & Dhariwal 2018, §3.3; Dinh et al. 2016): the first
 * ⌈c/2⌉ channels y_a pass through and condition (t, log s) = NN(y_a), a 3x3 → 1x1 → zero-initialised
 * 3x3 convolutional network; in the density direction z_b = (y_b + t) ⊙ s with the bounded scale
 * s = sigmoid(h + 2) ∈ (0, 1), log|det| = Σ log s (forward: y_b = z_b / s − t).
 */
export class GlowCoupling extends BaseBijector {
  readonly name = 'glow-coupling';
  /** Its options, declared once. */
  static readonly schema = defineOptions('glow-coupling', {
    eventShape: imageShapeOption({ minChannels: 2, why: ' (a coupling splits the channels)' }),
    hiddenChannels: hiddenChannelsOption(64),
    seed: option.seed(),
  });
  private readonly options: ReturnType<typeof GlowCoupling.schema.read>;
  private readonly net: ConvNet;
  private readonly kept: number;

  /** Creates the coupling, starting at the identity map's neighbourhood (zero last layer: s = sigmoid(2)). */
  constructor(options: GlowCouplingOptions) {
    const resolved = GlowCoupling.schema.read(options);
    super({ eventShape: resolved.eventShape });
    this.options = resolved;
    const c = resolved.eventShape[2];
    this.kept = Math.ceil(c / 2);
    this.net = new ConvNet(this.kept, resolved.hiddenChannels, 2 * (c - this.kept), resolved.seed);
  }

  /** The conditioner's variables. */
  override get variables(): readonly tf.Variable[] {
    return this.net.variables;
  }

  /** `{name, options: {eventShape, hiddenChannels, seed}}`. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: GlowCoupling.schema.toConfig(this.options) };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    if (x.rank === 4 && useHostKernels()) return this.fused(x, false);
    const { a, b, shift, logScale } = this.parts(x);
    const value = tf.concat([a, tf.sub(tf.mul(b, tf.exp(tf.neg(logScale))), shift)], 3);
    return { value, logDet: tf.neg(sumOverEvent(logScale)) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    if (y.rank === 4 && useHostKernels()) return this.fused(y, true);
    const { a, b, shift, logScale } = this.parts(y);
    const value = tf.concat([a, tf.mul(tf.add(b, shift), tf.exp(logScale))], 3);
    return { value, logDet: sumOverEvent(logScale) };
  }

  /** Both directions with the elementwise work (split, scale, shift, log-det, concat) as one host kernel (cpu, wasm). */
  private fused(t: tf.Tensor, inverse: boolean): ValueAndLogDet {
    const { last } = this.net;
    const conv = this.net.lastConvolution(t as tf.Tensor4D);
    const [value, logDet] = couplingKernel([t, conv, last.bias, last.logScale], { inverse });
    return { value: value as tf.Tensor, logDet: logDet as tf.Tensor };
  }

  private parts(t: tf.Tensor): { a: tf.Tensor4D; b: tf.Tensor; shift: tf.Tensor; logScale: tf.Tensor } {
    const a = tf.slice(t, [0, 0, 0, 0], [-1, -1, -1, this.kept]) as tf.Tensor4D;
    const b = tf.slice(t, [0, 0, 0, this.kept], [-1, -1, -1, -1]);
    const c = (this.eventShape as ImageShape)[2];
    return { a, b, ...shiftAndLogScale(this.net.apply(a), c - this.kept) };
  }
}
