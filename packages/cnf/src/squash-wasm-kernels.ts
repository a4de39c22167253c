import * as tf from '@tensorflow/tfjs-core';
import {
  runKernelOutputs,
  runTanhFieldVjp,
  runTanhFieldVjpGrad,
  simdRuntime,
  tanhFieldTapeSize,
  type SimdRuntime,
  type TanhFieldWidths,
} from '@bijective/engine';
import { squashGateAndShift, squashGateGrad, type Buffers } from './squash-weights-kernel.js';

const FORWARD = 'Bijective.WasmSquashFieldVjp';
const BACKWARD = 'Bijective.WasmSquashFieldVjpGrad';

/** The SIMD runtime of a wasm backend, or an error naming the kernel. @internal */
export function runtimeOf(backend: unknown, kernel: string): SimdRuntime {
  const runtime = simdRuntime(backend as object);
  if (!runtime) throw new Error(`${kernel}: the wasm SIMD kernels are not available on this backend`);
  return runtime;
}

/** The layer widths `[in, out]` from the parameters (W, b, W_g, b_g, W_h per layer). @internal */
export const widthsOf = (params: readonly tf.TensorInfo[]): TanhFieldWidths =>
  Array.from({ length: params.length / 5 }, (_, l) => {
    const [i, o] = params[5 * l]!.shape as [number, number];
    return [i, o] as const;
  });

/** Float offsets in the tape: the field's part first, then per layer its gate, kernel and shift. @internal */
export function weightLayout(n: number, widths: TanhFieldWidths, probes: number) {
  let at = tanhFieldTapeSize(n, widths, probes);
  const gates: number[] = [];
  const kernels: number[] = [];
  const shifts: number[] = [];
  for (const [i, o] of widths) {
    gates.push(at);
    kernels.push(at + o);
    shifts.push(at + o + i * o);
    at += 2 * o + i * o;
  }
  return { gates, kernels, shifts, size: at };
}

/**
 * FFJORD's unconditional tanh concat-squash field f(z, t) and its VJP eᵀ ∂f/∂z as ONE wasm kernel:
 * inputs (z, e, t, then per layer W, b, W_g, b_g, W_h); every layer's gate g = σ(t W_g + b_g), kernel
 * W ⊙ g and shift b ⊙ g + t W_h written to the tape, then the engine's tanh field kernel on them.
 * z is `[n, D]`, e `[m·n, D]` (m probes sharing one evaluation of f). Outputs [f; vjp] `[(1 + m) n, D]`
 * and the tape (what {@link BACKWARD} reads).
 */
tf.registerKernel({
  kernelName: FORWARD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const rt = runtimeOf(backend, FORWARD);
    const [z, e, t, ...params] = Object.values(inputs) as tf.TensorInfo[];
    const n = z!.shape[0] as number;
    const probes = (e!.shape[0] as number) / n;
    const layout = weightLayout(n, widthsOf(params), probes);
    const stacked = rt.heap.makeOutput([(1 + probes) * n, z!.shape[1] as number]);
    const tape = rt.heap.makeOutput([layout.size]);
    const at = (info: tf.TensorInfo) => rt.heap.offset(info);
    const time = new Float32Array(rt.heap.memory.buffer)[at(t!) >>> 2] as number;
    squashFieldOnHeap(rt, params, n, probes, time, {
      z: at(z!),
      e: at(e!),
      tape: at(tape),
      stacked: at(stacked),
    });
    return [stacked, tape];
  },
});

/** Byte offsets on the heap of what {@link squashFieldOnHeap} reads and writes. @internal */
export interface SquashFieldBuffers {
  /** z `[n, D]`. */
  z: number;
  /** The probes e `[m·n, D]`. */
  e: number;
  /** Out: the tape, {@link weightLayout}'s size in floats. */
  tape: number;
  /** Out: [f; vjp] `[(1 + m) n, D]`. */
  stacked: number;
}

/**
 * The body of {@link FORWARD} on the heap at time `time`: every layer's gate, kernel and shift written
 * to the tape, then the engine's tanh field kernel (value and the m probes' VJPs).
 * @internal
 */
export function squashFieldOnHeap(
  rt: SimdRuntime,
  params: readonly tf.TensorInfo[],
  n: number,
  probes: number,
  time: number,
  b: SquashFieldBuffers,
): void {
  const widths = widthsOf(params);
  const layout = weightLayout(n, widths, probes);
  // Views after every allocation (a malloc may grow the memory and detach them).
  const heap = new Float32Array(rt.heap.memory.buffer);
  const view = (offset: number, floats: number) => heap.subarray(offset >>> 2, (offset >>> 2) + floats);
  const input = (info: tf.TensorInfo) =>
    view(
      rt.heap.offset(info),
      info.shape.reduce((a, c) => a * c, 1),
    );
  widths.forEach(([i, o], l) => {
    const [, bias, gK, gB, hK] = params.slice(5 * l, 5 * l + 5).map(input) as Buffers<5>;
    const gateAt = b.tape + 4 * layout.gates[l]!;
    squashGateAndShift(time, bias, gK, gB, hK, view(gateAt, o), view(b.tape + 4 * layout.shifts[l]!, o));
    // K = W ⊙ g on the heap (SIMD).
    rt.kernels.scaleColumns(i, o, rt.heap.offset(params[5 * l]!), gateAt, b.tape + 4 * layout.kernels[l]!);
  });
  runTanhFieldVjp(
    rt,
    n,
    widths,
    {
      z: b.z,
      e: b.e,
      kernels: layout.kernels.map((k) => b.tape + 4 * k),
      shifts: layout.shifts.map((c) => b.tape + 4 * c),
      stacked: b.stacked,
      tape: b.tape,
    },
    probes,
  );
}

/**
 * The backward pass of {@link FORWARD} as ONE wasm kernel: inputs (dy `[(1 + m) n, D]`, z, e, t, the
 * parameters, the tape), attribute `packed`; outputs z̄, t̄ and the parameters' gradients (flattened
 * and concatenated in order when `packed`, else one per parameter): the engine's tanh field backward
 * gives K̄_l and c̄_l, the gate algebra turns them into the parameters' gradients and t̄.
 */
tf.registerKernel({
  kernelName: BACKWARD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const rt = runtimeOf(backend, BACKWARD);
    const packed = (attrs as { packed?: boolean }).packed === true;
    const all = Object.values(inputs) as tf.TensorInfo[];
    const [dy, z, e, t] = all as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
    const params = all.slice(4, -1);
    const n = z.shape[0] as number;
    const zBar = rt.heap.makeOutput([...z.shape]);
    const tBar = rt.heap.makeOutput([]);
    const grads = squashGradOutputs(rt, params, packed);
    const at = (info: tf.TensorInfo) => rt.heap.offset(info);
    const time = new Float32Array(rt.heap.memory.buffer)[at(t) >>> 2] as number;
    const tSum = squashFieldGradOnHeap(rt, params, n, (e.shape[0] as number) / n, time, {
      dy: at(dy),
      z: at(z),
      e: at(e),
      tape: at(all[all.length - 1] as tf.TensorInfo),
      zBar: at(zBar),
      grads: grads.map(at),
      packed,
    });
    new Float32Array(rt.heap.memory.buffer)[at(tBar) >>> 2] = tSum;
    return [zBar, tBar, ...grads];
  },
});

/** The parameters' gradient outputs: one flat tensor when `packed`, else one per parameter. @internal */
export function squashGradOutputs(
  rt: SimdRuntime,
  params: readonly tf.TensorInfo[],
  packed: boolean,
): tf.TensorInfo[] {
  const sizes = params.map((p) => p.shape.reduce((a, b) => a * b, 1));
  return packed
    ? [rt.heap.makeOutput([sizes.reduce((a, b) => a + b, 0)])]
    : params.map((p) => rt.heap.makeOutput([...p.shape]));
}

/** Byte offsets on the heap of what {@link squashFieldGradOnHeap} reads and writes. @internal */
export interface SquashFieldGradBuffers {
  /** The gradient of [f; vjp] `[(1 + m) n, D]`. */
  dy: number;
  /** z `[n, D]`. */
  z: number;
  /** The probes e `[m·n, D]`. */
  e: number;
  /** The forward's tape. */
  tape: number;
  /** Out: z̄ `[n, D]`. */
  zBar: number;
  /** Out: the parameters' gradients ({@link squashGradOutputs}). */
  grads: readonly number[];
  /** Whether `grads` is one flat tensor. */
  packed: boolean;
}

/**
 * The body of {@link BACKWARD} on the heap: the engine's tanh field backward gives K̄_l and c̄_l, the
 * gate algebra turns them into the parameters' gradients; returns t̄.
 * @internal
 */
export function squashFieldGradOnHeap(
  rt: SimdRuntime,
  params: readonly tf.TensorInfo[],
  n: number,
  probes: number,
  time: number,
  b: SquashFieldGradBuffers,
): number {
  const widths = widthsOf(params);
  const layout = weightLayout(n, widths, probes);
  const sizes = params.map((p) => p.shape.reduce((a, c) => a * c, 1));
  // K̄_l and c̄_l in a block of their own (the engine's pass uses the scratch block), then the
  // kernel's part of each layer's gate gradient, Σ_rows K̄ ⊙ W.
  const barFloats = widths.reduce((sum, [i, o]) => sum + i * o + o, 0);
  const gateBarFloats = Math.max(...widths.map(([, o]) => o));
  const bars = rt.heap.malloc(4 * (barFloats + gateBarFloats));
  try {
    const kernelBars: number[] = [];
    const shiftBars: number[] = [];
    let offset = bars;
    for (const [i, o] of widths) {
      kernelBars.push(offset);
      shiftBars.push(offset + 4 * i * o);
      offset += 4 * (i * o + o);
    }
    const gateBarAt = offset;
    runTanhFieldVjpGrad(
      rt,
      n,
      widths,
      {
        dy: b.dy,
        z: b.z,
        e: b.e,
        kernels: layout.kernels.map((k) => b.tape + 4 * k),
        tape: b.tape,
        zBar: b.zBar,
        kernelBars,
        shiftBars,
      },
      probes,
    );
    // Views after every allocation (the engine's scratch may have grown the memory).
    const heap = new Float32Array(rt.heap.memory.buffer);
    const view = (offsetBytes: number, floats: number) =>
      heap.subarray(offsetBytes >>> 2, (offsetBytes >>> 2) + floats);
    const input = (info: tf.TensorInfo) =>
      view(
        rt.heap.offset(info),
        info.shape.reduce((a, c) => a * c, 1),
      );
    // Byte offsets of the parameters' gradients: consecutive in the one flat output when packed.
    let packedAt = b.packed ? (b.grads[0] as number) : 0;
    const targets = sizes.map((size, v) => {
      if (!b.packed) return b.grads[v]!;
      const at = packedAt;
      packedAt += 4 * size;
      return at;
    });
    let tSum = 0;
    widths.forEach(([i, o], l) => {
      const [, bias, gK, , hK] = params.slice(5 * l, 5 * l + 5).map(input) as Buffers<5>;
      const gateAt = b.tape + 4 * layout.gates[l]!;
      // W̄ = K̄ ⊙ g and Σ_rows K̄ ⊙ W on the heap (SIMD), then the per-column algebra.
      rt.kernels.scaleColumnsGrad(
        i,
        o,
        kernelBars[l]!,
        rt.heap.offset(params[5 * l]!),
        gateAt,
        targets[5 * l]!,
        gateBarAt,
      );
      const [bBar, gKBar, gBBar, hKBar] = [1, 2, 3, 4].map((v) => view(targets[5 * l + v]!, o)) as Buffers<4>;
      tSum += squashGateGrad(
        time,
        bias,
        gK,
        hK,
        view(gateAt, o),
        view(gateBarAt, o),
        view(shiftBars[l]!, o),
        [bBar, gKBar, gBBar, hKBar],
      );
    });
    return tSum;
  } finally {
    rt.heap.free(bars);
  }
}

/**
 * Whether the tanh concat-squash field runs as wasm SIMD kernels now (wasm backend, kernels on).
 * @internal
 */
export function wasmSquashFieldAvailable(): boolean {
  return tf.getBackend() === 'wasm' && simdRuntime(tf.backend()) !== null;
}

/**
 * [f(z, t); eᵀ ∂f/∂z] `[(1 + m) n, D]` (z `[n, D]`, e `[m·n, D]`) of the unconditional tanh concat-squash field with `params` (W, b,
 * W_g, b_g, W_h per layer) and the tape its gradient reads, as ONE kernel.
 * @internal
 */
export function wasmSquashFieldVjp(
  z: tf.Tensor,
  e: tf.Tensor,
  t: tf.Tensor,
  params: readonly tf.Tensor[],
): { stacked: tf.Tensor2D; tape: tf.Tensor1D } {
  const named: tf.NamedTensorMap = { z, e, t };
  params.forEach((p, i) => (named[`p${i}`] = p));
  const [stacked, tape] = runKernelOutputs(FORWARD, named);
  return { stacked: stacked as tf.Tensor2D, tape: tape as tf.Tensor1D };
}

/**
 * The gradients of {@link wasmSquashFieldVjp} (but the probe's) from `dy`, as ONE kernel: z̄, t̄ and
 * the parameters' (one flat tensor when `packed`).
 * @internal
 */
export function wasmSquashFieldVjpGrad(
  dy: tf.Tensor,
  z: tf.Tensor,
  e: tf.Tensor,
  t: tf.Tensor,
  params: readonly tf.Tensor[],
  tape: tf.Tensor,
  packed: boolean,
): { zBar: tf.Tensor; tBar: tf.Tensor; paramGrads: tf.Tensor[] } {
  const named: tf.NamedTensorMap = { dy, z, e, t };
  params.forEach((p, i) => (named[`p${i}`] = p));
  named.tape = tape;
  const [zBar, tBar, ...paramGrads] = runKernelOutputs(BACKWARD, named, { packed });
  return { zBar: zBar!, tBar: tBar!, paramGrads };
}
