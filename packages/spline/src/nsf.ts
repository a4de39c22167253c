import {
  Chain,
  ChainedFlow,
  OptionError,
  Reverse,
  optionRecord,
  readSeed,
  type Bijector,
  type BijectorConfig,
  type JsonObject,
} from '@bijective/core';
import { readVectorShape } from '@bijective/autoregressive';
import { readInteger, readSplitEventShape } from './options.js';
import { SplineAutoregressive } from './spline-autoregressive.js';
import { SPLINE_COUPLING_KEYS, SplineCoupling, type SplineCouplingOptions } from './spline-coupling.js';

/** How the `nsf` flow conditions its splines: coupling halves (fast both ways) or a MADE (fast density, d-pass sampling). */
export type NSFTransform = 'coupling' | 'autoregressive';

/** Options of the `nsf` flow (defaults: coupling, 4 layers, hidden [64, 64], 8 bins, bound 3, relu). */
export interface NSFOptions extends SplineCouplingOptions {
  /** Number of spline layers (>= 1); default 4. */
  layers?: number;
  /** `coupling`: spline couplings and reversals (needs d >= 2); `autoregressive`: spline MADE layers with alternating natural/reversed orders; default `coupling`. */
  transform?: NSFTransform;
}

/** Default number of spline layers of the `nsf` flow. */
export const NSF_DEFAULT_LAYERS = 4;

/**
 * Builds the links (layer i seeded seed + i), disposing them if one fails: couplings with a reversal
 * between consecutive ones, or autoregressive layers whose orders alternate natural/reversed.
 */
function links(layers: number, reversals: boolean, layer: (i: number) => Bijector): Bijector[] {
  const built: Bijector[] = [];
  try {
    for (let i = 0; i < layers; i++) {
      if (i > 0 && reversals) built.push(new Reverse({ eventShape: [...(built[0] as Bijector).eventShape] }));
      built.push(layer(i));
    }
    return built;
  } catch (error) {
    for (const b of built) b.dispose();
    throw error;
  }
}

/**
 * Neural spline flow (Durkan et al. 2019, "Neural Spline Flows"): rational-quadratic spline couplings
 * with reversals between them, so consecutive layers transform alternating halves, log|det J| =
 * Σ_layers Σ_B log g'(x_B); or (`transform: 'autoregressive'`) autoregressive spline layers with
 * alternating orders, log|det J| = Σ_layers Σ_i log g'_{θ_i}(z_i).
 */
export class NSF extends ChainedFlow {
  readonly name = 'nsf';
  /** Number of spline layers. */
  readonly layers: number;
  /** Coupling or autoregressive spline layers. */
  readonly transform: NSFTransform;
  /** The first layer's resolved options (the others differ only in their seeds and orders). */
  private readonly layerOptions: JsonObject;

  /** Builds the flow; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: NSFOptions) {
    const record = optionRecord('nsf', options, [...SPLINE_COUPLING_KEYS, 'layers', 'transform']);
    const transform = record.transform ?? 'coupling';
    if (transform !== 'coupling' && transform !== 'autoregressive') {
      throw new OptionError(
        `nsf: option 'transform' must be 'coupling' or 'autoregressive', got ${JSON.stringify(transform)}`,
      );
    }
    const coupling = transform === 'coupling';
    if (coupling) readSplitEventShape('nsf', record);
    else readVectorShape('nsf', record);
    const layers = readInteger('nsf', record, 'layers', NSF_DEFAULT_LAYERS, 1);
    const seed = readSeed('nsf', record);
    const { layers: _layers, transform: _transform, ...rest } = options;
    const layer = (i: number): Bijector => {
      const layerSeed = (seed + i) % 2 ** 32;
      if (coupling) return new SplineCoupling({ ...rest, seed: layerSeed });
      return new SplineAutoregressive({
        ...rest,
        order: i % 2 === 0 ? 'natural' : 'reversed',
        seed: layerSeed,
      });
    };
    // Fast both ways with couplings; fast density (`inverse`) with autoregressive layers.
    super(new Chain(links(layers, coupling, layer)));
    this.layers = layers;
    this.transform = transform;
    const first = this.chain.bijectors[0] as SplineCoupling | SplineAutoregressive;
    const { order: _order, ...firstOptions } = first.configOptions();
    this.layerOptions = { ...firstOptions, seed };
  }

  /** `{name: 'nsf', options}` with every default filled in. */
  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: { ...this.layerOptions, layers: this.layers, transform: this.transform },
    };
  }
}
