import * as tf from '@tensorflow/tfjs-core';
import { defineHostKernel } from './host-kernel.js';

/** Σ over every axis but the last of a float32 tensor, in one pass on the host. */
const kernel = defineHostKernel({
  name: 'Bijective.ColumnSums',
  outputShapes: ([x]) => [[(x as number[]).at(-1) as number]],
  run([x], [sums], [shape]) {
    const c = (shape as number[]).at(-1) as number;
    const acc = new Float64Array(c);
    const values = x as Float32Array;
    for (let base = 0; base < values.length; base += c)
      for (let j = 0; j < c; j++) acc[j] = acc[j]! + values[base + j]!;
    (sums as Float32Array).set(acc);
  },
});

/**
 * Σ of `x` over every axis but the last (a bias gradient): one host pass on cpu and wasm, whose
 * sums over leading axes transpose the whole tensor first; `tf.sum` elsewhere. Not differentiable
 * on cpu and wasm (use it in backward passes). @internal
 */
export function columnSums(x: tf.Tensor): tf.Tensor1D {
  const backend = tf.getBackend();
  if (backend === 'cpu' || backend === 'wasm') return kernel([x], {})[0] as tf.Tensor1D;
  return tf.sum(x, [...Array(x.rank - 1).keys()]) as tf.Tensor1D;
}
