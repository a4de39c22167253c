import type * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  type BijectorConfig,
  type CallOptions,
  type FastDirection,
  type ValueAndLogDet,
} from '../bijector.js';
import type { Chain } from './chain.js';

/**
 * A complete flow built as a {@link Chain} of layers but saved as its own registry name and
 * high-level options (`{name: 'realnvp', options}`), so a model file names only the flow and its
 * settings; every call delegates to the chain, log|det J| = Σ over the links. Flow families
 * (coupling, autoregressive, spline) extend it and implement `getConfig`.
 */
export abstract class ChainedFlow extends BaseBijector {
  /** The chain's: analytic only when every link's inverse is. */
  override readonly hasAnalyticInverse: boolean;
  /** The chain's fast direction (`chainFastDirection` of its links). */
  override readonly fastDirection: FastDirection;

  /** Wraps `chain`, whose shapes, context and capability flags the flow takes over. */
  protected constructor(readonly chain: Chain) {
    super({
      eventShape: chain.eventShape,
      outputEventShape: chain.outputEventShape,
      contextShape: chain.contextShape,
    });
    this.hasAnalyticInverse = chain.hasAnalyticInverse;
    this.fastDirection = chain.fastDirection;
  }

  /** Every link's variables, in link order. */
  override get variables(): readonly tf.Variable[] {
    return this.chain.variables;
  }

  /** The registry name and the resolved high-level options. */
  abstract override getConfig(): BijectorConfig;

  /** Frees every link. */
  override dispose(): void {
    this.chain.dispose();
  }

  protected computeForward(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    return this.chain.forwardAndLogDet(x, options);
  }

  protected computeInverse(y: tf.Tensor, options: CallOptions): ValueAndLogDet {
    return this.chain.inverseAndLogDet(y, options);
  }

  protected override computeForwardValue(x: tf.Tensor, options: CallOptions): tf.Tensor {
    return this.chain.forward(x, options);
  }

  protected override computeInverseValue(y: tf.Tensor, options: CallOptions): tf.Tensor {
    return this.chain.inverse(y, options);
  }
}
