import * as tf from '@tensorflow/tfjs-core';
import type { ValueAndLogDet } from '@bijective/core';
import { defineHostKernel } from '../kernels/host-kernel.js';
import { constantProduct, type ConstantPair } from './constant-product.js';

/** [value | log-det] `[n, d + 1]` from value `[n, d]` and log-det `[n]` as one host kernel (wasm's concat is a JavaScript loop of its own, ~3x slower). */
const packKernel = defineHostKernel<Record<string, number>>({
  name: 'Bijective.PackLogDet',
  outputShapes: ([value]) => [[(value as number[])[0] as number, ((value as number[])[1] as number) + 1]],
  run([value, logDet], [packed], [shape]) {
    const d = (shape as number[])[1] as number;
    for (let r = 0, k = 0; r < (logDet as Float32Array).length; r++) {
      for (let j = 0; j < d; j++) (packed as Float32Array)[k++] = (value as Float32Array)[r * d + j]!;
      (packed as Float32Array)[k++] = (logDet as Float32Array)[r]!;
    }
  },
});

/** [value | log-det] `[n, d + 1]` -> value `[n, d]`, log-det `[n]` as one host kernel on wasm (its gradient packs the two back). */
const unpackKernel = defineHostKernel<Record<string, number>>({
  name: 'Bijective.UnpackLogDet',
  backends: ['wasm'],
  outputShapes: ([packed]) => {
    const [n, width] = packed as [number, number];
    return [[n, width - 1], [n]];
  },
  linearGradient: ([dValue, dLogDet]) => packKernel([dValue as tf.Tensor, dLogDet as tf.Tensor], {}),
  run([packed], [value, logDet], [shape]) {
    const width = (shape as number[])[1] as number;
    const d = width - 1;
    for (let r = 0, k = 0; r < (logDet as Float32Array).length; r++) {
      for (let j = 0; j < d; j++) (value as Float32Array)[r * d + j] = (packed as Float32Array)[k++]!;
      (logDet as Float32Array)[r] = (packed as Float32Array)[k++]!;
    }
  },
});

/** The one-hot pair E `[rows, cols]` with E[i, offset + i] = 1, kept beyond enclosing tidies. */
function shiftedIdentity(rows: number, cols: number, offset: number): ConstantPair {
  const values = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) values[i * cols + offset + i] = 1;
  const m = tf.keep(tf.tensor2d(values, [rows, cols]));
  return { m, t: tf.keep(tf.transpose(m)) };
}

/**
 * Carries a value `[n, d]` and its log-det `[n]` through one custom-gradient op (whose output must
 * be a single tensor) as the packed `[n, d + 1]` = [value | log-det], and takes them apart again
 * with constant one-hot products, so both stay differentiable.
 */
export class LogDetPacking {
  private readonly valueColumns: ConstantPair;
  private readonly logDetColumn: ConstantPair;
  private readonly unpackValue: (packed: tf.Tensor2D) => tf.Tensor2D;
  private readonly unpackLogDet: (packed: tf.Tensor2D) => tf.Tensor2D;

  /** Builds the constants for events of `d` scalars. */
  constructor(readonly d: number) {
    this.valueColumns = shiftedIdentity(d, d + 1, 0);
    this.logDetColumn = shiftedIdentity(1, d + 1, d);
    this.unpackValue = constantProduct({ m: this.valueColumns.t, t: this.valueColumns.m });
    this.unpackLogDet = constantProduct({ m: this.logDetColumn.t, t: this.logDetColumn.m });
  }

  /** [value | log-det] `[n, d + 1]` (inside the op: no gradient needed). */
  pack(value: tf.Tensor2D, logDet: tf.Tensor1D): tf.Tensor2D {
    return packKernel([value, logDet], {})[0] as tf.Tensor2D;
  }

  /** The gradient of a packed output split into the value's `[n, d]` and the log-det's `[n, 1]`. */
  splitGradient(dPacked: tf.Tensor2D): { dValue: tf.Tensor2D; dLogDet: tf.Tensor2D } {
    return {
      dValue: tf.matMul(dPacked, this.valueColumns.t),
      dLogDet: tf.matMul(dPacked, this.logDetColumn.t),
    };
  }

  /** The value and the log-det `[n]`, differentiably (outside the op): one host kernel on wasm, else two constant products. */
  unpack(packed: tf.Tensor2D): ValueAndLogDet {
    if (tf.getKernel('Bijective.UnpackLogDet', tf.getBackend()) !== undefined) {
      const [value, logDet] = unpackKernel([packed], {});
      return { value: value as tf.Tensor2D, logDet: logDet as tf.Tensor1D };
    }
    return { value: this.unpackValue(packed), logDet: tf.reshape(this.unpackLogDet(packed), [-1]) };
  }

  /** Frees the constants. */
  dispose(): void {
    tf.dispose([this.valueColumns.m, this.valueColumns.t, this.logDetColumn.m, this.logDetColumn.t]);
  }
}
