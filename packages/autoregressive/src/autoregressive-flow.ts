import { BatchNorm, Chain, ChainedFlow, hostRng, type Bijector, type BijectorConfig } from '@bijective/core';
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
export abstract class AutoregressiveFlow extends ChainedFlow {
  /** The resolved options. */
  readonly options: Readonly<ResolvedAutoregressiveOptions>;

  /** Resolves the options of `owner` and builds its layers with the given fast direction. */
  protected constructor(owner: string, options: unknown, fast: 'inverse' | 'forward') {
    const resolved = resolveAutoregressiveOptions(owner, options);
    super(new Chain(autoregressiveLinks(resolved, fast)));
    this.options = resolved;
  }

  /** The registry name and the resolved options. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: autoregressiveOptionsJson(this.options) };
  }
}
