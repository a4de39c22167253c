import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  MLP,
  eventSize,
  matMulExplicit,
  optionRecord,
  readBoolean,
  readSeed,
  type ActivationName,
  type BijectorConfig,
  type CallOptions,
  type ElementwiseTransform,
  type JsonObject,
  type ValueAndLogDet,
} from '@bijective/core';
import { indicatorMatrix } from './constants.js';
import {
  DEFAULT_BINS,
  readActivationName,
  readBound,
  readSplineHidden,
  readInteger,
  readOptionalContextShape,
  readSplitEventShape,
} from './options.js';
import { splineTransform } from './spline-transform.js';

/** Options of {@link SplineCoupling}. */
export interface SplineCouplingOptions {
  /** Vector event shape `[d]`, d >= 2. */
  eventShape: number[];
  /** Hidden widths of the conditioner; default [64, 64]. */
  hidden?: number[];
  /** Number of spline bins K (>= 2); default 8. */
  bins?: number;
  /** Half-width B of the spline interval [-B, B]; default 3. */
  bound?: number;
  /** Hidden activation of the conditioner; default `relu`. */
  activation?: ActivationName;
  /** Context event shape (the conditioner reads concat(x_A, context)); default none. */
  contextShape?: number[];
  /** Start as the identity map (zero conditioner outputs, knot derivatives 1); default true. */
  identityInit?: boolean;
  /** Seed of the conditioner's initialisation; random when absent (the config stores the one drawn). */
  seed?: number;
}

/** The option keys of {@link SplineCoupling}. */
export const SPLINE_COUPLING_KEYS: readonly string[] = [
  'eventShape',
  'hidden',
  'bins',
  'bound',
  'activation',
  'contextShape',
  'identityInit',
  'seed',
];

/**
 * Rational-quadratic spline coupling (Durkan et al. 2019): y_A = x_A, y_B = g_θ(x_B) elementwise with
 * θ = MLP(x_A[, context]) giving 3K - 1 parameters per element of B (A: the first ⌈d/2⌉ elements);
 * log|det J| = Σ_B log g'_θ(x_B).
 */
export class SplineCoupling extends BaseBijector {
  readonly name = 'spline-coupling';
  /** Number of bins K. */
  readonly bins: number;
  /** Half-width B of the spline interval. */
  readonly bound: number;
  /** Hidden widths of the conditioner. */
  readonly hidden: readonly number[];
  /** Hidden activation of the conditioner. */
  readonly activation: ActivationName;
  /** Whether the layer started as the identity. */
  readonly identityInit: boolean;
  /** Seed of the conditioner. */
  readonly seed: number;
  /** The conditioner network. */
  readonly conditioner: MLP;
  private readonly sizeA: number;
  private readonly sizeB: number;
  /** The spline on the columns B = [⌈d/2⌉, d) (one host kernel each way and backwards). */
  private readonly transform: ElementwiseTransform;
  private readonly columns: readonly number[];

  /** Builds the layer; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: SplineCouplingOptions) {
    const owner = 'spline-coupling';
    const record = optionRecord(owner, options, SPLINE_COUPLING_KEYS);
    const eventShape = readSplitEventShape(owner, record);
    const contextShape = readOptionalContextShape(owner, record);
    super({ eventShape, contextShape });
    this.bins = readInteger(owner, record, 'bins', DEFAULT_BINS, 2);
    this.bound = readBound(owner, record);
    this.hidden = readSplineHidden(owner, record);
    this.activation = readActivationName(owner, record);
    this.identityInit = readBoolean(owner, record, 'identityInit', true);
    this.seed = readSeed(owner, record);
    const d = eventShape[0];
    this.sizeA = Math.ceil(d / 2);
    this.sizeB = d - this.sizeA;
    this.transform = splineTransform({ bins: this.bins, bound: this.bound });
    this.columns = Array.from({ length: this.sizeB }, (_, k) => this.sizeA + k);
    this.conditioner = new MLP({
      inputSize: this.sizeA + (contextShape ? eventSize(contextShape) : 0),
      outputSize: this.sizeB * (3 * this.bins - 1),
      hiddenSizes: [...this.hidden],
      activation: this.activation,
      zeroInitOutput: this.identityInit,
      seed: this.seed,
    });
  }

  /** The conditioner's kernels and biases, input layer first. */
  override get variables(): readonly tf.Variable[] {
    return this.conditioner.variables;
  }

  /** `{name: 'spline-coupling', options}` with every default filled in. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: this.configOptions() };
  }

  /** The resolved options as JSON. */
  configOptions(): JsonObject {
    return {
      eventShape: [...this.eventShape],
      hidden: [...this.hidden],
      bins: this.bins,
      bound: this.bound,
      activation: this.activation,
      ...(this.contextShape ? { contextShape: [...this.contextShape] } : {}),
      identityInit: this.identityInit,
      seed: this.seed,
    };
  }

  protected computeForward(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    return this.apply(x, options, false);
  }

  protected computeInverse(y: tf.Tensor, options: CallOptions): ValueAndLogDet {
    return this.apply(y, options, true);
  }

  /**
   * Reads x_A with a constant selection product (no slice on the gradient path), regroups the
   * conditioner's outputs (3K - 1 per element of B, element-major) head-major, and splines B.
   */
  private apply(input: tf.Tensor, options: CallOptions, inverse: boolean): ValueAndLogDet {
    const n = input.shape[0] as number;
    const d = this.eventShape[0] as number;
    const { sizeA, sizeB } = this;
    const x = input as tf.Tensor2D;
    const xA = matMulExplicit(
      x,
      indicatorMatrix(d, sizeA, (i, j) => i === j),
    );
    const features = options.context
      ? tf.concat([xA, tf.reshape(options.context, [n, -1]) as tf.Tensor2D], 1)
      : xA;
    const heads = this.transform.heads;
    const perElement = this.conditioner.apply(features);
    // With one column in B both layouts agree: no regrouping kernels then.
    const raw =
      sizeB === 1
        ? perElement
        : (tf.reshape(tf.transpose(tf.reshape(perElement, [n, sizeB, heads]), [0, 2, 1]), [
            n,
            heads * sizeB,
          ]) as tf.Tensor2D);
    const { value, logDet } = this.transform.apply(inverse ? 'inverse' : 'forward', x, raw, this.columns);
    return { value, logDet: logDet as tf.Tensor1D };
  }
}
