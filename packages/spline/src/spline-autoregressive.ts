import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  optionRecord,
  readBoolean,
  readSeed,
  type ActivationName,
  type BijectorConfig,
  type CallOptions,
  type Direction,
  type ElementwiseTransform,
  type JsonObject,
  type ValueAndLogDet,
} from '@bijective/core';
import {
  MADE,
  contextWidth,
  readContextShape,
  readOrder,
  readVectorShape,
  type InputOrder,
} from '@bijective/autoregressive';
import { DEFAULT_BINS, readActivationName, readBound, readSplineHidden, readInteger } from './options.js';
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

/** The option keys of {@link SplineAutoregressive}. */
export const SPLINE_AUTOREGRESSIVE_KEYS: readonly string[] = [
  'eventShape',
  'hidden',
  'bins',
  'bound',
  'activation',
  'order',
  'contextShape',
  'identityInit',
  'seed',
];

/**
 * Autoregressive rational-quadratic spline layer (Durkan et al. 2019, "Neural Spline Flows", §3.2):
 * x_i = g_{θ_i}(z_i) elementwise with θ_i = MADE(x_{<i}[, context]) giving 3K - 1 parameters per
 * dimension (Germain et al. 2015), so the density pass z = g^{-1}_{θ(x)}(x) is parallel (MAF-like, fast
 * inverse) and sampling takes d passes; log|det J_forward| = Σ_i log g'_{θ_i}(z_i).
 */
export class SplineAutoregressive extends BaseBijector {
  /** Registry key. */
  readonly name = 'spline-autoregressive';
  /** The density (inverse) direction is one parallel pass; the forward (sampling) direction takes d passes. */
  override readonly fastDirection = 'inverse' as const;
  /** Number of bins K. */
  readonly bins: number;
  /** Half-width B of the spline interval. */
  readonly bound: number;
  /** The conditioner network, 3K - 1 outputs per input. */
  readonly made: MADE;
  private readonly options: JsonObject;
  /** The spline on every column (one host kernel each way and backwards). */
  private readonly transform: ElementwiseTransform;
  private readonly columns: readonly number[];

  /** Builds the layer; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: SplineAutoregressiveOptions) {
    const owner = 'spline-autoregressive';
    const record = optionRecord(owner, options, SPLINE_AUTOREGRESSIVE_KEYS);
    const eventShape = readVectorShape(owner, record);
    const contextShape = readContextShape(owner, record);
    const bins = readInteger(owner, record, 'bins', DEFAULT_BINS, 2);
    const bound = readBound(owner, record);
    const hidden = readSplineHidden(owner, record);
    const activation = readActivationName(owner, record);
    const order = readOrder(owner, record);
    const identityInit = readBoolean(owner, record, 'identityInit', true);
    const seed = readSeed(owner, record);
    const made = new MADE({
      inputSize: eventShape[0],
      hidden,
      outputsPerInput: 3 * bins - 1,
      activation,
      order,
      contextSize: contextWidth(contextShape),
      zeroInitOutput: identityInit,
      seed,
    });
    super({ eventShape, contextShape });
    this.bins = bins;
    this.bound = bound;
    this.made = made;
    this.transform = splineTransform({ bins, bound });
    this.columns = Array.from({ length: eventShape[0] }, (_, i) => i);
    this.options = {
      eventShape: [...eventShape],
      hidden: [...hidden],
      bins,
      bound,
      activation,
      order: [...made.degrees],
      ...(contextShape ? { contextShape: [...contextShape] } : {}),
      identityInit,
      seed,
    };
  }

  /** The MADE's kernels and biases, input layer first. */
  override get variables(): readonly tf.Variable[] {
    return this.made.variables;
  }

  /** `{name: 'spline-autoregressive', options}` with every default filled in and the explicit order. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: this.configOptions() };
  }

  /** The resolved options as JSON (a copy). */
  configOptions(): JsonObject {
    return JSON.parse(JSON.stringify(this.options)) as JsonObject;
  }

  /** Frees the MADE's weights and masks. */
  override dispose(): void {
    this.made.dispose();
  }

  /**
   * Sampling direction, d sequential passes u ← g_{θ(u)}(z) from u = 0: after pass k the first k
   * dimensions in the order are exact, and the last pass's θ (which reads only the first d - 1) is exact.
   */
  protected computeForward(z: tf.Tensor, options: CallOptions): ValueAndLogDet {
    let result = this.spline('forward', z, tf.zerosLike(z), options);
    for (let k = 1; k < (this.eventShape[0] as number); k++)
      result = this.spline('forward', z, result.value, options);
    return result;
  }

  /** Density direction, one parallel pass: z = g^{-1}_{θ(x)}(x). */
  protected computeInverse(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    return this.spline('inverse', x, x, options);
  }

  /** The spline of `input` `[n, d]` with parameters θ = MADE(`conditioning`[, context]) and its log-det `[n]`. */
  private spline(
    direction: Direction,
    input: tf.Tensor,
    conditioning: tf.Tensor,
    options: CallOptions,
  ): ValueAndLogDet {
    const n = input.shape[0] as number;
    // A chain hands its context to every link: an unconditional layer ignores it.
    const context =
      this.contextShape && options.context
        ? (tf.reshape(options.context, [n, -1]) as tf.Tensor2D)
        : undefined;
    // MADE column p·d + i is parameter p of dimension i: already the transform's head-major layout.
    const raw = this.made.apply(conditioning as tf.Tensor2D, context);
    const { value, logDet } = this.transform.apply(direction, input as tf.Tensor2D, raw, this.columns);
    return { value, logDet: logDet as tf.Tensor1D };
  }
}
