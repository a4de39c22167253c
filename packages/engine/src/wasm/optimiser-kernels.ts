import type * as tf from '@tensorflow/tfjs-core';
import { registerHostKernelBackend, type HostKernelBackendCall } from '../kernels/host-kernel-backends.js';
import { simdRuntime, type SimdRuntime } from './simd-runtime.js';

/** The optimiser's functions of the engine's wasm SIMD module (packages/engine/assembly/optimiser-kernels.ts). */
interface OptimiserExports {
  adamUpdate(
    count: number,
    theta: number,
    g: number,
    m: number,
    v: number,
    thetaOut: number,
    mOut: number,
    vOut: number,
    beta1: number,
    beta2: number,
    alpha: number,
    epsilon: number,
    keep: number,
  ): void;
  sumOfSquares(count: number, x: number): number;
}

/** The runtime and its optimiser functions on `backend`, or null (no SIMD module there, or one without them). */
function optimiserOf(backend: object): { rt: SimdRuntime; k: OptimiserExports } | null {
  const rt = simdRuntime(backend);
  const k = rt?.kernels as unknown as Partial<OptimiserExports> | undefined;
  if (!rt || typeof k?.adamUpdate !== 'function' || typeof k.sumOfSquares !== 'function') return null;
  return { rt, k: k as OptimiserExports };
}

const sizeOf = (info: tf.TensorInfo) => info.shape.reduce((a, b) => a * b, 1);

/**
 * `Bijective.Adam` (engine's `adamKernel`) on tfjs's wasm backend: each variable's update as one
 * call of the SIMD module's `adamUpdate`, in float64 lanes as the host loop computes it (the same
 * float32 results), instead of the host loop over views of the heap.
 */
function adamOnWasm(call: HostKernelBackendCall): tf.TensorInfo[] {
  const found = optimiserOf(call.backend);
  if (!found) return call.fallback();
  const { rt, k } = found;
  const { beta1, beta2, alpha, epsilon, keep } = call.attrs as Record<string, number>;
  const outputs: tf.TensorInfo[] = [];
  // Every output first: a malloc may grow the memory (offsets stay valid, views would not).
  for (let i = 0; i < call.inputs.length; i += 4) {
    for (const j of [0, 2, 3])
      outputs.push(rt.heap.makeOutput([...(call.inputs[i + j] as tf.TensorInfo).shape]));
  }
  for (let i = 0, o = 0; i < call.inputs.length; i += 4, o += 3) {
    const [theta, g, m, v] = call.inputs.slice(i, i + 4) as tf.TensorInfo[];
    const [theta2, m2, v2] = outputs.slice(o, o + 3) as tf.TensorInfo[];
    const off = (t: tf.TensorInfo) => rt.heap.offset(t);
    k.adamUpdate(
      sizeOf(theta as tf.TensorInfo),
      off(theta as tf.TensorInfo),
      off(g as tf.TensorInfo),
      off(m as tf.TensorInfo),
      off(v as tf.TensorInfo),
      off(theta2 as tf.TensorInfo),
      off(m2 as tf.TensorInfo),
      off(v2 as tf.TensorInfo),
      beta1 as number,
      beta2 as number,
      alpha as number,
      epsilon as number,
      keep as number,
    );
  }
  return outputs;
}

/**
 * `Bijective.ClipByGlobalNorm` (@bijective/train's clip) on tfjs's wasm backend without clipping
 * (clipNorm 0: the norm alone, the divergence guard's check): Σ g² by the SIMD module's
 * `sumOfSquares` (float64 lanes), its square root as the one output. With clipping it falls back
 * to the host loop.
 */
function globalNormOnWasm(call: HostKernelBackendCall): tf.TensorInfo[] {
  const found = optimiserOf(call.backend);
  if (!found || (call.attrs as { clipNorm: number }).clipNorm > 0) return call.fallback();
  const { rt, k } = found;
  const norm = rt.heap.makeOutput([]);
  let sum = 0;
  for (const g of call.inputs) sum += k.sumOfSquares(sizeOf(g), rt.heap.offset(g));
  new Float32Array(rt.heap.memory.buffer, rt.heap.offset(norm), 1)[0] = Math.sqrt(sum);
  return [norm];
}

registerHostKernelBackend('Bijective.Adam', 'wasm', adamOnWasm);
registerHostKernelBackend('Bijective.ClipByGlobalNorm', 'wasm', globalNormOnWasm);
