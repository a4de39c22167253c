import * as tf from '@tensorflow/tfjs-core';
import type { Direction, ElementwiseTransform, TransformResult } from './elementwise-transform.js';
import { LogDetPacking } from './log-det-packing.js';
import { customOp, isTapeActive } from '../tfjs/internals.js';

/**
 * Any {@link ElementwiseTransform} as a differentiable tfjs op of (u, raw): one custom-gradient op
 * whose forward is `transform.apply` and whose backward is `transform.grad` (∂L/∂u and ∂L/∂raw), so
 * that a layer whose conditioner runs as ordinary tfjs ops (an autoregressive layer's d sequential
 * passes, Papamakarios et al. 2017; Kingma et al. 2016) shares the fused engine's host kernels.
 * A log-det leaves the op packed with the value (a packing of value and log-det in one tensor); the
 * transform's cache, if it keeps one, is saved for the backward.
 */
export class TransformOp {
  private readonly packing: LogDetPacking | null;

  /** The op of `transform` on events of `d` scalars. */
  constructor(
    readonly transform: ElementwiseTransform,
    readonly d: number,
  ) {
    this.packing = transform.hasLogDet ? new LogDetPacking(d) : null;
  }

  /** g (forward) or g⁻¹ (inverse) of u `[n, d]` on `columns` with raw `[n, heads·|columns|]`, differentiable in u and raw. */
  apply(direction: Direction, u: tf.Tensor2D, raw: tf.Tensor2D, columns: readonly number[]): TransformResult {
    const { transform, packing } = this;
    const op = customOp<[tf.Tensor2D, tf.Tensor2D]>(([x, r], save) => {
      // A cache for the backward only where gradients are being recorded (save keeps nothing otherwise).
      const out = transform.apply(direction, x, r, columns, isTapeActive());
      save(out.cache ? [x, r, out.cache] : [x, r]);
      const value = packing && out.logDet ? packing.pack(out.value, out.logDet) : out.value;
      return {
        value,
        gradFunc: (dy, saved) => {
          const [su, sr, cache] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor?];
          const dy2 = dy as tf.Tensor2D;
          const split = packing ? packing.splitGradient(dy2) : { dValue: dy2, dLogDet: null };
          const dLogDet = split.dLogDet ? (tf.reshape(split.dLogDet, [-1]) as tf.Tensor1D) : null;
          const g = transform.grad(direction, su, sr, columns, split.dValue, dLogDet, cache);
          return [g.du, g.dRaw];
        },
      };
    });
    const out = op(u, raw) as tf.Tensor2D;
    if (!packing) return { value: out, logDet: null };
    const { value, logDet } = packing.unpack(out);
    return { value: value as tf.Tensor2D, logDet: logDet as tf.Tensor1D };
  }

  /** Frees the packing constants. */
  dispose(): void {
    this.packing?.dispose();
  }
}
