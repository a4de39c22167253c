import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  OptionError,
  optionRecord,
  readBoolean,
  readNumber,
  readSeed,
  type ActivationName,
  type BijectorConfig,
  type CallOptions,
  type ValueAndLogDet,
} from '@bijective/core';
import type { InputOrder } from './degrees.js';
import { MADE } from './made.js';
import {
  DEFAULT_SCALE_BOUND,
  contextWidth,
  readActivation,
  readContextShape,
  readHidden,
  readOrder,
  readVectorShape,
} from './options.js';

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

/** Shift μ and bounded log-scale α of one pass. */
interface Params {
  shift: tf.Tensor;
  logScale: tf.Tensor;
}

/**
 * An affine autoregressive layer on a MADE, x_i = z_i·exp(α_i) + μ_i with α = c·tanh(α̂/c). MAF
 * (Papamakarios et al. 2017; fastDirection `inverse`) conditions on the data, (μ, α) = MADE(x): the
 * density pass z = (x - μ(x)) ⊙ exp(-α(x)) is parallel, sampling takes d passes. IAF (Kingma et al.
 * 2016; `forward`) conditions on the base, (μ, α) = MADE(z): sampling is parallel, the inverse takes
 * d passes. log|det J_forward| = Σ α.
 */
export class MaskedAffineAutoregressive extends BaseBijector {
  /** Registry key. */
  readonly name = 'masked-affine-autoregressive';
  /** `inverse` for the MAF arrangement, `forward` for IAF; the other direction takes d passes. */
  override readonly fastDirection: 'inverse' | 'forward';
  /** The conditioner network. */
  readonly made: MADE;
  /** The log-scale bound c. */
  readonly scaleBound: number;
  private readonly config: BijectorConfig;

  /** Builds the layer; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: MaskedAffineAutoregressiveOptions) {
    const owner = 'masked-affine-autoregressive';
    const record = optionRecord(owner, options, MASKED_AFFINE_KEYS);
    const eventShape = readVectorShape(owner, record);
    const contextShape = readContextShape(owner, record);
    const fast = record.fastDirection ?? 'inverse';
    if (fast !== 'inverse' && fast !== 'forward') {
      throw new OptionError(
        `${owner}: option 'fastDirection' must be 'inverse' or 'forward', got ${JSON.stringify(fast)}`,
      );
    }
    const scaleBound = readNumber(owner, record, 'scaleBound', DEFAULT_SCALE_BOUND, { above: 0 });
    const hidden = readHidden(owner, record);
    const activation = readActivation(owner, record);
    const residual = readBoolean(owner, record, 'residual', false);
    const identityInit = readBoolean(owner, record, 'identityInit', true);
    const seed = readSeed(owner, record);
    const order = readOrder(owner, record);
    super({ eventShape, contextShape });
    this.fastDirection = fast;
    this.scaleBound = scaleBound;
    this.made = new MADE({
      inputSize: eventShape[0],
      hidden,
      activation,
      residual,
      order,
      contextSize: contextWidth(contextShape),
      zeroInitOutput: identityInit,
      seed,
    });
    this.config = {
      name: this.name,
      options: {
        eventShape: [...eventShape],
        hidden: [...hidden],
        activation,
        order: [...this.made.degrees],
        residual,
        ...(contextShape ? { contextShape: [...contextShape] } : {}),
        scaleBound,
        fastDirection: fast,
        identityInit,
        seed,
      },
    };
  }

  /** The MADE's kernels and biases, input layer first. */
  override get variables(): readonly tf.Variable[] {
    return this.made.variables;
  }

  /** `{name: 'masked-affine-autoregressive', options}` with every default filled in and the explicit order. */
  getConfig(): BijectorConfig {
    return { name: this.config.name, options: { ...this.config.options } };
  }

  /** Frees the MADE's weights and masks. */
  override dispose(): void {
    this.made.dispose();
  }

  protected computeForward(z: tf.Tensor, options: CallOptions): ValueAndLogDet {
    const step = (p: Params) => tf.add(tf.mul(z, tf.exp(p.logScale)), p.shift);
    if (this.fastDirection === 'forward') return this.explicit(z, step, options, 1);
    return this.solve(z, step, options, 1);
  }

  protected computeInverse(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    const step = (p: Params) => tf.mul(tf.sub(x, p.shift), tf.exp(tf.neg(p.logScale)));
    if (this.fastDirection === 'inverse') return this.explicit(x, step, options, -1);
    return this.solve(x, step, options, -1);
  }

  /** μ and α = c·tanh(α̂/c) from the MADE at the conditioning point u. */
  private params(u: tf.Tensor, options: CallOptions): Params {
    // A chain hands its context to every link: an unconditional layer ignores it.
    const context =
      this.contextShape && options.context
        ? tf.reshape(options.context, [u.shape[0] as number, -1])
        : undefined;
    const [shift, raw] = this.made.outputs(u as tf.Tensor2D, context as tf.Tensor2D | undefined) as [
      tf.Tensor2D,
      tf.Tensor2D,
    ];
    const c = this.scaleBound;
    return { shift, logScale: tf.mul(tf.tanh(tf.div(raw, c)), c) };
  }

  /** One parallel pass: the conditioning side is the input itself. */
  private explicit(
    input: tf.Tensor,
    step: (p: Params) => tf.Tensor,
    options: CallOptions,
    sign: 1 | -1,
  ): ValueAndLogDet {
    const p = this.params(input, options);
    return { value: step(p), logDet: tf.mul(tf.sum(p.logScale, 1), sign) };
  }

  /**
   * d sequential passes u ← step(MADE(u)) from u = 0: after pass k the first k dimensions in the
   * order are exact, and the last pass's α (which sees only the first d - 1) is exact too.
   */
  private solve(
    input: tf.Tensor,
    step: (p: Params) => tf.Tensor,
    options: CallOptions,
    sign: 1 | -1,
  ): ValueAndLogDet {
    let u = tf.zerosLike(input);
    let logScale: tf.Tensor = u;
    for (let k = 0; k < (this.eventShape[0] as number); k++) {
      const p = this.params(u, options);
      u = step(p);
      logScale = p.logScale;
    }
    return { value: u, logDet: tf.mul(tf.sum(logScale, 1), sign) };
  }
}
