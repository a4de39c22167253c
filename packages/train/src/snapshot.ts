import * as tf from '@tensorflow/tfjs-core';
import { sharedCopy } from '@bijective/engine';

/**
 * A copy of variables' values that can be written back. It holds the values' data itself (no bytes
 * copied, see `sharedCopy`): a variable's `assign` points it at new data and leaves the old as it was.
 */
export class WeightSnapshot {
  private readonly values: tf.Tensor[];

  /** Copies the current values of `variables`. */
  constructor(private readonly variables: readonly tf.Variable[]) {
    this.values = variables.map((v) => tf.keep(sharedCopy(v)));
  }

  /** Writes the copied values back into the variables. */
  restore(): void {
    this.variables.forEach((v, i) => v.assign(this.values[i] as tf.Tensor));
  }

  /** Host copies of the saved values. */
  read(): Float32Array[] {
    return this.values.map((t) => Float32Array.from(t.dataSync()));
  }

  /** Frees the copies. */
  dispose(): void {
    for (const t of this.values) t.dispose();
  }
}
