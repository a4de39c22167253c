import {
  defineOptions,
  option,
  type ActivationName,
  type BijectorConfig,
  type EventShape,
} from '@bijective/core';
import {
  CONDITIONER_OPTIONS,
  MaskedAutoregressiveLayers,
  affineTransform,
  inputDegrees,
  inputOrderOption,
  maskedLayersSetup,
  type InputOrder,
  type MaskedLayersSetup,
} from '@bijective/engine';

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

/** The config of one layer with explicit degrees: rebuilding it gives the same layer and the same initial θ. */
export function maskedAffineConfig(
  s: MaskedAffineSettings,
  degrees: readonly number[],
  seed: number,
): BijectorConfig {
  const options = MaskedAffineAutoregressive.schema.toConfig({ ...s, order: [...degrees], seed });
  return { name: 'masked-affine-autoregressive', options };
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
  /** Its options, declared once (the config saves the explicit degrees as `order`). */
  static readonly schema = defineOptions('masked-affine-autoregressive', {
    eventShape: option.vectorShape(),
    hidden: CONDITIONER_OPTIONS.hidden,
    activation: CONDITIONER_OPTIONS.activation,
    order: inputOrderOption(),
    residual: option.boolean({ default: false }),
    contextShape: CONDITIONER_OPTIONS.contextShape,
    scaleBound: CONDITIONER_OPTIONS.scaleBound,
    fastDirection: option.oneOf(['inverse', 'forward'], { default: 'inverse' }),
    identityInit: CONDITIONER_OPTIONS.identityInit,
    seed: CONDITIONER_OPTIONS.seed,
  });
  /** Input degrees m₀(i) ∈ 1..d of the MADE: the autoregressive order. */
  readonly degrees: readonly number[];
  /** The log-scale bound c. */
  readonly scaleBound: number;
  private readonly config: BijectorConfig;

  /** Builds the layer; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: MaskedAffineAutoregressiveOptions) {
    const { order, seed, ...s } = MaskedAffineAutoregressive.schema.read(options);
    const degrees = inputDegrees(s.eventShape[0], order, seed);
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
