import type * as tf from '@tensorflow/tfjs-core';

/** A map of one batch z `[batch, ...event]` to f(z) of the same shape, rows independent (a vector field at fixed t). */
export type BatchFunction = ((z: tf.Tensor) => tf.Tensor) & {
  /**
   * Optional: f(z) and the vector-Jacobian products eᵀ ∂f/∂z (row by row, `e` of z's shape) in one pass,
   * with differentiable ops. Estimators use it instead of a nested `tf.grads`, which saves tfjs's tape
   * bookkeeping (each nested gradient scans the whole open tape) and makes second-order gradients exact
   * without second-order-safe ops.
   */
  valueAndVjp?: (z: tf.Tensor, e: tf.Tensor) => { value: tf.Tensor; vjp: tf.Tensor };
  /**
   * Optional: f(z) once and the VJPs of m probes stacked along the batch, `e` `[m·batch, ...event]` (m
   * blocks of z's shape); `vjp` has e's shape. Estimators with several probes (the exact trace's basis)
   * use it instead of `valueAndVjp` on z tiled m times, which evaluates f m times.
   */
  valueAndVjps?: (z: tf.Tensor, e: tf.Tensor) => { value: tf.Tensor; vjp: tf.Tensor };
  /**
   * Optional: f(z) and the probe contraction Σ_j w eⱼᵀ (∂f/∂z) eⱼ per batch element in one pass
   * (`probes` `[m, batch, ...event]`, `weight` w), for a function that contracts its VJPs with the
   * probes itself (FFJORD's wasm field kernel does it in the same kernel). Estimators use it when no
   * Frobenius norm is asked for (that needs the VJPs themselves).
   */
  valueAndTrace?: (
    z: tf.Tensor,
    probes: tf.Tensor,
    weight: number,
  ) => { value: tf.Tensor; trace: tf.Tensor1D };
  /**
   * Optional: as `valueAndTrace`, and also Σ_j w ‖eⱼᵀ ∂f/∂z‖² per batch element from the same VJPs
   * (RNODE's Jacobian Frobenius estimate, Finlay et al. 2020) in the same pass. Estimators use it
   * when a Frobenius norm is asked for.
   */
  valueAndTraceFrobenius?: (
    z: tf.Tensor,
    probes: tf.Tensor,
    weight: number,
  ) => { value: tf.Tensor; trace: tf.Tensor1D; frobenius: tf.Tensor1D };
};

/** The fused result of a trace estimate: f(z) and the estimate of tr(∂f/∂z) per batch element. */
export interface TraceResult {
  /** f(z), `[batch, ...event]`. */
  value: tf.Tensor;
  /** The estimate of tr(∂f(z_b)/∂z_b) for each batch element b, `[batch]`. */
  trace: tf.Tensor1D;
  /**
   * With `{ frobenius: true }`: the estimate of ‖∂f(z_b)/∂z_b‖²_F from the same probes,
   * Σ_j w ‖eⱼᵀ ∂f/∂z‖² (exact with the basis probes, Hutchinson's otherwise), `[batch]`.
   */
  frobenius?: tf.Tensor1D;
}

/** Options of one {@link TraceEstimator.estimate} call. */
export interface EstimateOptions {
  /** Also return the squared Frobenius norm of the Jacobian from the same probes (RNODE, Finlay et al. 2020). */
  frobenius?: boolean;
}

/**
 * An estimator of tr(∂f/∂z), the divergence in the instantaneous change of variables
 * d log p(z(t))/dt = -tr(∂f/∂z(t)) (Chen et al. 2018; Grathwohl et al. 2019, FFJORD), created through
 * the registry kind `traceEstimator`. Every estimate is Σ_j w eⱼᵀ (∂f/∂z) eⱼ over probe vectors eⱼ,
 * computed with vector-Jacobian products in one forward and one backward pass.
 *
 * Gradients: the returned value and trace are differentiable with respect to z and the parameters of f,
 * but tfjs-core 4.22 loses part of a second-order gradient through ops whose gradient reuses their saved
 * output (tanh, sigmoid, exp, elu, softmax, pow): the trace's value stays exact, its gradient with respect
 * to the parameters does not. Fields built from matMul, add, mul, softplus, sin, cos, square, log
 * differentiate exactly; so do fields that give their own `valueAndVjp` (see {@link BatchFunction}) and
 * the second-order exact activations of `@bijective/cnf`.
 */
export interface TraceEstimator {
  /** Registry name. */
  readonly name: string;
  /**
   * Draws the probe vectors for a batch of shape `[batch, ...event]`: a tensor `[probes, batch, ...event]`,
   * reproducible for a given seed. Draw once per solve and pass it to every {@link TraceEstimator.estimate}
   * of that solve (FFJORD holds the noise fixed within a solve); the caller disposes it.
   */
  createProbe(shape: readonly number[], seed?: number): tf.Tensor;
  /**
   * f(z) and the estimate of tr(∂f/∂z) per batch element (and of ‖∂f/∂z‖²_F when asked); draws (and
   * frees) a fresh probe when none is given. An estimator that cannot give the Frobenius norm leaves it out.
   */
  estimate(f: BatchFunction, z: tf.Tensor, probe?: tf.Tensor, options?: EstimateOptions): TraceResult;
}

/** Options of the `exact` estimator (it has none). */
export type ExactTraceOptions = Record<string, never>;

/** Options of the Hutchinson estimators. */
export interface HutchinsonOptions {
  /** Probe vectors per batch element; the estimate is their average (variance falls as 1/probes). Default 1. */
  probes?: number;
}

/**
 * Options of every registered trace estimator, by registry name. Third parties add names by declaration
 * merging: `declare module '@bijective/trace' { interface TraceEstimatorOptionsMap { 'acme/x': XOptions } }`.
 */
export interface TraceEstimatorOptionsMap {
  /** Exact trace from d vector-Jacobian products with the basis vectors. */
  exact: ExactTraceOptions;
  /** Hutchinson (1990) with standard normal probes. */
  'hutchinson-gaussian': HutchinsonOptions;
  /** Hutchinson (1990) with Rademacher (±1) probes. */
  'hutchinson-rademacher': HutchinsonOptions;
}

declare module '@bijective/core' {
  interface RegistryKinds {
    /** Trace estimators (`@bijective/trace`). */
    traceEstimator: { options: TraceEstimatorOptionsMap; product: TraceEstimator };
  }
}
