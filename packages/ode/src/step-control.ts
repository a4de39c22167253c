import * as tf from '@tensorflow/tfjs-core';
import type { VectorField } from './solver.js';
import { combine, errorScale, scaledRmsNorm, takeScalar } from './tuple.js';

/** Tolerances and controller constants of an adaptive solve. */
export interface StepControl {
  /** Relative tolerance. */
  rtol: number;
  /** Absolute tolerance. */
  atol: number;
  /** Safety factor applied to the optimal factor. */
  safety: number;
  /** Smallest factor per step. */
  minFactor: number;
  /** Largest factor per step. */
  maxFactor: number;
}

/**
 * The step-size factor after a step with scaled error norm `err` for a method whose error estimate
 * has order q (Hairer, Nørsett & Wanner 1993, II.4 eq. 4.13): safety · err^(-1/(q+1)), clamped to
 * [minFactor, maxFactor], and to at most 1 after a rejection. A non-finite error shrinks by minFactor.
 */
export function stepFactor(err: number, errorOrder: number, control: StepControl): number {
  if (!Number.isFinite(err)) return control.minFactor;
  const grow = err <= 1 ? control.maxFactor : 1;
  if (err === 0) return grow;
  const optimal = control.safety * Math.pow(err, -1 / (errorOrder + 1));
  return Math.min(grow, Math.max(control.minFactor, optimal));
}

/**
 * The automatic first step of Hairer, Nørsett & Wanner (1993, II.4): h0 = 0.01 ‖y0‖/‖f0‖, one Euler
 * trial to estimate the second derivative, then h = min(100 h0, (0.01 / max(‖f0‖, ‖f1 - f0‖/h0))^(1/(p+1)))
 * in the scaled RMS norm of the first `controlled` state tensors (default all; see
 * `SolveOptions.errorControlled`); never longer than `span`. Costs one evaluation of `f`.
 */
export function initialStep(
  f: VectorField,
  t0: number,
  y0: readonly tf.Tensor[],
  f0: readonly tf.Tensor[],
  direction: 1 | -1,
  span: number,
  order: number,
  control: StepControl,
  controlled = y0.length,
): number {
  return tf.tidy(() => {
    const measured = (ts: readonly tf.Tensor[]) => ts.slice(0, controlled);
    const scale = errorScale(measured(y0), null, control.rtol, control.atol);
    const norms = tf
      .stack([scaledRmsNorm(measured(y0), scale), scaledRmsNorm(measured(f0), scale)])
      .dataSync();
    const d0 = norms[0] as number;
    const d1 = norms[1] as number;
    const h0 = Math.min(span, d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * (d0 / d1));
    const y1 = combine(y0, [direction * h0], [f0]);
    const f1 = f(t0 + direction * h0, y1);
    const diff = measured(f1).map((t, i) => tf.sub(t, f0[i] as tf.Tensor));
    const d2 = takeScalar(scaledRmsNorm(diff, scale)) / h0;
    const dMax = Math.max(d1, d2);
    const h1 = dMax <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / dMax, 1 / (order + 1));
    return Math.min(100 * h0, h1, span);
  });
}
