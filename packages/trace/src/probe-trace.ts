import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import { gradientsAllowingUnused } from '@bijective/engine';
import { ShapeError, formatShape, sameShape } from '@bijective/core';
import type { BatchFunction, TraceResult } from './estimator.js';

/** Checks that z is a batch of events `[batch, ...event]` with a non-empty event shape; returns the event shape. */
export function checkBatch(z: tf.Tensor, owner: string): number[] {
  if (z.rank < 2)
    throw new ShapeError(
      `${owner}: z must be [batch, ...event] with at least one event axis, got ${formatShape(z.shape)}`,
    );
  return z.shape.slice(1);
}

/**
 * Σ_j w eⱼᵀ (∂f/∂z) eⱼ per batch element, with f(z), from one forward and one backward pass: the m
 * probes of `probe` `[m, batch, ...event]` are stacked along the batch (z tiled m times, rows independent)
 * and a single vector-Jacobian product with the stacked probes gives every eⱼᵀ ∂f/∂z.
 */
export function probeTrace(
  f: BatchFunction,
  z: tf.Tensor,
  probe: tf.Tensor,
  weight: number,
  owner: string,
): TraceResult {
  const event = checkBatch(z, owner);
  const batch = z.shape[0] as number;
  const m = probe.shape[0] as number;
  if (probe.rank !== z.rank + 1 || !sameShape(probe.shape.slice(1), z.shape)) {
    throw new ShapeError(
      `${owner}: probe must have shape [probes, ${z.shape.join(', ')}] (a count, then z's shape), got ${formatShape(probe.shape)}`,
    );
  }
  return tf.tidy(() => {
    const stacked = m === 1 ? z : tf.tile(z, [m, ...event.map(() => 1)]);
    const e = tf.reshape(probe, [m * batch, ...event]);
    // A wrong output shape is reported after the backward pass, which frees the tape's saved tensors.
    let badShape: number[] | null = null;
    const { value: out, grads } = gradientsAllowingUnused(
      () => {
        const y = f(stacked);
        if (sameShape(y.shape, stacked.shape)) return y;
        badShape = y.shape;
        return tf.zerosLike(stacked);
      },
      [stacked],
      e,
    );
    if (badShape !== null) {
      throw new ShapeError(
        `${owner}: f must return a tensor of its input's shape; for an input of shape ${formatShape(stacked.shape)} it returned ${formatShape(badShape)}`,
      );
    }
    const vjp = grads[0] ?? tf.zerosLike(stacked);
    const perProbe = tf.reshape(
      tf.sum(
        tf.mul(vjp, e),
        event.map((_, i) => i + 1),
      ),
      [m, batch],
    );
    const trace = tf.mul(tf.sum(perProbe, 0), weight) as tf.Tensor1D;
    const value = m === 1 ? out : tf.slice(out, 0, batch);
    return { value: value === z ? tf.clone(value) : value, trace };
  });
}
