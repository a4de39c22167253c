import * as tf from '@tensorflow/tfjs-core';
import { BijectiveError } from '@bijective/core';
import { Adam, type AdamOptions } from './adam.js';
import { clipByGlobalNorm } from './clip.js';
import { learningRateAt, learningRateAtFraction, type LearningRateSchedule } from './schedule.js';
import { WeightSnapshot } from './snapshot.js';
import type { AdamState } from './fit-state.js';

/** Training stopped because the loss or a gradient became NaN or infinite; the weights were restored. */
export class DivergenceError extends BijectiveError {
  /** Creates the error; `step` is the step whose loss or gradient was not finite. */
  constructor(
    readonly step: number,
    message: string,
  ) {
    super('numerics', message);
    this.name = 'DivergenceError';
  }
}

/** Options of {@link GuardedOptimiser}. */
export interface GuardedOptimiserOptions extends AdamOptions {
  /** Steps planned (the schedule's horizon). */
  steps: number;
  /** Base learning rate. */
  learningRate: number;
  /** Learning-rate schedule (default `cosine`). */
  schedule?: LearningRateSchedule;
  /** Linear warm-up steps. */
  warmupSteps?: number;
  /** Clip gradients to this global L2 norm. */
  clipNorm?: number;
}

/** Weights to fall back on when a step diverges, with the words that name them in the error. */
export interface Fallback {
  /** The weights to restore. */
  weights: WeightSnapshot;
  /** e.g. `best-validation weights of step 300`. */
  description: string;
}

/**
 * One guarded update: clips `grads` to the global norm `clipNorm` (if given), reads the loss and the
 * norm back once and applies Adam with learning rate `lr` only when both are finite; returns both.
 * Data-parallel replicas run it on the same reduced gradients as the main thread, so that every
 * thread makes the same update (call it inside a tidy).
 * @internal
 */
export function clippedAdamUpdate(
  adam: Adam,
  trainable: readonly tf.Variable[],
  value: tf.Scalar,
  grads: tf.NamedTensorMap,
  lr: number,
  clipNorm: number | undefined,
): [number, number] {
  const { clipped, globalNorm } = clipByGlobalNorm(grads, clipNorm);
  const [l, n] = tf.stack([value, globalNorm]).dataSync() as Float32Array;
  if (Number.isFinite(l) && Number.isFinite(n)) adam.apply(trainable, clipped, lr);
  return [l as number, n as number];
}

/**
 * A step's loss and gradients reduced on the host (a data-parallel all-reduce), for
 * {@link GuardedOptimiser.stepWith}: the loss and the global L2 norm ‖g‖₂ before clipping as numbers,
 * and the gradients already clipped, g · min(1, c / ‖g‖₂) (Pascanu et al. 2013).
 */
export interface ReducedGradients {
  /** The minibatch's loss (float32). */
  loss: number;
  /** ‖g‖₂ over every gradient together, before clipping (float32). */
  norm: number;
  /** Each trainable variable's gradient by name, clipped to the run's `clipNorm` when it has one. */
  clipped: tf.NamedTensorMap;
}

/**
 * {@link clippedAdamUpdate} of gradients that were clipped and measured on the host: applies Adam
 * with learning rate `lr` only when the loss and the norm are finite; returns both.
 * @internal
 */
export function reducedAdamUpdate(
  adam: Adam,
  trainable: readonly tf.Variable[],
  reduced: ReducedGradients,
  lr: number,
): [number, number] {
  if (Number.isFinite(reduced.loss) && Number.isFinite(reduced.norm))
    adam.apply(trainable, reduced.clipped, lr);
  return [reduced.loss, reduced.norm];
}

/**
 * The optimisation loop's step, shared by `fit` and `fitVariational`: scheduled Adam
 * with global-norm clipping and a divergence guard. Each step snapshots the state (cheap: clones
 * share storage until reassigned), reads loss and gradient norm back once, and updates only when
 * both are finite; otherwise it restores the fallback (or the last good weights) and throws a
 * {@link DivergenceError}. Leaves no tensor behind.
 */
export class GuardedOptimiser {
  private readonly adam: Adam;
  private lastGood: WeightSnapshot | null = null;
  private seconds = 0;
  private count = 0;

  /** Optimises `trainable`; `state` (every variable, running statistics included) is what a restore writes back. */
  constructor(
    private readonly state: readonly tf.Variable[],
    private readonly trainable: readonly tf.Variable[],
    private readonly options: GuardedOptimiserOptions,
  ) {
    this.adam = new Adam(options);
  }

  /**
   * Runs step `step` (0-based) on `loss`; returns the loss before the update and the learning rate
   * used. `budgetFraction`, the fraction of a time budget spent, puts the schedule on that horizon
   * instead of the planned steps.
   */
  step(
    step: number,
    loss: () => tf.Scalar,
    fallback?: Fallback,
    budgetFraction?: number,
  ): { loss: number; learningRate: number } {
    return this.stepWith(
      step,
      () => tf.variableGrads(loss, this.trainable as tf.Variable[]),
      fallback,
      budgetFraction,
    );
  }

  /**
   * {@link GuardedOptimiser.step} with the loss and gradients computed by `gradients` (called inside a tidy
   * with the step's learning rate): the loss value and each trainable variable's gradient by name,
   * or, e.g. averaged over the shards of a data-parallel step, {@link ReducedGradients} already
   * clipped and measured on the host.
   */
  stepWith(
    step: number,
    gradients: (learningRate: number) => { value: tf.Scalar; grads: tf.NamedTensorMap } | ReducedGradients,
    fallback?: Fallback,
    budgetFraction?: number,
  ): { loss: number; learningRate: number } {
    const { steps, learningRate: base, schedule = 'cosine', warmupSteps, clipNorm } = this.options;
    const learningRate =
      budgetFraction === undefined
        ? learningRateAt(schedule, base, step, steps, warmupSteps)
        : learningRateAtFraction(schedule, base, step, budgetFraction, warmupSteps);
    const started = performance.now();
    const candidate = new WeightSnapshot(this.state);
    const [lossValue, norm] = tf.tidy(() => {
      const computed = gradients(learningRate);
      return 'clipped' in computed
        ? reducedAdamUpdate(this.adam, this.trainable, computed, learningRate)
        : clippedAdamUpdate(
            this.adam,
            this.trainable,
            computed.value,
            computed.grads,
            learningRate,
            clipNorm,
          );
    });
    this.seconds += (performance.now() - started) / 1000;
    this.count += 1;
    if (!Number.isFinite(lossValue) || !Number.isFinite(norm)) {
      candidate.dispose();
      (fallback?.weights ?? this.lastGood)?.restore();
      const what = Number.isFinite(lossValue) ? `gradient norm is ${norm}` : `loss is ${lossValue}`;
      throw new DivergenceError(
        step,
        `training diverged at step ${step}: ${what}; restored the ${fallback?.description ?? 'last good weights'} ` +
          '(try a lower learning rate or clipNorm)',
      );
    }
    this.lastGood?.dispose();
    this.lastGood = candidate;
    return { loss: lossValue, learningRate };
  }

  /** Adam's state for the trainable variables (for a checkpoint). */
  optimiserState(): AdamState {
    return this.adam.state(this.trainable);
  }

  /** Restores Adam's state from a checkpoint of the same trainable variables. */
  restoreOptimiserState(saved: AdamState): void {
    this.adam.restore(this.trainable, saved);
  }

  /** Mean wall-clock seconds of the steps run so far. */
  get secondsPerStep(): number {
    return this.seconds / Math.max(1, this.count);
  }

  /** Frees the snapshot and Adam's moments. */
  dispose(): void {
    this.lastGood?.dispose();
    this.adam.dispose();
  }
}
