import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import { gradientsAllowingUnused } from '@bijective/engine';
import { ShapeError, formatShape, sameShape } from '@bijective/core';
import type { BatchFunction, EstimateOptions, TraceResult } from './estimator.js';

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
 * and a single vector-Jacobian product with the stacked probes gives every eⱼᵀ ∂f/∂z. With
 * `options.frobenius`, also Σ_j w ‖eⱼᵀ ∂f/∂z‖² from the same products. A function that offers
 * `valueAndTrace` (without it) or `valueAndTraceFrobenius` (with it) contracts the probes itself.
 */
export function probeTrace(
  f: BatchFunction,
  z: tf.Tensor,
  probe: tf.Tensor,
  weight: number,
  owner: string,
  options: EstimateOptions = {},
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
    const contracted = options.frobenius
      ? f.valueAndTraceFrobenius && {
          name: 'valueAndTraceFrobenius',
          ...f.valueAndTraceFrobenius(z, probe, weight),
        }
      : f.valueAndTrace && { name: 'valueAndTrace', ...f.valueAndTrace(z, probe, weight) };
    if (contracted) {
      const { name, value, trace } = contracted;
      const frobenius = 'frobenius' in contracted ? contracted.frobenius : undefined;
      if (
        !sameShape(value.shape, z.shape) ||
        !sameShape(trace.shape, [batch]) ||
        (frobenius !== undefined && !sameShape(frobenius.shape, [batch]))
      ) {
        throw new ShapeError(
          `${owner}: ${name} must return f of z's shape ${formatShape(z.shape)} and a trace${frobenius ? ' and a Frobenius estimate' : ''} of shape [${batch}], got ${formatShape(value.shape)} and ${formatShape(trace.shape)}${frobenius ? ` and ${formatShape(frobenius.shape)}` : ''}`,
        );
      }
      const out = value === z ? tf.clone(value) : value;
      return frobenius ? { value: out, trace, frobenius } : { value: out, trace };
    }
    const e = tf.reshape(probe, [m * batch, ...event]);
    // Several probes: f once and their VJPs when f offers it, else f on z tiled m times.
    const once = m > 1 && f.valueAndVjps !== undefined;
    const stacked = m === 1 || once ? z : tf.tile(z, [m, ...event.map(() => 1)]);
    const { value: out, vjp } = once
      ? f.valueAndVjps!(z, e)
      : f.valueAndVjp
        ? f.valueAndVjp(stacked, e)
        : autodiffVjp(f, stacked, e);
    if (!sameShape(out.shape, stacked.shape) || !sameShape(vjp.shape, e.shape)) {
      throw new ShapeError(
        `${owner}: f must return a tensor of its input's shape; for an input of shape ${formatShape(stacked.shape)} it returned ${formatShape(sameShape(out.shape, stacked.shape) ? vjp.shape : out.shape)}`,
      );
    }
    const eventAxes = event.map((_, i) => i + 1);
    // One probe with weight 1 (Hutchinson's default): the row sums are the estimate (2 kernels fewer).
    const perProbeMean = (t: tf.Tensor) => {
      const rows = tf.sum(t, eventAxes);
      const summed = m === 1 ? rows : tf.sum(tf.reshape(rows, [m, batch]), 0);
      return (weight === 1 ? summed : tf.mul(summed, weight)) as tf.Tensor1D;
    };
    const trace = perProbeMean(tf.mul(vjp, e));
    const sliced = m === 1 || once ? out : tf.slice(out, 0, batch);
    const value = sliced === z ? tf.clone(sliced) : sliced;
    if (!options.frobenius) return { value, trace };
    return { value, trace, frobenius: perProbeMean(tf.square(vjp)) };
  });
}

/** f(z) and eᵀ ∂f/∂z by one backward pass of tfjs's autodiff (a nested gradient when a tape is open). */
function autodiffVjp(f: BatchFunction, z: tf.Tensor, e: tf.Tensor): { value: tf.Tensor; vjp: tf.Tensor } {
  // A wrong output shape is reported after the backward pass, which frees the tape's saved tensors.
  let badShape: number[] | null = null;
  const { value, grads } = gradientsAllowingUnused(
    () => {
      const y = f(z);
      if (sameShape(y.shape, z.shape)) return y;
      badShape = y.shape;
      return tf.zerosLike(z);
    },
    [z],
    e,
  );
  if (badShape !== null) return { value: tf.zeros(badShape), vjp: tf.zerosLike(z) };
  return { value, vjp: grads[0] ?? tf.zerosLike(z) };
}
