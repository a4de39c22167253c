import type * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  BatchNorm,
  Chain,
  hostRng,
  type Bijector,
  type BijectorConfig,
  type CallOptions,
  type FastDirection,
  type ValueAndLogDet,
} from '@bijective/core';
import {
  autoregressiveOptionsJson,
  resolveAutoregressiveOptions,
  type ResolvedAutoregressiveOptions,
} from './flow-options.js';
import { MaskedAffineAutoregressive } from './masked-affine.js';

/**
 * The links of an autoregressive stack, base side first: K masked affine layers whose orders
 * alternate natural/reversed (or are random per layer), with optional batch norm between them.
 */
export function autoregressiveLinks(
  r: ResolvedAutoregressiveOptions,
  fast: 'inverse' | 'forward',
): Bijector[] {
  const rng = hostRng(r.seed);
  const links: Bijector[] = [];
  for (let k = 0; k < r.layers; k++) {
    const seed = rng.int(2 ** 32);
    if (k > 0 && r.batchNorm) links.push(new BatchNorm({ eventShape: [...r.eventShape] }));
    links.push(
      new MaskedAffineAutoregressive({
        eventShape: [...r.eventShape],
        hidden: r.hidden,
        activation: r.activation,
        order: r.order === 'random' ? 'random' : k % 2 === 0 ? 'natural' : 'reversed',
        residual: r.residual,
        ...(r.contextShape ? { contextShape: [...r.contextShape] } : {}),
        scaleBound: r.scaleBound,
        fastDirection: fast,
        identityInit: r.identityInit,
        seed,
      }),
    );
  }
  return links;
}

/**
 * A complete autoregressive flow (MAF or IAF): a core {@link Chain} of masked affine layers,
 * log|det J| = Σ_layers Σ_i α_i (+ batch-norm terms), saved as its high-level options.
 */
export abstract class AutoregressiveFlow extends BaseBijector {
  /** `inverse` for MAF, `forward` for IAF (batch norm, fast both ways, does not change it). */
  override readonly fastDirection: FastDirection;
  /** The chain of links in forward (base -> data) order. */
  readonly chain: Chain;
  /** The resolved options. */
  readonly options: Readonly<ResolvedAutoregressiveOptions>;

  /** Resolves the options of `owner` and builds its layers with the given fast direction. */
  protected constructor(owner: string, options: unknown, fast: 'inverse' | 'forward') {
    const resolved = resolveAutoregressiveOptions(owner, options);
    const chain = new Chain(autoregressiveLinks(resolved, fast));
    super({ eventShape: chain.eventShape, contextShape: chain.contextShape });
    this.chain = chain;
    this.options = resolved;
    this.fastDirection = chain.fastDirection;
  }

  /** Every layer's variables in link order (each MADE's kernels and biases, batch norms' four). */
  override get variables(): readonly tf.Variable[] {
    return this.chain.variables;
  }

  /** The registry name and the resolved options. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: autoregressiveOptionsJson(this.options) };
  }

  /** Frees every layer. */
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
