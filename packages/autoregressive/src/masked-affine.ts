import {
  OptionError,
  optionRecord,
  readBoolean,
  readNumber,
  readSeed,
  type ActivationName,
  type BijectorConfig,
  type EventShape,
  previewJson,
} from '@bijective/core';
import {
  DEFAULT_SCALE_BOUND,
  MaskedAutoregressiveLayers,
  affineTransform,
  inputDegrees,
  maskedLayersSetup,
  readOrder,
  type InputOrder,
  type MaskedLayersSetup,
} from '@bijective/engine';
import { readActivation, readContextShape, readHidden, readVectorShape } from './options.js';

/** Options of {@link MaskedAffineAutoregressive}. */
export interface MaskedAffineAutoregressiveOptions {
  /** Vector event shape `[d]`. */
  eventShape: number[];
  /** Hidden widths of the MADE; default [64, 64]. */
  hidden?: number[];
  /** Hidden activation; default `relu`. */
  activation?: ActivationName;
  /** Autoregressive order of the MADE; default `natural` (the config stores the explicit degrees). */
  order?: InputOrder;
  /** Residual connections between equal-width hidden layers; default false. */
  residual?: boolean;
  /** Context event shape of a conditional layer; default none. */
  contextShape?: number[];
  /** Bound c of the log-scale, α = c·tanh(α̂/c); default 2. */
  scaleBound?: number;
  /** `inverse`: MAF (conditioned on the data side); `forward`: IAF (conditioned on the base side); default `inverse`. */
  fastDirection?: 'inverse' | 'forward';
  /** Start as the identity (zero-initialised MADE output); default true. */
  identityInit?: boolean;
  /** Seed of the MADE initialisation and a random order; random when absent (the config stores it). */
  seed?: number;
}

/** The option keys of {@link MaskedAffineAutoregressive}. */
export const MASKED_AFFINE_KEYS: readonly string[] = [
  'eventShape',
  'hidden',
  'activation',
  'order',
  'residual',
  'contextShape',
  'scaleBound',
  'fastDirection',
  'identityInit',
  'seed',
];

/** Settings shared by every layer of a run of masked affine layers. */
export interface MaskedAffineSettings {
  /** `[d]`. */
  eventShape: [number];
  /** Hidden widths of every MADE. */
  hidden: number[];
  /** Hidden activation. */
  activation: ActivationName;
  /** Residual MADEs. */
  residual: boolean;
  /** Context event shape, or null. */
  contextShape: EventShape | null;
  /** Log-scale bound c. */
  scaleBound: number;
  /** MAF (`inverse`) or IAF (`forward`) arrangement. */
  fastDirection: 'inverse' | 'forward';
  /** Zero-initialised MADE outputs. */
  identityInit: boolean;
}

/**
 * The setup of masked affine layers (MAF, Papamakarios et al. 2017; IAF, Kingma et al. 2016), one per
 * entry of `layers` (its input degrees and θ seed, forward order): MADE heads (α̂, μ) head-major into
 * core's affine map, x = z ⊙ exp(α) + μ with α = c·tanh(α̂/c).
 */
export function maskedAffineSetup(
  s: MaskedAffineSettings,
  layers: readonly { degrees: readonly number[]; seed: number }[],
): MaskedLayersSetup {
  return maskedLayersSetup(s, affineTransform(s.scaleBound), layers);
}

/** Reads and checks the options of one layer; a bad option throws an OptionError or ShapeError naming it. */
function resolve(options: MaskedAffineAutoregressiveOptions): {
  settings: MaskedAffineSettings;
  degrees: number[];
  seed: number;
} {
  const owner = 'masked-affine-autoregressive';
  const record = optionRecord(owner, options, MASKED_AFFINE_KEYS);
  const eventShape = readVectorShape(owner, record);
  const contextShape = readContextShape(owner, record);
  const fast = record.fastDirection ?? 'inverse';
  if (fast !== 'inverse' && fast !== 'forward') {
    throw new OptionError(
      `${owner}: option 'fastDirection' must be 'inverse' or 'forward', got ${previewJson(fast)}`,
    );
  }
  const settings: MaskedAffineSettings = {
    eventShape,
    scaleBound: readNumber(owner, record, 'scaleBound', DEFAULT_SCALE_BOUND, { above: 0 }),
    hidden: readHidden(owner, record),
    activation: readActivation(owner, record),
    residual: readBoolean(owner, record, 'residual', false),
    contextShape,
    fastDirection: fast,
    identityInit: readBoolean(owner, record, 'identityInit', true),
  };
  const seed = readSeed(owner, record);
  const degrees = inputDegrees(eventShape[0], readOrder(owner, record), seed);
  return { settings, degrees, seed };
}

/** The config of one layer with explicit degrees: rebuilding it gives the same layer and the same initial θ. */
export function maskedAffineConfig(
  s: MaskedAffineSettings,
  degrees: readonly number[],
  seed: number,
): BijectorConfig {
  return {
    name: 'masked-affine-autoregressive',
    options: {
      eventShape: [...s.eventShape],
      hidden: [...s.hidden],
      activation: s.activation,
      order: [...degrees],
      residual: s.residual,
      ...(s.contextShape ? { contextShape: [...s.contextShape] } : {}),
      scaleBound: s.scaleBound,
      fastDirection: s.fastDirection,
      identityInit: s.identityInit,
      seed,
    },
  };
}

/**
 * An affine autoregressive layer on a MADE, x_i = z_i·exp(α_i) + μ_i with α = c·tanh(α̂/c). MAF
 * (Papamakarios et al. 2017; fastDirection `inverse`) conditions on the data, (α̂, μ) = MADE(x): the
 * density pass z = (x - μ(x)) ⊙ exp(-α(x)) is parallel (core's fused op), sampling takes d passes.
 * IAF (Kingma et al. 2016; `forward`) conditions on the base, (α̂, μ) = MADE(z): sampling is
 * parallel, the inverse takes d passes. log|det J_forward| = Σ α. Its θ is one flat variable.
 */
export class MaskedAffineAutoregressive extends MaskedAutoregressiveLayers {
  /** Registry key. */
  readonly name = 'masked-affine-autoregressive';
  /** Input degrees m₀(i) ∈ 1..d of the MADE: the autoregressive order. */
  readonly degrees: readonly number[];
  /** The log-scale bound c. */
  readonly scaleBound: number;
  private readonly config: BijectorConfig;

  /** Builds the layer; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: MaskedAffineAutoregressiveOptions) {
    const { settings: s, degrees, seed } = resolve(options);
    super(maskedAffineSetup(s, [{ degrees, seed }]));
    this.degrees = degrees;
    this.scaleBound = s.scaleBound;
    this.config = maskedAffineConfig(s, degrees, seed);
  }

  /** `{name: 'masked-affine-autoregressive', options}` with every default filled in and the explicit order. */
  getConfig(): BijectorConfig {
    return { name: this.config.name, options: { ...this.config.options } };
  }
}
