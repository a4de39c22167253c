import { OptionError } from '@bijective/core';

/** A learning-rate schedule: a name or a function of the step (0-based) and the total steps. */
export type LearningRateSchedule = 'constant' | 'cosine' | ((step: number, totalSteps: number) => number);

/**
 * The learning rate at `step`: constant, or cosine annealing lr·(1 + cos(π t/T))/2 with a linear
 * warm-up over the first `warmup` steps (Loshchilov & Hutter 2017).
 */
export function learningRateAt(
  schedule: LearningRateSchedule,
  baseRate: number,
  step: number,
  totalSteps: number,
  warmup = 0,
): number {
  if (typeof schedule === 'function') return schedule(step, totalSteps);
  const warm = warmup > 0 && step < warmup ? (step + 1) / warmup : 1;
  if (schedule === 'constant') return baseRate * warm;
  if (schedule === 'cosine')
    return baseRate * warm * 0.5 * (1 + Math.cos((Math.PI * step) / Math.max(1, totalSteps)));
  throw new OptionError(`unknown learning-rate schedule '${String(schedule)}'; known: constant, cosine`);
}
