import * as tf from '@tensorflow/tfjs-core';
import type { SimdRuntime } from '@bijective/engine';
import {
  runtimeOf,
  squashFieldGradOnHeap,
  squashFieldOnHeap,
  squashGradOutputs,
  weightLayout,
  widthsOf,
} from './squash-wasm-kernels.js';

/** The kernel names (the op in `squash-trace-op.ts` calls them). @internal */
export const SQUASH_TRACE_KERNELS = {
  forward: 'Bijective.WasmSquashFieldTrace',
  backward: 'Bijective.WasmSquashFieldTraceGrad',
} as const;

/**
 * Attributes of both kernels: s (t = s T), the estimator's weight w, the probe count m, whether the
 * Frobenius estimate rides along, and (backward) `packed`.
 */
interface TraceAttrs {
  s: number;
  weight: number;
  probes: number;
  frobenius?: boolean;
  packed?: boolean;
}

/**
 * Float offsets of the trace kernels' tape: the field's tape and layer weights ({@link weightLayout}),
 * then [f; vjp] unscaled `[(1 + m) n, D]`, copies of z `[n, D]` and of the probes `[m·n, D]`, and T.
 */
function traceLayout(n: number, D: number, params: readonly tf.TensorInfo[], probes: number) {
  const field = weightLayout(n, widthsOf(params), probes);
  const stacked = field.size;
  const z = stacked + (1 + probes) * n * D;
  const e = z + n * D;
  const T = e + probes * n * D;
  return { stacked, z, e, T, size: T + 1 };
}

const floatsOf = (rt: SimdRuntime) => new Float32Array(rt.heap.memory.buffer);

/**
 * A CNF's dynamics with its trace as ONE wasm kernel, for the unconditional tanh concat-squash field
 * on s ∈ [0, 1] with t = s T: inputs (z `[n, D]`, the probes e (m·n·D floats), T, then per layer W,
 * b, W_g, b_g, W_h), attributes s, w, m, frobenius; outputs T f(z, t) `[n, D]`, the trace estimate
 * T w Σ_j eⱼᵀ (∂f/∂z) eⱼ per row `[n]`, the tape (the field's, f and the VJPs unscaled, z, e, T) and,
 * with `frobenius`, RNODE's Jacobian estimate T² w Σ_j ‖eⱼᵀ ∂f/∂z‖² per row `[n]` (Finlay et al. 2020).
 */
tf.registerKernel({
  kernelName: SQUASH_TRACE_KERNELS.forward,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const rt = runtimeOf(backend, SQUASH_TRACE_KERNELS.forward);
    const { s, weight, probes, frobenius } = attrs as unknown as TraceAttrs;
    const [z, e, T, ...params] = Object.values(inputs) as tf.TensorInfo[];
    const [n, D] = z!.shape as [number, number];
    const layout = traceLayout(n, D, params, probes);
    const dz = rt.heap.makeOutput([n, D]);
    const trace = rt.heap.makeOutput([n]);
    const tape = rt.heap.makeOutput([layout.size]);
    const frob = frobenius ? rt.heap.makeOutput([n]) : null;
    const at = (info: tf.TensorInfo) => rt.heap.offset(info);
    const tapeAt = at(tape);
    const scale = floatsOf(rt)[at(T!) >>> 2] as number;
    const time = Math.fround(s * scale);
    squashFieldOnHeap(rt, params, n, probes, time, {
      z: at(z!),
      e: at(e!),
      tape: tapeAt,
      stacked: tapeAt + 4 * layout.stacked,
    });
    // Views after the field's pass (its scratch may have grown the memory).
    const heap = floatsOf(rt);
    const t0 = tapeAt >>> 2;
    const zIn = at(z!) >>> 2;
    const eIn = at(e!) >>> 2;
    heap.copyWithin(t0 + layout.z, zIn, zIn + n * D);
    heap.copyWithin(t0 + layout.e, eIn, eIn + probes * n * D);
    heap[t0 + layout.T] = scale;
    const f = t0 + layout.stacked;
    const out = at(dz) >>> 2;
    for (let i = 0; i < n * D; i++) heap[out + i] = scale * (heap[f + i] as number);
    // tr ≈ T w Σ_j Σ_d e_j ⊙ vjp_j per row (probe j's rows are the j-th block of n), and with
    // `frobenius` ‖∂(T f)/∂z‖²_F ≈ T² w Σ_j Σ_d vjp_j² from the same products.
    const vjp = f + n * D;
    const tr = at(trace) >>> 2;
    const fr = frob ? at(frob) >>> 2 : -1;
    for (let r = 0; r < n; r++) {
      let sum = 0;
      let squares = 0;
      for (let j = 0; j < probes; j++) {
        const row = (j * n + r) * D;
        for (let d = 0; d < D; d++) {
          const u = heap[vjp + row + d] as number;
          sum += (heap[eIn + row + d] as number) * u;
          squares += u * u;
        }
      }
      heap[tr + r] = scale * weight * sum;
      if (fr >= 0) heap[fr + r] = scale * scale * weight * squares;
    }
    return frob ? [dz, trace, tape, frob] : [dz, trace, tape];
  },
});

/**
 * The backward pass of the trace kernel: inputs (dz̄ `[n, D]`, tr̄ `[n]`, with `frobenius` its
 * cotangent j̄ `[n]`, the tape, the parameters), attributes s, w, m, frobenius, packed; outputs z̄, T̄
 * and the parameters' gradients (one flat tensor when `packed`). The field's gradient
 * [f̄; vj̄p] = [T dz̄; T w tr̄ ⊙ e + 2 T² w j̄ ⊙ vjp] goes through the tanh field's backward and the
 * gate algebra; T̄ = Σ dz̄ ⊙ f + w Σ_r tr̄_r Σ eᵀ vjp + 2 T w Σ_r j̄_r Σ vjp² + s t̄.
 */
tf.registerKernel({
  kernelName: SQUASH_TRACE_KERNELS.backward,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const rt = runtimeOf(backend, SQUASH_TRACE_KERNELS.backward);
    const { s, weight, probes, frobenius, packed } = attrs as unknown as TraceAttrs;
    const [dzBar, traceBar, ...rest] = Object.values(inputs) as tf.TensorInfo[];
    const frobBar = frobenius ? rest.shift() : undefined;
    const [tape, ...params] = rest;
    const [n, D] = dzBar!.shape as [number, number];
    const layout = traceLayout(n, D, params, probes);
    const zBar = rt.heap.makeOutput([n, D]);
    const TBar = rt.heap.makeOutput([]);
    const grads = squashGradOutputs(rt, params, packed === true);
    const dy = rt.heap.malloc(4 * (1 + probes) * n * D);
    try {
      const at = (info: tf.TensorInfo) => rt.heap.offset(info);
      const tapeAt = at(tape!);
      let heap = floatsOf(rt);
      const t0 = tapeAt >>> 2;
      const scale = heap[t0 + layout.T] as number;
      const f = t0 + layout.stacked;
      const vjp = f + n * D;
      const e = t0 + layout.e;
      const dzIn = at(dzBar!) >>> 2;
      const trIn = at(traceBar!) >>> 2;
      const frIn = frobBar ? at(frobBar) >>> 2 : -1;
      const y = dy >>> 2;
      let scaleBar = 0;
      for (let i = 0; i < n * D; i++) {
        const g = heap[dzIn + i] as number;
        heap[y + i] = scale * g;
        scaleBar += g * (heap[f + i] as number);
      }
      for (let j = 0; j < probes; j++) {
        for (let r = 0; r < n; r++) {
          const g = weight * (heap[trIn + r] as number);
          const row = (j * n + r) * D;
          for (let d = 0; d < D; d++) {
            const ed = heap[e + row + d] as number;
            heap[y + n * D + row + d] = scale * g * ed;
            scaleBar += g * ed * (heap[vjp + row + d] as number);
          }
          if (frIn < 0) continue;
          // The Frobenius term T² w Σ vjp²: vj̄p += 2 T² w j̄ vjp, T̄ += 2 T w j̄ Σ vjp².
          const q = 2 * weight * (heap[frIn + r] as number);
          for (let d = 0; d < D; d++) {
            const u = heap[vjp + row + d] as number;
            heap[y + n * D + row + d] = (heap[y + n * D + row + d] as number) + scale * scale * q * u;
            scaleBar += scale * q * u * u;
          }
        }
      }
      const tBar = squashFieldGradOnHeap(rt, params, n, probes, Math.fround(s * scale), {
        dy,
        z: tapeAt + 4 * layout.z,
        e: tapeAt + 4 * layout.e,
        tape: tapeAt,
        zBar: at(zBar),
        grads: grads.map(at),
        packed: packed === true,
      });
      heap = floatsOf(rt);
      heap[at(TBar) >>> 2] = scaleBar + s * tBar;
    } finally {
      rt.heap.free(dy);
    }
    return [zBar, TBar, ...grads];
  },
});
