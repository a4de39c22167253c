import type { DensePlace } from '../fused/parameter-layout.js';
import type { SimdRuntime } from './simd-runtime.js';

/**
 * One masked kernel `[rows, cols]` as the ranged products read it: its rows and columns permuted
 * (hidden units sorted by how many inputs they see), its mask in that order, and per column or row
 * the range where the permuted kernel can be non-zero. Offsets are bytes into the plan's constants.
 */
interface PackedKernel {
  rows: number;
  cols: number;
  /** θ's row of each packed row (i32 [rows]). */
  rowOf: number;
  /** θ's column of each packed column (i32 [cols]). */
  colOf: number;
  /** The mask in packed order (f32 [rows·cols]). */
  mask: number;
  /** Forward product x·W: per column, the rows of W it sums over (i32 [cols·4]: kLo, kHi, 0, ∞). */
  forward: number;
  /** δ·Wᵀ: per row r of W (a column of the product), the columns of W it sums over (i32 [rows·4]). */
  backward: number;
  /** ∂W = xᵀ δ: per column of W, the rows needed (i32 [cols·4]: 0, ∞, mLo, mHi). */
  gradient: number;
  /** Whether the packed kernel is θ's kernel itself (no permutation, mask all ones): used in place. */
  inPlace: boolean;
  /** Whether every column's range spans all rows (and every row's all columns): the plain products, which skip nothing, run instead. */
  full: boolean;
}

/**
 * The packed layout of a MADE's kernels (Germain et al. 2015) for the ranged SIMD products: hidden
 * units sorted by degree turn each mask into a staircase, so a product only sums where the kernel
 * can be non-zero (about half of each). Inputs and outputs keep their order. @internal
 */
export interface MaskedPacking {
  /** Each kernel, input layer first. */
  readonly kernels: readonly PackedKernel[];
  /** Offset (bytes into the constants) of an i32 0 (the row index of a bias gathered as one row). */
  readonly zero: number;
  /** Floats of packed kernels and permuted hidden biases in the plan's kernel block. */
  readonly floats: number;
}

const BIG = 0x3fffffff;

let enabled = true;

/**
 * Turns the packed MADE kernels and their ranged products on or off (default on); off, a MADE's
 * kernels are masked copies in θ's order and its products run in full. For benchmarks; both give
 * the same numbers to float32 rounding (the sorted hidden units sum in another order).
 * @internal
 */
export function useMaskedPacking(on: boolean): void {
  enabled = on;
}

/** The stable order of a hidden layer's units by how many of the previous layer's units they read (MADE: by degree). */
function sortedUnits(mask: Float32Array, rows: number, cols: number): number[] {
  const seen = Array.from({ length: cols }, (_, j) => {
    let count = 0;
    for (let r = 0; r < rows; r++) count += mask[r * cols + j]! !== 0 ? 1 : 0;
    return count;
  });
  return Array.from({ length: cols }, (_, j) => j).sort((a, b) => seen[a]! - seen[b]! || a - b);
}

/**
 * Per-column ranges (kLo, kHi, mLo, mHi per column) as gemmRanged's per-tile ones: its column
 * tiles are ⌊n/8⌋ of 8, one of 4 when n mod 8 ≥ 4, then single columns; a tile's range is the
 * union of its columns'.
 */
function tiled(columns: Int32Array, n: number): Int32Array {
  const widths: number[] = [];
  let j = 0;
  for (; j + 8 <= n; j += 8) widths.push(8);
  for (; j + 4 <= n; j += 4) widths.push(4);
  for (; j < n; j++) widths.push(1);
  const out = new Int32Array(4 * widths.length);
  let at = 0;
  widths.forEach((w, q) => {
    let [kLo, kHi, mLo, mHi] = [BIG, 0, BIG, 0];
    for (let c = at; c < at + w; c++) {
      kLo = Math.min(kLo, columns[4 * c]!);
      kHi = Math.max(kHi, columns[4 * c + 1]!);
      mLo = Math.min(mLo, columns[4 * c + 2]!);
      mHi = Math.max(mHi, columns[4 * c + 3]!);
    }
    out.set(kHi <= kLo ? [0, 0, mLo, mHi] : [kLo, kHi, mLo, mHi], 4 * q);
    at += w;
  });
  return out;
}

/** Appends typed data to a list of parts and returns its byte offset. */
class ConstantWriter {
  private parts: Uint8Array[] = [];
  private bytes = 0;

  add(values: Int32Array | Float32Array): number {
    const at = this.bytes;
    this.parts.push(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    this.bytes += values.byteLength;
    return at;
  }

  /** All parts, concatenated. */
  done(): Uint8Array {
    const out = new Uint8Array(this.bytes);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/**
 * The packing of a layer whose every kernel is masked (a MADE), its constants appended to
 * `writer`; null for any other layer (a coupling's conditioner runs as it is).
 * @internal
 */
export function maskedPacking(dense: readonly DensePlace[], writer: ConstantWriter): MaskedPacking | null {
  if (!enabled || dense.length < 2 || dense.some((p) => p.mask === null)) return null;
  // orders[l]: θ's unit of each packed unit of layer l (0: inputs, last: outputs, kept in order).
  const orders: number[][] = [Array.from({ length: dense[0]!.rows }, (_, r) => r)];
  dense.forEach((p, i) =>
    orders.push(
      i === dense.length - 1
        ? Array.from({ length: p.cols }, (_, j) => j)
        : sortedUnits(p.mask as Float32Array, p.rows, p.cols),
    ),
  );
  const zero = writer.add(new Int32Array([0, 0, 0, 0]));
  let floats = 0;
  const kernels = dense.map((p, i) => {
    const { rows, cols } = p;
    const rowOf = orders[i]!;
    const colOf = orders[i + 1]!;
    const m = p.mask as Float32Array;
    const mask = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < cols; j++) mask[r * cols + j] = m[rowOf[r]! * cols + colOf[j]!]!;
    const forward = new Int32Array(4 * cols);
    const gradient = new Int32Array(4 * cols);
    for (let j = 0; j < cols; j++) {
      let lo = rows;
      let hi = 0;
      for (let r = 0; r < rows; r++)
        if (mask[r * cols + j] !== 0) {
          lo = Math.min(lo, r);
          hi = r + 1;
        }
      if (hi === 0) lo = BIG; // an empty column: no row (the union of a tile ignores it)
      forward.set([lo, hi, 0, BIG], 4 * j);
      gradient.set([0, BIG, lo, hi], 4 * j);
    }
    let full = true;
    for (let j = 0; j < cols; j++) full &&= forward[4 * j] === 0 && forward[4 * j + 1] === rows;
    const backward = new Int32Array(4 * rows);
    for (let r = 0; r < rows; r++) {
      let lo = cols;
      let hi = 0;
      for (let j = 0; j < cols; j++)
        if (mask[r * cols + j] !== 0) {
          lo = Math.min(lo, j);
          hi = j + 1;
        }
      if (hi === 0) lo = BIG; // an empty column: no row (the union of a tile ignores it)
      backward.set([lo, hi, 0, BIG], 4 * r);
      full &&= lo === 0 && hi === cols;
    }
    const inPlace =
      rowOf.every((v, r) => v === r) && colOf.every((v, j) => v === j) && mask.every((v) => v === 1);
    if (!inPlace) floats += rows * cols;
    if (i < dense.length - 1) floats += cols; // the permuted hidden bias
    return {
      rows,
      cols,
      rowOf: writer.add(Int32Array.from(rowOf)),
      colOf: writer.add(Int32Array.from(colOf)),
      mask: writer.add(mask),
      forward: writer.add(tiled(forward, cols)),
      backward: writer.add(tiled(backward, rows)),
      gradient: writer.add(tiled(gradient, cols)),
      inPlace,
      full,
    };
  });
  return { kernels, zero, floats };
}

/** A fresh writer of a plan's constants. @internal */
export function constantWriter(): ConstantWriter {
  return new ConstantWriter();
}
export type { ConstantWriter };

/** The block of one runtime: where it is, its size, and whose constants it holds. */
interface Block {
  at: number;
  bytes: number;
  owner: Uint8Array | null;
}

const blocks = new WeakMap<SimdRuntime, Block>();

/**
 * Where `constants` (a plan's packing constants) sit on the runtime's heap: one block per runtime,
 * rewritten when another plan's constants are asked for (training alternates between its two
 * kernels of one plan). Allocate before taking views of the heap (a malloc may grow the memory).
 * @internal
 */
export function constantsOnHeap(rt: SimdRuntime, constants: Uint8Array): number {
  let block = blocks.get(rt);
  if (!block || block.bytes < constants.length) {
    if (block) rt.heap.free(block.at);
    const bytes = Math.max(4096, Math.ceil(constants.length / 4096) * 4096);
    block = { at: rt.heap.malloc(bytes), bytes, owner: null };
    blocks.set(rt, block);
  }
  if (block.owner !== constants) {
    new Uint8Array(rt.heap.memory.buffer).set(constants, block.at);
    block.owner = constants;
  }
  return block.at;
}

/**
 * The packed kernels and hidden biases of a masked layer from θ (at byte `theta`) into the kernel
 * block at byte `at` (written unless `write` is false); kernel and bias pointers, input layer first.
 * @internal
 */
export function packedWeights(
  rt: SimdRuntime,
  packing: MaskedPacking,
  dense: readonly DensePlace[],
  consts: number,
  theta: number,
  at: number,
  write: boolean,
): { kernels: number[]; biases: number[] } {
  const kernels: number[] = [];
  const biases: number[] = [];
  packing.kernels.forEach((k, i) => {
    const p = dense[i] as DensePlace;
    if (k.inPlace) kernels.push(theta + 4 * p.kernel);
    else {
      if (write)
        rt.kernels.gatherKernel(
          k.rows,
          k.cols,
          theta + 4 * p.kernel,
          consts + k.rowOf,
          consts + k.colOf,
          consts + k.mask,
          at,
        );
      kernels.push(at);
      at += 4 * k.rows * k.cols;
    }
    if (i === packing.kernels.length - 1) biases.push(theta + 4 * p.bias);
    else {
      if (write)
        rt.kernels.gatherKernel(
          1,
          k.cols,
          theta + 4 * p.bias,
          consts + packing.zero,
          consts + k.colOf,
          0,
          at,
        );
      biases.push(at);
      at += 4 * k.cols;
    }
  });
  return { kernels, biases };
}

/**
 * Gradients of the packed kernels and hidden biases (at the same offsets from byte `at` as
 * {@link packedWeights} wrote the weights) back into θ's layout at byte `dTheta`, masked; the
 * output bias's gradient is written in place by the caller.
 * @internal
 */
export function scatterGradients(
  rt: SimdRuntime,
  packing: MaskedPacking,
  dense: readonly DensePlace[],
  consts: number,
  dTheta: number,
  at: number,
): void {
  packing.kernels.forEach((k, i) => {
    const p = dense[i] as DensePlace;
    if (k.inPlace) {
      // ∂W went straight into θ's layout (no mask to apply: it is all ones).
    } else {
      rt.kernels.scatterKernel(
        k.rows,
        k.cols,
        at,
        consts + k.rowOf,
        consts + k.colOf,
        consts + k.mask,
        dTheta + 4 * p.kernel,
      );
      at += 4 * k.rows * k.cols;
    }
    if (i < packing.kernels.length - 1) {
      rt.kernels.scatterKernel(
        1,
        k.cols,
        at,
        consts + packing.zero,
        consts + k.colOf,
        0,
        dTheta + 4 * p.bias,
      );
      at += 4 * k.cols;
    }
  });
}

/** Where packed kernel i's ∂W and its hidden bias's ∂b go, from byte `at` (the layout of {@link packedWeights}). @internal */
export function gradientSlots(
  packing: MaskedPacking,
  dense: readonly DensePlace[],
  dTheta: number,
  at: number,
): { kernels: number[]; biases: number[] } {
  const kernels: number[] = [];
  const biases: number[] = [];
  packing.kernels.forEach((k, i) => {
    const p = dense[i] as DensePlace;
    if (k.inPlace) kernels.push(dTheta + 4 * p.kernel);
    else {
      kernels.push(at);
      at += 4 * k.rows * k.cols;
    }
    if (i === packing.kernels.length - 1) biases.push(dTheta + 4 * p.bias);
    else {
      biases.push(at);
      at += 4 * k.cols;
    }
  });
  return { kernels, biases };
}

/**
 * C = epilogue(x W_i + b) for packed kernel i of a masked layer: the ranged product over the rows
 * of W_i each column can read (the plain product for fewer than 4 columns).
 * @internal
 */
export function packedProduct(
  rt: SimdRuntime,
  k: PackedKernel,
  consts: number,
  m: number,
  x: number,
  w: number,
  out: number,
  bias: number,
  flags: number,
  t: number,
): void {
  if (k.cols < 4 || k.full) rt.product(m, k.cols, k.rows, x, k.rows, 1, w, out, bias, 0, flags, t);
  else
    rt.kernels.gemmRanged(
      m,
      k.cols,
      k.rows,
      x,
      k.rows,
      1,
      w,
      k.cols,
      out,
      k.cols,
      bias,
      0,
      flags,
      consts + k.forward,
    );
}

/** The ranges of packed kernel i for {@link mlpBackward}: ∂W's and δ Wᵀ's, as heap pointers. @internal */
export function backwardRanges(
  packing: MaskedPacking,
  consts: number,
): ({ gradient: number; backward: number } | null)[] {
  return packing.kernels.map((k) =>
    k.full ? null : { gradient: consts + k.gradient, backward: consts + k.backward },
  );
}
