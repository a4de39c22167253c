import * as tf from '@tensorflow/tfjs-core';
import { runKernelOutputs, simdRuntime, type SimdRuntime } from '@bijective/engine';
import { factorGradients, factors, type LuMixAttrs } from './lu-mix-kernel.js';

const FORWARD = 'Bijective.GlowLUMixSimd';
const BACKWARD = 'Bijective.GlowLUMixSimdGrad';

function runtimeOf(backend: unknown, kernel: string): SimdRuntime {
  const runtime = simdRuntime(backend as object);
  if (!runtime) throw new Error(`${kernel}: the wasm SIMD kernels are not available on this backend`);
  return runtime;
}

/** A float32 view of `floats` values of the wasm heap at `info`'s data. */
function view(rt: SimdRuntime, info: tf.TensorInfo, floats: number): Float32Array {
  const at = rt.heap.offset(info) >>> 2;
  return new Float32Array(rt.heap.memory.buffer).subarray(at, at + floats);
}

/** Σ ℓ, the log-det of one pixel. */
function logDiagSum(values: Float32Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/**
 * The invertible 1x1 convolution on the wasm backend (inputs x, lower, upper, ℓ as
 * {@link luMixKernel}'s; outputs value, log-det): M (W or W⁻¹) built from the factors in float64,
 * then value = X Mᵀ over the pixels as the engine's SIMD gemm.
 */
tf.registerKernel({
  kernelName: FORWARD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const rt = runtimeOf(backend, FORWARD);
    const a = attrs as unknown as LuMixAttrs;
    const { x, lower, upper, logDiag } = inputs as Record<string, tf.TensorInfo>;
    const [b, h, w, d] = x!.shape as [number, number, number, number];
    const value = rt.heap.makeOutput([b, h, w, d]);
    const logDet = rt.heap.makeOutput([b]);
    const mt = rt.scratch(4 * d * d); // after every output: a malloc may grow the memory
    const ell = view(rt, logDiag!, d);
    const { matrix } = factors(view(rt, lower!, d * d), view(rt, upper!, d * d), ell, a);
    const transposed = new Float32Array(rt.heap.memory.buffer, mt, d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) transposed[j * d + i] = matrix[i * d + j]!;
    rt.kernels.gemm(b * h * w, d, d, rt.heap.offset(x!), d, 1, mt, d, rt.heap.offset(value), d, 0, 0, 0);
    view(rt, logDet, b).fill((a.inverse ? -1 : 1) * h * w * logDiagSum(ell));
    return [value, logDet];
  },
});

/**
 * Its gradient (inputs x, lower, upper, ℓ, ∂value, ∂log-det; outputs ∂x, ∂lower, ∂upper, ∂ℓ):
 * ∂X = ∂V M and G = ∂Vᵀ X (the gradient of M, summed over the pixels) as SIMD gemms, then the
 * factors' gradients from G in float64 ({@link factorGradients}).
 */
tf.registerKernel({
  kernelName: BACKWARD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const rt = runtimeOf(backend, BACKWARD);
    const a = attrs as unknown as LuMixAttrs;
    const { x, lower, upper, logDiag, dValue, dLogDet } = inputs as Record<string, tf.TensorInfo>;
    const [b, h, w, d] = x!.shape as [number, number, number, number];
    const outs = [
      rt.heap.makeOutput([b, h, w, d]),
      rt.heap.makeOutput([d, d]),
      rt.heap.makeOutput([d, d]),
      rt.heap.makeOutput([d]),
    ];
    const m = rt.scratch(8 * d * d); // M, then G
    const g = m + 4 * d * d;
    const f = factors(view(rt, lower!, d * d), view(rt, upper!, d * d), view(rt, logDiag!, d), a);
    new Float32Array(rt.heap.memory.buffer, m, d * d).set(f.matrix);
    const n = b * h * w;
    const dv = rt.heap.offset(dValue!);
    rt.kernels.gemm(n, d, d, dv, d, 1, m, d, rt.heap.offset(outs[0]!), d, 0, 0, 0);
    rt.contractRows(d, d, n, dv, d, rt.heap.offset(x!), g);
    const gradient = Float64Array.from(new Float32Array(rt.heap.memory.buffer, g, d * d));
    const rows = logDiagSum(view(rt, dLogDet!, b));
    const [, dLower, dUpper, dLogDiag] = outs.map((o, i) => view(rt, o, i === 3 ? d : d * d));
    dLower!.fill(0);
    dUpper!.fill(0);
    factorGradients(gradient, f, a, h * w, rows, dLower!, dUpper!, dLogDiag!);
    return outs;
  },
});

tf.registerGradient({
  kernelName: FORWARD,
  inputsToSave: ['x', 'lower', 'upper', 'logDiag'],
  gradFunc: (dy, saved, attrs) => {
    const [dValue, dLogDet] = dy as tf.Tensor[];
    const [x, lower, upper, logDiag] = saved as tf.Tensor[];
    const grads = runKernelOutputs(
      BACKWARD,
      { x: x!, lower: lower!, upper: upper!, logDiag: logDiag!, dValue: dValue!, dLogDet: dLogDet! },
      attrs,
    );
    return Object.fromEntries(['x', 'lower', 'upper', 'logDiag'].map((name, i) => [name, () => grads[i]!]));
  },
});

/**
 * Glow's invertible 1x1 convolution (Kingma & Dhariwal 2018, §3.2) on tfjs's wasm backend as the
 * engine's SIMD gemm: {@link luMixKernel}'s inputs, outputs and attributes, the per-pixel product
 * and the gradient's two pixel sums as gemms (the backend must pass `wasmSimdAvailable()`). @internal
 */
export function luMixSimd(inputs: readonly tf.Tensor[], attrs: LuMixAttrs): tf.Tensor[] {
  const [x, lower, upper, logDiag] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  return runKernelOutputs(FORWARD, { x, lower, upper, logDiag }, attrs as unknown as tf.NamedAttrMap);
}
