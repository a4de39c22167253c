import type { Direction, SimdTransformSpec } from '../fused/elementwise-transform.js';
import type { SimdRuntime } from './simd-runtime.js';

let enabled = true;
let rowMaps = true;

/**
 * Turns the row-vectorised affine map for fewer than four columns on or off (default on; off, such
 * maps run on the column-vectorised kernel). For A/B benchmarks and tests: both give the same results.
 * @internal
 */
export function useWasmRowMaps(on: boolean): void {
  rowMaps = on;
}

/**
 * Turns the elementwise maps of the one-kernel wasm runs on the SIMD module on or off (default on);
 * off, they run as the transforms' host loops in JavaScript (float64 `Math.tanh`/`Math.exp`). For
 * benchmarks; the two agree to float32 rounding.
 * @internal
 */
export function useWasmSimdTransforms(on: boolean): void {
  enabled = on;
}

/** Byte offsets on the backend's heap of one elementwise map's batches (0: absent). @internal */
export interface SimdMapBuffers {
  /** The layer's input u `[n, d]`. */
  u: number;
  /** The conditioner's raw output `[n, heads·|B|]`. */
  raw: number;
  /** Where the transformed columns' indices are written (|B| i32s). */
  columns: number;
}

/**
 * Writes `columns` as i32 at `at` (bytes) and returns the first column when they are consecutive
 * (the kernels then load and store whole vectors), else -1.
 */
function writeColumns(rt: SimdRuntime, columns: readonly number[], at: number): number {
  const ints = new Int32Array(rt.heap.memory.buffer, at, columns.length);
  let consecutive = true;
  columns.forEach((c, k) => {
    ints[k] = c;
    if (c !== (columns[0] as number) + k) consecutive = false;
  });
  return consecutive ? (columns[0] as number) : -1;
}

/**
 * g of `spec` (direction, columns B) on the SIMD module, u `[n, d]` -> value `[n, d]` and, when
 * `logDet` is not 0, Σ log|∂g/∂u| per row `[n]`; false (nothing written) where the map has no
 * SIMD kernel or they are switched off ({@link useWasmSimdTransforms}). `saved` (bytes, 0: none): where
 * the affine map on four or more columns keeps tanh(ŝ/c) and e^{±s} `[n, 2|B|]` for {@link simdTransformGrad}.
 * @internal
 */
export function simdTransform(
  rt: SimdRuntime,
  spec: SimdTransformSpec | undefined,
  direction: Direction,
  columns: readonly number[],
  n: number,
  d: number,
  at: SimdMapBuffers,
  value: number,
  logDet: number,
  saved = 0,
): boolean {
  if (!enabled || spec?.kind !== 'affine') return false;
  const first = writeColumns(rt, columns, at.columns);
  const inverse = direction === 'inverse' ? 1 : 0;
  // Fewer than four columns (2-D and 3-D data) fill the vectors with rows instead of columns.
  if (columns.length < 4 && rowMaps) {
    rt.kernels.affineMapRows(
      n,
      d,
      columns.length,
      at.columns,
      at.u,
      at.raw,
      value,
      logDet,
      spec.bound,
      inverse,
      1,
    );
    return true;
  }
  rt.kernels.affineMap(
    n,
    d,
    columns.length,
    at.columns,
    first,
    at.u,
    at.raw,
    value,
    logDet,
    spec.bound,
    inverse,
    1,
    columns.length >= 4 ? saved : 0,
  );
  return true;
}

/**
 * The backward pass of {@link simdTransform} from ∂L/∂value `[n, d]` and ∂L/∂logDet `[n]` (0: none):
 * ∂L/∂u into `du`, ∂L/∂raw into `dRaw` and its column sums into `dRawSums`; false where
 * {@link simdTransform} would not run. `saved`: the forward pass's, read instead of evaluated again (the same floats).
 * @internal
 */
export function simdTransformGrad(
  rt: SimdRuntime,
  spec: SimdTransformSpec | undefined,
  direction: Direction,
  columns: readonly number[],
  n: number,
  d: number,
  at: SimdMapBuffers,
  dValue: number,
  dLogDet: number,
  du: number,
  dRaw: number,
  dRawSums: number,
  saved = 0,
): boolean {
  if (!enabled || spec?.kind !== 'affine') return false;
  const first = writeColumns(rt, columns, at.columns);
  const inverse = direction === 'inverse' ? 1 : 0;
  if (columns.length < 4 && rowMaps) {
    rt.kernels.affineMapGradRows(
      n,
      d,
      columns.length,
      at.columns,
      at.u,
      at.raw,
      dValue,
      dLogDet,
      du,
      dRaw,
      dRawSums,
      spec.bound,
      inverse,
      1,
    );
    return true;
  }
  rt.kernels.affineMapGrad(
    n,
    d,
    columns.length,
    at.columns,
    first,
    at.u,
    at.raw,
    dValue,
    dLogDet,
    du,
    dRaw,
    dRawSums,
    spec.bound,
    inverse,
    1,
    columns.length >= 4 ? saved : 0,
  );
  return true;
}
