import * as tf from '@tensorflow/tfjs-core';
import { defineHostKernel } from '../kernels/host-kernel.js';
import type { ActivationName } from '@bijective/core';

/** How a fused conditioner computes one of core's activations and back-propagates through it. */
export interface ConditionerActivation {
  /** The activation tfjs's fused matMul applies itself (one kernel for x W + b and a), or null. */
  readonly fused: 'relu' | 'elu' | null;
  /** Whether the derivative needs the pre-activation z (else only h = a(z) is kept). */
  readonly needsInput: boolean;
  /** a(z), when not fused. */
  apply(z: tf.Tensor2D): tf.Tensor2D;
  /**
   * δ = ∂L/∂h ⊙ a'(z) and its column sums Σ_n δ (the gradient of the layer's bias), and with
   * `transposed` also δᵀ (for a weight gradient (δᵀ h)ᵀ without a tfjs transpose), as one kernel.
   */
  backward(dh: tf.Tensor2D, h: tf.Tensor2D, z: tf.Tensor2D | null, transposed?: boolean): ActivationGradient;
}

/** What {@link ConditionerActivation.backward} returns. */
export interface ActivationGradient {
  /** δ `[rows, cols]`. */
  delta: tf.Tensor2D;
  /** Σ_rows δ `[cols]`. */
  sums: tf.Tensor1D;
  /** δᵀ `[cols, rows]`, when asked for. */
  deltaT?: tf.Tensor2D;
}

/**
 * δ = ∂L/∂h ⊙ a'(z) over `[rows, cols]` with a' from h = a(z) (and z for silu), summing each column
 * into `sums`: relu' = [h > 0]; elu' = 1 for h > 0, else h + 1; tanh' = 1 - h²;
 * silu' = σ(z) + h(1 - σ(z)); δᵀ into `deltaT` when given (written in order: the loops run column
 * by column). One loop per activation (a shared per-element callback is not inlined: 2-3x slower),
 * each column by column with its sum in a local (a running array of column sums costs a load and a
 * store per element: ~1.6x slower).
 */
const BACKWARD_LOOPS: Readonly<
  Record<
    ActivationName,
    (
      dh: Float32Array,
      h: Float32Array,
      z: Float32Array | undefined,
      delta: Float32Array,
      sums: Float32Array,
      deltaT: Float32Array | null,
    ) => void
  >
> = {
  relu: (dh, h, z, delta, sums, deltaT) => {
    const cols = sums.length;
    for (let j = 0, t = 0; j < cols; j++) {
      let sum = 0;
      for (let k = j; k < dh.length; k += cols) {
        const dk = h[k]! > 0 ? dh[k]! : 0;
        delta[k] = dk;
        if (deltaT !== null) deltaT[t++] = dk;
        sum += dk;
      }
      sums[j] = sum;
    }
  },
  elu: (dh, h, z, delta, sums, deltaT) => {
    const cols = sums.length;
    for (let j = 0, t = 0; j < cols; j++) {
      let sum = 0;
      for (let k = j; k < dh.length; k += cols) {
        const hk = h[k]!;
        const dk = dh[k]! * (hk > 0 ? 1 : hk + 1);
        delta[k] = dk;
        if (deltaT !== null) deltaT[t++] = dk;
        sum += dk;
      }
      sums[j] = sum;
    }
  },
  tanh: (dh, h, z, delta, sums, deltaT) => {
    const cols = sums.length;
    for (let j = 0, t = 0; j < cols; j++) {
      let sum = 0;
      for (let k = j; k < dh.length; k += cols) {
        const hk = h[k]!;
        const dk = dh[k]! * (1 - hk * hk);
        delta[k] = dk;
        if (deltaT !== null) deltaT[t++] = dk;
        sum += dk;
      }
      sums[j] = sum;
    }
  },
  silu: (dh, h, z, delta, sums, deltaT) => {
    const cols = sums.length;
    for (let j = 0, t = 0; j < cols; j++) {
      let sum = 0;
      for (let k = j; k < dh.length; k += cols) {
        const sigma = 1 / (1 + Math.exp(-z![k]!));
        const dk = dh[k]! * (sigma + h[k]! * (1 - sigma));
        delta[k] = dk;
        if (deltaT !== null) deltaT[t++] = dk;
        sum += dk;
      }
      sums[j] = sum;
    }
  },
};

const backwardKernel = defineHostKernel<{ activation: string; transposed: boolean }>({
  name: 'Bijective.ActivationBackward',
  outputShapes: ([dh], { transposed }) => {
    const [rows, cols] = dh as [number, number];
    return transposed ? [[rows, cols], [cols], [cols, rows]] : [[rows, cols], [cols]];
  },
  run([dh, h, z], [delta, sums, deltaT], _shapes, { activation }) {
    BACKWARD_LOOPS[activation as ActivationName](
      dh as Float32Array,
      h as Float32Array,
      z,
      delta as Float32Array,
      sums as Float32Array,
      deltaT ?? null,
    );
  },
});

function activation(
  name: ActivationName,
  fused: 'relu' | 'elu' | null,
  apply: (z: tf.Tensor2D) => tf.Tensor2D,
): ConditionerActivation {
  const needsInput = name === 'silu';
  return {
    fused,
    needsInput,
    apply,
    backward(dh, h, z, transposed = false) {
      const [delta, sums, deltaT] = backwardKernel(needsInput ? [dh, h, z as tf.Tensor2D] : [dh, h], {
        activation: name,
        transposed,
      });
      return {
        delta: delta as tf.Tensor2D,
        sums: sums as tf.Tensor1D,
        ...(deltaT ? { deltaT: deltaT as tf.Tensor2D } : {}),
      };
    },
  };
}

/** Core's conditioner activations for hand-written backward passes (silu: Ramachandran et al. 2017). */
export const CONDITIONER_ACTIVATIONS: Readonly<Record<ActivationName, ConditionerActivation>> = {
  relu: activation('relu', 'relu', (z) => tf.relu(z)),
  elu: activation('elu', 'elu', (z) => tf.elu(z)),
  tanh: activation('tanh', null, (z) => tf.tanh(z)),
  silu: activation('silu', null, (z) => tf.mul(z, tf.sigmoid(z))),
};
