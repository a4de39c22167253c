import * as tf from '@tensorflow/tfjs-core';
import { runKernelOutputs } from '../tfjs/internals.js';
import { ACCUMULATE, SLOPE, simdRuntime, type SimdRuntime } from './simd-runtime.js';

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

/** A tanh field's layer widths, `[in, out]` per layer (in of the first = out of the last = D). @internal */
export type TanhFieldWidths = readonly (readonly [number, number])[];

/**
 * Float offsets of the hidden outputs h_l (n rows) and the VJP's w_l (m·n rows, one block per probe)
 * for l < L − 1 in the tape.
 */
function tapeLayout(n: number, widths: TanhFieldWidths, probes: number) {
  const h: number[] = [];
  const w: number[] = [];
  let at = 0;
  for (const [, out] of widths.slice(0, -1)) {
    h.push(at);
    at += n * out;
  }
  for (const [, out] of widths.slice(0, -1)) {
    w.push(at);
    at += probes * n * out;
  }
  return { h, w, size: at };
}

/**
 * The floats of a tanh field's tape for n rows and m probes (what {@link runTanhFieldVjp} writes and
 * its gradient reads).
 * @internal
 */
export function tanhFieldTapeSize(n: number, widths: TanhFieldWidths, probes = 1): number {
  return tapeLayout(n, widths, probes).size;
}

/** Byte offsets on the heap of what {@link runTanhFieldVjp} reads and writes. @internal */
export interface TanhFieldVjpBuffers {
  /** z `[n, D]`. */
  z: number;
  /** The probes e `[m·n, D]` (m blocks of n rows). */
  e: number;
  /** K_l `[in, out]` per layer. */
  kernels: readonly number[];
  /** c_l `[out]` per layer. */
  shifts: readonly number[];
  /** Out: [f; vjp] `[(1 + m) n, D]`: f once, then the m probes' VJPs. */
  stacked: number;
  /** Out: the tape, {@link tanhFieldTapeSize} floats. */
  tape: number;
}

/**
 * A tanh MLP field's value and VJP on the heap (the body of the `Bijective.WasmTanhFieldVjp` kernel,
 * for kernels that prepare K_l and c_l themselves): uses the runtime's scratch block.
 * @internal
 */
export function runTanhFieldVjp(
  rt: SimdRuntime,
  n: number,
  widths: TanhFieldWidths,
  b: TanhFieldVjpBuffers,
  probes = 1,
): void {
  const L = widths.length;
  const D = widths[0]![0];
  const layout = tapeLayout(n, widths, probes);
  const largest = Math.max(...widths.map(([i, o]) => i * o));
  const scratch = rt.scratch(4 * largest);
  const h = (l: number) => b.tape + 4 * (layout.h[l] as number);
  const w = (l: number) => (l === L - 1 ? b.e : b.tape + 4 * (layout.w[l] as number));
  let x = b.z;
  for (let l = 0; l < L; l++) {
    const [k, m] = widths[l] as readonly [number, number];
    const dst = l < L - 1 ? h(l) : b.stacked;
    rt.product(n, m, k, x, k, 1, b.kernels[l]!, dst, b.shifts[l]!, 0, 0, scratch);
    if (l < L - 1) rt.kernels.tanhInPlace(n * m, dst, 1);
    x = dst;
  }
  // The VJP chain, probe by probe where tanh' = 1 − h² (shared by the probes) enters; the last
  // product (no slope) over all m·n rows at once.
  for (let l = L - 1; l >= 0; l--) {
    const [k, m] = widths[l] as readonly [number, number];
    if (l === 0) {
      rt.productTransposed(probes * n, k, m, w(0), b.kernels[0]!, b.stacked + 4 * n * D, 0, 0, scratch);
      break;
    }
    for (let p = 0; p < probes; p++) {
      const src = w(l) + 4 * p * n * m;
      const dst = w(l - 1) + 4 * p * n * k;
      rt.productTransposed(n, k, m, src, b.kernels[l]!, dst, h(l - 1), SLOPE, scratch);
    }
  }
}

/** Byte offsets on the heap of what {@link runTanhFieldVjpGrad} reads and writes. @internal */
export interface TanhFieldVjpGradBuffers {
  /** The gradient of the stacked output `[(1 + m) n, D]`. */
  dy: number;
  /** z `[n, D]`. */
  z: number;
  /** The probes e `[m·n, D]`. */
  e: number;
  /** K_l per layer. */
  kernels: readonly number[];
  /** The forward's tape. */
  tape: number;
  /** Out: z̄ `[n, D]`. */
  zBar: number;
  /** Out: K̄_l per layer. */
  kernelBars: readonly number[];
  /** Out: c̄_l per layer. */
  shiftBars: readonly number[];
}

/**
 * The backward pass of {@link runTanhFieldVjp} on the heap (the body of the
 * `Bijective.WasmTanhFieldVjpGrad` kernel): uses the runtime's scratch block.
 * @internal
 */
export function runTanhFieldVjpGrad(
  rt: SimdRuntime,
  n: number,
  widths: TanhFieldWidths,
  b: TanhFieldVjpGradBuffers,
  probes = 1,
): void {
  const L = widths.length;
  const D = widths[0]![0];
  const rows = probes * n;
  const layout = tapeLayout(n, widths, probes);
  // Scratch: two [m·n, widest] buffers for the VJP chain's p̄ and w̄, the VJP chain's part of ā_l per
  // hidden layer (summed over the probes, then ā_l itself), the thin kernel gradients transposed, and
  // a transposed kernel.
  const widest = Math.max(...widths.flat());
  const largest = Math.max(...widths.map(([i, o]) => i * o));
  const aOffsets: number[] = [];
  let floats = 2 * rows * widest;
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
  const base = rt.scratch(4 * floats);
  const { kernels: k } = rt;
  const h = (l: number) => b.tape + 4 * (layout.h[l] as number);
  const w = (l: number) => (l === L - 1 ? b.e : b.tape + 4 * (layout.w[l] as number));
  const x = (l: number) => (l === 0 ? b.z : h(l - 1));
  const aV = (l: number) => base + 4 * (aOffsets[l] as number);
  const thin = (l: number) => base + 4 * (thinAt[l] as number);
  const transposed = base + 4 * transposeAt;
  // A kernel gradient with fewer than 4 columns (the output layer's) is accumulated transposed, so
  // that its products run over the long side, and transposed once at the end.
  /** K̄ (+)= Aᵀ B for A [r, in] at `a` and B [r, out] at `bb`. */
  const kernelGrad = (l: number, r: number, a: number, bb: number, accumulate: boolean) => {
    const [i, o] = widths[l] as readonly [number, number];
    const flags = accumulate ? ACCUMULATE : 0;
    if (isThin([i, o])) k.gemm(o, i, r, bb, 1, o, a, i, thin(l), i, 0, 0, flags);
    else k.gemm(i, o, r, a, 1, i, bb, o, b.kernelBars[l]!, o, 0, 0, flags);
  };
  // The VJP chain in reverse over all m·n rows, l = 0..L-1: p_l = w_l K_lᵀ; the parts reaching a_l
  // through tanh'' are summed over the probes (they share h).
  let pBar = b.dy + 4 * n * D;
  const buffers = [base, base + 4 * rows * widest];
  for (let l = 0; l < L; l++) {
    const [i, o] = widths[l] as readonly [number, number];
    kernelGrad(l, rows, pBar, w(l), false);
    if (l === L - 1) break;
    const wBar = buffers[l % 2] as number;
    k.gemm(rows, o, i, pBar, i, 1, b.kernels[l]!, o, wBar, o, 0, 0, 0);
    for (let p = 0; p < probes; p++) {
      const block = 4 * p * n * o;
      k.tanhVjpGrad(n * o, wBar + block, h(l), w(l) + block, aV(l), wBar + block, p > 0 ? 1 : 0);
    }
    pBar = wBar;
  }
  // The value chain in reverse over n rows, l = L-1..0: a_l = x_l K_l + c_l.
  let aBar = b.dy;
  for (let l = L - 1; l >= 0; l--) {
    const [i, o] = widths[l] as readonly [number, number];
    kernelGrad(l, n, x(l), aBar, true);
    if (isThin([i, o])) k.transpose(o, i, thin(l), b.kernelBars[l]!);
    k.columnSums(n, o, aBar, b.shiftBars[l]!);
    if (l > 0) {
      // ā_{l-1} = (ā_l K_lᵀ) ⊙ (1 − x_l²) + the VJP chain's part, accumulated in place.
      rt.productTransposed(n, i, o, aBar, b.kernels[l]!, aV(l - 1), h(l - 1), SLOPE | ACCUMULATE, transposed);
      aBar = aV(l - 1);
    } else rt.productTransposed(n, i, o, aBar, b.kernels[0]!, b.zBar, 0, 0, transposed);
  }
}

/**
 * A vector field f: R^D -> R^D as an MLP with tanh hidden layers, a_l = x_l K_l + c_l, x_{l+1} =
 * tanh(a_l), f = a_{L-1}, and its vector-Jacobian product eᵀ ∂f/∂z by the chain w_{L-1} = e,
 * w_{l-1} = (w_l K_lᵀ) ⊙ (1 − x_l²), vjp = w_0 K_0ᵀ. Inputs (z `[n, D]`, e `[m·n, D]`: m probes,
 * K_0..K_{L-1}, c_0..c_{L-1}); outputs [f; vjp] stacked along the rows `[(1 + m) n, D]` (f once, the
 * m VJPs), and the tape: x_1..x_{L-1}, then w_0..w_{L-2}, flat.
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
    const widths = widthsOf(kernels);
    const n = z.shape[0] as number;
    const probes = (e.shape[0] as number) / n;
    const stacked = rt.heap.makeOutput([(1 + probes) * n, z.shape[1] as number]);
    const tape = rt.heap.makeOutput([tanhFieldTapeSize(n, widths, probes)]);
    const at = (info: tf.TensorInfo) => rt.heap.offset(info);
    runTanhFieldVjp(
      rt,
      n,
      widths,
      {
        z: at(z),
        e: at(e),
        kernels: kernels.map(at),
        shifts: all.slice(2 + L).map(at),
        stacked: at(stacked),
        tape: at(tape),
      },
      probes,
    );
    return [stacked, tape];
  },
});

/**
 * The backward pass of {@link FORWARD} from the gradient of its stacked output [f̄; ū]: inputs (dy
 * `[(1 + m) n, D]`, z, e, K_0..K_{L-1}, tape); outputs z̄, K̄_0..K̄_{L-1}, c̄_0..c̄_{L-1}. The VJP chain in
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
    const widths = widthsOf(kernels);
    const zBar = rt.heap.makeOutput([...z.shape]);
    const kernelBars = widths.map(([i, o]) => rt.heap.makeOutput([i, o]));
    const shiftBars = widths.map(([, o]) => rt.heap.makeOutput([o]));
    const at = (info: tf.TensorInfo) => rt.heap.offset(info);
    const n = z.shape[0] as number;
    runTanhFieldVjpGrad(
      rt,
      n,
      widths,
      {
        dy: at(dy),
        z: at(z),
        e: at(e),
        kernels: kernels.map(at),
        tape: at(all[3 + L] as tf.TensorInfo),
        zBar: at(zBar),
        kernelBars: kernelBars.map(at),
        shiftBars: shiftBars.map(at),
      },
      (e.shape[0] as number) / n,
    );
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
  /** [f(z); eᵀ ∂f/∂z for each of the m probes] stacked along the rows, `[(1 + m) n, D]`. */
  stacked: tf.Tensor2D;
  /** The hidden outputs and the VJP chain's intermediates, flat: what {@link wasmTanhFieldVjpGrad} reads. */
  tape: tf.Tensor1D;
}

/**
 * A tanh MLP vector field f(z) (hidden layers x_{l+1} = tanh(x_l K_l + c_l), linear output) and its
 * vector-Jacobian products eᵀ ∂f/∂z, as ONE kernel on the wasm backend (check
 * {@link wasmTanhFieldAvailable} first): the hot path of a continuous flow's field with its trace.
 * `kernels[l]` is `[in, out]`, `shifts[l]` `[out]`, z `[n, D]` with D the first kernel's rows and the
 * last one's columns, e `[m·n, D]`: m probes stacked along the rows, whose VJPs share one evaluation of
 * f (an exact trace's basis probes). No gradient of its own: the caller's custom op differentiates it with
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
 * from the gradient `dy` `[(1 + m) n, D]` of its stacked output, as ONE kernel; exact to first order (the
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
