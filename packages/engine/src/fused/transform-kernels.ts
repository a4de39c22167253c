import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@bijective/core';
import type { HostKernel, HostKernelAttrs } from '../kernels/host-kernel.js';
import type { ElementwiseTransform } from './elementwise-transform.js';

/** Attributes every transform kernel receives besides its own: the transformed columns and the direction. */
export type TransformKernelAttrs = { columns: readonly number[]; inverse: boolean };

/**
 * The rows and columns `[n, d]` of a batch shape.
 * @internal
 */
export function sizeOfRows(shape: readonly number[] | undefined): [number, number] {
  return [(shape as number[])[0] as number, (shape as number[])[1] as number];
}

/** The host kernels of one transform and its own attributes. */
export interface TransformKernelSet<A extends HostKernelAttrs> {
  /** Raw parameters per transformed column. */
  heads: number;
  /** Whether the map changes volume: `apply` then has a second output, the log-det `[n]`. */
  hasLogDet: boolean;
  /** (u, raw) -> (value[, logDet]). */
  apply: HostKernel<A & TransformKernelAttrs>;
  /** (u, raw, dValue[, dLogDet]) -> (du, dRaw, dRawSums). */
  grad: HostKernel<A & TransformKernelAttrs>;
  /** The transform's own attributes (bins, bounds, ...). */
  attrs: A;
}

/** An {@link ElementwiseTransform} from its host kernels, checking that raw has heads·|B| columns. */
export function transformKernels<A extends HostKernelAttrs>(
  set: TransformKernelSet<A>,
): ElementwiseTransform {
  const attrsFor = (direction: string, columns: readonly number[]) =>
    ({ ...set.attrs, columns, inverse: direction === 'inverse' }) as A & TransformKernelAttrs;
  const check = (u: tf.Tensor2D, raw: tf.Tensor2D, columns: readonly number[]) => {
    const want = [u.shape[0], set.heads * columns.length];
    if (raw.shape[0] !== want[0] || raw.shape[1] !== want[1])
      throw new ShapeError(`elementwise transform: raw parameters must be [${want}], got [${raw.shape}]`);
  };
  return {
    heads: set.heads,
    hasLogDet: set.hasLogDet,
    apply(direction, u, raw, columns) {
      check(u, raw, columns);
      const [value, logDet] = set.apply([u, raw], attrsFor(direction, columns));
      return { value: value as tf.Tensor2D, logDet: set.hasLogDet ? (logDet as tf.Tensor1D) : null };
    },
    host(direction, columns, shape, u, raw, value, logDet) {
      const outputs = logDet ? [value, logDet] : [value];
      set.apply.run(
        [u, raw],
        outputs,
        [shape, [shape[0], set.heads * columns.length]],
        attrsFor(direction, columns),
      );
    },
    hostGrad(direction, columns, shape, u, raw, dValue, dLogDet, du, dRaw, dRawSums) {
      const inputs = set.hasLogDet
        ? [u, raw, dValue, dLogDet ?? new Float32Array(shape[0])]
        : [u, raw, dValue];
      const rawShape = [shape[0], set.heads * columns.length];
      set.grad.run(inputs, [du, dRaw, dRawSums], [shape, rawShape], attrsFor(direction, columns));
    },
    grad(direction, u, raw, columns, dValue, dLogDet) {
      const inputs: tf.Tensor[] = [u, raw, dValue];
      if (set.hasLogDet) inputs.push(dLogDet ?? tf.zeros([u.shape[0]]));
      const [du, dRaw, dRawSums] = set.grad(inputs, attrsFor(direction, columns));
      return { du: du as tf.Tensor2D, dRaw: dRaw as tf.Tensor2D, dRawSums: dRawSums as tf.Tensor1D };
    },
  };
}
