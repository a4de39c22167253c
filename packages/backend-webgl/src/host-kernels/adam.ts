/**
 * Shader version of the engine's `Bijective.Adam` (packages/engine/src/kernels/adam-kernel.ts): per
 * variable m̃' = β1 m̃ + g, ṽ' = β2 ṽ + g², θ' = keep·θ - α m̃'/(sqrt(ṽ') + ε̃), three programs whose
 * scalars are uniforms (α changes every step without recompiling).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AdamKernelAttrs, HostKernelBackendImplementation } from '@bijective/engine';
import { runFlat, webglBackend } from './program.js';

/** (θ, g, m̃, ṽ) per variable -> (θ', m̃', ṽ') per variable. */
export const adam: HostKernelBackendImplementation = (call) => {
  const backend = webglBackend(call);
  if (!backend) return call.fallback();
  const { beta1, beta2, alpha, epsilon, keep } = call.attrs as unknown as AdamKernelAttrs;
  const uniforms = { beta1, beta2, alpha, epsilon, keep };
  const outputs: tf.TensorInfo[] = [];
  for (let k = 0; 4 * k < call.inputs.length; k++) {
    const [theta, g, m, v] = call.inputs.slice(4 * k, 4 * k + 4) as tf.TensorInfo[] as [
      tf.TensorInfo,
      tf.TensorInfo,
      tf.TensorInfo,
      tf.TensorInfo,
    ];
    const size = tf.util.sizeFromShape(theta.shape);
    const names = ['theta', 'g', 'm', 'v'];
    const newM = 'beta1 * getM(i) + getG(i)';
    const newV = 'beta2 * getV(i) + getG(i) * getG(i)';
    const run = (body: string) => ({
      ...runFlat(backend, [theta, g, m, v], { names, size, uniforms, body }),
      shape: [...theta.shape],
    });
    outputs.push(
      run(`setOutput(keep * getTheta(i) - alpha * (${newM}) / (sqrt(${newV}) + epsilon));`),
      run(`setOutput(${newM});`),
      run(`setOutput(${newV});`),
    );
  }
  return outputs;
};
