import type { RunLayer, WasmRunPlan } from './fused-run.js';

// The training kernels' shortcuts (fused-train.ts): the affine map's saves for its backward pass and
// a coupling's first product on its gathered columns.

/** The width of a layer's raw output (its conditioner's last layer). @internal */
export const headsOf = (layer: RunLayer): number =>
  (layer.dense[layer.dense.length - 1] as { cols: number }).cols;

let shortcuts = true;

/**
 * Turns the training kernels' two shortcuts on or off (default on): the affine map's saves for its
 * backward pass ({@link mapSavesOf}) and a coupling's compact first product ({@link compactRows}).
 * Off, the backward pass evaluates the map again and the first product runs on the placed kernel,
 * as before them. For A/B benchmarks (`table-step-ab`); the same numbers to float32 rounding.
 * @internal
 */
export function useTrainingShortcuts(on: boolean): void {
  shortcuts = on;
}

/** Whether {@link useTrainingShortcuts} has them on. @internal */
export function trainingShortcuts(): boolean {
  return shortcuts;
}

/**
 * The affine maps' saves in the saved buffer, after every layer's batches: per layer whose map runs
 * on the SIMD module's column kernel (four or more columns), tanh(ŝ/c) and e^{±s} per row (raw's
 * width), so that the backward pass reads them instead of evaluating both again. Floats per batch
 * row: where each layer's starts (-1: none) and their total.
 * @internal
 */
const mapSaves = new WeakMap<WasmRunPlan, { at: number[]; total: number }>();
export function mapSavesOf(plan: WasmRunPlan): { at: number[]; total: number } {
  let found = mapSaves.get(plan);
  if (!found) {
    let total = plan.savedPerRow;
    const at = plan.layers.map((layer) => {
      if (layer.simd?.kind !== 'affine' || layer.columns.length < 4) return -1;
      total += headsOf(layer);
      return total - headsOf(layer);
    });
    found = { at, total };
    mapSaves.set(plan, found);
  }
  return found;
}

/**
 * Zero rows of the placed kernel below which the compact product does not pay for its gathers (on
 * 2-D data it skips one row, and the main job's step was up to 6 % slower in table-step-ab).
 */
const MIN_SKIPPED_ROWS = 4;

/**
 * The event columns a layer's first kernel reads when they are at least MIN_SKIPPED_ROWS fewer than
 * all d (a coupling's A, its kernel unmasked), else null. Those layers' first products run on the
 * columns gathered into an [n, |A|] batch with θ's own kernel: the placed [d, cols] kernel's zero
 * rows cost a product over d rows each way and a weight gradient over d rows, |A| of them needed.
 * @internal
 */
export function compactRows(layer: RunLayer, d: number): readonly number[] | null {
  const rows = layer.placement?.rows;
  return shortcuts && rows && d - rows.length >= MIN_SKIPPED_ROWS && layer.dense[0]!.mask === null
    ? rows
    : null;
}

/** Columns `rows` of the row-major [n, d] batch at `from` (bytes) into [n, |rows|] at `to`. @internal */
export function gatherColumns(
  f: Float32Array,
  from: number,
  n: number,
  d: number,
  rows: readonly number[],
  to: number,
): void {
  const k = rows.length;
  let o = to >>> 2;
  for (let r = 0, i = from >>> 2; r < n; r++, i += d) for (let j = 0; j < k; j++) f[o++] = f[i + rows[j]!]!;
}

/**
 * Byte offset of layer k's map save in the saved buffer of `size` floats at `savedAt` (0: none, or
 * a buffer written without saves: the forward pass's size says which).
 * @internal
 */
export const mapSaveAt = (plan: WasmRunPlan, savedAt: number, size: number, n: number, k: number): number => {
  const { at, total } = mapSavesOf(plan);
  const here = at[k] as number;
  return here < 0 || size !== n * total ? 0 : savedAt + 4 * n * here;
};
