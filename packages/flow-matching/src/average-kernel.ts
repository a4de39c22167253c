import * as tf from '@tensorflow/tfjs-core';
import { defineHostKernel, type HostKernelAttrs } from '@bijective/engine';

/** The decay of the moving average (0 < ema < 1). */
interface AverageAttrs extends HostKernelAttrs {
  ema: number;
}

/**
 * One update of the weights' exponential moving average as ONE kernel: inputs (n, w̄_1, w_1, …,
 * w̄_k, w_k), outputs (n + 1, w̄'_1, …, w̄'_k) with w̄' = d·w̄ + (1 − d)·w and
 * d = min(ema, (1 + n)/(10 + n)) after n updates (the warm-up of TensorFlow's
 * ExponentialMovingAverage). Twenty variables as tfjs ops would be about a hundred kernels a step.
 */
const averageKernel = defineHostKernel<AverageAttrs>({
  name: 'Bijective.FlowMatchingAverage',
  outputShapes: (shapes) => shapes.filter((_, i) => i === 0 || i % 2 === 1).map((s) => [...s]),
  run(inputs, outputs, _shapes, { ema }) {
    const n = (inputs[0] as Float32Array)[0] as number;
    const d = Math.min(ema, (1 + n) / (10 + n));
    (outputs[0] as Float32Array)[0] = n + 1;
    for (let k = 1; 2 * k < inputs.length + 1; k++) {
      const average = inputs[2 * k - 1] as Float32Array;
      const trained = inputs[2 * k] as Float32Array;
      const out = outputs[k] as Float32Array;
      for (let i = 0; i < average.length; i++) {
        out[i] = d * (average[i] as number) + (1 - d) * (trained[i] as number);
      }
    }
  },
});

/**
 * Moves `average` towards `trained` (same order and shapes) by one step of the warmed-up moving
 * average with decay `ema`, and adds 1 to the update count `count` (a scalar): one kernel.
 * @internal
 */
export function updateAverage(
  count: tf.Variable,
  average: readonly tf.Variable[],
  trained: readonly tf.Variable[],
  ema: number,
): void {
  const inputs: tf.Tensor[] = [count];
  average.forEach((a, i) => inputs.push(a, trained[i] as tf.Variable));
  const outputs = averageKernel(inputs, { ema });
  count.assign(outputs[0] as tf.Tensor);
  average.forEach((a, i) => a.assign(outputs[i + 1] as tf.Tensor));
  tf.dispose(outputs);
}
