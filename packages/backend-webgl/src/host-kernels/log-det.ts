/**
 * Shader versions of the engine's `Bijective.PackLogDet` ([value | log-det] `[n, d + 1]`) and
 * `Bijective.UnpackLogDet` (its inverse; on webgl too once registered here, instead of two constant
 * products), as in packages/engine/src/fused/log-det-packing.ts.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { HostKernelBackendImplementation } from '@bijective/engine';
import { onUnpackedInputs, runFlat, webglBackend } from './program.js';

/** (value `[n, d]`, logDet `[n]`) -> packed `[n, d + 1]`. */
export const packLogDet: HostKernelBackendImplementation = (call) => {
  const backend = webglBackend(call);
  if (!backend) return call.fallback();
  const [n, d] = (call.inputs[0] as tf.TensorInfo).shape as [number, number];
  const packed = runFlat(backend, call.inputs, {
    names: ['value', 'logDet'],
    size: n * (d + 1),
    body: `int r = i / ${d + 1};
  int c = i - r * ${d + 1};
  setOutput(c < ${d} ? getValue(r * ${d} + c) : getLogDet(r));`,
  });
  return [{ ...packed, shape: [n, d + 1] }];
};

/** packed `[n, d + 1]` -> (value `[n, d]`, logDet `[n]`). */
export const unpackLogDet: HostKernelBackendImplementation = (call) =>
  onUnpackedInputs(call, (backend, inputs) => {
    const [n, width] = (call.inputs[0] as tf.TensorInfo).shape as [number, number];
    const d = width - 1;
    const value = runFlat(backend, inputs, {
      names: ['pk'],
      size: n * d,
      body: `int r = i / ${d};
  setOutput(getPk(i + r));`,
    });
    const logDet = runFlat(backend, inputs, {
      names: ['pk'],
      size: n,
      body: `setOutput(getPk(i * ${width} + ${d}));`,
    });
    return [{ ...value, shape: [n, d] }, logDet];
  });
