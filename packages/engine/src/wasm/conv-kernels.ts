import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@bijective/core';
import { activeTape, customOp, isRecordingOps, isTapeActive, runKernelOutputs } from '../tfjs/internals.js';
import { MASK, RELU, simdRuntime, type SimdRuntime } from './simd-runtime.js';

const FORWARD = 'Bijective.WasmConvNetForward';
const BACKWARD = 'Bijective.WasmConvNetBackward';

function runtimeOf(backend: unknown, kernel: string): SimdRuntime {
  const runtime = simdRuntime(backend as object);
  if (!runtime) throw new Error(`${kernel}: the wasm SIMD kernels are not available on this backend`);
  return runtime;
}

/** n rounded up to a multiple of 4 (a row stride whose columns fill whole vectors). */
const vectorWidth = (n: number) => Math.ceil(n / 4) * 4;

/** The sizes of a network on x `[b, h, w, c]` (its first ci channels read) with w₁ `[k, k, ci, m]`, w₃ `[k, k, m, co]`. */
function dims(x: readonly number[], w1: tf.TensorInfo, w3: tf.TensorInfo) {
  const [b, h, w, c] = x as [number, number, number, number];
  const [k, , ci, m] = w1.shape as [number, number, number, number];
  const co = w3.shape[3] as number;
  return { b, h, w, c, ci, k, m, co, n: b * h * w, kk: k * k, ldp: vectorWidth(k * k * ci) };
}

/**
 * Glow's coupling network out = conv_k(relu(conv_1(relu(conv_k(x, w₁) + b₁), w₂) + b₂), w₃) ('same',
 * stride 1, NHWC, no bias on the last layer) on x's first ci channels: inputs (x, w₁, b₁, w₂, b₂, w₃), outputs (P, h₁, h₂, out)
 * with P `[n, ⌈k²ci⌉₄]` x's patches (im2col, for w₁'s gradient), h₁, h₂ `[n, m]` the hidden layers.
 * h₁ = relu(P w₁ + b₁) and h₂ = relu(h₁ w₂ + b₂) are gemms; the last layer is Z = h₂ W₃ with
 * W₃ `[m, (tap, co)]`, summed over each pixel's neighbourhood (col2im): the wide input side is never
 * copied into patches.
 */
tf.registerKernel({
  kernelName: FORWARD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const rt = runtimeOf(backend, FORWARD);
    const { x, w1, b1, w2, b2, w3 } = inputs as Record<string, tf.TensorInfo>;
    const d = dims(x!.shape, w1!, w3!);
    const { n, k, kk, m, ci, co, ldp } = d;
    const outs = [
      rt.heap.makeOutput([n, ldp]),
      rt.heap.makeOutput([n, m]),
      rt.heap.makeOutput([n, m]),
      rt.heap.makeOutput([d.b, d.h, d.w, co]),
    ] as const;
    const z = rt.scratch(4 * (n * kk * co + m * kk * co)); // after every output: a malloc may grow the memory
    const w3r = z + 4 * n * kk * co;
    const at = (t: tf.TensorInfo) => rt.heap.offset(t);
    const [p, h1, h2, out] = outs.map(at) as [number, number, number, number];
    // W₃ [tap, c, o] -> [c, (tap, o)].
    const heap = new Float32Array(rt.heap.memory.buffer);
    const src = at(w3!) >>> 2;
    const dst = w3r >>> 2;
    for (let t = 0; t < kk; t++)
      for (let c = 0; c < m; c++)
        for (let o = 0; o < co; o++) heap[dst + c * kk * co + t * co + o] = heap[src + (t * m + c) * co + o]!;
    const { kernels: K } = rt;
    K.im2col(d.b, d.h, d.w, ci, k, at(x!), d.c, p, ldp, 0);
    K.gemm(n, m, kk * ci, p, ldp, 1, at(w1!), m, h1, m, at(b1!), 0, RELU);
    K.gemm(n, m, m, h1, m, 1, at(w2!), m, h2, m, at(b2!), 0, RELU);
    K.gemm(n, kk * co, m, h2, m, 1, w3r, kk * co, z, kk * co, 0, 0, 0);
    K.col2im(d.b, d.h, d.w, co, k, z, kk * co, out, co, 0, 0);
    return [...outs];
  },
});

/**
 * The backward pass of {@link FORWARD} from ∂L/∂out: inputs (∂out, P, h₁, h₂, w₁, w₂, w₃), attribute
 * `channels` (x's c), outputs (∂x `[b, h, w, c]`, zero past channel ci, ∂w₁, ∂b₁, ∂w₂, ∂b₂, ∂w₃). With D `[n, (tap, co)]` ∂out's mirrored neighbourhoods (im2col):
 * ∂w₃ = h₂ᵀ D (rearranged), δ₂ = (D W₃′) ⊙ [h₂ > 0] with W₃′ `[(tap, o), c]`, ∂w₂ = h₁ᵀ δ₂,
 * δ₁ = (δ₂ w₂ᵀ) ⊙ [h₁ > 0], ∂w₁ = Pᵀ δ₁, ∂b = column sums of δ, and ∂x = col2im of δ₁ w₁ᵀ with
 * mirrored shifts.
 */
tf.registerKernel({
  kernelName: BACKWARD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const rt = runtimeOf(backend, BACKWARD);
    const { dy, p, h1, h2, w1, w2, w3 } = inputs as Record<string, tf.TensorInfo>;
    const [b, h, w, co] = dy!.shape as [number, number, number, number];
    const c = (attrs as { channels: number }).channels;
    const d = dims([b, h, w, c], w1!, w3!);
    const { n, k, kk, m, ci, ldp } = d;
    const kc = kk * co;
    const outs = [
      rt.heap.makeOutput([b, h, w, c]),
      rt.heap.makeOutput([...w1!.shape]),
      rt.heap.makeOutput([m]),
      rt.heap.makeOutput([...w2!.shape]),
      rt.heap.makeOutput([m]),
      rt.heap.makeOutput([...w3!.shape]),
    ] as const;
    // Scratch: D (later δ₁ w₁ᵀ), δ₂, δ₁, then the small rearranged weights and gradients.
    const wide = Math.max(kc, ldp);
    const floats = [n * wide, n * m, n * m, kc * m, m * kc, m * m, m * ldp, ldp * m];
    const base = rt.scratch(4 * floats.reduce((a, v) => a + v, 0)); // after every output
    const [dBuf, g2, g1, w3t, dw3r, w2t, w1t, dw1p] = floats.reduce<number[]>(
      (acc, v, i) => [...acc, i === 0 ? base : acc[i - 1]! + 4 * floats[i - 1]!],
      [],
    ) as [number, number, number, number, number, number, number, number];
    const at = (t: tf.TensorInfo) => rt.heap.offset(t);
    const [dx, dw1, db1, dw2, db2, dw3] = outs.map(at) as [number, number, number, number, number, number];
    const heap = new Float32Array(rt.heap.memory.buffer);
    const w3o = at(w3!) >>> 2;
    const w1o = at(w1!) >>> 2;
    // W₃ [tap, c, o] -> W₃′ [(tap, o), c]; w₁ [(tap, c), m] -> w₁ᵀ [m, ldp] with zero columns past k²ci.
    for (let t = 0; t < kk; t++)
      for (let c = 0; c < m; c++)
        for (let o = 0; o < co; o++)
          heap[(w3t >>> 2) + (t * co + o) * m + c] = heap[w3o + (t * m + c) * co + o]!;
    heap.fill(0, w1t >>> 2, (w1t >>> 2) + m * ldp);
    for (let r = 0; r < kk * ci; r++)
      for (let j = 0; j < m; j++) heap[(w1t >>> 2) + j * ldp + r] = heap[w1o + r * m + j]!;
    const { kernels: K } = rt;
    K.im2col(b, h, w, co, k, at(dy!), co, dBuf, kc, 1);
    rt.contractRows(m, kc, n, at(h2!), m, dBuf, dw3r);
    K.gemm(n, m, kc, dBuf, kc, 1, w3t, m, g2, m, 0, at(h2!), MASK);
    rt.contractRows(m, m, n, at(h1!), m, g2, dw2);
    K.columnSums(n, m, g2, db2);
    K.transpose(m, m, at(w2!), w2t);
    K.gemm(n, m, m, g2, m, 1, w2t, m, g1, m, 0, at(h1!), MASK);
    rt.contractRows(ldp, m, n, at(p!), ldp, g1, dw1p);
    K.columnSums(n, m, g1, db1);
    K.gemm(n, ldp, m, g1, m, 1, w1t, ldp, dBuf, ldp, 0, 0, 0);
    if (c > ci) heap.fill(0, dx >>> 2, (dx >>> 2) + n * c);
    K.col2im(b, h, w, ci, k, dBuf, ldp, dx, c, 1, 0);
    // ∂w₃ [c, (tap, o)] -> [tap, c, o]; ∂w₁ = the first k²ci rows of Pᵀ δ₁.
    const view = new Float32Array(rt.heap.memory.buffer);
    for (let t = 0; t < kk; t++)
      for (let c = 0; c < m; c++)
        for (let o = 0; o < co; o++)
          view[(dw3 >>> 2) + (t * m + c) * co + o] = view[(dw3r >>> 2) + c * kc + t * co + o]!;
    rt.copy(dw1p, dw1, kk * ci * m);
    return [...outs];
  },
});

/** The forward kernel's patches and hidden layers kept for one recorded call's backward pass, and its tape. */
interface Pending {
  tape: unknown;
  tensors: tf.Tensor[];
}

/**
 * Kept tensors of recorded calls whose backward pass has not run yet. tfjs's `save` would clone each
 * one (wasm's Identity copies: 7 MB per level-1 Glow coupling); these are the kernel's own outputs,
 * never seen by the caller, so the op keeps them itself and frees them after the backward pass or,
 * when it never runs (a tape whose gradient does not reach the call), at the first call after that
 * tape ended (the pattern of the engine's fused layers).
 */
const pending = new Set<Pending>();
/** The tape the call now being made is recorded on, or null (read by the op's forward). */
let recordingTape: unknown = null;

/** The differentiable op: the forward kernel, its patches and hidden layers kept for the backward kernel. */
const convNetOp = customOp<[tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor4D, tf.Tensor1D, tf.Tensor4D]>(
  ([x, w1, b1, w2, b2, w3], save) => {
    const [p, h1, h2, out] = runKernelOutputs(FORWARD, { x, w1, b1, w2, b2, w3 });
    const tape = recordingTape;
    recordingTape = null;
    if (tape === null) return { value: out!, gradFunc: () => [] };
    const entry: Pending = { tape, tensors: [p!, h1!, h2!].map((t) => tf.keep(t)) };
    pending.add(entry);
    save([w1, w2, w3]); // the caller's tensors: cloned by tfjs
    return {
      value: out!,
      gradFunc: (dy, saved) => {
        const [sw1, sw2, sw3] = saved as tf.Tensor[];
        const [sp, sh1, sh2] = entry.tensors as [tf.Tensor, tf.Tensor, tf.Tensor];
        const inputs = { dy, p: sp, h1: sh1, h2: sh2, w1: sw1!, w2: sw2!, w3: sw3! };
        const grads = runKernelOutputs(BACKWARD, inputs, { channels: x.shape[3] });
        // Higher-order gradients may run this again on the same tape: then freed when it ends.
        if (!isTapeActive()) {
          tf.dispose(entry.tensors);
          pending.delete(entry);
        }
        return grads;
      },
    };
  },
);

/**
 * Glow's coupling network conv_k(relu(conv_1(relu(conv_k(x, w₁) + b₁), w₂) + b₂), w₃) (Kingma &
 * Dhariwal 2018, §3.3; 'same' padding, stride 1, NHWC; w₁ `[k, k, ci, m]`, w₂ `[1, 1, m, m]`,
 * w₃ `[k, k, m, co]`, k odd) on the first ci channels of x `[b, h, w, c]` (a coupling's kept half,
 * read in place: no slice, and ∂x is zero past channel ci) as ONE kernel of the engine's wasm SIMD code, and its gradients with
 * respect to x and every weight as one more: every layer a gemm (the k×k layers through im2col of
 * the narrow side and col2im), no XNNPACK repacking, no transposes of the batch. Check
 * `wasmSimdAvailable()` first; the result equals the tfjs convolutions' to float32 rounding.
 * @internal
 */
export function wasmConvNet(
  x: tf.Tensor4D,
  w1: tf.Tensor4D,
  b1: tf.Tensor1D,
  w2: tf.Tensor4D,
  b2: tf.Tensor1D,
  w3: tf.Tensor4D,
): tf.Tensor4D {
  const [k, k2, ci, m] = w1.shape;
  if (
    k !== k2 ||
    k % 2 !== 1 ||
    x.shape[3] < ci ||
    b1.shape[0] !== m ||
    w2.shape.join() !== [1, 1, m, m].join() ||
    b2.shape[0] !== m ||
    w3.shape.slice(0, 3).join() !== [k, k, m].join()
  ) {
    throw new ShapeError(
      `wasmConvNet: needs x [b, h, w, c ≥ ci], w1 [k, k, ci, m] (k odd), b1 [m], w2 [1, 1, m, m], b2 [m], w3 [k, k, m, co], got ${JSON.stringify([x, w1, b1, w2, b2, w3].map((t) => t.shape))}`,
    );
  }
  const tape = activeTape();
  for (const entry of pending) {
    if (entry.tape === tape) continue;
    tf.dispose(entry.tensors);
    pending.delete(entry);
  }
  // Where tfjs records this call (a tape open outside any kernel), the op keeps its own tensors.
  recordingTape = isRecordingOps() ? tape : null;
  return convNetOp(x, w1, b1, w2, b2, w3) as tf.Tensor4D;
}
