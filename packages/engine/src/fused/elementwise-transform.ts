import type * as tf from '@tensorflow/tfjs-core';

/** Which way a fused layer runs: forward (base -> data) or inverse (data -> base). */
export type Direction = 'forward' | 'inverse';

/** An {@link ElementwiseTransform}'s `apply` on host buffers (see {@link ElementwiseTransform.host}). */
export type HostTransform = (
  direction: Direction,
  columns: readonly number[],
  shape: readonly [number, number],
  u: Float32Array,
  raw: Float32Array,
  value: Float32Array,
  logDet: Float32Array | null,
) => void;

/**
 * An {@link ElementwiseTransform}'s `grad` on host buffers (see {@link ElementwiseTransform.hostGrad}):
 * ∂L/∂u into `du` `[n, d]`, ∂L/∂raw into `dRaw` and its column sums into `dRawSums`, every element written.
 */
export type HostTransformGrad = (
  direction: Direction,
  columns: readonly number[],
  shape: readonly [number, number],
  u: Float32Array,
  raw: Float32Array,
  dValue: Float32Array,
  dLogDet: Float32Array | null,
  du: Float32Array,
  dRaw: Float32Array,
  dRawSums: Float32Array,
) => void;

/**
 * The kernel of the engine's wasm SIMD module that runs an {@link ElementwiseTransform} inside the
 * one-kernel wasm runs: `affine`, y = x·e^s + t with s = c·tanh(ŝ/c) and c = `bound` (RealNVP,
 * Dinh et al. 2017; MAF, Papamakarios et al. 2017).
 */
export type SimdTransformSpec = { kind: 'affine'; bound: number };

/** What an {@link ElementwiseTransform} computes in one direction. */
export interface TransformResult {
  /** The mapped batch `[n, d]` (identity outside the transformed columns). */
  value: tf.Tensor2D;
  /** Σ log|∂g/∂u| per row `[n]` over the transformed columns, or null for a volume-preserving map. */
  logDet: tf.Tensor1D | null;
  /** What `grad` may reuse of this call instead of recomputing it (asked for with `apply`'s `withCache`; absent where a transform keeps none). */
  cache?: tf.Tensor;
}

/** Gradients of an {@link ElementwiseTransform} with respect to its input and its raw parameters. */
export interface TransformGradients {
  /** ∂L/∂u `[n, d]` through the map itself (identity columns pass ∂L/∂value on). */
  du: tf.Tensor2D;
  /** ∂L/∂raw `[n, heads·|B|]`. */
  dRaw: tf.Tensor2D;
  /** Σ_n ∂L/∂raw `[heads·|B|]`: the gradient of the bias of the layer that produced raw. */
  dRawSums: tf.Tensor1D;
}

/**
 * The invertible elementwise map g of a coupling or autoregressive layer, applied to the columns B
 * of a `[n, d]` batch and the identity elsewhere, with parameters `raw` `[n, heads·|B|]` straight
 * from the conditioner, head-major: head h of B's k-th column is raw column h·|B| + k. Both
 * directions and the backward pass are single host kernels (`defineHostKernel`), so a layer costs
 * a handful of kernels however elaborate g is; the backward recomputes what it needs from u and raw,
 * or reads it from the forward's cache where the transform keeps one (a spline's softmaxes).
 * raw = 0 must give the identity (zero-initialised conditioners start every layer as the identity).
 */
export interface ElementwiseTransform {
  /** Raw conditioner outputs per transformed column (1: shift; 2: log-scale and shift; 3K - 1: spline). */
  readonly heads: number;
  /** Whether g changes volume (else the layer's log-det is 0 and `logDet` is null). */
  readonly hasLogDet: boolean;
  /** g (forward) or g⁻¹ (inverse) of u `[n, d]` on `columns` (B, in head order); `withCache`: also return a cache for `grad` if the transform keeps one. */
  apply(
    direction: Direction,
    u: tf.Tensor2D,
    raw: tf.Tensor2D,
    columns: readonly number[],
    withCache?: boolean,
  ): TransformResult;
  /**
   * `apply` on host buffers, for a caller that runs several layers as one kernel (the engine's wasm
   * inference run): value `[n, d]` (every element written) and, when `hasLogDet`, Σ log|∂g/∂u| per
   * row into `logDet` (every row written); the same loop as `apply`'s kernel. Optional: without it
   * the layers run as separate kernels.
   */
  readonly host?: HostTransform;
  /** `grad` on host buffers without a cache, the same loop as `grad`'s kernel (for the engine's one-kernel wasm training pass). Optional. */
  readonly hostGrad?: HostTransformGrad;
  /** Which kernel of the engine's wasm SIMD module computes `host` and `hostGrad` in the one-kernel wasm runs, if one does (the host loops run elsewhere). Optional. */
  readonly simd?: SimdTransformSpec;
  /** Gradients w.r.t. u and raw, given ∂L/∂value `[n, d]`, ∂L/∂logDet `[n]` (null without a log-det) and the cache of the `apply` in the same direction on the same u and raw, if any. */
  grad(
    direction: Direction,
    u: tf.Tensor2D,
    raw: tf.Tensor2D,
    columns: readonly number[],
    dValue: tf.Tensor2D,
    dLogDet: tf.Tensor1D | null,
    cache?: tf.Tensor,
  ): TransformGradients;
}
