/**
 * Shader version of @bijective/train's `Bijective.ClipByGlobalNorm`: ‖g‖₂ over every input as a
 * scalar (sums of squares in chunks, then the chunks' sum) and, when `clipNorm` > 0, each input times
 * min(1, c / ‖g‖₂), all on the device (packages/train/src/clip.ts).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { HostKernelBackendImplementation } from '@bijective/engine';
import { MAX_PROGRAM_INPUTS, runFlat, webglBackend } from './program.js';

/** Elements each output of the first pass sums. */
const CHUNK = 64;

/** Σ over every element of `parts` (each `[size]`), `[1]`; with `root`, its square root. */
function total(backend: MathBackendWebGL, parts: readonly tf.TensorInfo[], root: boolean): tf.TensorInfo {
  if (parts.length > MAX_PROGRAM_INPUTS) {
    const groups: tf.TensorInfo[] = [];
    for (let k = 0; k < parts.length; k += MAX_PROGRAM_INPUTS)
      groups.push(total(backend, parts.slice(k, k + MAX_PROGRAM_INPUTS), false));
    const out = total(backend, groups, root);
    for (const g of groups) backend.disposeIntermediateTensorInfo(g);
    return out;
  }
  const loops = parts.map(
    (p, k) => `for (int j = 0; j < ${tf.util.sizeFromShape(p.shape)}; j++) sum += getP${k}(j);`,
  );
  return runFlat(backend, parts, {
    names: parts.map((_, k) => `p${k}`),
    size: 1,
    body: `float sum = 0.0;
  ${loops.join('\n  ')}
  setOutput(${root ? 'sqrt(sum)' : 'sum'});`,
  });
}

/** (g₁, ..., g_K) -> (‖g‖₂ `[]`[, g₁·f, ..., g_K·f]) with f = min(1, c / max(‖g‖₂, 1e-12)). */
export const clipByGlobalNorm: HostKernelBackendImplementation = (call) => {
  const backend = webglBackend(call);
  if (!backend) return call.fallback();
  const { clipNorm } = call.attrs as { clipNorm: number };
  const squares = call.inputs.map((g) => {
    const size = tf.util.sizeFromShape(g.shape);
    return runFlat(backend, [g], {
      names: ['g'],
      size: Math.ceil(size / CHUNK),
      body: `float sum = 0.0;
  for (int t = 0; t < ${CHUNK}; t++) {
    int j = i * ${CHUNK} + t;
    if (j < ${size}) sum += getG(j) * getG(j);
  }
  setOutput(sum);`,
    });
  });
  const norm = total(backend, squares, true);
  for (const s of squares) backend.disposeIntermediateTensorInfo(s);
  if (clipNorm <= 0) return [{ ...norm, shape: [] }];
  const scaled = call.inputs.map((g) => ({
    ...runFlat(backend, [g, norm], {
      names: ['g', 'norm'],
      size: tf.util.sizeFromShape(g.shape),
      uniforms: { clipNorm },
      body: `setOutput(getG(i) * min(1.0, clipNorm / max(getNorm(0), 1e-12)));`,
    }),
    shape: [...g.shape],
  }));
  return [{ ...norm, shape: [] }, ...scaled];
};
