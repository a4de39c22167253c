import * as tf from '@tensorflow/tfjs-core';

/** Flattens tensors into one 1-D tensor (a `tf.customGrad` returns a single tensor). */
export function pack(ts: readonly tf.Tensor[]): tf.Tensor1D {
  const flat = ts.map((t) => tf.reshape(t, [-1]));
  return (flat.length === 1 ? flat[0] : tf.concat(flat)) as tf.Tensor1D;
}

/** Splits a tensor made by {@link pack} back into tensors of `shapes`, by slicing (differentiable, no gather). */
export function unpack(packed: tf.Tensor, shapes: readonly (readonly number[])[]): tf.Tensor[] {
  let offset = 0;
  return shapes.map((shape) => {
    const size = shape.reduce((n, s) => n * s, 1);
    const part = tf.reshape(tf.slice(packed, [offset], [size]), [...shape]);
    offset += size;
    return part;
  });
}

/** Groups a flat list into consecutive tuples of `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: items.length / size }, (_, i) => items.slice(i * size, (i + 1) * size));
}
