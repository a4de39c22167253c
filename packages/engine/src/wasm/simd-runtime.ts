import * as tf from '@tensorflow/tfjs-core';
import { MLP_KERNELS_RELAXED_WASM_BASE64, MLP_KERNELS_WASM_BASE64 } from './mlp-kernels.generated.js';
import { wasmHeap, type WasmHeap } from '../tfjs/wasm-heap.js';

/**
 * Floats of A and B per gemm call in {@link SimdRuntime.contractRows} (48 KiB): both slices stay in
 * the core's cache (12544-row products: 64x64 at 30 GFLOP/s in chunks of 64-96 rows, 24 in chunks
 * of 1024, 15 in one call).
 */
const FLOATS_PER_CHUNK = 12288;

/** gemm/gemmDot epilogue flag: C += the product. @internal */
export const ACCUMULATE = 1;
/** gemm/gemmDot epilogue flag: max(v, 0). @internal */
export const RELU = 2;
/** gemm/gemmDot epilogue flag: v where mask > 0, else 0 (the ReLU derivative). @internal */
export const MASK = 4;
/** gemm/gemmDot epilogue flag: the product times 1 − mask² (tanh' from a layer's output), before ACCUMULATE adds C. @internal */
export const SLOPE = 16;

/**
 * The exports of the engine's wasm SIMD module (packages/engine/assembly/mlp-kernels.ts); pointers
 * are byte offsets into tfjs-wasm's memory, sizes and strides count floats.
 * @internal
 */
export interface SimdExports {
  /** C[M, N] = epilogue(Σ_p A(r, p) B[p, :]), A(r, p) at a + 4(r·rsA + p·csA), B row stride ldb, C (and mask) row stride ldc. */
  gemm(
    M: number,
    N: number,
    K: number,
    a: number,
    rsA: number,
    csA: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    bias: number,
    mask: number,
    flags: number,
  ): void;
  /** C[M, N] = epilogue(A Btᵀ) for row-major A [M, K] and Bt [N, K] (few output columns). */
  gemmDot(
    M: number,
    N: number,
    K: number,
    a: number,
    bt: number,
    c: number,
    ldc: number,
    bias: number,
    mask: number,
    flags: number,
  ): void;
  /** dst [cols, rows] = srcᵀ. */
  transpose(rows: number, cols: number, src: number, dst: number): void;
  /** gemm summing, per tile of columns, only over the union of its columns' k ranges (and writing the epilogue of 0 outside their m ranges): `ranges` holds i32 kLo, kHi, mLo, mHi per column (assembly/masked-gemm.ts). */
  gemmRanged(
    M: number,
    N: number,
    K: number,
    a: number,
    rsA: number,
    csA: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    bias: number,
    mask: number,
    flags: number,
    ranges: number,
  ): void;
  /** dst[r, j] = src[rowOf[r], colOf[j]] · mask[r, j] for a kernel [rows, cols] (i32 indices; mask 0: none). */
  gatherKernel(
    rows: number,
    cols: number,
    src: number,
    rowOf: number,
    colOf: number,
    mask: number,
    dst: number,
  ): void;
  /** The adjoint of gatherKernel: dst[rowOf[r], colOf[j]] = src[r, j] · mask[r, j] (mask 0: none). */
  scatterKernel(
    rows: number,
    cols: number,
    src: number,
    rowOf: number,
    colOf: number,
    mask: number,
    dst: number,
  ): void;
  /** dst[j] = Σ_r src[r, j]. */
  columnSums(rows: number, cols: number, src: number, dst: number): void;
  /** x ← tanh(x) over `count` floats (`one` = 1: its constants are built from it at run time). */
  tanhInPlace(count: number, x: number, one: number): void;
  /** A tanh layer's VJP backward step over `count` floats: aBar (+)= −2 w̄ ⊙ h ⊙ w (+ when accumulate is 1), uBar = w̄ ⊙ (1 − h²) (uBar may be wBar). */
  tanhVjpGrad(
    count: number,
    wBar: number,
    h: number,
    w: number,
    aBar: number,
    uBar: number,
    accumulate: number,
  ): void;
  /** The affine map x ↦ x e^s + t (inverse: (x − t) e^{−s}), s = c·tanh(ŝ/c), on the b columns at `cols` (i32; consecutive from `first` when ≥ 0) of u [n, d] with raw [n, 2b] = (ŝ, t): value [n, d] and Σ ±s per row into logDet (0: none); `one` = 1; tanh(ŝ/c) and e^{±s} into `saved` [n, 2b] (0 or absent: none) for affineMapGrad. */
  affineMap(
    n: number,
    d: number,
    b: number,
    cols: number,
    first: number,
    u: number,
    raw: number,
    value: number,
    logDet: number,
    bound: number,
    inverse: number,
    one: number,
    saved?: number,
  ): void;
  /** affineMap for b < 4 columns (at `cols`, i32), four rows per vector: the same results. */
  affineMapRows(
    n: number,
    d: number,
    b: number,
    cols: number,
    u: number,
    raw: number,
    value: number,
    logDet: number,
    bound: number,
    inverse: number,
    one: number,
  ): void;
  /** dst[r, j] = src[r, j] · scale[j] over `[rows, cols]` (a gated layer's kernel W ⊙ g; dst may be src). */
  scaleColumns(rows: number, cols: number, src: number, scale: number, dst: number): void;
  /** scaleColumns' backward pass from dstBar: srcBar = dstBar ⊙ scale, scaleBar[j] = Σ_r dstBar[r, j] src[r, j]. */
  scaleColumnsGrad(
    rows: number,
    cols: number,
    dstBar: number,
    src: number,
    scale: number,
    srcBar: number,
    scaleBar: number,
  ): void;
  /** affineMap's backward pass from dValue [n, d] and dLogDet [n] (0: none): du [n, d], dRaw [n, 2b] and its column sums dRawSums [2b]; tanh(ŝ/c) and e^{±s} read from the forward pass's `saved` (0 or absent: evaluated again). */
  affineMapGrad(
    n: number,
    d: number,
    b: number,
    cols: number,
    first: number,
    u: number,
    raw: number,
    dValue: number,
    dLogDet: number,
    du: number,
    dRaw: number,
    dRawSums: number,
    bound: number,
    inverse: number,
    one: number,
    saved?: number,
  ): void;
  /** Core's sinh-arcsinh map in its one form (assembly/sinh-arcsinh-kernels.ts): p = (x − P0)·P1, q = asinh(p)·P2 + P3, value = sinh(q)·P4 + P5 over x [n, d] with P0..P5 as six rows of d floats at `params`; Σ [log cosh q − ½ log(1 + p²)] + ldConst per row into logDet (0: none); `one` = 1. */
  sinhArcsinh(
    n: number,
    d: number,
    x: number,
    params: number,
    value: number,
    logDet: number,
    ldConst: number,
    one: number,
  ): void;
  /** sinhArcsinh's backward pass from dValue [n, d] and dLogDet [n] (0: none): dx [n, d], and the column sums S0..S5 (six rows of d) the host turns into the parameters' gradients. */
  sinhArcsinhGrad(
    n: number,
    d: number,
    x: number,
    params: number,
    dValue: number,
    dLogDet: number,
    dx: number,
    sums: number,
    one: number,
  ): void;
  /** affineMapGrad for b < 4 columns (at `cols`, i32), four rows per vector: the same results. */
  affineMapGradRows(
    n: number,
    d: number,
    b: number,
    cols: number,
    u: number,
    raw: number,
    dValue: number,
    dLogDet: number,
    du: number,
    dRaw: number,
    dRawSums: number,
    bound: number,
    inverse: number,
    one: number,
  ): void;
  /** dst[p, (i·k + j)·c + ch] = src[b, y ± (i − r), x ± (j − r), ch] (k×k neighbourhoods, 0 outside; − when mirrored), src pixel stride ps, dst row stride ldd. */
  im2col(
    B: number,
    H: number,
    W: number,
    c: number,
    k: number,
    src: number,
    ps: number,
    dst: number,
    ldd: number,
    mirrored: number,
  ): void;
  /** dst[b, y, x, ch] (+)= Σ_{i,j} src[b, y ± (i − r), x ± (j − r), (i·k + j)·c + ch] over the image, src row stride lds, dst pixel stride pd. */
  col2im(
    B: number,
    H: number,
    W: number,
    c: number,
    k: number,
    src: number,
    lds: number,
    dst: number,
    pd: number,
    mirrored: number,
    flags: number,
  ): void;
}

/**
 * The SIMD module instantiated on one tfjs wasm backend's memory, with a scratch block on its heap.
 * @internal
 */
export class SimdRuntime {
  private scratchPointer = 0;
  private scratchBytes = 0;

  constructor(
    /** The module's functions. */
    readonly kernels: SimdExports,
    /** The backend's heap. */
    readonly heap: WasmHeap,
    /** Which build of the module these are ({@link WasmSimdVariant}). */
    readonly variant: WasmSimdVariant = 'simd128',
  ) {}

  /** A scratch block of at least `bytes` on the backend's heap, reused across calls (grown by malloc, which may grow the memory). */
  scratch(bytes: number): number {
    if (bytes > this.scratchBytes) {
      if (this.scratchPointer !== 0) this.heap.free(this.scratchPointer);
      this.scratchBytes = Math.ceil(bytes / 65536) * 65536;
      this.scratchPointer = this.heap.malloc(this.scratchBytes);
    }
    return this.scratchPointer;
  }

  /** Copies `floats` float32 values from byte offset `src` to `dst`. */
  copy(src: number, dst: number, floats: number): void {
    new Float32Array(this.heap.memory.buffer).copyWithin(dst >>> 2, src >>> 2, (src >>> 2) + floats);
  }

  /**
   * C[M, N] = epilogue(A B) for A(r, p) at a + 4(r·rsA + p·csA) and a row-major B [K, N]: gemm's
   * 4×8 tiles, or row dot products against Bᵀ (written to `scratch`) when N is below one vector
   * and A is row-major.
   */
  product(
    M: number,
    N: number,
    K: number,
    a: number,
    rsA: number,
    csA: number,
    b: number,
    c: number,
    bias: number,
    mask: number,
    flags: number,
    scratch: number,
  ): void {
    if (N < 4 && K >= 8 && rsA === K && csA === 1) {
      this.kernels.transpose(K, N, b, scratch);
      this.kernels.gemmDot(M, N, K, a, scratch, c, N, bias, mask, flags);
    } else this.kernels.gemm(M, N, K, a, rsA, csA, b, N, c, N, bias, mask, flags);
  }

  /**
   * C `[M, N]` = Aᵀ B for row-major A `[K, lda]` (its first M columns) and B `[K, N]`: a weight
   * gradient summed over K pixels or rows, as gemm calls over chunks of rows accumulated into C
   * (one pass over the whole of A and B per 4×8 tile would stream both from memory M·N/32 times).
   */
  contractRows(M: number, N: number, K: number, a: number, lda: number, b: number, c: number): void {
    const chunk = Math.max(16, Math.floor(FLOATS_PER_CHUNK / (lda + N)));
    for (let p = 0; p < K; p += chunk) {
      const rows = Math.min(chunk, K - p);
      this.kernels.gemm(
        M,
        N,
        rows,
        a + 4 * p * lda,
        1,
        lda,
        b + 4 * p * N,
        N,
        c,
        N,
        0,
        0,
        p > 0 ? ACCUMULATE : 0,
      );
    }
  }

  /** C[M, N] = epilogue(A Btᵀ) for row-major A [M, K] and Bt [N, K]: row dot products for N below one vector, else gemm on Bᵀ (written to `scratch`). */
  productTransposed(
    M: number,
    N: number,
    K: number,
    a: number,
    bt: number,
    c: number,
    mask: number,
    flags: number,
    scratch: number,
  ): void {
    if (N < 4) this.kernels.gemmDot(M, N, K, a, bt, c, N, 0, mask, flags);
    else {
      this.kernels.transpose(N, K, bt, scratch);
      this.kernels.gemm(M, N, K, a, K, 1, scratch, N, c, N, 0, mask, flags);
    }
  }
}

let enabled = true;

/**
 * Turns the engine's own wasm SIMD kernels for fused MLP conditioners on or off (default on); off,
 * the wasm backend runs them as tfjs's XNNPACK kernels, as cpu and webgl always do. For comparisons
 * and benchmarks; the two paths agree to float32 rounding.
 */
export function useWasmSimdKernels(on: boolean): void {
  enabled = on;
}

/** Whether the engine's own wasm SIMD kernels are switched on ({@link useWasmSimdKernels}). */
export function wasmSimdKernelsEnabled(): boolean {
  return enabled;
}

/**
 * The two builds of the engine's kernels (one AssemblyScript source): `'relaxed'` fuses the
 * products' multiply-adds, fl(a·b + c) (wasm relaxed SIMD's `f32x4.relaxed_madd`, one rounding, a
 * hardware FMA where the CPU has one; the WebAssembly relaxed-SIMD proposal, W3C WebAssembly CG
 * 2023), `'simd128'` multiplies then adds, fl(fl(a·b) + c) (two roundings).
 */
export type WasmSimdVariant = 'relaxed' | 'simd128';

/** The variant the environment asks for: `BIJECTIVE_WASM_SIMD=simd128` forces the baseline (A/B benchmarks, tests), anything else leaves the choice to the runtime. */
function preferenceFromEnvironment(): 'auto' | 'simd128' {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.BIJECTIVE_WASM_SIMD === 'simd128' ? 'simd128' : 'auto';
}

let preference: 'auto' | 'simd128' = preferenceFromEnvironment();

/**
 * Chooses which build of the engine's wasm kernels runs: `'auto'` (the default) the relaxed-SIMD
 * one wherever the runtime validates it (Chrome ≥ 114, Node ≥ 22; Node 20 after
 * {@link enableRelaxedSimd}), else the SIMD-128 one; `'simd128'` always the SIMD-128 one (also set
 * by the environment variable `BIJECTIVE_WASM_SIMD=simd128`). The two agree to float32 rounding: a
 * fused multiply-add rounds once where a multiply and an add round twice. Takes effect at the next
 * kernel call.
 * @example
 * ```ts
 * import { useWasmSimdVariant, wasmSimdVariant } from '@bijective/engine';
 *
 * useWasmSimdVariant('simd128');
 * console.log(wasmSimdVariant()); // 'simd128' on the wasm backend, null on the others
 * useWasmSimdVariant('auto');
 * ```
 */
export function useWasmSimdVariant(variant: 'auto' | 'simd128'): void {
  preference = variant;
}

/** The V8 flag that turns wasm relaxed SIMD on in Node 20 (on by default from Node 22). */
const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

/** Whether the runtime validates the relaxed module (undefined: not asked yet). */
let relaxedValid: boolean | undefined;

/**
 * Turns on wasm relaxed SIMD in Node 20, where V8 keeps it behind `--experimental-wasm-relaxed-simd`
 * (as `node --experimental-wasm-relaxed-simd` does), so that the engine's fused multiply-add kernels
 * run; returns whether the runtime now validates them. The library never sets V8 flags on its own:
 * this is an opt-in for applications (the `bijective` CLI calls it at start-up). V8 flags are
 * process-wide. Where relaxed SIMD is on already (Node ≥ 22, Chrome ≥ 114) it changes nothing and
 * returns true; in a browser without it, it returns false. Call it before the first kernel runs
 * (a later call switches the next kernel call to the relaxed module).
 * @example
 * ```ts
 * import { enableRelaxedSimd } from '@bijective/engine';
 *
 * console.log(enableRelaxedSimd()); // true on Node ≥ 20.16 and on a runtime with relaxed SIMD
 * ```
 */
export function enableRelaxedSimd(): boolean {
  if (!relaxedSimdValid()) {
    // process.getBuiltinModule (Node ≥ 20.16) reaches node:v8 without importing it, so browser bundles stay free of it.
    const getBuiltin = (
      globalThis as {
        process?: {
          getBuiltinModule?: (id: string) => { setFlagsFromString?: (f: string) => void } | undefined;
        };
      }
    ).process?.getBuiltinModule;
    const v8 = typeof getBuiltin === 'function' ? getBuiltin('node:v8') : undefined;
    if (typeof v8?.setFlagsFromString === 'function') {
      v8.setFlagsFromString(RELAXED_SIMD_FLAG);
      relaxedValid = undefined;
    }
  }
  return relaxedSimdValid();
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const BASE64: Record<WasmSimdVariant, string> = {
  relaxed: MLP_KERNELS_RELAXED_WASM_BASE64,
  simd128: MLP_KERNELS_WASM_BASE64,
};

/** Whether the runtime validates the relaxed-SIMD module (asked once, again after {@link enableRelaxedSimd}). */
function relaxedSimdValid(): boolean {
  if (relaxedValid === undefined) relaxedValid = WebAssembly.validate(decode(BASE64.relaxed));
  return relaxedValid;
}

/** The variant that runs now: the preference, and whether the runtime validates the relaxed module (asked once). */
function chosenVariant(): WasmSimdVariant {
  return preference === 'auto' && relaxedSimdValid() ? 'relaxed' : 'simd128';
}

/** Each variant's compiled module; undefined before the first try, null when it cannot compile (no wasm SIMD) or is being compiled asynchronously. */
const compiled: Record<WasmSimdVariant, WebAssembly.Module | null | undefined> = {
  relaxed: undefined,
  simd128: undefined,
};
const compiling: Record<WasmSimdVariant, boolean> = { relaxed: false, simd128: false };

/** A variant's module: compiled synchronously where allowed, else (a browser's main thread) asynchronously, null until then. */
function simdModule(variant: WasmSimdVariant): WebAssembly.Module | null {
  const known = compiled[variant];
  if (known !== undefined) return known;
  const bytes = decode(BASE64[variant]);
  try {
    compiled[variant] = new WebAssembly.Module(bytes);
  } catch (e) {
    compiled[variant] = null;
    // Synchronous compilation refused (size limit on a browser's main thread): compile in the background.
    if (e instanceof RangeError && !compiling[variant]) {
      compiling[variant] = true;
      WebAssembly.compile(bytes).then(
        (m) => void (compiled[variant] = m),
        () => undefined,
      );
    }
  }
  return compiled[variant];
}

/**
 * Whether the engine's wasm SIMD kernels run on the active backend now: tfjs's wasm backend with its
 * memory reachable, and the kernels switched on ({@link useWasmSimdKernels}).
 * @internal
 */
export function wasmSimdAvailable(): boolean {
  return tf.getBackend() === 'wasm' && simdRuntime(tf.backend()) !== null;
}

/**
 * Which build of the engine's wasm kernels runs on the active backend: `'relaxed'` (fused
 * multiply-adds) or `'simd128'` ({@link useWasmSimdVariant}), null when they do not run (another
 * backend, switched off by {@link useWasmSimdKernels}, no wasm SIMD).
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@bijective/backend-wasm';
 * import { useBackend } from '@bijective/core';
 * import { enableRelaxedSimd, wasmSimdVariant } from '@bijective/engine';
 *
 * enableRelaxedSimd();
 * await useBackend('wasm');
 * console.log(tf.getBackend(), wasmSimdVariant()); // wasm relaxed
 * ```
 */
export function wasmSimdVariant(): WasmSimdVariant | null {
  if (tf.getBackend() !== 'wasm') return null;
  const runtime = simdRuntime(tf.backend());
  return runtime === null ? null : runtime.variant;
}

const runtimes = new WeakMap<object, Map<WasmSimdVariant, SimdRuntime | null>>();

/**
 * The SIMD kernels instantiated on `backend`'s memory (a tfjs wasm backend), or null: switched off,
 * no wasm SIMD, a backend whose memory is out of reach, or a shared (threaded) memory the module
 * does not import. Null means tfjs's own kernels run. `variant` (default: the one chosen by
 * {@link useWasmSimdVariant} and the runtime) names the build; each has its own instance and scratch.
 * @internal
 */
export function simdRuntime(backend: object, variant: WasmSimdVariant = chosenVariant()): SimdRuntime | null {
  if (!enabled) return null;
  const byVariant = runtimes.get(backend) ?? new Map<WasmSimdVariant, SimdRuntime | null>();
  const known = byVariant.get(variant);
  if (known !== undefined) return known;
  runtimes.set(backend, byVariant);
  const module = simdModule(variant);
  if (module === null) return null;
  const heap = wasmHeap(backend);
  let runtime: SimdRuntime | null = null;
  if (heap) {
    const imports = { env: { memory: heap.memory } };
    const make = (instance: WebAssembly.Instance) =>
      new SimdRuntime(instance.exports as unknown as SimdExports, heap, variant);
    try {
      runtime = make(new WebAssembly.Instance(module, imports));
    } catch (e) {
      // A shared memory (threaded build) cannot link: tfjs's kernels. A synchronous instantiation
      // refused (size limit on a browser's main thread): instantiate in the background.
      if (e instanceof RangeError)
        WebAssembly.instantiate(module, imports).then(
          (instance) => void byVariant.set(variant, make(instance)),
          () => undefined,
        );
    }
  }
  byVariant.set(variant, runtime);
  return runtime;
}
