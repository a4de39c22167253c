import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  defineOptions,
  sumOverEvent,
  type BijectorConfig,
  type ValueAndLogDet,
} from '@bijective/core';
import { ZeroConv } from './conv-net.js';
import { imageShapeOption, type ImageShape } from './image-shape.js';

/** Options of {@link SplitPrior}. */
export interface SplitPriorOptions {
  /** Image event shape `[h, w, c]`, c >= 2: the first ⌈c/2⌉ channels go on, the rest are factored out. */
  eventShape: number[];
}

/** Bound of the prior's log standard deviation: log σ = B·tanh(h / B), σ ∈ (e^−3, e^3). */
const LOG_SCALE_BOUND = 3;

/**
 * The learned conditional prior of Glow's multi-scale split (Kingma & Dhariwal 2018; Dinh et al.
 * 2016 §3.6) as a bijector: the factored-out channels z_b get the prior N(μ(z_a), σ(z_a)²) from a
 * zero-initialised 3x3 convolution of the channels z_a that go on; in the density direction
 * ε = (z_b − μ) / σ, log|det| = −Σ log σ, so a standard normal on ε is that prior on z_b. The
 * scale is bounded, log σ = 3·tanh(h/3); at the start μ = 0, σ = 1.
 */
export class SplitPrior extends BaseBijector {
  readonly name = 'split-prior';
  /** Its options, declared once. */
  static readonly schema = defineOptions('split-prior', {
    eventShape: imageShapeOption({ minChannels: 2, why: ' (a split halves the channels)' }),
  });
  /** Channels that go on to the next level (and condition the prior). */
  readonly kept: number;
  private readonly conv: ZeroConv;

  /** Creates the prior, starting at the standard normal. */
  constructor(options: SplitPriorOptions) {
    const { eventShape } = SplitPrior.schema.read(options);
    super({ eventShape });
    this.kept = Math.ceil(eventShape[2] / 2);
    this.conv = new ZeroConv(this.kept, 2 * (eventShape[2] - this.kept));
  }

  /** The prior convolution's variables. */
  override get variables(): readonly tf.Variable[] {
    return this.conv.variables;
  }

  /** `{name: 'split-prior', options: {eventShape}}`. */
  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: SplitPrior.schema.toConfig({ eventShape: this.eventShape as ImageShape }),
    };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    const { a, b, mean, logStd } = this.parts(x);
    const value = tf.concat([a, tf.add(tf.mul(b, tf.exp(logStd)), mean)], 3);
    return { value, logDet: sumOverEvent(logStd) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const { a, b, mean, logStd } = this.parts(y);
    const value = tf.concat([a, tf.mul(tf.sub(b, mean), tf.exp(tf.neg(logStd)))], 3);
    return { value, logDet: tf.neg(sumOverEvent(logStd)) };
  }

  private parts(t: tf.Tensor): { a: tf.Tensor; b: tf.Tensor; mean: tf.Tensor; logStd: tf.Tensor } {
    const out = (this.eventShape[2] as number) - this.kept;
    const a = tf.slice(t, [0, 0, 0, 0], [-1, -1, -1, this.kept]) as tf.Tensor4D;
    const b = tf.slice(t, [0, 0, 0, this.kept], [-1, -1, -1, -1]);
    const h = this.conv.apply(a);
    const mean = tf.slice(h, [0, 0, 0, 0], [-1, -1, -1, out]);
    const raw = tf.slice(h, [0, 0, 0, out], [-1, -1, -1, out]);
    return { a, b, mean, logStd: tf.mul(tf.tanh(tf.div(raw, LOG_SCALE_BOUND)), LOG_SCALE_BOUND) };
  }
}
