import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  defineOptions,
  newVariable,
  type BijectorConfig,
  type CallOptions,
  type ValueAndLogDet,
} from '@bijective/core';
import { imageShapeOption, pixelCount, type ImageShape } from './image-shape.js';
import { actNormKernel } from './kernels/actnorm-kernel.js';
import { useHostKernels } from './kernels/host-backends.js';

/** Options of {@link ActNorm}. */
export interface ActNormOptions {
  /** Image event shape `[h, w, c]`. */
  eventShape: number[];
}

/** Smallest per-channel standard deviation the initialisation divides by. */
const MIN_STD = 1e-6;

/**
 * Activation normalisation (Kingma & Dhariwal 2018, Glow §3.1): a per-channel affine map, in the
 * density direction z = (y + b) ⊙ exp(ℓ) with log|det| = h·w·Σ ℓ (forward: y = z ⊙ exp(−ℓ) − b).
 * Data-dependent initialisation: the first training call in the density direction (or
 * {@link ActNorm.initialise}) sets b = −mean and ℓ = −log std per channel of that batch, so its
 * output starts with zero mean and unit variance; a non-trainable flag records that it happened and
 * is saved with the weights, so a loaded model is never re-initialised. Before it, the map is the identity.
 */
export class ActNorm extends BaseBijector {
  readonly name = 'actnorm';
  /** Its options, declared once. */
  static readonly schema = defineOptions('actnorm', { eventShape: imageShapeOption() });
  /** ℓ, the per-channel log-scale `[c]`. */
  readonly logScale: tf.Variable;
  /** b, the per-channel shift `[c]`. */
  readonly bias: tf.Variable;
  /** 1 once initialised from data, else 0 (non-trainable, saved with the weights). */
  readonly initialised: tf.Variable;
  private known = false;

  /** Creates an identity actnorm for images of `eventShape`, initialised from the first training batch. */
  constructor(options: ActNormOptions) {
    const { eventShape } = ActNorm.schema.read(options);
    super({ eventShape });
    const c = eventShape[2];
    this.logScale = newVariable(new Array<number>(c).fill(0), [c]);
    this.bias = newVariable(new Array<number>(c).fill(0), [c]);
    this.initialised = newVariable([0], [], false);
  }

  /** ℓ, b, then the initialisation flag. */
  override get variables(): readonly tf.Variable[] {
    return [this.logScale, this.bias, this.initialised];
  }

  /** `{name: 'actnorm', options: {eventShape}}`. */
  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: ActNorm.schema.toConfig({ eventShape: this.eventShape as ImageShape }),
    };
  }

  /** Whether the data-dependent initialisation has run (or the weights were loaded after it). */
  isInitialised(): boolean {
    if (!this.known) this.known = (this.initialised.dataSync()[0] as number) === 1;
    return this.known;
  }

  /**
   * Sets b = −mean and ℓ = −log(std) per channel of the data-side batch `y` `[n, h, w, c]`, so that
   * the density direction maps it to zero mean and unit variance per channel.
   */
  initialise(y: tf.Tensor): void {
    tf.tidy(() => {
      const { mean, variance } = tf.moments(y, [0, 1, 2]);
      this.bias.assign(tf.neg(mean));
      this.logScale.assign(tf.neg(tf.log(tf.add(tf.sqrt(variance), MIN_STD))));
      this.initialised.assign(tf.scalar(1));
    });
    this.known = true;
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    if (x.rank === 4 && useHostKernels()) return this.fused(x, false);
    const value = tf.sub(tf.mul(x, tf.exp(tf.neg(this.logScale))), this.bias);
    return { value, logDet: this.logDet(x.shape[0] as number, -1) };
  }

  protected computeInverse(y: tf.Tensor, options: CallOptions): ValueAndLogDet {
    if (options.training && !this.isInitialised()) this.initialise(y);
    if (y.rank === 4 && useHostKernels()) return this.fused(y, true);
    const value = tf.mul(tf.add(y, this.bias), tf.exp(this.logScale));
    return { value, logDet: this.logDet(y.shape[0] as number, 1) };
  }

  /** Both directions as one host kernel (cpu, wasm). */
  private fused(t: tf.Tensor, inverse: boolean): ValueAndLogDet {
    const [value, logDet] = actNormKernel([t, this.bias, this.logScale], { inverse });
    return { value: value as tf.Tensor, logDet: logDet as tf.Tensor };
  }

  /** sign · h·w·Σ ℓ for every batch row. */
  private logDet(batch: number, sign: number): tf.Tensor {
    return tf.mul(tf.ones([batch]), tf.mul(tf.sum(this.logScale), sign * pixelCount(this.eventShape)));
  }
}
