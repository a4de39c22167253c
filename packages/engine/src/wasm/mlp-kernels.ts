import * as tf from '@tensorflow/tfjs-core';
import { runKernelOutputs } from '../tfjs/internals.js';
import { ACCUMULATE, MASK, RELU, simdRuntime, type SimdRuntime } from './simd-runtime.js';

const FORWARD = 'Bijective.WasmMlpForward';
const BACKWARD = 'Bijective.WasmMlpBackward';

function runtimeOf(backend: unknown, kernel: string): SimdRuntime {
  const runtime = simdRuntime(backend as object);
  if (!runtime) throw new Error(`${kernel}: the wasm SIMD kernels are not available on this backend`);
  return runtime;
}

const rowsOf = (info: tf.TensorInfo) => info.shape[0] as number;
const colsOf = (info: tf.TensorInfo) => info.shape[1] as number;

/**
 * x₀ = u; x_{l+1} = relu(x_l W_l + b_l) for hidden layers, raw = x_{L-1} W_{L-1} + b_{L-1}: inputs
 * (u, W₀, b₀, ..., W_{L-1}, b_{L-1}), outputs (x₁, ..., x_{L-1}, raw).
 */
tf.registerKernel({
  kernelName: FORWARD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const rt = runtimeOf(backend, FORWARD);
    const [u, ...params] = Object.values(inputs) as tf.TensorInfo[];
    const layers = params.length / 2;
    const n = rowsOf(u as tf.TensorInfo);
    const outs = Array.from({ length: layers }, (_, l) => rt.heap.makeOutput([n, colsOf(params[2 * l]!)]));
    const largest = Math.max(...params.filter((_, i) => i % 2 === 0).map((w) => w.shape[0]! * w.shape[1]!));
    const scratch = rt.scratch(4 * largest); // after every output: a malloc may grow the memory
    let x = rt.heap.offset(u as tf.TensorInfo);
    for (let l = 0; l < layers; l++) {
      const w = params[2 * l] as tf.TensorInfo;
      const [k, m] = w.shape as [number, number];
      const out = rt.heap.offset(outs[l] as tf.TensorInfo);
      const flags = l < layers - 1 ? RELU : 0;
      rt.product(
        n,
        m,
        k,
        x,
        k,
        1,
        rt.heap.offset(w),
        out,
        rt.heap.offset(params[2 * l + 1]!),
        0,
        flags,
        scratch,
      );
      x = out;
    }
    return outs;
  },
});

/**
 * The MLP's backward pass from ∂L/∂raw: inputs (∂L/∂raw, g_u, u, W₀, ..., W_{L-1}, x₁, ..., x_{L-1}),
 * outputs (g_u + δ₀ W₀ᵀ, ∂W₀, ∂b₀, ..., ∂W_{L-1}, ∂b_{L-1}) with δ_{L-1} = ∂L/∂raw,
 * δ_{l-1} = (δ_l W_lᵀ) ⊙ [x_l > 0] (ReLU' from the layer's output), ∂W_l = x_lᵀ δ_l, ∂b_l = Σ_rows δ_l.
 */
tf.registerKernel({
  kernelName: BACKWARD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const rt = runtimeOf(backend, BACKWARD);
    const all = Object.values(inputs) as tf.TensorInfo[];
    const layers = (all.length - 2) / 2;
    const [dRaw, gu, u] = all as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
    const kernels = all.slice(3, 3 + layers);
    const hidden = all.slice(3 + layers);
    const n = rowsOf(u);
    const dU = rt.heap.makeOutput([n, colsOf(u)]);
    const grads = kernels.flatMap((w) => [
      rt.heap.makeOutput([...w.shape]),
      rt.heap.makeOutput([w.shape[1] as number]),
    ]);
    const widest = Math.max(...kernels.map((w) => w.shape[0] as number));
    const largest = Math.max(...kernels.map((w) => w.shape[0]! * w.shape[1]!));
    const base = rt.scratch(4 * (2 * n * widest + largest)); // after every output: a malloc may grow the memory
    const dUAt = rt.heap.offset(dU);
    rt.copy(rt.heap.offset(gu), dUAt, n * colsOf(u));
    mlpBackward(rt, {
      n,
      kernels: kernels.map((w) => ({
        ptr: rt.heap.offset(w),
        rows: w.shape[0] as number,
        cols: w.shape[1] as number,
      })),
      inputs: [rt.heap.offset(u), ...hidden.map((h) => rt.heap.offset(h))],
      dRaw: rt.heap.offset(dRaw),
      dKernels: kernels.map((_, l) => rt.heap.offset(grads[2 * l] as tf.TensorInfo)),
      dBiases: kernels.map((_, l) => rt.heap.offset(grads[2 * l + 1] as tf.TensorInfo)),
      du: dUAt,
      buffers: [base, base + 4 * n * widest],
      t: base + 8 * n * widest,
    });
    return [dU, ...grads];
  },
});

/** What {@link mlpBackward} reads and writes: byte offsets on the backend's heap. @internal */
export interface MlpBackwardArgs {
  /** Batch rows. */
  n: number;
  /** Each dense layer's kernel `[rows, cols]`, input layer first. */
  kernels: readonly { ptr: number; rows: number; cols: number }[];
  /** Each dense layer's input: u, then the hidden activations x₁..x_{L-1}. */
  inputs: readonly number[];
  /** ∂L/∂raw `[n, cols of the last kernel]`. */
  dRaw: number;
  /** Where each ∂L/∂W_l goes. */
  dKernels: readonly number[];
  /** Where each ∂L/∂b_l goes. */
  dBiases: readonly number[];
  /** ∂L/∂u `[n, rows of the first kernel]`: holds g_u, to which δ₀ W₀ᵀ is added. */
  du: number;
  /** Two scratch blocks of n·(widest kernel input) floats each. */
  buffers: readonly [number, number];
  /** A scratch block of the largest kernel's size. */
  t: number;
  /** Per kernel, the ranges of its ∂W and δ Wᵀ products (a MADE's packed kernels, masked-packing.ts), or none: plain products. */
  ranges?: readonly ({ gradient: number; backward: number } | null)[];
}

/**
 * The MLP's backward pass on the heap: δ_{L-1} = ∂L/∂raw, δ_{l-1} = (δ_l W_lᵀ) ⊙ [x_l > 0],
 * ∂W_l = x_lᵀ δ_l, ∂b_l = Σ_rows δ_l, du += δ₀ W₀ᵀ.
 * @internal
 */
export function mlpBackward(rt: SimdRuntime, a: MlpBackwardArgs): void {
  const { n, buffers, t } = a;
  const { kernels: k } = rt;
  let delta = a.dRaw;
  for (let l = a.kernels.length - 1; l >= 0; l--) {
    const { ptr: w, rows, cols } = a.kernels[l]!;
    const x = a.inputs[l]!;
    const dW = a.dKernels[l]!;
    const range = a.ranges?.[l];
    // ∂W = xᵀ δ [rows, cols], summed over the batch in row chunks that stay in the L1 cache
    // (contractRows); for a thin δ as (δᵀ x)ᵀ so that the long tiles run over the wide side.
    if (range && cols >= 4)
      k.gemmRanged(rows, cols, n, x, 1, rows, delta, cols, dW, cols, 0, 0, 0, range.gradient);
    else if (cols >= 4 || rows < 4) rt.contractRows(rows, cols, n, x, rows, delta, dW);
    else {
      rt.contractRows(cols, rows, n, delta, cols, x, t);
      k.transpose(cols, rows, t, dW);
    }
    k.columnSums(n, cols, delta, a.dBiases[l]!);
    const [into, mask, flags] = l > 0 ? [buffers[l % 2] as number, x, MASK] : [a.du, 0, ACCUMULATE];
    if (range && rows >= 4) {
      k.transpose(rows, cols, w, t);
      k.gemmRanged(n, rows, cols, delta, cols, 1, t, rows, into, rows, 0, mask, flags, range.backward);
    } else rt.productTransposed(n, rows, cols, delta, w, into, mask, flags, t);
    delta = into;
  }
}

/**
 * Whether the fused MLP of a conditioner runs as the engine's wasm SIMD kernels now: the active
 * backend is tfjs's wasm backend with its memory reachable and the kernels are switched on.
 * @internal
 */
export function wasmMlpAvailable(): boolean {
  return tf.getBackend() === 'wasm' && simdRuntime(tf.backend()) !== null;
}

/**
 * The hidden activations x₁..x_{L-1} (ReLU) and the raw output of the MLP with `kernels` and
 * `biases` on u, as ONE kernel (check {@link wasmMlpAvailable} first).
 * @internal
 */
export function wasmMlpForward(
  u: tf.Tensor2D,
  kernels: readonly tf.Tensor2D[],
  biases: readonly tf.Tensor1D[],
): tf.Tensor2D[] {
  const named: tf.NamedTensorMap = { x0: u };
  kernels.forEach((w, l) => {
    named[`w${l}`] = w;
    named[`b${l}`] = biases[l] as tf.Tensor1D;
  });
  return runKernelOutputs(FORWARD, named) as tf.Tensor2D[];
}

/** What {@link wasmMlpBackward} returns. @internal */
export interface WasmMlpGradients {
  /** g_u + δ₀ W₀ᵀ. */
  du: tf.Tensor2D;
  /** ∂L/∂W_l. */
  kernels: tf.Tensor2D[];
  /** ∂L/∂b_l. */
  biases: tf.Tensor1D[];
}

/**
 * The gradients of {@link wasmMlpForward} from ∂L/∂raw, its saved hidden activations and `gu` (a
 * gradient of u from elsewhere, added to the MLP's), as ONE kernel.
 * @internal
 */
export function wasmMlpBackward(
  dRaw: tf.Tensor2D,
  gu: tf.Tensor2D,
  u: tf.Tensor2D,
  kernels: readonly tf.Tensor2D[],
  hidden: readonly tf.Tensor2D[],
): WasmMlpGradients {
  const named: tf.NamedTensorMap = { d: dRaw, g: gu, u };
  kernels.forEach((w, l) => (named[`w${l}`] = w));
  hidden.forEach((h, l) => (named[`h${l}`] = h));
  const [du, ...grads] = runKernelOutputs(BACKWARD, named);
  return {
    du: du as tf.Tensor2D,
    kernels: grads.filter((_, i) => i % 2 === 0) as tf.Tensor2D[],
    biases: grads.filter((_, i) => i % 2 === 1) as tf.Tensor1D[],
  };
}
