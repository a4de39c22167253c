import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from './errors.js';
import type { JsonObject } from './json.js';
import { checkBatchOfEvents, formatShape, type EventShape } from './shapes.js';

/**
 * Receives what a call reports besides its result (core's `CallRecord` implements it): numerical work
 * counters (an ODE solve's function evaluations) and penalties that belong in a training objective.
 */
export interface CallRecorder {
  /** Adds named counters, e.g. `{ nfeForward: 38, solvesForward: 1 }`. */
  count(counters: Readonly<Record<string, number>>): void;
  /** Adds a differentiable scalar penalty to the objective of the call's training step. */
  addPenalty(penalty: tf.Scalar): void;
}

/** Per-call options: an optional conditioning tensor, the training flag and a recorder. */
export interface CallOptions {
  /** Conditioning input `[batch, ...contextShape]`, batch-aligned with the events. */
  context?: tf.Tensor;
  /** Training mode (batch statistics in batch norm, stochastic trace estimates in continuous flows); default false. */
  training?: boolean;
  /** Where the call reports work counters and training penalties; composite bijectors pass it to every link. */
  record?: CallRecorder;
  /**
   * Classifier-free guidance weight w (Ho & Salimans 2022) of a sampling call: flows trained with a
   * null context (flow matching) follow v = (1 + w) v(x | c) − w v(x | ∅); others ignore it. Default 0.
   */
  guidance?: number;
}

/**
 * What {@link Bijector.trainingLoss} receives besides the data: the call's options, a seed for the
 * objective's own draws and the distribution on the bijector's base side to draw from.
 */
export interface TrainingLossOptions extends CallOptions {
  /** Seed of this evaluation's random draws (`fit` passes a fresh one per step). */
  seed: number;
  /** Draws `n` points of the bijector's base side: the flow's base pushed through the links before it. */
  sampleBase(n: number, seed: number): tf.Tensor;
  /**
   * log-density of points `[n, ...]` of the bijector's base side under that pushed-forward base (for
   * likelihood-type objectives such as variational dequantisation); absent when the caller has none.
   */
  baseLogProb?(z: tf.Tensor): tf.Tensor;
}

/** The fused result of one direction: the mapped batch and log|det J| per batch element. */
export type ValueAndLogDet = {
  /** The mapped batch, `[batch, ...event]`. */
  value: tf.Tensor;
  /** log|det J| of this direction per batch element, shape `[batch]`. */
  logDet: tf.Tensor;
};

/** Which direction a bijector computes in one parallel pass. */
export type FastDirection = 'forward' | 'inverse' | 'both';

/** Everything needed to rebuild a bijector through the registry: its registry name and options. */
export interface BijectorConfig {
  /** Registry key of the bijector. */
  name: string;
  /** JSON options passed to the registered factory. */
  options: JsonObject;
}

/**
 * An invertible, differentiable map with a tractable log-Jacobian-determinant.
 *
 * Direction convention (TFP, FlowJAX, Pyro): forward maps base -> data (sampling), inverse maps
 * data -> base (density evaluation), so log p(x) = log p0(f^{-1}(x)) + log|det J_{f^{-1}}(x)|.
 */
export interface Bijector {
  /** Registry key of this bijector. */
  readonly name: string;
  /** Event shape of forward inputs (the base side). */
  readonly eventShape: EventShape;
  /** Event shape of forward outputs (the data side); equal to `eventShape` unless it reshapes. */
  readonly outputEventShape: EventShape;
  /** Event shape of the context the bijector is conditioned on, or null when unconditional. */
  readonly contextShape: EventShape | null;
  /** False when the inverse is computed numerically (planar, radial) or is unavailable. */
  readonly hasAnalyticInverse: boolean;
  /** The direction computed in one parallel pass (MAF: inverse; IAF: forward). */
  readonly fastDirection: FastDirection;
  /** Forward map (base -> data) and its log|det J| per batch element. */
  forwardAndLogDet(x: tf.Tensor, options?: CallOptions): ValueAndLogDet;
  /** Inverse map (data -> base) and its log|det J| per batch element. */
  inverseAndLogDet(y: tf.Tensor, options?: CallOptions): ValueAndLogDet;
  /** Forward map (base -> data). */
  forward(x: tf.Tensor, options?: CallOptions): tf.Tensor;
  /** Inverse map (data -> base). */
  inverse(y: tf.Tensor, options?: CallOptions): tf.Tensor;
  /** Every state variable, trainable or not (running statistics), in a stable order for saving. */
  readonly variables: readonly tf.Variable[];
  /** The variables an optimiser updates. */
  readonly trainableVariables: readonly tf.Variable[];
  /** Registry name and options that rebuild this bijector (weights not included). */
  getConfig(): BijectorConfig;
  /** Frees every variable this bijector owns. */
  dispose(): void;
  /**
   * The objective training minimises for a batch `y` of data-side events, when it is not the
   * negative log-likelihood: flow matching's regression of its vector field onto a conditional path
   * (Lipman et al. 2022). Absent on likelihood-trained bijectors; `Flow.trainingLoss` (and so `fit`)
   * uses it when present and −mean log p(y) otherwise. Returns a scalar recorded on any open tape.
   */
  readonly trainingLoss?: (y: tf.Tensor, options: TrainingLossOptions) => tf.Scalar;
  /**
   * Called by training after each optimiser update, for state that follows the trained weights
   * without being trained: flow matching's exponential moving average of its field's weights
   * (Polyak & Juditsky 1992). Absent on most bijectors.
   */
  afterTrainingStep?(): void;
}

/** Shapes a {@link BaseBijector} declares. */
export interface BijectorShapes {
  /** Event shape of forward inputs. */
  eventShape: EventShape;
  /** Event shape of forward outputs; defaults to `eventShape`. */
  outputEventShape?: EventShape;
  /** Context event shape for conditional bijectors. */
  contextShape?: EventShape | null;
}

/**
 * Implements the public {@link Bijector} calls once: shape and context checks with clear errors,
 * `tf.tidy` around every call so that no intermediate tensor outlives it, and single-output calls
 * derived from the fused ones. Subclasses implement `computeForward` / `computeInverse` and may
 * override `computeForwardValue` / `computeInverseValue` with a cheaper path.
 */
export abstract class BaseBijector implements Bijector {
  abstract readonly name: string;
  readonly eventShape: EventShape;
  readonly outputEventShape: EventShape;
  readonly contextShape: EventShape | null;
  readonly hasAnalyticInverse: boolean = true;
  readonly fastDirection: FastDirection = 'both';

  /** Declares the shapes every call is checked against. */
  protected constructor(shapes: BijectorShapes) {
    this.eventShape = [...shapes.eventShape];
    this.outputEventShape = [...(shapes.outputEventShape ?? shapes.eventShape)];
    this.contextShape = shapes.contextShape ? [...shapes.contextShape] : null;
  }

  /** Forward map and its log-determinant; see {@link Bijector.forwardAndLogDet}. */
  forwardAndLogDet(x: tf.Tensor, options: CallOptions = {}): ValueAndLogDet {
    this.checkCall(x, this.eventShape, 'forward input', options);
    return tf.tidy(() => this.computeForward(x, options));
  }

  /** Inverse map and its log-determinant; see {@link Bijector.inverseAndLogDet}. */
  inverseAndLogDet(y: tf.Tensor, options: CallOptions = {}): ValueAndLogDet {
    this.checkCall(y, this.outputEventShape, 'inverse input', options);
    return tf.tidy(() => this.computeInverse(y, options));
  }

  /** Forward map alone. */
  forward(x: tf.Tensor, options: CallOptions = {}): tf.Tensor {
    this.checkCall(x, this.eventShape, 'forward input', options);
    return tf.tidy(() => this.computeForwardValue(x, options));
  }

  /** Inverse map alone. */
  inverse(y: tf.Tensor, options: CallOptions = {}): tf.Tensor {
    this.checkCall(y, this.outputEventShape, 'inverse input', options);
    return tf.tidy(() => this.computeInverseValue(y, options));
  }

  /** All state variables; composite bijectors override this to collect their children's. */
  get variables(): readonly tf.Variable[] {
    return [];
  }

  /** The trainable subset of {@link BaseBijector.variables}. */
  get trainableVariables(): readonly tf.Variable[] {
    return this.variables.filter((v) => v.trainable);
  }

  /** Registry name and options that rebuild this bijector. */
  abstract getConfig(): BijectorConfig;

  /** Disposes every variable in {@link BaseBijector.variables}. */
  dispose(): void {
    for (const v of this.variables) if (!v.isDisposed) v.dispose();
  }

  /** Forward map with its log-determinant, inside a tidy scope; inputs are already checked. */
  protected abstract computeForward(x: tf.Tensor, options: CallOptions): ValueAndLogDet;

  /** Inverse map with its log-determinant, inside a tidy scope; inputs are already checked. */
  protected abstract computeInverse(y: tf.Tensor, options: CallOptions): ValueAndLogDet;

  /** Forward value alone; override when it is cheaper than the fused call. */
  protected computeForwardValue(x: tf.Tensor, options: CallOptions): tf.Tensor {
    return this.computeForward(x, options).value;
  }

  /** Inverse value alone; override when it is cheaper than the fused call. */
  protected computeInverseValue(y: tf.Tensor, options: CallOptions): tf.Tensor {
    return this.computeInverse(y, options).value;
  }

  private checkCall(t: tf.Tensor, event: EventShape, what: string, options: CallOptions): void {
    const batch = checkBatchOfEvents(t, event, `${this.name} ${what}`);
    if (this.contextShape === null) return;
    const context = options.context;
    if (context === undefined) {
      throw new ShapeError(
        `${this.name}: this bijector is conditional and needs a context of shape ${formatShape([null, ...this.contextShape])}`,
      );
    }
    const contextBatch = checkBatchOfEvents(context, this.contextShape, `${this.name} context`);
    if (contextBatch !== batch) {
      throw new ShapeError(`${this.name}: context batch ${contextBatch} does not match input batch ${batch}`);
    }
  }
}

/** Sums a per-element log-Jacobian `[batch, ...event]` over the event axes to `[batch]`. */
export function sumOverEvent(logJacobian: tf.Tensor): tf.Tensor {
  if (logJacobian.rank === 1) return logJacobian;
  const axes = Array.from({ length: logJacobian.rank - 1 }, (_, i) => i + 1);
  return tf.sum(logJacobian, axes);
}
