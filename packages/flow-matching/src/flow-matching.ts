import * as tf from '@tensorflow/tfjs-core';
import { ConcatSquashField, solveCnf } from '@bijective/cnf/pure';
import {
  BaseBijector,
  OptionError,
  ShapeError,
  checkBatchOfEvents,
  createByName,
  formatShape,
  type BijectorConfig,
  type CallOptions,
  type TrainingLossOptions,
  type ValueAndLogDet,
} from '@bijective/core';
import type { OdeSolver } from '@bijective/ode';
import type { TraceEstimator } from '@bijective/trace';
import { minibatchOtPairing } from './assignment.js';
import { updateAverage } from './average-kernel.js';
import { guidedSolve, type GuidedField } from './guided-solve.js';
import {
  FLOW_MATCHING_SCHEMA,
  solverOptionsOf,
  type FlowMatchingOptions,
  type ResolvedFlowMatchingOptions,
} from './options.js';
import { pairedOtPath } from './paths.js';

/** Seed offsets of a training evaluation's independent draws (times, context dropout). */
const TIME_STREAM = 0x68e31da4;
const DROPOUT_STREAM = 0x1b56c4e9;

/**
 * Flow matching (Lipman et al. 2022): a continuous normalizing flow dx/dt = v(x, t[, c]) on t ∈ [0, 1]
 * (noise at 0, data at 1) whose concat-squash field v is trained without any ODE solve, by regressing
 * it onto a conditional path: min E_{t, x_0, x_1} ‖v(x_t, t) − u_t(x_t | x_0, x_1)‖² with
 * x_t = (1 − (1 − σ_min) t) x_0 + t x_1 and u_t = x_1 − (1 − σ_min) x_0 (the `ot` path; `rectified`:
 * σ_min = 0, Liu et al. 2022; `minibatch-ot`: pairs coupled by exact optimal transport on each
 * batch, Tong et al. 2023). {@link FlowMatching.trainingLoss} is that objective, which `fit` minimises.
 *
 * The trained model is a flow like FFJORD's: sampling is the forward solve, densities the reverse
 * solve with the exact trace, log p(x) = log p0(z(0)) − ∫₀¹ tr(∂v/∂x) dt. With a context, training
 * replaces it by the null context ∅ with probability `contextDropout`, and a call with
 * `guidance: w` follows the classifier-free guided field (1 + w) v(x|c) − w v(x|∅) (Ho & Salimans 2022).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, create, useBackend } from '@bijective/core';
 * import { fit } from '@bijective/train';
 * import '@bijective/flow-matching';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const data = tf.mul(tf.randomNormal([512, 2], 0, 1, 'float32', 1), [1, 0.5]); // your data: [n, 2]
 * const fm = create('bijector', 'flow-matching', { eventShape: [2], hidden: [32, 32], seed: 1 });
 * const flow = new Flow(new StandardNormal({ eventShape: [2] }), fm);
 * // The loss is the matching regression; validation stays the exact ODE likelihood.
 * fit(flow, data, { steps: 20, batchSize: 128, learningRate: 1e-2, validationFraction: 0 });
 * const logDensity = flow.logProb(tf.zeros([2, 2])); // reverse solve, exact trace, dopri5
 * const samples = flow.sample(4, { seed: 2 }); // the forward solve
 * console.log(logDensity.arraySync(), samples.shape);
 * ```
 */
export class FlowMatching extends BaseBijector {
  readonly name = 'flow-matching';
  /** Its options, declared once. */
  static readonly schema = FLOW_MATCHING_SCHEMA;
  override readonly hasAnalyticInverse = false;
  /** The resolved options. */
  readonly options: Readonly<ResolvedFlowMatchingOptions>;
  /** The vector field v(x, t[, c, 1]) the optimiser trains; a conditional field reads one more context column, 1 for c and 0 for ∅. */
  readonly field: ConcatSquashField;
  /** The exponential moving average of {@link FlowMatching.field}'s weights (option `ema`), or null when disabled. */
  readonly averageField: ConcatSquashField | null;
  /** Updates the average has had (its warm-up), a non-trainable scalar saved with the weights. */
  private readonly averageUpdates: tf.Variable | null;
  private readonly solver: OdeSolver;
  private readonly exact: TraceEstimator;

  /** Builds the flow; a bad option throws an OptionError, ShapeError or RegistryError naming it. */
  constructor(options: FlowMatchingOptions) {
    const resolved = FLOW_MATCHING_SCHEMA.read(options) as ResolvedFlowMatchingOptions;
    if (resolved.contextShape !== null && resolved.contextShape.length !== 1) {
      throw new ShapeError(
        `flow-matching: option 'contextShape' must be a vector shape [c], got ${formatShape(resolved.contextShape)}`,
      );
    }
    super({ eventShape: resolved.eventShape, contextShape: resolved.contextShape });
    this.options = resolved;
    this.solver = createByName('odeSolver', resolved.solver, solverOptionsOf(resolved));
    this.exact = createByName('traceEstimator', 'exact', {});
    const c = resolved.contextShape ? (resolved.contextShape[0] as number) : 0;
    const fieldOptions = {
      stateSize: resolved.eventShape[0],
      hidden: resolved.hidden,
      activation: resolved.activation,
      contextSize: c === 0 ? 0 : c + 1,
      zeroInitOutput: resolved.identityInit,
      seed: resolved.seed,
    };
    this.field = new ConcatSquashField(fieldOptions);
    if (resolved.ema > 0) {
      // The average starts at the initial weights and is never trained.
      this.averageField = new ConcatSquashField(fieldOptions);
      const initial = this.field.variables;
      this.averageField.variables.forEach((v, i) => {
        v.assign(initial[i] as tf.Variable);
        v.trainable = false;
      });
      const zero = tf.scalar(0);
      this.averageUpdates = tf.variable(zero, false);
      zero.dispose();
    } else {
      this.averageField = null;
      this.averageUpdates = null;
    }
  }

  /** The field's variables, then (option `ema`) its average's and the average's update count. */
  override get variables(): readonly tf.Variable[] {
    if (this.averageField === null || this.averageUpdates === null) return this.field.variables;
    return [...this.field.variables, ...this.averageField.variables, this.averageUpdates];
  }

  /** The field sampling and densities follow: the weights' moving average when `ema` > 0, else the trained field. */
  get samplingField(): ConcatSquashField {
    return this.averageField ?? this.field;
  }

  /**
   * After each optimiser update (`fit` calls it): moves the average towards the trained weights,
   * w̄ ← d·w̄ + (1 − d)·w with d = min(ema, (1 + n)/(10 + n)) after n updates (the warm-up of
   * TensorFlow's ExponentialMovingAverage; Polyak & Juditsky 1992 for averaging iterates), as one kernel.
   */
  afterTrainingStep(): void {
    const average = this.averageField;
    const count = this.averageUpdates;
    if (average === null || count === null) return;
    updateAverage(count, average.variables, this.field.variables, this.options.ema);
  }

  /** `{name: 'flow-matching', options}` with every default filled in. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: FLOW_MATCHING_SCHEMA.toConfig(this.options) };
  }

  /**
   * The flow-matching loss of a batch `y` of data rows: mean over rows of ‖v(x_t, t[, c]) − u_t‖²,
   * with t ~ U(0, 1), x_0 drawn from `options.sampleBase` (the flow's base) and, for `minibatch-ot`,
   * re-paired to the batch by exact optimal transport. A scalar recorded on any open tape.
   */
  trainingLoss(y: tf.Tensor, options: TrainingLossOptions): tf.Scalar {
    const n = checkBatchOfEvents(y, this.outputEventShape, 'flow-matching training input');
    const context = this.checkedContext(options.context, n);
    const { seed } = options;
    return tf.tidy(() => {
      const x1 = y as tf.Tensor2D;
      const x0 = options.sampleBase(n, seed) as tf.Tensor2D;
      if (!sameEvent(x0, x1)) {
        throw new ShapeError(
          `flow-matching: base draws of shape ${formatShape(x0.shape)} do not match the data batch ${formatShape(x1.shape)}`,
        );
      }
      const pairing =
        this.options.path === 'minibatch-ot'
          ? Array.from(minibatchOtPairing(x0.dataSync(), x1.dataSync(), n, x1.shape[1], this.options.otBlock))
          : [];
      const t = this.trainingTimes(n, (seed ^ TIME_STREAM) >>> 0);
      const { xt, ut } = pairedOtPath(x0, x1, t, this.options.sigmaMin, pairing);
      const c = context && this.droppedContext(context, (seed ^ DROPOUT_STREAM) >>> 0);
      const v = this.field.applyAtTimes(xt, t, c);
      return tf.mean(tf.sum(tf.square(tf.sub(v, ut)), 1)) as tf.Scalar;
    });
  }

  /** n training times [n, 1]: U(0, 1), or logit-normal σ(N(0, 1)) (Esser et al. 2024). */
  private trainingTimes(n: number, seed: number): tf.Tensor2D {
    if (this.options.timeSampling === 'logit-normal') {
      return tf.sigmoid(tf.randomNormal([n, 1], 0, 1, 'float32', seed)) as tf.Tensor2D;
    }
    return tf.randomUniform([n, 1], 0, 1, 'float32', seed) as tf.Tensor2D;
  }

  protected computeForward(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    const guided = this.guidedField(options);
    if (guided) return guidedSolve(guided, x as tf.Tensor2D, this.solverSpec('forward', options), true);
    return this.solve(x as tf.Tensor2D, 'forward', options);
  }

  protected computeInverse(y: tf.Tensor, options: CallOptions): ValueAndLogDet {
    const guided = this.guidedField(options);
    if (guided) return guidedSolve(guided, y as tf.Tensor2D, this.solverSpec('inverse', options), true);
    return this.solve(y as tf.Tensor2D, 'inverse', options);
  }

  /** The map alone: one solve without the trace (sampling's cost is the field's NFE alone). */
  protected override computeForwardValue(x: tf.Tensor, options: CallOptions): tf.Tensor {
    const field = this.guidedField(options) ?? this.plainField(options);
    return guidedSolve(field, x as tf.Tensor2D, this.solverSpec('forward', options), false).value;
  }

  /** The inverse map alone, likewise without the trace. */
  protected override computeInverseValue(y: tf.Tensor, options: CallOptions): tf.Tensor {
    const field = this.guidedField(options) ?? this.plainField(options);
    return guidedSolve(field, y as tf.Tensor2D, this.solverSpec('inverse', options), false).value;
  }

  /** One solve of the field with the exact trace through `@bijective/cnf`'s solver of the CNF system. */
  private solve(z: tf.Tensor2D, direction: 'forward' | 'inverse', options: CallOptions): ValueAndLogDet {
    const result = solveCnf(
      {
        field: this.samplingField,
        endTime: 1,
        solver: this.solver,
        gradient: 'backprop',
        estimator: this.exact,
        probeSeed: 0,
        context: this.conditioned(options.context),
        kinetic: false,
        jacobian: false,
        direction,
        owner: `flow-matching (${direction} solve)`,
        record: options.record,
      },
      z,
    );
    return { value: result.z, logDet: result.logDet };
  }

  private solverSpec(direction: 'forward' | 'inverse', options: CallOptions) {
    return {
      solver: this.solver,
      estimator: this.exact,
      direction,
      owner: `flow-matching (${direction} solve)`,
      record: options.record,
    };
  }

  /** The field at the call's context (with its presence column), unguided. */
  private plainField(options: CallOptions): GuidedField {
    return { field: this.samplingField, terms: [{ weight: 1, context: this.conditioned(options.context) }] };
  }

  /** The classifier-free guided field of a call with `guidance` w ≠ 0, or null. */
  private guidedField(options: CallOptions): GuidedField | null {
    const w = options.guidance;
    if (w === undefined || w === 0) return null;
    if (typeof w !== 'number' || !Number.isFinite(w)) {
      throw new OptionError(`flow-matching: guidance must be a finite number, got ${String(w)}`);
    }
    if (this.contextShape === null || this.options.contextDropout === 0) {
      throw new OptionError(
        'flow-matching: guidance needs a conditional model (contextShape) trained with the null context (contextDropout > 0)',
      );
    }
    const c = options.context as tf.Tensor2D;
    return {
      field: this.samplingField,
      terms: [
        { weight: 1 + w, context: this.conditioned(c) },
        { weight: -w, context: tf.zerosLike(this.conditioned(c) as tf.Tensor2D) as tf.Tensor2D },
      ],
    };
  }

  /** The context as the field reads it: [c, 1] (a conditional flow), or undefined. */
  private conditioned(context: tf.Tensor | undefined): tf.Tensor2D | undefined {
    if (this.contextShape === null || context === undefined) return undefined;
    const n = context.shape[0] as number;
    return tf.concat([context as tf.Tensor2D, tf.ones([n, 1])], 1) as tf.Tensor2D;
  }

  /** [c ⊙ k, k] with k ~ Bernoulli(1 − contextDropout) per row: the null context ∅ = 0 where k = 0. */
  private droppedContext(context: tf.Tensor2D, seed: number): tf.Tensor2D {
    const n = context.shape[0];
    const keep = tf.cast(
      tf.greaterEqual(tf.randomUniform([n, 1], 0, 1, 'float32', seed), this.options.contextDropout),
      'float32',
    );
    return tf.concat([tf.mul(context, keep), keep], 1) as tf.Tensor2D;
  }

  /** The training call's context, checked against the flow's context shape. */
  private checkedContext(context: tf.Tensor | undefined, n: number): tf.Tensor2D | undefined {
    if (this.contextShape === null) return undefined;
    if (context === undefined) {
      throw new ShapeError(
        `flow-matching: this flow is conditional and needs a context of shape ${formatShape([null, ...this.contextShape])}`,
      );
    }
    const rows = checkBatchOfEvents(context, this.contextShape, 'flow-matching context');
    if (rows !== n)
      throw new ShapeError(`flow-matching: context batch ${rows} does not match input batch ${n}`);
    return context as tf.Tensor2D;
  }
}

function sameEvent(a: tf.Tensor, b: tf.Tensor): boolean {
  return a.rank === b.rank && a.shape.every((s, i) => s === b.shape[i]);
}
