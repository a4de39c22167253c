import {
  defineOptions,
  type ActivationName,
  type BijectorConfig,
  type EventShape,
  type JsonObject,
} from '@bijective/core';
import {
  MaskedAutoregressiveLayers,
  inputDegrees,
  inputOrderOption,
  maskedLayersSetup,
  type InputOrder,
  type MaskedLayersSetup,
} from '@bijective/engine';
import { SPLINE_OPTIONS } from './options.js';
import { splineTransform } from './spline-transform.js';

/** Options of {@link SplineAutoregressive}. */
export interface SplineAutoregressiveOptions {
  /** Vector event shape `[d]`, d >= 1. */
  eventShape: number[];
  /** Hidden widths of the MADE; default [64, 64]. */
  hidden?: number[];
  /** Number of spline bins K (>= 2); default 8. */
  bins?: number;
  /** Half-width B of the spline interval [-B, B]; default 3. */
  bound?: number;
  /** Hidden activation of the MADE; default `relu`. */
  activation?: ActivationName;
  /** Autoregressive order of the MADE; default `natural` (the config stores the explicit degrees). */
  order?: InputOrder;
  /** Context event shape (every MADE output may read it); default none. */
  contextShape?: number[];
  /** Start as the identity map (zero MADE output layer, knot derivatives 1); default true. */
  identityInit?: boolean;
  /** Seed of the MADE's initialisation and of a random order; random when absent (the config stores the one drawn). */
  seed?: number;
}

/** Settings shared by every layer of a run of autoregressive spline layers. */
export interface SplineAutoregressiveSettings {
  /** `[d]`. */
  eventShape: [number];
  /** Hidden widths of every MADE. */
  hidden: number[];
  /** Bins K. */
  bins: number;
  /** Half-width B of the spline interval. */
  bound: number;
  /** Hidden activation. */
  activation: ActivationName;
  /** Context event shape, or null. */
  contextShape: EventShape | null;
  /** Zero-initialised MADE outputs. */
  identityInit: boolean;
}

/** The fused setup of autoregressive spline layers, one per entry (input degrees and θ seed, forward order): MAF arrangement, fast density. */
export function splineAutoregressiveSetup(
  s: SplineAutoregressiveSettings,
  layers: readonly { degrees: readonly number[]; seed: number }[],
): MaskedLayersSetup {
  const transform = splineTransform({ bins: s.bins, bound: s.bound });
  return maskedLayersSetup({ ...s, fastDirection: 'inverse', residual: false }, transform, layers);
}

/** The config of one layer with explicit degrees: rebuilding it gives the same layer and the same initial θ. */
export function splineAutoregressiveConfig(
  s: SplineAutoregressiveSettings,
  degrees: readonly number[],
  seed: number,
): JsonObject {
  return SplineAutoregressive.schema.toConfig({ ...s, order: [...degrees], seed });
}

/**
 * Autoregressive rational-quadratic spline layer (Durkan et al. 2019, "Neural Spline Flows", §3.2):
 * x_i = g_{θ_i}(z_i) elementwise with θ_i = MADE(x_{<i}[, context]) giving 3K - 1 parameters per
 * dimension (Germain et al. 2015), so the density pass z = g^{-1}_{θ(x)}(x) is parallel (MAF-like, fast
 * inverse: core's fused op) and sampling takes d passes; log|det J_forward| = Σ_i log g'_{θ_i}(z_i).
 */
export class SplineAutoregressive extends MaskedAutoregressiveLayers {
  /** Registry key. */
  readonly name = 'spline-autoregressive';
  /** Its options, declared once (the config saves the explicit degrees as `order`). */
  static readonly schema = defineOptions('spline-autoregressive', {
    eventShape: SPLINE_OPTIONS.vectorShape,
    hidden: SPLINE_OPTIONS.hidden,
    bins: SPLINE_OPTIONS.bins,
    bound: SPLINE_OPTIONS.bound,
    activation: SPLINE_OPTIONS.activation,
    order: inputOrderOption(),
    contextShape: SPLINE_OPTIONS.contextShape,
    identityInit: SPLINE_OPTIONS.identityInit,
    seed: SPLINE_OPTIONS.seed,
  });
  /** Number of bins K. */
  readonly bins: number;
  /** Half-width B of the spline interval. */
  readonly bound: number;
  /** Input degrees m₀(i) ∈ 1..d of the MADE: the autoregressive order. */
  readonly degrees: readonly number[];
  private readonly options: JsonObject;

  /** Builds the layer; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: SplineAutoregressiveOptions) {
    const { order, seed, ...settings } = SplineAutoregressive.schema.read(options);
    const degrees = inputDegrees(settings.eventShape[0], order, seed);
    super(splineAutoregressiveSetup(settings, [{ degrees, seed }]));
    this.bins = settings.bins;
    this.bound = settings.bound;
    this.degrees = degrees;
    this.options = splineAutoregressiveConfig(settings, degrees, seed);
  }

  /** `{name: 'spline-autoregressive', options}` with every default filled in and the explicit order. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: this.configOptions() };
  }

  /** The resolved options as JSON (a copy). */
  configOptions(): JsonObject {
    return JSON.parse(JSON.stringify(this.options)) as JsonObject;
  }
}

/**
 * K autoregressive spline layers fused into ONE op for the density pass: the body of `nsf` with
 * `transform: 'autoregressive'`. Saved as the equivalent chain of `spline-autoregressive` layers
 * (same degrees and seeds, so the same initial θ).
 */
export class SplineAutoregressiveStack extends MaskedAutoregressiveLayers {
  /** Registry-style name (saved as a chain, see the class comment). */
  readonly name = 'spline-autoregressive-stack';

  /** Builds the layers, in forward (base -> data) order. */
  constructor(
    private readonly settings: SplineAutoregressiveSettings,
    private readonly stacked: readonly { degrees: number[]; seed: number }[],
  ) {
    super(splineAutoregressiveSetup(settings, stacked));
  }

  /** `{name: 'chain', options: {bijectors}}` of one `spline-autoregressive` config per layer. */
  getConfig(): BijectorConfig {
    return {
      name: 'chain',
      options: {
        bijectors: this.stacked.map((l) => ({
          name: 'spline-autoregressive',
          options: splineAutoregressiveConfig(this.settings, l.degrees, l.seed),
        })),
      },
    };
  }

  /** The options of its first layer as JSON. */
  configOptions(): JsonObject {
    const first = this.stacked[0] as { degrees: number[]; seed: number };
    return splineAutoregressiveConfig(this.settings, first.degrees, first.seed);
  }
}
