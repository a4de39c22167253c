import * as tf from '@tensorflow/tfjs-core';

/** A copy of variables' values that can be written back; tf.clone shares storage until a variable is reassigned. */
export class WeightSnapshot {
  private readonly values: tf.Tensor[];

  /** Copies the current values of `variables`. */
  constructor(private readonly variables: readonly tf.Variable[]) {
    this.values = variables.map((v) => tf.keep(tf.clone(v)));
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
