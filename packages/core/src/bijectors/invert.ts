import type * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  type Bijector,
  type BijectorConfig,
  type CallOptions,
  type FastDirection,
  type ValueAndLogDet,
} from '../bijector.js';
import { createBijector } from '../registry.js';
import { option } from '../options/fields.js';
import { defineOptions } from '../options/schema.js';

/** Options of {@link Invert}. */
export interface InvertOptions {
  /** Config of the bijector to invert. */
  bijector: BijectorConfig;
}

const SWAPPED: Record<FastDirection, FastDirection> = {
  forward: 'inverse',
  inverse: 'forward',
  both: 'both',
};

/**
 * The inverse g = f⁻¹ of a bijector f: g's forward is f's inverse and the reverse, with event shapes and
 * fast direction swapped; log|det J_g(y)| = log|det J_{f⁻¹}(y)|. hasAnalyticInverse is f's (true only
 * when both directions are analytic). The wrapper owns f: dispose() frees it.
 */
export class Invert extends BaseBijector {
  readonly name = 'invert';
  /** Its options, declared once. */
  static readonly schema = defineOptions('invert', { bijector: option.bijectorConfig() });
  override readonly hasAnalyticInverse: boolean;
  override readonly fastDirection: FastDirection;
  /** The inverted bijector f. */
  readonly bijector: Bijector;

  /** Wraps `bijector` so that its directions swap. */
  constructor(bijector: Bijector) {
    super({
      eventShape: bijector.outputEventShape,
      outputEventShape: bijector.eventShape,
      contextShape: bijector.contextShape,
    });
    this.bijector = bijector;
    this.hasAnalyticInverse = bijector.hasAnalyticInverse;
    this.fastDirection = SWAPPED[bijector.fastDirection];
  }

  /** Builds the inverted bijector from its config through the registry. */
  static fromOptions(options: InvertOptions): Invert {
    return new Invert(createBijector(Invert.schema.read(options).bijector));
  }

  /** The inverted bijector's variables. */
  override get variables(): readonly tf.Variable[] {
    return this.bijector.variables;
  }

  /** The inverted bijector's trainable variables. */
  override get trainableVariables(): readonly tf.Variable[] {
    return this.bijector.trainableVariables;
  }

  /** `{name: 'invert', options: {bijector: config of f}}`. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: Invert.schema.toConfig({ bijector: this.bijector.getConfig() }) };
  }

  /** Disposes the inverted bijector. */
  override dispose(): void {
    this.bijector.dispose();
  }

  protected computeForward(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    return this.bijector.inverseAndLogDet(x, options);
  }

  protected computeInverse(y: tf.Tensor, options: CallOptions): ValueAndLogDet {
    return this.bijector.forwardAndLogDet(y, options);
  }

  protected override computeForwardValue(x: tf.Tensor, options: CallOptions): tf.Tensor {
    return this.bijector.inverse(x, options);
  }

  protected override computeInverseValue(y: tf.Tensor, options: CallOptions): tf.Tensor {
    return this.bijector.forward(y, options);
  }
}
