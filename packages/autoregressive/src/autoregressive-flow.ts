import {
  BatchNorm,
  Chain,
  ChainedFlow,
  hostRng,
  type Bijector,
  type BijectorConfig,
  type OptionSchema,
} from '@bijective/core';
import { type AUTOREGRESSIVE_FLOW_FIELDS, type ResolvedAutoregressiveOptions } from './flow-options.js';
import { inputDegrees } from '@bijective/engine';
import type { MaskedAffineSettings } from './masked-affine.js';
import { MaskedAffineStack, type StackedLayer } from './masked-affine-stack.js';

/**
 * The links of an autoregressive stack, base side first: K masked affine layers whose orders
 * alternate natural/reversed (or are random per layer), as ONE fused stack, or with batch norm
 * between them (then one fused layer per link).
 */
export function autoregressiveLinks(
  r: ResolvedAutoregressiveOptions,
  fast: 'inverse' | 'forward',
): Bijector[] {
  const rng = hostRng(r.seed);
  const d = r.eventShape[0];
  const layers: StackedLayer[] = Array.from({ length: r.layers }, (_, k) => {
    const seed = rng.int(2 ** 32);
    const order = r.order === 'random' ? 'random' : k % 2 === 0 ? 'natural' : 'reversed';
    return { degrees: inputDegrees(d, order, seed), seed };
  });
  const settings: MaskedAffineSettings = {
    eventShape: [d],
    hidden: r.hidden,
    activation: r.activation,
    residual: r.residual,
    contextShape: r.contextShape,
    scaleBound: r.scaleBound,
    fastDirection: fast,
    identityInit: r.identityInit,
  };
  if (!r.batchNorm) return [new MaskedAffineStack(settings, layers)];
  return layers.flatMap((layer, k) => [
    ...(k > 0 ? [new BatchNorm({ eventShape: [d] })] : []),
    new MaskedAffineStack(settings, [layer]),
  ]);
}

/**
 * A complete autoregressive flow (MAF or IAF): a core {@link Chain} of masked affine layers,
 * log|det J| = Σ_layers Σ_i α_i (+ batch-norm terms), saved as its high-level options.
 */
export abstract class AutoregressiveFlow extends ChainedFlow {
  /** The resolved options. */
  readonly options: Readonly<ResolvedAutoregressiveOptions>;

  /** Reads the options with the flow's declaration `schema` and builds its layers with the given fast direction. */
  protected constructor(
    private readonly schema: OptionSchema<typeof AUTOREGRESSIVE_FLOW_FIELDS>,
    options: unknown,
    fast: 'inverse' | 'forward',
  ) {
    const resolved = schema.read(options);
    super(new Chain(autoregressiveLinks(resolved, fast)));
    this.options = resolved;
  }

  /** The registry name and the resolved options. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: this.schema.toConfig(this.options) };
  }
}
