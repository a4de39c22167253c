import type * as tf from '@tensorflow/tfjs-core';

/** Which way a coupling runs: forward (base -> data) or inverse (data -> base). */
export type Direction = 'forward' | 'inverse';

/** What an {@link ElementwiseTransform} computes in one direction. */
export interface TransformResult {
  /** The mapped batch `[n, d]`. */
  value: tf.Tensor2D;
  /** log|det J| per row `[n]`, or null for a volume-preserving map. */
  logDet: tf.Tensor1D | null;
  /** Tensors the backward pass needs (kept by the op while a gradient tape records). */
  saved: tf.Tensor[];
}

/** Gradients of an {@link ElementwiseTransform} with respect to its input and its heads. */
export interface TransformGradients {
  /** ∂L/∂u through the map itself (the conditioner's path is added by the caller). */
  du: tf.Tensor2D;
  /** ∂L/∂head_j for every lifted head. */
  dHeads: tf.Tensor2D[];
}

/**
 * The invertible elementwise map g of a coupling, applied on the full event width: the conditioner
 * heads arrive lifted to `[n, d]` and are zero on the conditioning part A, where g must then be the
 * identity (x ⊙ exp(0) + 0 = x), so no slicing or merging is needed.
 */
export interface ElementwiseTransform {
  /** Conditioner outputs per element of B (1: shift; 2: log-scale and shift). */
  readonly heads: number;
  /** A constant factor per head, folded into its lift (e.g. RealNVP's 1/c); `apply` receives the scaled heads. */
  readonly headScales: readonly number[];
  /** Whether g changes volume (the layer then reports Σ log|g'|; otherwise 0). */
  readonly hasLogDet: boolean;
  /** g (forward) or g⁻¹ (inverse) of u given the lifted heads. */
  apply(direction: Direction, u: tf.Tensor2D, heads: tf.Tensor2D[]): TransformResult;
  /** The gradients w.r.t. u and the unscaled heads from ∂L/∂value, ∂L/∂logDet `[n, 1]` (null without a log-det), u and the saved tensors. */
  grad(
    direction: Direction,
    dValue: tf.Tensor2D,
    dLogDet: tf.Tensor2D | null,
    u: tf.Tensor2D,
    saved: tf.Tensor[],
  ): TransformGradients;
}
