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

/**
 * The learning rate at `step` of a run whose horizon is a time budget: the schedule evaluated at
 * `fraction` ∈ [0, 1] of the budget spent, so cosine annealing is lr·(1 + cos(π·fraction))/2 and
 * reaches 0 as the budget runs out (Loshchilov & Hutter 2017, over time instead of steps); the warm-up
 * is still counted in steps. A function schedule receives `step` and the projected total steps,
 * `step / fraction`.
 */
export function learningRateAtFraction(
  schedule: LearningRateSchedule,
  baseRate: number,
  step: number,
  fraction: number,
  warmup = 0,
): number {
  const f = Math.min(1, Math.max(0, fraction));
  if (typeof schedule === 'function') {
    return schedule(step, f > 0 ? Math.max(step + 1, Math.round(step / f)) : Number.MAX_SAFE_INTEGER);
  }
  const warm = warmup > 0 && step < warmup ? (step + 1) / warmup : 1;
  if (schedule === 'constant') return baseRate * warm;
  if (schedule === 'cosine') return baseRate * warm * 0.5 * (1 + Math.cos(Math.PI * f));
  throw new OptionError(`unknown learning-rate schedule '${String(schedule)}'; known: constant, cosine`);
}
