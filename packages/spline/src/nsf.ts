import type * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  Chain,
  Reverse,
  optionRecord,
  readSeed,
  type Bijector,
  type BijectorConfig,
  type CallOptions,
  type JsonObject,
  type ValueAndLogDet,
} from '@bijective/core';
import { readInteger, readSplitEventShape } from './options.js';
import { SPLINE_COUPLING_KEYS, SplineCoupling, type SplineCouplingOptions } from './spline-coupling.js';

/** Options of the `nsf` flow (defaults: 4 layers, hidden [64, 64], 8 bins, bound 3, relu). */
export interface NSFOptions extends SplineCouplingOptions {
  /** Number of spline couplings (>= 1); default 4. */
  layers?: number;
}

/** Default number of coupling layers of the `nsf` flow. */
export const NSF_DEFAULT_LAYERS = 4;

/** Builds the links: couplings (seeds seed, seed + 1, ...) with a reversal between consecutive ones, disposing them if one fails. */
function links(layers: number, layer: (i: number) => SplineCoupling): Bijector[] {
  const built: Bijector[] = [];
  try {
    for (let i = 0; i < layers; i++) {
      if (i > 0) built.push(new Reverse({ eventShape: [...(built[0] as Bijector).eventShape] }));
      built.push(layer(i));
    }
    return built;
  } catch (error) {
    for (const b of built) b.dispose();
    throw error;
  }
}

/**
 * Coupling neural spline flow (Durkan et al. 2019, "Neural Spline Flows"): rational-quadratic spline
 * couplings with reversals between them, so consecutive layers transform alternating halves;
 * log|det J| = Σ_layers Σ_B log g'(x_B).
 */
export class NSF extends BaseBijector {
  readonly name = 'nsf';
  /** The chain of couplings and reversals, base side first. */
  readonly chain: Chain;
  /** Number of couplings. */
  readonly layers: number;
  /** The first coupling's resolved options (the others differ only in their seeds). */
  private readonly layerOptions: JsonObject;

  /** Builds the flow; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: NSFOptions) {
    const record = optionRecord('nsf', options, [...SPLINE_COUPLING_KEYS, 'layers']);
    readSplitEventShape('nsf', record);
    const layers = readInteger('nsf', record, 'layers', NSF_DEFAULT_LAYERS, 1);
    const seed = readSeed('nsf', record);
    const { layers: _layers, ...rest } = options;
    const chain = new Chain(
      links(layers, (i) => new SplineCoupling({ ...rest, seed: (seed + i) % 2 ** 32 })),
    );
    super({ eventShape: chain.eventShape, contextShape: chain.contextShape });
    this.chain = chain;
    this.layers = layers;
    this.layerOptions = { ...(chain.bijectors[0] as SplineCoupling).configOptions(), seed };
  }

  /** Every coupling's conditioner variables, in layer order. */
  override get variables(): readonly tf.Variable[] {
    return this.chain.variables;
  }

  /** `{name: 'nsf', options}` with every default filled in. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: { ...this.layerOptions, layers: this.layers } };
  }

  /** Frees every coupling. */
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
