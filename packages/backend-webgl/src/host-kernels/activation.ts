/**
 * Shader version of the engine's `Bijective.ActivationBackward`: δ = ∂L/∂h ⊙ a'(z) with a' from
 * h = a(z) (and z for silu), its column sums (the bias gradient) and, when asked, δᵀ. The
 * derivatives are the host loop's (packages/engine/src/fused/conditioner-activation.ts).
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { HostKernelBackendImplementation } from '@bijective/engine';
import { columnSums, runFlat, webglBackend } from './program.js';

/** δ per activation, from `dh`, `h` (and `z`) at element i. */
const DELTA: Readonly<Record<string, string>> = {
  relu: 'getH(i) > 0.0 ? getDh(i) : 0.0',
  elu: 'getDh(i) * (getH(i) > 0.0 ? 1.0 : getH(i) + 1.0)',
  tanh: 'getDh(i) * (1.0 - getH(i) * getH(i))',
  silu: 'getDh(i) * (1.0 / (1.0 + exp(-getZ(i))) + getH(i) * (1.0 - 1.0 / (1.0 + exp(-getZ(i)))))',
};

/** (dh, h[, z]) -> (δ, Σ_rows δ[, δᵀ]). */
export const activationBackward: HostKernelBackendImplementation = (call) => {
  const backend = webglBackend(call);
  const { activation, transposed } = call.attrs as { activation: string; transposed: boolean };
  const delta = DELTA[activation];
  if (!backend || delta === undefined) return call.fallback();
  const [rows, cols] = (call.inputs[0] as tf.TensorInfo).shape as [number, number];
  const values = runFlat(backend, call.inputs, {
    names: ['dh', 'h', 'z'].slice(0, call.inputs.length),
    size: rows * cols,
    body: `setOutput(${delta});`,
  });
  const sums = columnSums(backend, values, rows, cols);
  const outputs = [{ ...values, shape: [rows, cols] }, sums];
  if (transposed)
    outputs.push({
      ...runFlat(backend, [values], {
        names: ['m'],
        size: rows * cols,
        body: `int c = i / ${rows};
  setOutput(getM((i - c * ${rows}) * ${cols} + c));`,
      }),
      shape: [cols, rows],
    });
  return outputs;
};
