import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import { gradientsAllowingUnused } from '@bijective/engine';
import type { VectorField } from './solver.js';

/** The value f(t, z) of a vector field together with the vector-Jacobian products aᵀ ∂f/∂z and aᵀ ∂f/∂θ. */
export interface FieldVjp {
  /** f(t, z), one tensor per state tensor. */
  value: tf.Tensor[];
  /** aᵀ ∂f/∂z_s for each state tensor z_s (zeros where f does not depend on it). */
  stateGrads: tf.Tensor[];
  /** aᵀ ∂f/∂θ_p for each parameter θ_p (zeros where f does not depend on it). */
  paramGrads: tf.Tensor[];
}

/**
 * Evaluates f(t, z) once under a tape and backpropagates the cotangent tuple `a` through it:
 * the gradient of Σ_s ⟨f_s(t, z), a_s⟩ with respect to z and θ. Call under a fresh tape
 * (see `withIsolatedTape`) so that the tape is freed after each call.
 */
export function fieldVjp(
  f: VectorField,
  t: number,
  z: readonly tf.Tensor[],
  a: readonly tf.Tensor[],
  params: readonly tf.Tensor[],
): FieldVjp {
  let kept: tf.Tensor[] = [];
  const xs = [...z, ...params];
  const { value: dot, grads } = gradientsAllowingUnused(() => {
    const out = f(t, z);
    kept = out.map((v) => tf.keep(tf.clone(v)));
    const dots = out.map((v, s) => tf.sum(tf.mul(v, a[s] as tf.Tensor)));
    return dots.length === 1 ? (dots[0] as tf.Tensor) : tf.addN(dots);
  }, xs);
  dot.dispose();
  const value = kept.map((v) => tf.clone(v));
  tf.dispose(kept);
  const filled = xs.map((x, i) => grads[i] ?? tf.zerosLike(x));
  return { value, stateGrads: filled.slice(0, z.length), paramGrads: filled.slice(z.length) };
}
