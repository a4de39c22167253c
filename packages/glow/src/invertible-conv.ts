import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  LULinear,
  defineOptions,
  option,
  type BijectorConfig,
  type ValueAndLogDet,
} from '@bijective/core';
import { wasmSimdAvailable } from '@bijective/engine';
import { MAX_LU_CHANNELS, imageShapeOption, pixelCount, type ImageShape } from './image-shape.js';
import { useHostKernels } from './kernels/host-backends.js';
import { luMixKernel } from './kernels/lu-mix-kernel.js';
import { luMixSimd } from './kernels/lu-mix-simd.js';

/** Options of {@link InvertibleConv1x1}. */
export interface InvertibleConv1x1Options {
  /** Image event shape `[h, w, c]`. */
  eventShape: number[];
  /** Seed of the random orthogonal initial W; random when absent. */
  seed?: number;
  /** The fixed row order of P (saved; derived from the seed when absent). */
  permutation?: number[];
  /** The fixed diagonal signs (saved; derived from the seed when absent). */
  signs?: number[];
}

/**
 * Invertible 1x1 convolution (Kingma & Dhariwal 2018, Glow §3.2): the same c x c matrix W on the
 * channels of every pixel, LU-parameterised W = P L (U + diag(s ⊙ exp(ℓ))) (core's {@link LULinear}),
 * so log|det J| = h·w·Σ ℓ. Forward (base -> data) applies W, the inverse W⁻¹ from the exact
 * triangular inverses; W starts as a random rotation.
 */
export class InvertibleConv1x1 extends BaseBijector {
  readonly name = 'invertible-conv-1x1';
  /** Its options, declared once (`permutation` and `signs` are checked by {@link LULinear}). */
  static readonly schema = defineOptions('invertible-conv-1x1', {
    eventShape: imageShapeOption({ maxChannels: MAX_LU_CHANNELS }),
    seed: option.seed(),
    permutation: option.optional(option.custom({ read: (v) => v as number[] })),
    signs: option.optional(option.custom({ read: (v) => v as number[] })),
  });
  /** The per-pixel linear map. */
  readonly linear: LULinear;

  /** Creates the convolution for images of `eventShape`. */
  constructor(options: InvertibleConv1x1Options) {
    const { eventShape, seed, permutation, signs } = InvertibleConv1x1.schema.read(options);
    super({ eventShape });
    this.linear = new LULinear({
      eventShape: [eventShape[2]],
      seed,
      ...(permutation ? { permutation } : {}),
      ...(signs ? { signs } : {}),
    });
  }

  /** The LU factors' variables. */
  override get variables(): readonly tf.Variable[] {
    return this.linear.variables;
  }

  /** `{name, options: {eventShape, seed, permutation, signs}}`. */
  getConfig(): BijectorConfig {
    const inner = this.linear.getConfig().options;
    return {
      name: this.name,
      options: InvertibleConv1x1.schema.toConfig({
        eventShape: this.eventShape as ImageShape,
        seed: this.linear.seed,
        permutation: inner.permutation as number[],
        signs: inner.signs as number[],
      }),
    };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    if (x.rank === 4 && useHostKernels()) return this.fused(x, false);
    return { value: this.mix(x, this.linear.weight()), logDet: this.logDet(x.shape[0] as number, 1) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    if (y.rank === 4 && useHostKernels()) return this.fused(y, true);
    return { value: this.mix(y, this.linear.inverseWeight()), logDet: this.logDet(y.shape[0] as number, -1) };
  }

  /** W (or W⁻¹) built from its LU factors and applied to every pixel, with the log-det, as one kernel: the engine's SIMD gemm on wasm, a host loop on cpu. */
  private fused(t: tf.Tensor, inverse: boolean): ValueAndLogDet {
    const { permutation, signs } = this.linear.getConfig().options as {
      permutation: number[];
      signs: number[];
    };
    const { lower, upper, logDiag } = this.linear;
    const attrs = { permutation, signs, inverse };
    const inputs = [t, lower, upper, logDiag];
    const [value, logDet] = wasmSimdAvailable() ? luMixSimd(inputs, attrs) : luMixKernel(inputs, attrs);
    return { value: value as tf.Tensor, logDet: logDet as tf.Tensor };
  }

  /** x W^T on the channel axis of every pixel. */
  private mix(x: tf.Tensor, w: tf.Tensor2D): tf.Tensor {
    const c = this.eventShape[2] as number;
    return tf.reshape(tf.matMul(tf.reshape(x, [-1, c]), tf.transpose(w)), x.shape);
  }

  private logDet(batch: number, sign: number): tf.Tensor {
    return tf.mul(tf.ones([batch]), tf.mul(tf.sum(this.linear.logDiag), sign * pixelCount(this.eventShape)));
  }
}
