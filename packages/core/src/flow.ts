import * as tf from '@tensorflow/tfjs-core';
import type { Bijector, BijectorConfig, CallOptions, CallRecorder } from './bijector.js';
import type { BaseDistribution, DistributionConfig } from './distributions/distribution.js';
import { checkSampleCount } from './distributions/sampling.js';
import { ShapeError } from './errors.js';
import { checkBatchOfEvents, formatShape, sameShape, type EventShape } from './shapes.js';

/** Options of {@link Flow.sample} and {@link Flow.sampleAndLogProb}. */
export interface FlowSampleOptions {
  /** Seed for reproducible draws. */
  seed?: number;
  /** Conditioning: one row per sample (`[n, ...]`) or one row broadcast to all samples (`[1, ...]`). */
  context?: tf.Tensor;
  /** Classifier-free guidance weight w for flows trained with a null context (flow matching); see `CallOptions.guidance`. */
  guidance?: number;
}

/** Options of {@link Flow.trainingLoss}. */
export interface FlowTrainingLossOptions {
  /** Conditioning rows aligned with the batch (or one row broadcast). */
  context?: tf.Tensor;
  /** Receives work counters and penalties. */
  record?: CallRecorder;
  /** Seed of the objective's own draws (flow matching's times, noise and couplings); default 0. */
  seed?: number;
}

/** A batch of samples with their log-densities. */
export type SamplesWithLogProb = {
  /** Samples `[n, ...event]`. */
  value: tf.Tensor;
  /** log p(value) `[n]`. */
  logProb: tf.Tensor;
};

/** What rebuilds a flow: its base distribution and bijector configs. */
export interface FlowConfig {
  /** Base distribution config. */
  base: DistributionConfig;
  /** Bijector (usually a chain) config. */
  bijector: BijectorConfig;
}

/**
 * A normalizing flow (transformed distribution): x = f(z), z ~ p0, so by the change of variables
 * log p(x) = log p0(f⁻¹(x)) + log|det J_{f⁻¹}(x)| (Rezende & Mohamed 2015; Papamakarios et al. 2021).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, create, useBackend } from '@bijective/core';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * // x = exp(z), z ~ N(0, 1): the standard log-normal.
 * const flow = new Flow(new StandardNormal({ eventShape: [1] }), create('bijector', 'exp', { eventShape: [1] }));
 * const logp = flow.logProb(tf.tensor2d([[1], [2]])); // log p(x) = log N(log x; 0, 1) - log x
 * const samples = flow.sample(3, { seed: 0 }); // [3, 1], all positive
 * console.log(logp.arraySync(), samples.arraySync()); // [-0.919, -1.852] ...
 * flow.dispose();
 * ```
 */
export class Flow {
  /** Creates the flow; the bijector's input event shape must match the base's. */
  constructor(
    readonly base: BaseDistribution,
    readonly bijector: Bijector,
  ) {
    if (!sameShape(base.eventShape, bijector.eventShape)) {
      throw new ShapeError(
        `Flow: base event shape ${formatShape(base.eventShape)} does not match the bijector's input event shape ${formatShape(bijector.eventShape)}`,
      );
    }
  }

  /** Shape of one data-side event. */
  get eventShape(): EventShape {
    return this.bijector.outputEventShape;
  }

  /** Base variables then bijector variables, in a stable order for saving. */
  get variables(): readonly tf.Variable[] {
    return [...this.base.variables, ...this.bijector.variables];
  }

  /** The variables an optimiser updates. */
  get trainableVariables(): readonly tf.Variable[] {
    return [...this.base.trainableVariables, ...this.bijector.trainableVariables];
  }

  /** log p(x) per batch element, through the inverse (density) direction. */
  logProb(x: tf.Tensor, options: CallOptions = {}): tf.Tensor {
    const batch = checkBatchOfEvents(x, this.eventShape, 'Flow.logProb input');
    return tf.tidy(() => {
      const context = broadcastContext(options.context, batch);
      const { value: z, logDet } = this.bijector.inverseAndLogDet(x, { ...options, context });
      return this.base.logProbPlus ? this.base.logProbPlus(z, logDet) : tf.add(this.base.logProb(z), logDet);
    });
  }

  /**
   * The objective training minimises on a batch `x`, a scalar recorded on any open tape: the
   * bijector's own ({@link Bijector.trainingLoss}, e.g. flow matching's regression loss) when it has
   * one, else the negative log-likelihood −mean log p(x) of a training-mode call (the base's
   * `negMeanLogProb` where it has one: one kernel for a standard normal on wasm).
   */
  trainingLoss(x: tf.Tensor, options: FlowTrainingLossOptions = {}): tf.Scalar {
    const batch = checkBatchOfEvents(x, this.eventShape, 'Flow.trainingLoss input');
    return tf.tidy(() => {
      const context = broadcastContext(options.context, batch);
      const call = { context, record: options.record, training: true };
      const own = this.bijector.trainingLoss;
      if (own === undefined) {
        if (!this.base.negMeanLogProb) return tf.neg(tf.mean(this.logProb(x, call))) as tf.Scalar;
        const { value: z, logDet } = this.bijector.inverseAndLogDet(x, call);
        return this.base.negMeanLogProb(z, logDet);
      }
      return own.call(this.bijector, x, {
        ...call,
        seed: options.seed ?? 0,
        sampleBase: (n, seed) => this.base.sample(n, { seed }),
        baseLogProb: (z) => this.base.logProb(z),
      });
    });
  }

  /** Tells the bijector an optimiser update was applied ({@link Bijector.afterTrainingStep}); `fit` calls it after every step. */
  afterTrainingStep(): void {
    this.bijector.afterTrainingStep?.();
  }

  /** Draws `n` samples through the forward (sampling) direction. */
  sample(n: number, options: FlowSampleOptions = {}): tf.Tensor {
    checkSampleCount(n);
    return tf.tidy(() =>
      this.bijector.forward(this.base.sample(n, { seed: options.seed }), {
        context: broadcastContext(options.context, n),
        ...(options.guidance !== undefined ? { guidance: options.guidance } : {}),
      }),
    );
  }

  /** Draws `n` samples and their log-densities in one pass: log p(x) = log p0(z) - log|det J_f(z)|. */
  sampleAndLogProb(n: number, options: FlowSampleOptions = {}): SamplesWithLogProb {
    checkSampleCount(n);
    return tf.tidy(() => {
      const context = broadcastContext(options.context, n);
      const z = this.base.sample(n, { seed: options.seed });
      const guidance = options.guidance !== undefined ? { guidance: options.guidance } : {};
      const { value, logDet } = this.bijector.forwardAndLogDet(z, { context, ...guidance });
      return { value, logProb: tf.sub(this.base.logProb(z), logDet) };
    });
  }

  /** The configs that rebuild this flow through the registry. */
  getConfig(): FlowConfig {
    return { base: this.base.getConfig(), bijector: this.bijector.getConfig() };
  }

  /** Frees every variable of the base and the bijector. */
  dispose(): void {
    this.base.dispose();
    this.bijector.dispose();
  }
}

/** Tiles a one-row context to `batch` rows; passes a batch-sized one through; rejects any other size. */
function broadcastContext(context: tf.Tensor | undefined, batch: number): tf.Tensor | undefined {
  if (context === undefined || context.shape[0] === batch) return context;
  if (context.shape[0] === 1) return tf.tile(context, [batch, ...context.shape.slice(1).map(() => 1)]);
  throw new ShapeError(`Flow: context has ${context.shape[0]} rows; expected 1 (broadcast) or ${batch}`);
}
