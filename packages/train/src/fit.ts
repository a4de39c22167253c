import * as tf from '@tensorflow/tfjs-core';
import {
  OptionError,
  ShapeError,
  type Flow,
  randomPermutation,
  MinibatchSampler,
  CallRecord,
  addCounters,
  solveTelemetry,
  type SolveTelemetry,
} from '@bijective/core';
import { gatherRows } from '@bijective/engine';
import type { AdamOptions } from './adam.js';
import { meanNegLogProb } from './evaluate.js';
import { checkFinite } from './finite.js';
import { checkNumberOption } from './options.js';
import type { LearningRateSchedule } from './schedule.js';
import { projectedSteps } from './budget.js';
import { WeightSnapshot } from './snapshot.js';
import { GuardedOptimiser, type ReducedGradients } from './guarded-optimiser.js';
import { assignVariables, readVariables, type FitCheckpointing, type FitState } from './fit-state.js';

/**
 * Progress reported after every optimisation step; continuous flows add `nfeForward` and
 * `nfeBackward`, this step's mean function evaluations per solve (see `solveTelemetry`).
 */
export interface FitProgress extends SolveTelemetry {
  /** Steps completed. */
  step: number;
  /** Steps planned (on a time budget without `steps`: the projection at the pace so far). */
  totalSteps: number;
  /**
   * Training objective of this step: `Flow.trainingLoss` of the minibatch (the mean NLL in nats, or a
   * flow's own objective such as flow matching's regression loss) plus any penalties the flow reports.
   */
  loss: number;
  /** Learning rate used by this step. */
  learningRate: number;
  /** Validation NLL when this step ran a validation pass. */
  validationNll?: number;
}

/** Common options of {@link fit} and {@link fitVariational}. */
export interface TrainOptions extends AdamOptions {
  /**
   * Optimisation steps (default 1000). `fit` with `maxSeconds` and no `steps` runs until the budget
   * is spent, and the learning-rate schedule follows the fraction of the budget used instead of steps.
   */
  steps?: number;
  /** Minibatch size (default 256). */
  batchSize?: number;
  /** Base learning rate (default 1e-3). */
  learningRate?: number;
  /** Learning-rate schedule (default `cosine`). */
  schedule?: LearningRateSchedule;
  /** Linear warm-up steps (default 0). */
  warmupSteps?: number;
  /** Clip gradients to this global L2 norm (default none). */
  clipNorm?: number;
  /** Seed for shuffling and sampling (default 0). */
  seed?: number;
  /** Called after every step. */
  onProgress?: (progress: FitProgress) => void;
}

/** Options of {@link fit}. */
export interface FitOptions extends TrainOptions {
  /** Conditioning rows aligned with the training data. */
  context?: tf.Tensor;
  /**
   * Uniform dequantisation of discrete columns (Theis et al. 2016): per-column widths h (shape
   * [columns] of 2-D data; 0 for a continuous column), each minibatch getting fresh
   * u ~ U(−h/2, h/2) added (seeded by the run's seed and the step), so the flow fits the density of
   * v = x + u and cannot collapse on the grid. Default none.
   */
  dequantisationWidths?: tf.Tensor;
  /** Explicit validation data; otherwise `validationFraction` of the data is held out. */
  validationData?: tf.Tensor;
  /** Conditioning rows aligned with `validationData`. */
  validationContext?: tf.Tensor;
  /** Fraction of the data held out for validation when no `validationData` is given (default 0.1; 0 disables). */
  validationFraction?: number;
  /**
   * Scores a validation pass, lower is better (default the mean NLL, `meanNegLogProb`): the best
   * weights and early stopping follow it and `FitProgress.validationNll` reports it. E.g. the negative
   * variational-dequantisation bound of a Glow whose objective is that bound (Ho et al. 2019).
   */
  validationScore?: (flow: Flow, data: tf.Tensor, context: tf.Tensor | undefined) => number;
  /** Steps between validation passes (default steps/40, at least 10; 100 on a time budget without `steps`). */
  validationEvery?: number;
  /** Validation passes without improvement before stopping early (default 10; Infinity disables). */
  patience?: number;
  /**
   * Also validate the initial weights (as step 0), so that the restored best-validation weights are
   * never worse on validation than the start: a flow that starts at a good model (the CLI's whitened
   * tables start at the full-covariance Gaussian) keeps it when training only overfits. Default false;
   * ignored when resuming.
   */
  validateStart?: boolean;
  /**
   * Continue from a state handed out by `checkpoint` of a run with the same flow, data and options:
   * the run then ends exactly as the uninterrupted one would.
   */
  resume?: FitState;
  /** Hands out the run's state (a resumable checkpoint) after each step for which `due` says so. */
  checkpoint?: FitCheckpointing;
  /**
   * Wall-clock budget in seconds: training stops (stop reason `time-limit`) after the first step
   * that ends past it, validating that step first, and keeps the best-validation weights so far.
   * Without `steps` the budget is the run's horizon: the schedule is evaluated at the fraction of
   * the budget spent (cosine annealing reaches 0 as it runs out), with no cap on the steps.
   */
  maxSeconds?: number;
  /**
   * The clock `maxSeconds` is measured on, in seconds: default the wall clock (`performance.now`);
   * e.g. the process's CPU time, for a budget that does not depend on the machine's load.
   */
  clock?: () => number;
}

/** Why training ended. */
export type StopReason = 'completed' | 'early-stopped' | 'time-limit';

/** What {@link fit} reports; continuous flows add `nfeForward` and `nfeBackward` averaged per solve over all steps. */
export interface FitResult extends SolveTelemetry {
  /** Steps run. */
  steps: number;
  /** Why training ended. */
  stopReason: StopReason;
  /** Best validation NLL seen (its weights are restored), or null without validation. */
  bestValidationNll: number | null;
  /** Step of the best validation NLL. */
  bestStep: number | null;
  /** Training loss of the last step. */
  finalLoss: number;
  /** Mean wall-clock seconds per optimisation step, validation excluded. */
  secondsPerStep: number;
}

interface Split {
  train: tf.Tensor;
  trainContext?: tf.Tensor;
  validation?: tf.Tensor;
  validationContext?: tf.Tensor;
  owned: tf.Tensor[];
}

function splitData(data: tf.Tensor, options: FitOptions, seed: number): Split {
  if (options.validationData) {
    return {
      train: data,
      trainContext: options.context,
      validation: options.validationData,
      validationContext: options.validationContext,
      owned: [],
    };
  }
  const fraction = checkNumberOption(options.validationFraction ?? 0.1, 'validationFraction', {
    min: 0,
    max: 0.9,
  });
  const n = data.shape[0] as number;
  const nValidation = Math.floor(n * fraction);
  if (nValidation === 0) return { train: data, trainContext: options.context, owned: [] };
  const order = randomPermutation(n, seed ^ 0x5bd1e995);
  const pick = (t: tf.Tensor | undefined, rows: number[]): tf.Tensor | undefined =>
    t ? tf.tidy(() => tf.gather(t, tf.tensor1d(rows, 'int32'))) : undefined;
  const trainRows = order.slice(nValidation);
  const validationRows = order.slice(0, nValidation);
  const split: Split = {
    train: pick(data, trainRows) as tf.Tensor,
    trainContext: pick(options.context, trainRows),
    validation: pick(data, validationRows),
    validationContext: pick(options.context, validationRows),
    owned: [],
  };
  split.owned = [split.train, split.trainContext, split.validation, split.validationContext].filter(
    (t): t is tf.Tensor => t !== undefined,
  );
  return split;
}

/**
 * A data-parallel step's loss and gradients (`fitParallel`): given the step's minibatch, its
 * context, seed and learning rate, the mean objective and each trainable variable's gradient by
 * name, averaged over shards weighted by their rows, as `tf.variableGrads` of the whole minibatch
 * would give them.
 * @internal
 */
export interface ShardedGradients {
  /**
   * The minibatch's loss and gradients, clipped to the run's `clipNorm` and measured on the host
   * (called inside a tidy). With `indices` (the minibatch's rows of the training table, after
   * {@link shareRows} took it) `x` and `context` hold the first {@link mainRows} rows alone.
   */
  gradients(
    x: tf.Tensor,
    context: tf.Tensor | undefined,
    seed: number,
    record: CallRecord,
    learningRate: number,
    indices?: Int32Array,
  ): ReducedGradients;
  /** Takes the training rows once, so that every minibatch is handed over by its indices; false: declined. */
  shareRows?(train: tf.Tensor, context: tf.Tensor | undefined): boolean;
  /** The rows of a minibatch of `rows` that `x` holds when handed over by indices. */
  mainRows?(rows: number): number;
  /**
   * The mean NLL of `data` (rows aligned with `context`) as `meanNegLogProb` gives it, computed by
   * the threads on shares of the rows, or null where it cannot be shared out.
   */
  meanNegLogProb?(data: tf.Tensor, context: tf.Tensor | undefined): number | null;
  /** Called once after the last step, before the best-validation weights are restored. */
  finished?(): void;
}

/** The seed of step `step`'s own draws in a flow's training objective (a fresh one per step, reproducible). */
function stepSeed(seed: number, step: number): number {
  return (Math.imul(seed ^ 0x27d4eb2f, 0x165667b1) + Math.imul(step + 1, 0x9e3779b1)) >>> 0;
}

/**
 * Fits a flow by maximum likelihood (forward KL): minimises -mean log p(x) over minibatches with
 * Adam, an optional schedule and gradient clipping, validates periodically, stops early after
 * `patience` passes without improvement and restores the best-validation weights. A flow with its
 * own objective (`Bijector.trainingLoss`: flow matching) minimises that instead, validated by NLL
 * all the same (see `Flow.trainingLoss`). A non-finite loss or gradient stops training with a
 * `DivergenceError` after restoring the last good (or best) weights. No tensor outlives a step.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, create, useBackend } from '@bijective/core';
 * import { fit } from '@bijective/train';
 * import '@bijective/coupling';
 * import '@bijective/backend-wasm';
 *
 * await useBackend('wasm');
 * const data = tf.mul(tf.randomNormal([1000, 2], 0, 1, 'float32', 1), [1, 3]); // N(0, diag(1, 9))
 * const flow = new Flow(new StandardNormal({ eventShape: [2] }), create('bijector', 'realnvp', { eventShape: [2], layers: 2 }));
 * const result = fit(flow, data, {
 *   steps: 100,
 *   learningRate: 1e-2,
 *   onProgress: ({ step, loss }) => step % 50 === 0 && console.log(step, loss),
 * });
 * console.log(result.stopReason, result.bestValidationNll); // towards the data's entropy, 3.94 nats
 * ```
 */
export function fit(flow: Flow, data: tf.Tensor, options: FitOptions = {}): FitResult {
  const run = fitSteps(flow, data, options);
  for (;;) {
    const next = run.next();
    if (next.done) return next.value;
  }
}

/**
 * The body of {@link fit} as a generator that pauses after each optimisation step, so that
 * {@link fit} runs it to the end and `fitAsync` hands the event loop a turn between steps.
 * Returning it early (`return()`) disposes everything the run owns.
 * @internal
 */
export function* fitSteps(
  flow: Flow,
  data: tf.Tensor,
  options: FitOptions = {},
  shards?: ShardedGradients,
): Generator<number, FitResult> {
  // A time budget without a step count is the run's horizon: no step cap, the schedule over the budget.
  const timeHorizon = options.maxSeconds !== undefined && options.steps === undefined;
  const steps = timeHorizon
    ? Infinity
    : checkNumberOption(options.steps ?? 1000, 'steps', { min: 1, integer: true });
  const batchSize = checkNumberOption(options.batchSize ?? 256, 'batchSize', { min: 1, integer: true });
  const baseRate = checkNumberOption(options.learningRate ?? 1e-3, 'learningRate', { min: 0 });
  const patience = options.patience ?? 10;
  const seed = options.seed ?? 0;
  if (options.clipNorm !== undefined)
    checkNumberOption(options.clipNorm, 'clipNorm', { min: Number.MIN_VALUE });
  if (options.maxSeconds !== undefined)
    checkNumberOption(options.maxSeconds, 'maxSeconds', { min: Number.MIN_VALUE });
  if (options.clock !== undefined && typeof options.clock !== 'function')
    throw new OptionError(`clock must be a function returning seconds, got ${typeof options.clock}`);
  const clock = options.clock ?? ((): number => performance.now() / 1000);
  if (options.validationScore !== undefined && typeof options.validationScore !== 'function') {
    throw new OptionError(
      `validationScore must be a function (flow, data, context) => number, got ${typeof options.validationScore}`,
    );
  }
  const validationScore =
    options.validationScore ??
    ((f: Flow, data: tf.Tensor, context: tf.Tensor | undefined): number =>
      shards?.meanNegLogProb?.(data, context) ?? meanNegLogProb(f, data, { context }));
  let started = clock();
  if (flow.trainableVariables.length === 0) throw new OptionError('fit: the flow has no trainable variables');
  if (options.context && options.context.shape[0] !== data.shape[0]) {
    throw new ShapeError(
      `fit: context has ${options.context.shape[0]} rows but the data has ${data.shape[0]}`,
    );
  }
  checkFinite(data, 'fit: training data');
  const widths = options.dequantisationWidths;
  if (widths) {
    if (widths.rank !== 1 || data.rank !== 2 || widths.shape[0] !== data.shape[1]) {
      throw new ShapeError(
        `fit: dequantisationWidths must have one width per column of 2-D data, got shape [${widths.shape.join(', ')}] for data of shape [${data.shape.join(', ')}]`,
      );
    }
    checkFinite(widths, 'fit: dequantisationWidths');
    if (tf.tidy(() => tf.min(widths).dataSync()[0] as number) < 0)
      throw new OptionError('fit: dequantisationWidths must be >= 0');
  }
  if (options.validationData) checkFinite(options.validationData, 'fit: validation data');

  const split = splitData(data, options, seed);
  const validationEvery =
    options.validationEvery ?? (timeHorizon ? 100 : Math.max(10, Math.round(steps / 40)));
  const elapsed = (): number => clock() - started;
  const sampler = new MinibatchSampler(split.train.shape[0] as number, batchSize, seed);
  // Threads sharing the training rows gather their own shards of each minibatch, this one its
  // first rows (not with dequantisation noise, drawn over the whole minibatch here).
  const ownRows =
    shards?.mainRows && !widths && shards.shareRows?.(split.train, split.trainContext)
      ? shards.mainRows.bind(shards)
      : null;
  const optimiser = new GuardedOptimiser(flow.variables, flow.trainableVariables, {
    ...options,
    steps,
    learningRate: baseRate,
  });
  let best: { nll: number; step: number; weights: WeightSnapshot } | null = null;
  let sinceImprovement = 0;
  let finalLoss = NaN;
  let step = 0;
  let stopReason: StopReason = 'completed';
  const state = (completed: number): FitState => ({
    step: completed,
    weights: readVariables(flow.variables),
    optimiser: optimiser.optimiserState(),
    sampler: sampler.state(),
    best: best && { nll: best.nll, step: best.step, weights: best.weights.read() },
    sinceImprovement,
    finalLoss,
    seconds: elapsed(),
  });
  const work: Record<string, number> = {};
  try {
    const resume = options.resume;
    if (resume) {
      checkNumberOption(resume.step, 'resume.step', { min: 0, max: steps, integer: true });
      if (resume.best) {
        assignVariables(flow.variables, resume.best.weights, 'fit: resume (best weights)');
        best = { nll: resume.best.nll, step: resume.best.step, weights: new WeightSnapshot(flow.variables) };
      }
      assignVariables(flow.variables, resume.weights, 'fit: resume');
      optimiser.restoreOptimiserState(resume.optimiser);
      sampler.restore(resume.sampler);
      sinceImprovement = resume.sinceImprovement;
      finalLoss = resume.finalLoss;
      step = resume.step;
      // On a time horizon the resumed run continues the schedule and the budget where it stopped.
      if (timeHorizon) started -= resume.seconds ?? 0;
    }
    if (options.validateStart && !resume && split.validation) {
      const initialNll = validationScore(flow, split.validation, split.validationContext);
      if (Number.isFinite(initialNll))
        best = { nll: initialNll, step: 0, weights: new WeightSnapshot(flow.variables) };
    }
    for (; step < steps; step++) {
      const indices = sampler.next();
      const gathered = ownRows ? indices.subarray(0, ownRows(indices.length)) : indices;
      const budgetFraction = timeHorizon ? elapsed() / (options.maxSeconds as number) : undefined;
      // Collects the step's solver telemetry and training penalties (RNODE) from the flow's calls.
      const record = new CallRecord();
      let loss: number;
      let learningRate: number;
      // The minibatch is drawn before the step, off the gradient tape: taped, tfjs's gather would
      // save (copy) the whole training table for its gradient on every step.
      const { x, context } = tf.tidy(() => {
        const rowsX = gatherRows(split.train, gathered);
        return {
          x: widths
            ? tf.add(
                rowsX,
                tf.mul(
                  tf.randomUniform(rowsX.shape, -0.5, 0.5, 'float32', stepSeed(seed ^ 0x0d0e, step)),
                  widths,
                ),
              )
            : rowsX,
          context: split.trainContext ? gatherRows(split.trainContext, gathered) : undefined,
        };
      });
      try {
        const fallback = best
          ? { weights: best.weights, description: `best-validation weights of step ${best.step}` }
          : undefined;
        ({ loss, learningRate } = shards
          ? optimiser.stepWith(
              step,
              (rate) =>
                shards.gradients(
                  x,
                  context,
                  stepSeed(seed, step),
                  record,
                  rate,
                  ownRows ? indices : undefined,
                ),
              fallback,
              budgetFraction,
            )
          : optimiser.step(
              step,
              () => {
                const objective = flow.trainingLoss(x, { context, record, seed: stepSeed(seed, step) });
                return record.penalise(objective);
              },
              fallback,
              budgetFraction,
            ));
      } finally {
        record.dispose();
        x.dispose();
        context?.dispose();
      }
      flow.afterTrainingStep();
      const counters = record.counters;
      addCounters(work, counters);
      finalLoss = loss;
      let validationNll: number | undefined;
      const timeUp = options.maxSeconds !== undefined && elapsed() >= options.maxSeconds;
      const isLast = step === steps - 1 || timeUp;
      if (split.validation && ((step + 1) % validationEvery === 0 || isLast)) {
        validationNll = validationScore(flow, split.validation, split.validationContext);
        if (best === null || validationNll < best.nll) {
          best?.weights.dispose();
          best = { nll: validationNll, step: step + 1, weights: new WeightSnapshot(flow.variables) };
          sinceImprovement = 0;
        } else sinceImprovement += 1;
      }
      options.onProgress?.({
        step: step + 1,
        totalSteps: timeHorizon
          ? projectedSteps(step + 1, elapsed() / (options.maxSeconds as number))
          : steps,
        loss,
        learningRate,
        validationNll,
        ...solveTelemetry(counters),
      });
      if (sinceImprovement >= patience) {
        stopReason = 'early-stopped';
        step += 1;
        break;
      }
      if (timeUp && step + 1 < steps) {
        stopReason = 'time-limit';
        step += 1;
        break;
      }
      if (step + 1 < steps && options.checkpoint?.due(step + 1)) options.checkpoint.save(state(step + 1));
      if (step + 1 < steps) yield step + 1;
    }
    shards?.finished?.();
    best?.weights.restore();
    return {
      steps: Math.min(step, steps),
      stopReason,
      bestValidationNll: best?.nll ?? null,
      bestStep: best?.step ?? null,
      finalLoss,
      secondsPerStep: optimiser.secondsPerStep,
      ...solveTelemetry(work),
    };
  } finally {
    best?.weights.dispose();
    optimiser.dispose();
    for (const t of split.owned) t.dispose();
  }
}
