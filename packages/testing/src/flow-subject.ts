import * as tf from '@tensorflow/tfjs-core';
import type { Bijector, EventShape } from '@bijective/core';
import type { FlowTolerances, Tolerance } from './tolerance.js';
import { scaleTolerance } from './tolerance.js';

/**
 * What the flow checks need of a flow (core's `Flow` satisfies it): a density over events of
 * `eventShape` with seeded sampling, optionally conditioned on a context.
 */
export interface FlowUnderTest {
  /** Shape of one data-side event. */
  readonly eventShape: EventShape;
  /** log p(x) per row, `[batch, ...event]` -> `[batch]`. */
  logProb(x: tf.Tensor, options?: { context?: tf.Tensor }): tf.Tensor;
  /** `n` samples `[n, ...event]`, reproducible for a given seed. */
  sample(n: number, options?: { seed?: number; context?: tf.Tensor }): tf.Tensor;
  /** `n` samples and their log-densities in one pass. */
  sampleAndLogProb(
    n: number,
    options?: { seed?: number; context?: tf.Tensor },
  ): { value: tf.Tensor; logProb: tf.Tensor };
  /** The bijector, when the flow has one: read for its context shape and whether its inverse is analytic. */
  readonly bijector?: Pick<Bijector, 'contextShape' | 'hasAnalyticInverse'>;
  /** Frees the flow's variables. */
  dispose(): void;
}

/** What a flow check runs on: the flow, its flattened event size, a context row and the case's seed. */
export interface FlowSubject {
  /** The flow under test. */
  readonly flow: FlowUnderTest;
  /** Scalars per event. */
  readonly size: number;
  /** One context row `[1, ...contextShape]` that every call is conditioned on, for conditional flows. */
  readonly context: tf.Tensor | undefined;
  /** Seed of this case: sampling seeds derive from it. */
  readonly seed: number;
  /** Tolerances in force. */
  readonly tolerances: FlowTolerances;
}

/** The subject's context row repeated for `rows` rows, or undefined for an unconditional flow. */
export function contextFor(s: FlowSubject, rows: number): { context?: tf.Tensor } {
  if (!s.context) return {};
  return { context: tf.tile(s.context, [rows, ...s.context.shape.slice(1).map(() => 1)]) };
}

/** Draws `n` seeded samples to the host (flattened, `size` values per sample). */
export function drawSamples(s: FlowSubject, n: number, seed: number): Float32Array {
  return tf.tidy(() => s.flow.sample(n, { seed, ...contextFor(s, n) })).dataSync() as Float32Array;
}

/** log p at host points (`size` values per point), in one call. */
export function logProbAt(s: FlowSubject, points: Float32Array): Float32Array {
  const rows = points.length / s.size;
  return tf
    .tidy(() => s.flow.logProb(tf.tensor(points, [rows, ...s.flow.eventShape]), contextFor(s, rows)))
    .dataSync() as Float32Array;
}

/** A tolerance on a log-density that goes through the inverse: loosened for numerical inverses. */
export function logProbTolerance(s: FlowSubject, t: Tolerance): Tolerance {
  return s.flow.bijector?.hasAnalyticInverse === false
    ? scaleTolerance(t, s.tolerances.nonAnalyticInverseFactor)
    : t;
}

/** exp(log p) as a density: a NaN or −∞ log-density (outside the support) counts as zero. */
export function densityOf(logProb: number): number {
  return Number.isNaN(logProb) ? 0 : Math.exp(logProb);
}
