import * as tf from '@tensorflow/tfjs-core';
import type { ConstantPair } from './constant-product.js';

/**
 * A fixed linear map of a conditioner kernel W to the matrix the layer multiplies by, with its
 * adjoint for the weight gradient: a coupling's row selection S_A W (its conditioner reads x_A of
 * the full-width u) or a MADE mask W ⊙ M (Germain et al. 2015).
 */
export interface KernelMap {
  /** The kernel the layer uses. */
  apply(w: tf.Tensor2D): tf.Tensor2D;
  /** ∂L/∂W from ∂L/∂(mapped kernel). */
  adjoint(dMapped: tf.Tensor2D): tf.Tensor2D;
  /**
   * For a row placement, where each row of W goes in the mapped kernel (`rows[i]` of `size` rows,
   * the others zero), so that a host-side run can place W itself; absent for other maps.
   */
  readonly placement?: RowPlacement;
}

/** Row i of W lands on row `rows[i]` of a `size`-row kernel whose other rows are zero. */
export interface RowPlacement {
  /** The mapped row of each row of W. */
  readonly rows: readonly number[];
  /** Rows of the mapped kernel. */
  readonly size: number;
}

/**
 * W ↦ S W for a constant one-hot S `[d, a]` (rows of W placed at the event positions they read); adjoint Sᵀ G.
 * `placement` (S's ones as row indices) lets host-side runs place W without S.
 */
export function rowPlacement(select: ConstantPair, placement?: RowPlacement): KernelMap {
  return {
    ...(placement ? { placement } : {}),
    apply: (w) => tf.matMul(select.m, w),
    adjoint: (g) => tf.matMul(select.t, g),
  };
}

/** W ↦ W ⊙ M for a constant 0/1 mask M; adjoint G ⊙ M. */
export function maskedKernel(mask: tf.Tensor2D): KernelMap {
  return {
    apply: (w) => tf.mul(w, mask),
    adjoint: (g) => tf.mul(g, mask),
  };
}

/** W ↦ W (a kernel used as it is, e.g. one a masked parameter layout already masked); adjoint G. */
export const IDENTITY_KERNEL_MAP: KernelMap = { apply: (w) => w, adjoint: (g) => g };
