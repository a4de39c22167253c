import * as tf from '@tensorflow/tfjs-core';
import { defineHostKernel } from '@bijective/engine';

/** (y, ∂y) -> (∂conv, ∂b) of {@link biasRelu}: ∂conv = ∂y ⊙ [y > 0], ∂b its sum over pixels. */
const grad = defineHostKernel({
  name: 'Bijective.BiasReluGrad',
  outputShapes: ([y], { channels }) => [[...(y as number[])], [channels as number]],
  run([y, dy], [dConv, dBias], _shapes, { channels }) {
    const c = channels as number;
    const sums = new Float64Array(c);
    for (let base = 0; base < y!.length; base += c) {
      for (let j = 0; j < c; j++) {
        if (y![base + j]! > 0) {
          const g = dy![base + j]!;
          dConv![base + j] = g;
          sums[j] = sums[j]! + g;
        }
      }
    }
    for (let j = 0; j < c; j++) dBias![j] = sums[j]!;
  },
});

/**
 * y = relu(conv + b) over the last (channel) axis as one host kernel, with its gradient one more
 * (the bias gradient's sum over pixels in the same pass; tfjs's wasm sum over leading axes
 * transposes first). @internal
 */
export const biasRelu = defineHostKernel({
  name: 'Bijective.BiasRelu',
  outputShapes: ([x]) => [[...(x as number[])]],
  run([x, b], [y]) {
    const c = b!.length;
    for (let base = 0; base < x!.length; base += c) {
      for (let j = 0; j < c; j++) {
        const v = x![base + j]! + b![j]!;
        y![base + j] = v > 0 ? v : 0;
      }
    }
  },
  gradient: {
    saveOutputs: [0],
    grad: ([dy], [y]) => grad([y as tf.Tensor, dy as tf.Tensor], { channels: (y as tf.Tensor).shape.at(-1) as number }),
  },
});
