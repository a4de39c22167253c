import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, defineOptions, type BijectorConfig, type ValueAndLogDet } from '@bijective/core';
import { imageShapeOption, type ImageShape } from './image-shape.js';

/**
 * Space-to-depth: `[b, h, w, c]` -> `[b, h/2, w/2, 4c]`, each 2x2 block of pixels stacked on the
 * channel axis (RealNVP's squeeze, Dinh et al. 2016). @internal
 */
export function squeeze2x2(x: tf.Tensor): tf.Tensor4D {
  const [b, h, w, c] = x.shape as [number, number, number, number];
  const blocks = tf.reshape(x, [b, h / 2, 2, w / 2, 2, c]);
  return tf.reshape(tf.transpose(blocks, [0, 1, 3, 2, 4, 5]), [b, h / 2, w / 2, 4 * c]);
}

/** Depth-to-space, the inverse of {@link squeeze2x2}: `[b, h, w, 4c]` -> `[b, 2h, 2w, c]`. @internal */
export function unsqueeze2x2(x: tf.Tensor): tf.Tensor4D {
  const [b, h, w, c4] = x.shape as [number, number, number, number];
  const c = c4 / 4;
  const blocks = tf.reshape(x, [b, h, w, 2, 2, c]);
  return tf.reshape(tf.transpose(blocks, [0, 1, 3, 2, 4, 5]), [b, 2 * h, 2 * w, c]);
}

/** Options of {@link Squeeze}. */
export interface SqueezeOptions {
  /** The data-side image shape `[h, w, c]` (even h and w); the base side is `[h/2, w/2, 4c]`. */
  imageShape: number[];
}

/**
 * The squeeze of multi-scale flows as a bijector (Dinh et al. 2016, RealNVP §3.6): forward
 * (base -> data) is depth-to-space `[h/2, w/2, 4c]` -> `[h, w, c]`, inverse is space-to-depth; a
 * permutation of the scalars, so log|det J| = 0.
 */
export class Squeeze extends BaseBijector {
  readonly name = 'squeeze';
  /** Its options, declared once. */
  static readonly schema = defineOptions('squeeze', {
    imageShape: imageShapeOption({ evenSides: true, why: ' (a squeeze halves them)' }),
  });
  /** The data-side image shape. */
  readonly imageShape: ImageShape;

  /** Creates the squeeze of images of `imageShape`. */
  constructor(options: SqueezeOptions) {
    const { imageShape } = Squeeze.schema.read(options);
    const [h, w, c] = imageShape;
    super({ eventShape: [h / 2, w / 2, 4 * c], outputEventShape: imageShape });
    this.imageShape = imageShape;
  }

  /** `{name: 'squeeze', options: {imageShape}}`. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: Squeeze.schema.toConfig({ imageShape: this.imageShape }) };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    return { value: unsqueeze2x2(x), logDet: tf.zeros([x.shape[0] as number]) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    return { value: squeeze2x2(y), logDet: tf.zeros([y.shape[0] as number]) };
  }
}
