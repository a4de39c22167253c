import * as tf from '@tensorflow/tfjs-core';
import { OptionError, type Flow } from '@bijective/core';
import type { TrainOptions } from './fit.js';
import { checkNumberOption } from './options.js';
import { GuardedOptimiser } from './guarded-optimiser.js';
import { projectedSteps } from './budget.js';
import {
  evaluateVariational,
  logDensityFunction,
  type LogDensity,
  type VariationalMetrics,
} from './variational-metrics.js';

/** Options of {@link fitVariational}: `batchSize` is the number of samples drawn from q per step. */
export interface FitVariationalOptions extends TrainOptions {
  /** Samples from q for the final {@link evaluateVariational} (default 4096). */
  evaluationSamples?: number;
  /** log Z of the target for the reported KL; default the target's `logNormalizer`. */
  logNormalizer?: number | null;
  /**
   * Wall-clock budget in seconds: training stops after the step that spends it; default none.
   * Without `steps` the budget is the horizon: the schedule follows the fraction of it spent.
   */
  maxSeconds?: number;
}

/** What {@link fitVariational} reports: the training run and an evaluation of the final q. */
export interface FitVariationalResult extends VariationalMetrics {
  /** Steps run (fewer than asked when `maxSeconds` ran out). */
  steps: number;
  /** Why training ended: all steps ran, or the `maxSeconds` budget was spent. */
  stopReason: 'completed' | 'time-limit';
  /** Mean of the last 10% of step losses: an estimate of KL(q‖p) - log Z (nats). */
  finalLoss: number;
  /** Mean wall-clock seconds per step. */
  secondsPerStep: number;
}

/**
 * Fits a flow q to an unnormalised log-density log p̃ by reverse KL (Rezende & Mohamed 2015):
 * minimises E_q[log q(x) - log p̃(x)] = KL(q‖p) - log Z with reparameterised samples
 * x = f(z), z ~ p0, drawn with `sampleAndLogProb`. `batchSize` is the samples per step. The final q
 * is then evaluated on fresh draws ({@link evaluateVariational}: ELBO, KL when log Z is known, ESS).
 * `maxSeconds` stops after the step that spends the wall-clock budget.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, create, useBackend } from '@bijective/core';
 * import { fitVariational } from '@bijective/train';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * // Unnormalised target: N((1, -1), I) without its constant, so log Z = log 2π = 1.8379.
 * const logTarget = (x: tf.Tensor) => tf.mul(-0.5, tf.sum(tf.square(tf.sub(x, [1, -1])), 1));
 * const flow = new Flow(new StandardNormal({ eventShape: [2] }), create('bijector', 'affine', { eventShape: [2] }));
 * const result = fitVariational(flow, logTarget, { steps: 200, batchSize: 128, learningRate: 0.05 });
 * console.log(result.finalLoss); // KL(q‖p) - log Z, towards -1.8379
 * ```
 */
export function fitVariational(
  flow: Flow,
  target: LogDensity,
  options: FitVariationalOptions = {},
): FitVariationalResult {
  const timeHorizon = options.maxSeconds !== undefined && options.steps === undefined;
  const steps = timeHorizon
    ? Infinity
    : checkNumberOption(options.steps ?? 1000, 'steps', { min: 1, integer: true });
  const batchSize = checkNumberOption(options.batchSize ?? 256, 'batchSize', { min: 1, integer: true });
  const baseRate = checkNumberOption(options.learningRate ?? 1e-3, 'learningRate', { min: 0 });
  const evaluationSamples = checkNumberOption(options.evaluationSamples ?? 4096, 'evaluationSamples', {
    min: 1,
    integer: true,
  });
  if (options.maxSeconds !== undefined)
    checkNumberOption(options.maxSeconds, 'maxSeconds', { min: Number.MIN_VALUE });
  if (flow.trainableVariables.length === 0)
    throw new OptionError('fitVariational: the flow has no trainable variables');
  const logTarget = logDensityFunction(target);
  const seed = options.seed ?? 0;
  const trainable = flow.trainableVariables as tf.Variable[];
  const optimiser = new GuardedOptimiser(flow.variables, trainable, {
    ...options,
    steps,
    learningRate: baseRate,
  });
  const losses: number[] = [];
  const started = performance.now();
  let stopReason: FitVariationalResult['stopReason'] = 'completed';
  try {
    for (let step = 0; step < steps; step++) {
      const spent = (performance.now() - started) / 1000;
      const { loss, learningRate } = optimiser.step(
        step,
        () => {
          const { value: x, logProb } = flow.sampleAndLogProb(batchSize, { seed: seed + step });
          return tf.mean(tf.sub(logProb, logTarget(x))) as tf.Scalar;
        },
        undefined,
        timeHorizon ? spent / (options.maxSeconds as number) : undefined,
      );
      flow.afterTrainingStep();
      losses.push(loss);
      const totalSteps = timeHorizon
        ? projectedSteps(step + 1, (performance.now() - started) / 1000 / (options.maxSeconds as number))
        : steps;
      options.onProgress?.({ step: step + 1, totalSteps, loss, learningRate });
      const timeUp =
        options.maxSeconds !== undefined && (performance.now() - started) / 1000 >= options.maxSeconds;
      if (timeUp && step + 1 < steps) {
        stopReason = 'time-limit';
        break;
      }
    }
    const ran = losses.length;
    const tail = losses.slice(-Math.max(1, Math.floor(losses.length / 10)));
    const metrics = evaluateVariational(flow, target, {
      samples: evaluationSamples,
      seed: seed + ran,
      ...(options.logNormalizer === undefined ? {} : { logNormalizer: options.logNormalizer }),
    });
    return {
      steps: ran,
      stopReason,
      finalLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
      secondsPerStep: optimiser.secondsPerStep,
      ...metrics,
    };
  } finally {
    optimiser.dispose();
  }
}
