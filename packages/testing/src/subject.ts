import * as tf from '@tensorflow/tfjs-core';
import type { Bijector, CallOptions } from '@bijective/core';
import type { BijectorTolerances, Tolerance } from './tolerance.js';
import { scaleTolerance } from './tolerance.js';

/** What a bijector check runs on: the bijector, one batch of base-side inputs and its image. */
export interface BijectorSubject {
  /** The bijector under test (in eval mode: every call passes `training: false`). */
  readonly bijector: Bijector;
  /** Base-side batch `[batch, ...eventShape]`. */
  readonly x: tf.Tensor;
  /** Data-side batch y = forward(x) `[batch, ...outputEventShape]`: always in the inverse's domain. */
  readonly y: tf.Tensor;
  /** Context `[batch, ...contextShape]` of a conditional bijector. */
  readonly context: tf.Tensor | undefined;
  /** Seed of this case, for any further draws a check needs. */
  readonly seed: number;
  /** Tolerances in force. */
  readonly tolerances: BijectorTolerances;
  /** Standard deviation of the data-side inputs of the opt-in `inverse-stress` check. */
  readonly stressScale: number;
}

/** The call options every check uses: eval mode and the subject's context. */
export function callOptions(s: BijectorSubject): CallOptions {
  return s.context ? { training: false, context: s.context } : { training: false };
}

/** Scalars per forward-input event (n) and per forward-output event (m). */
export function eventSizes(s: BijectorSubject): { n: number; m: number; batch: number } {
  const batch = s.x.shape[0] ?? 0;
  return { n: batch && s.x.size / batch, m: batch && s.y.size / batch, batch };
}

/** A tolerance for an inverse-side comparison: loosened for bijectors without an analytic inverse. */
export function inverseTolerance(s: BijectorSubject, t: Tolerance): Tolerance {
  return s.bijector.hasAnalyticInverse ? t : scaleTolerance(t, s.tolerances.nonAnalyticInverseFactor);
}

/** Reads a tensor's values to the host and disposes it. */
export function take(t: tf.Tensor): Float32Array {
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

/** Row `r` of a batch, keeping the batch axis: `[1, ...event]`. */
export function row(t: tf.Tensor, r: number): tf.Tensor {
  return tf.slice(t, [r], [1]);
}
