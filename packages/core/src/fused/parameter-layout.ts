import * as tf from '@tensorflow/tfjs-core';
import type { ActivationName } from '../nn/activation.js';
import { MLP } from '../nn/mlp.js';
import type { LayerWeights } from './conditioner-math.js';

/**
 * The layout of one coupling layer's conditioner weights in a single flat variable θ: kernel₁, bias₁,
 * ..., kernel_L, bias_L, each row-major. One variable per layer instead of two per dense layer keeps
 * an optimiser's per-variable work (Adam: ~10 kernels per variable per step) from dominating small
 * flows. (Slicing cost in tfjs's wasm backend grows with the sliced tensor, so θ stays per layer.)
 */
export class ParameterLayout {
  /** Scalars in θ. */
  readonly size: number;
  private readonly shapes: readonly (readonly [number, number])[];
  private readonly pieceSizes: number[];

  /** The layout of an MLP with widths `[input, ...hidden, output]`. */
  constructor(readonly widths: readonly number[]) {
    this.shapes = widths.slice(1).map((out, i) => [widths[i] as number, out] as const);
    this.pieceSizes = this.shapes.flatMap(([rows, cols]) => [rows * cols, cols]);
    this.size = this.pieceSizes.reduce((n, s) => n + s, 0);
  }

  /** The kernels and biases cut from θ with one split (cheaper than a slice each on wasm); the caller owns them. */
  weights(theta: tf.Tensor1D): LayerWeights {
    const pieces = tf.split(theta, this.pieceSizes);
    return {
      kernels: this.shapes.map(([rows, cols], i) => tf.reshape(pieces[2 * i] as tf.Tensor, [rows, cols])),
      biases: this.shapes.map((_, i) => pieces[2 * i + 1] as tf.Tensor1D),
    };
  }

  /** Weight gradients back in θ's layout `[size]`. */
  flatten(grads: LayerWeights): tf.Tensor1D {
    const parts = grads.kernels.flatMap((k, i) => [tf.reshape(k, [-1]), grads.biases[i] as tf.Tensor1D]);
    return tf.concat(parts) as tf.Tensor1D;
  }

  /**
   * Initial θ from core's {@link MLP} initialisation (seeded Glorot-uniform kernels, zero biases,
   * optionally a zero output layer so that the coupling starts as the identity).
   */
  initial(activation: ActivationName, seed: number, zeroInitOutput: boolean): Float32Array {
    const mlp = new MLP({
      inputSize: this.widths[0] as number,
      hiddenSizes: this.widths.slice(1, -1) as number[],
      outputSize: this.widths[this.widths.length - 1] as number,
      activation,
      zeroInitOutput,
      seed,
    });
    const theta = new Float32Array(this.size);
    let offset = 0;
    for (const v of mlp.variables) {
      theta.set(v.dataSync() as Float32Array, offset);
      offset += v.size;
    }
    mlp.dispose();
    return theta;
  }
}
