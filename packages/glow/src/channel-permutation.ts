import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  checkPermutation,
  defineOptions,
  inversePermutation,
  option,
  type BijectorConfig,
  type ValueAndLogDet,
} from '@bijective/core';
import { imageShapeOption, type ImageShape } from './image-shape.js';

/** Options of {@link ChannelPermutation}. */
export interface ChannelPermutationOptions {
  /** Image event shape `[h, w, c]`. */
  eventShape: number[];
  /** The channel order: output channel i is input channel `permutation[i]`; default reversed. */
  permutation?: number[];
}

/**
 * A fixed permutation of the channels of every pixel (the "reverse" and "shuffle" variants of
 * Glow's 1x1 convolution, Kingma & Dhariwal 2018 §3.2; RealNVP's alternation): volume-preserving,
 * log|det J| = 0.
 */
export class ChannelPermutation extends BaseBijector {
  readonly name = 'channel-permutation';
  /** Its options, declared once. */
  static readonly schema = defineOptions('channel-permutation', {
    eventShape: imageShapeOption(),
    permutation: option.custom({
      read: (value, c) => {
        const channels = c.value<ImageShape>('eventShape')[2];
        if (value === undefined) return Array.from({ length: channels }, (_, i) => channels - 1 - i);
        return [...checkPermutation(c.owner, value, channels)];
      },
      default: 'reversed',
    }),
  });
  /** Output channel i is input channel `permutation[i]` (forward). */
  readonly permutation: readonly number[];

  /** Creates the permutation for images of `eventShape`. */
  constructor(options: ChannelPermutationOptions) {
    const { eventShape, permutation } = ChannelPermutation.schema.read(options);
    super({ eventShape });
    this.permutation = permutation;
  }

  /** `{name, options: {eventShape, permutation}}`. */
  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: ChannelPermutation.schema.toConfig({
        eventShape: this.eventShape as ImageShape,
        permutation: [...this.permutation],
      }),
    };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    return { value: permuteChannels(x, this.permutation), logDet: tf.zeros([x.shape[0] as number]) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const inverse = inversePermutation(this.permutation);
    return { value: permuteChannels(y, inverse), logDet: tf.zeros([y.shape[0] as number]) };
  }
}

/**
 * out[..., i] = x[..., p[i]], as a matMul with the one-hot matrix M[p[i], i] = 1 (a gather's gradient
 * needs UnsortedSegmentSum, which tfjs's wasm backend lacks). @internal
 */
export function permuteChannels(x: tf.Tensor, p: readonly number[]): tf.Tensor {
  const c = p.length;
  const m = new Float32Array(c * c);
  p.forEach((from, i) => (m[from * c + i] = 1));
  return tf.reshape(tf.matMul(tf.reshape(x, [-1, c]), tf.tensor2d(m, [c, c])), x.shape);
}
