import * as tf from '@tensorflow/tfjs-core';
import { runKernelOutputs } from '../tfjs/internals.js';
import { ACCUMULATE, SLOPE, TANH, simdRuntime, type SimdRuntime } from './simd-runtime.js';

const FORWARD = 'Bijective.WasmTanhFieldVjp';
const BACKWARD = 'Bijective.WasmTanhFieldVjpGrad';

function runtimeOf(backend: unknown, kernel: string): SimdRuntime {
  const runtime = simdRuntime(backend as object);
  if (!runtime) throw new Error(`${kernel}: the wasm SIMD kernels are not available on this backend`);
  return runtime;
}

/** The layer widths [in, out] of each kernel. */
const widthsOf = (kernels: readonly tf.TensorInfo[]) =>
  kernels.map((k) => [k.shape[0] as number, k.shape[1] as number] as const);

/** Float offsets of the hidden outputs h_l and the VJP's w_l (l < L − 1) in the tape tensor. */
function tapeLayout(n: number, widths: readonly (readonly [number, number])[]) {
  const hidden = widths.slice(0, -1).map(([, out]) => n * out);
  const size = hidden.reduce((a, b) => a + b, 0);
  const h: number[] = [];
  const w: number[] = [];
  let at = 0;
  for (const s of hidden) {
    h.push(at);
    w.push(size + at);
    at += s;
  }
  return { h, w, size: 2 * size };
}

/**
 * A vector field f: R^D -> R^D as an MLP with tanh hidden layers, a_l = x_l K_l + c_l, x_{l+1} =
 * tanh(a_l), f = a_{L-1}, and its vector-Jacobian product eᵀ ∂f/∂z by the chain w_{L-1} = e,
 * w_{l-1} = (w_l K_lᵀ) ⊙ (1 − x_l²), vjp = w_0 K_0ᵀ. Inputs (z, e, K_0..K_{L-1}, c_0..c_{L-1}); outputs
 * [f; vjp] stacked along the rows `[2n, D]`, and the tape: x_1..x_{L-1}, then w_0..w_{L-2}, flat.
 */
tf.registerKernel({
  kernelName: FORWARD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const rt = runtimeOf(backend, FORWARD);
    const all = Object.values(inputs) as tf.TensorInfo[];
    const L = (all.length - 2) / 2;
    const [z, e] = all as [tf.TensorInfo, tf.TensorInfo];
    const kernels = all.slice(2, 2 + L);
    const shifts = all.slice(2 + L);
    const widths = widthsOf(kernels);
    const n = z.shape[0] as number;
    const D = z.shape[1] as number;
    const layout = tapeLayout(n, widths);
    const stacked = rt.heap.makeOutput([2 * n, D]);
    const tape = rt.heap.makeOutput([layout.size]);
    const largest = Math.max(...widths.map(([i, o]) => i * o));
    const scratch = rt.scratch(4 * largest);
    const at = (info: tf.TensorInfo) => rt.heap.offset(info);
    const tapeAt = at(tape);
    const h = (l: number) => tapeAt + 4 * (layout.h[l] as number);
    const w = (l: number) => (l === L - 1 ? at(e) : tapeAt + 4 * (layout.w[l] as number));
    const out = at(stacked);
    let x = at(z);
    for (let l = 0; l < L; l++) {
      const [k, m] = widths[l] as readonly [number, number];
      const dst = l < L - 1 ? h(l) : out;
      rt.product(n, m, k, x, k, 1, at(kernels[l]!), dst, at(shifts[l]!), 0, l < L - 1 ? TANH : 0, scratch);
      x = dst;
    }
    for (let l = L - 1; l >= 0; l--) {
      const [k, m] = widths[l] as readonly [number, number];
      const dst = l > 0 ? w(l - 1) : out + 4 * n * D;
      rt.productTransposed(
        n,
        k,
        m,
        w(l),
        at(kernels[l]!),
        dst,
        l > 0 ? h(l - 1) : 0,
        l > 0 ? SLOPE : 0,
        scratch,
      );
    }
    return [stacked, tape];
  },
});

/**
 * The backward pass of {@link FORWARD} from the gradient of its stacked output [f̄; ū]: inputs (dy
 * `[2n, D]`, z, e, K_0..K_{L-1}, tape); outputs z̄, K̄_0..K̄_{L-1}, c̄_0..c̄_{L-1}. The VJP chain in
 * reverse (p̄_0 = ū; per layer K̄_l = p̄_lᵀ w_l, w̄_l = p̄_l K_l, the gradient −2 w̄_l ⊙ x_{l+1} ⊙ w_l
 * reaching a_l through tanh'', p̄_{l+1} = w̄_l ⊙ (1 − x_{l+1}²)), then the value chain (ā_{L-1} = f̄;
 * K̄_l += x_lᵀ ā_l, c̄_l = Σ_rows ā_l, ā_{l-1} = (ā_l K_lᵀ) ⊙ (1 − x_l²) + the VJP's part, z̄ = ā_0 K_0ᵀ).
 * The probe e gets no gradient (the caller's zeros).
 */
tf.registerKernel({
  kernelName: BACKWARD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const rt = runtimeOf(backend, BACKWARD);
    const all = Object.values(inputs) as tf.TensorInfo[];
    const L = all.length - 4;
    const [dy, z, e] = all as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
    const kernels = all.slice(3, 3 + L);
    const tape = all[3 + L] as tf.TensorInfo;
    const widths = widthsOf(kernels);
    const n = z.shape[0] as number;
    const D = z.shape[1] as number;
    const layout = tapeLayout(n, widths);
    const zBar = rt.heap.makeOutput([n, D]);
    const kernelBars = widths.map(([i, o]) => rt.heap.makeOutput([i, o]));
    const shiftBars = widths.map(([, o]) => rt.heap.makeOutput([o]));
    // Scratch: two [n, widest] buffers for the VJP chain's p̄ and w̄, the VJP chain's part of ā_l per
    // hidden layer (then ā_l itself), the thin kernel gradients transposed, and a transposed kernel.
    const widest = Math.max(...widths.flat());
    const largest = Math.max(...widths.map(([i, o]) => i * o));
    const aOffsets: number[] = [];
    let floats = 2 * n * widest;
    for (let l = 0; l < L - 1; l++) {
      aOffsets.push(floats);
      floats += n * widths[l]![1];
    }
    const isThin = ([i, o]: readonly [number, number]) => o < 4 && i >= 4;
    const thinAt = widths.map(([i, o]) => {
      const offset = floats;
      if (isThin([i, o])) floats += i * o;
      return offset;
    });
    const transposeAt = floats;
    floats += largest;
    const base = rt.scratch(4 * floats); // after every output: a malloc may grow the memory
    const { kernels: k } = rt;
    const at = (info: tf.TensorInfo) => rt.heap.offset(info);
    const tapeAt = at(tape);
    const h = (l: number) => tapeAt + 4 * (layout.h[l] as number);
    const w = (l: number) => (l === L - 1 ? at(e) : tapeAt + 4 * (layout.w[l] as number));
    const x = (l: number) => (l === 0 ? at(z) : h(l - 1));
    const aV = (l: number) => base + 4 * (aOffsets[l] as number);
    const thin = (l: number) => base + 4 * (thinAt[l] as number);
    const transposed = base + 4 * transposeAt;
    // A kernel gradient with fewer than 4 columns (the output layer's) is accumulated transposed, so
    // that its products run over the long side, and transposed once at the end.
    /** K̄ (+)= Aᵀ B for A [n, in] at `a` and B [n, out] at `b`. */
    const kernelGrad = (l: number, a: number, b: number, accumulate: boolean) => {
      const [i, o] = widths[l] as readonly [number, number];
      if (isThin([i, o])) k.gemm(o, i, n, b, 1, o, a, i, thin(l), i, 0, 0, accumulate ? ACCUMULATE : 0);
      else k.gemm(i, o, n, a, 1, i, b, o, at(kernelBars[l]!), o, 0, 0, accumulate ? ACCUMULATE : 0);
    };
    // The VJP chain in reverse, l = 0..L-1: p_l = w_l K_lᵀ.
    let pBar = at(dy) + 4 * n * D;
    const buffers = [base, base + 4 * n * widest];
    for (let l = 0; l < L; l++) {
      const [i, o] = widths[l] as readonly [number, number];
      kernelGrad(l, pBar, w(l), false);
      if (l === L - 1) break;
      const wBar = buffers[l % 2] as number;
      k.gemm(n, o, i, pBar, i, 1, at(kernels[l]!), o, wBar, o, 0, 0, 0);
      k.tanhVjpGrad(n * o, wBar, h(l), w(l), aV(l), wBar);
      pBar = wBar;
    }
    // The value chain in reverse, l = L-1..0: a_l = x_l K_l + c_l.
    let aBar = at(dy);
    for (let l = L - 1; l >= 0; l--) {
      const [i, o] = widths[l] as readonly [number, number];
      kernelGrad(l, x(l), aBar, true);
      if (isThin([i, o])) k.transpose(o, i, thin(l), at(kernelBars[l]!));
      k.columnSums(n, o, aBar, at(shiftBars[l]!));
      if (l > 0) {
        // ā_{l-1} = (ā_l K_lᵀ) ⊙ (1 − x_l²) + the VJP chain's part, accumulated in place.
        rt.productTransposed(
          n,
          i,
          o,
          aBar,
          at(kernels[l]!),
          aV(l - 1),
          h(l - 1),
          SLOPE | ACCUMULATE,
          transposed,
        );
        aBar = aV(l - 1);
      } else rt.productTransposed(n, i, o, aBar, at(kernels[0]!), at(zBar), 0, 0, transposed);
    }
    return [zBar, ...kernelBars, ...shiftBars];
  },
});

/**
 * Whether the tanh field kernels run now: the active backend is tfjs's wasm backend with its memory
 * reachable and the engine's SIMD kernels switched on.
 * @internal
 */
export function wasmTanhFieldAvailable(): boolean {
  return tf.getBackend() === 'wasm' && simdRuntime(tf.backend()) !== null;
}

/** What {@link wasmTanhFieldVjp} returns. @internal */
export interface WasmTanhFieldValues {
  /** [f(z); eᵀ ∂f/∂z] stacked along the rows, `[2n, D]`. */
  stacked: tf.Tensor2D;
  /** The hidden outputs and the VJP chain's intermediates, flat: what {@link wasmTanhFieldVjpGrad} reads. */
  tape: tf.Tensor1D;
}

/**
 * A tanh MLP vector field f(z) (hidden layers x_{l+1} = tanh(x_l K_l + c_l), linear output) and its
 * vector-Jacobian products eᵀ ∂f/∂z, as ONE kernel on the wasm backend (check
 * {@link wasmTanhFieldAvailable} first): the hot path of a continuous flow's field with its trace.
 * `kernels[l]` is `[in, out]`, `shifts[l]` `[out]`, z and e `[n, D]` with D the first kernel's rows
 * and the last one's columns. No gradient of its own: the caller's custom op differentiates it with
 * {@link wasmTanhFieldVjpGrad}.
 * @internal
 */
export function wasmTanhFieldVjp(
  z: tf.Tensor2D,
  e: tf.Tensor2D,
  kernels: readonly tf.Tensor[],
  shifts: readonly tf.Tensor[],
): WasmTanhFieldValues {
  const named: tf.NamedTensorMap = { z, e };
  kernels.forEach((k, l) => (named[`k${l}`] = k));
  shifts.forEach((c, l) => (named[`c${l}`] = c));
  const [stacked, tape] = runKernelOutputs(FORWARD, named);
  return { stacked: stacked as tf.Tensor2D, tape: tape as tf.Tensor1D };
}

/** What {@link wasmTanhFieldVjpGrad} returns. @internal */
export interface WasmTanhFieldGradients {
  /** ∂L/∂z. */
  z: tf.Tensor2D;
  /** ∂L/∂K_l. */
  kernels: tf.Tensor2D[];
  /** ∂L/∂c_l. */
  shifts: tf.Tensor1D[];
}

/**
 * The gradients of {@link wasmTanhFieldVjp}'s inputs (but the probe's, which the caller sets to zero)
 * from the gradient `dy` `[2n, D]` of its stacked output, as ONE kernel; exact to first order (the
 * second derivative of tanh enters through the VJP chain).
 * @internal
 */
export function wasmTanhFieldVjpGrad(
  dy: tf.Tensor2D,
  z: tf.Tensor2D,
  e: tf.Tensor2D,
  kernels: readonly tf.Tensor[],
  tape: tf.Tensor1D,
): WasmTanhFieldGradients {
  const named: tf.NamedTensorMap = { dy, z, e };
  kernels.forEach((k, l) => (named[`k${l}`] = k));
  named.tape = tape;
  const [zBar, ...grads] = runKernelOutputs(BACKWARD, named);
  const L = kernels.length;
  return {
    z: zBar as tf.Tensor2D,
    kernels: grads.slice(0, L) as tf.Tensor2D[],
    shifts: grads.slice(L) as tf.Tensor1D[],
  };
}
