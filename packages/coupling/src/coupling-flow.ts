import type * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  Chain,
  type Bijector,
  type BijectorConfig,
  type CallOptions,
  type ValueAndLogDet,
} from '@bijective/core';

/**
 * A complete coupling flow: a core {@link Chain} of coupling layers and the links between them,
 * saved as its high-level options (`{name: 'realnvp', options}`) so that a model file names only the
 * flow and its settings; log|det J| = Σ over the links.
 */
export abstract class CouplingFlow extends BaseBijector {
  /** The chain of links in forward (base -> data) order. */
  readonly chain: Chain;

  /** Wraps the links, base side first, in a chain. */
  protected constructor(links: Bijector[]) {
    const chain = new Chain(links);
    super({ eventShape: chain.eventShape, contextShape: chain.contextShape });
    this.chain = chain;
  }

  /** Every link's variables, in link order (each conditioner's kernels and biases input layer first). */
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
