// AssemblyScript source of the products of masked (MADE) kernels in 128-bit wasm SIMD: a dense
// product that only sums, for each column, over the row range where the kernel can be non-zero
// (with the hidden units sorted by degree a MADE's masks are staircases, so about half of every
// product is skipped), and the gathers that lay a kernel out so (rows and columns permuted, the
// mask applied) and scatter its gradient back to θ's layout. Compiled with mlp-kernels.ts into
// one module (src/wasm/mlp-kernels.generated.ts); same conventions: pointers are byte offsets into
// tfjs-wasm's memory, sizes count floats, no data segments, no allocation.

import { madd } from './simd-math';

/** Epilogue flag: add the existing C (C += A·B). */
const ACCUMULATE: i32 = 1;
/** Epilogue flag: ReLU, max(v, 0). */
const RELU: i32 = 2;
/** Epilogue flag: keep v where mask(r, j) > 0, else 0 (the ReLU derivative from the layer's output). */
const MASK: i32 = 4;

// The summation range [tileLo, tileHi) of the tile set by setTile.
let tileLo: i32 = 0;
let tileHi: i32 = 0;

/**
 * The p range of column tile q (its entry in `ranges`: kLo, kHi, mLo, mHi, i32) for rows [i, i + h):
 * [kLo, min(kHi, K)), empty when the rows miss [mLo, mHi).
 */
function setTile(ranges: usize, q: i32, i: i32, h: i32, K: i32): void {
  const r = ranges + ((<usize>q) << 4);
  const kLo = load<i32>(r);
  const kHi = min(load<i32>(r, 4), K);
  if (i + h <= load<i32>(r, 8) || i >= load<i32>(r, 12) || kHi <= kLo) {
    tileLo = 0;
    tileHi = 0;
  } else {
    tileLo = kLo;
    tileHi = kHi;
  }
}

function finish(v: v128, c: usize, bias: usize, mask: usize, flags: i32): void {
  if (flags & ACCUMULATE) v = f32x4.add(v, v128.load(c));
  if (bias) v = f32x4.add(v, v128.load(bias));
  if (flags & RELU) v = f32x4.pmax(v, f32x4.splat(0));
  if (flags & MASK) v = v128.and(v, f32x4.gt(v128.load(mask), f32x4.splat(0)));
  v128.store(c, v);
}

function finishScalar(v: f32, c: usize, bias: usize, mask: usize, flags: i32): void {
  if (flags & ACCUMULATE) v += load<f32>(c);
  if (bias) v += load<f32>(bias);
  if (flags & RELU) v = v > 0 ? v : 0;
  if (flags & MASK) v = load<f32>(mask) > 0 ? v : 0;
  store<f32>(c, v);
}

/** Row i of C: column tiles of 8 and 4 (as gemmRanged's), then the last columns one at a time. */
function rangedRow(
  i: i32,
  N: i32,
  K: i32,
  a0: usize,
  ca: usize,
  b: usize,
  rb: usize,
  c0: usize,
  m0: usize,
  bias: usize,
  flags: i32,
  ranges: usize,
): void {
  let j = 0;
  let q = 0;
  for (; j + 8 <= N; j += 8) {
    setTile(ranges, q++, i, 1, K);
    let s0 = f32x4.splat(0),
      s1 = f32x4.splat(0);
    let pa = a0 + <usize>tileLo * ca;
    let pb = b + ((<usize>j) << 2) + <usize>tileLo * rb;
    for (let p = tileLo; p < tileHi; p++) {
      const x = v128.load32_splat(pa);
      s0 = madd(x, v128.load(pb), s0);
      s1 = madd(x, v128.load(pb, 16), s1);
      pa += ca;
      pb += rb;
    }
    const o = (<usize>j) << 2;
    finish(s0, c0 + o, bias ? bias + o : 0, m0 + o, flags);
    finish(s1, c0 + o + 16, bias ? bias + o + 16 : 0, m0 + o + 16, flags);
  }
  for (; j + 4 <= N; j += 4) {
    setTile(ranges, q++, i, 1, K);
    let s0 = f32x4.splat(0);
    let pa = a0 + <usize>tileLo * ca;
    let pb = b + ((<usize>j) << 2) + <usize>tileLo * rb;
    for (let p = tileLo; p < tileHi; p++) {
      s0 = madd(v128.load32_splat(pa), v128.load(pb), s0);
      pa += ca;
      pb += rb;
    }
    const o = (<usize>j) << 2;
    finish(s0, c0 + o, bias ? bias + o : 0, m0 + o, flags);
  }
  rangedColumns(i, j, q, N, K, a0, ca, b, rb, c0, m0, bias, flags, ranges);
}

/**
 * C[M, N] = epilogue(Σ_{p ∈ range(tile)} A(r, p) B[p, :]) with A(r, p) at a + 4(r·rsA + p·csA), B
 * row-major with row stride ldb, C and the mask with row stride ldc, bias (0 for none) a vector of
 * N. The columns run in tiles: ⌊N/8⌋ of 8, one of 4 when N mod 8 ≥ 4, then one per column left;
 * `ranges` holds four i32 per tile, in that order: kLo, kHi (the rows of B where the tile's columns
 * may be non-zero) and mLo, mHi (the rows of C that are needed; a tile of 4 rows wholly outside
 * them gets the epilogue of 0). A tile sums over p ∈ [kLo, kHi) only, so the result is gemm's
 * wherever B is zero outside the ranges. Flags: ACCUMULATE, RELU, MASK as gemm's.
 */
export function gemmRanged(
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  rsA: i32,
  csA: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  bias: usize,
  mask: usize,
  flags: i32,
  ranges: usize,
): void {
  const ra = (<usize>rsA) << 2;
  const ca = (<usize>csA) << 2;
  const rb = (<usize>ldb) << 2;
  const rc = (<usize>ldc) << 2;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * ra;
    const c0 = c + <usize>i * rc;
    const m0 = mask + <usize>i * rc;
    let j = 0;
    let q = 0;
    for (; j + 8 <= N; j += 8) {
      setTile(ranges, q++, i, 4, K);
      let s00 = f32x4.splat(0),
        s01 = f32x4.splat(0);
      let s10 = f32x4.splat(0),
        s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0),
        s21 = f32x4.splat(0);
      let s30 = f32x4.splat(0),
        s31 = f32x4.splat(0);
      let pa = a0 + <usize>tileLo * ca;
      let pb = b + ((<usize>j) << 2) + <usize>tileLo * rb;
      for (let p = tileLo; p < tileHi; p++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const x0 = v128.load32_splat(pa);
        const x1 = v128.load32_splat(pa + ra);
        const x2 = v128.load32_splat(pa + 2 * ra);
        const x3 = v128.load32_splat(pa + 3 * ra);
        s00 = madd(x0, b0, s00);
        s01 = madd(x0, b1, s01);
        s10 = madd(x1, b0, s10);
        s11 = madd(x1, b1, s11);
        s20 = madd(x2, b0, s20);
        s21 = madd(x2, b1, s21);
        s30 = madd(x3, b0, s30);
        s31 = madd(x3, b1, s31);
        pa += ca;
        pb += rb;
      }
      const o = (<usize>j) << 2;
      const bj = bias ? bias + o : 0;
      const bk = bias ? bias + o + 16 : 0;
      finish(s00, c0 + o, bj, m0 + o, flags);
      finish(s01, c0 + o + 16, bk, m0 + o + 16, flags);
      finish(s10, c0 + rc + o, bj, m0 + rc + o, flags);
      finish(s11, c0 + rc + o + 16, bk, m0 + rc + o + 16, flags);
      finish(s20, c0 + 2 * rc + o, bj, m0 + 2 * rc + o, flags);
      finish(s21, c0 + 2 * rc + o + 16, bk, m0 + 2 * rc + o + 16, flags);
      finish(s30, c0 + 3 * rc + o, bj, m0 + 3 * rc + o, flags);
      finish(s31, c0 + 3 * rc + o + 16, bk, m0 + 3 * rc + o + 16, flags);
    }
    for (; j + 4 <= N; j += 4) {
      setTile(ranges, q++, i, 4, K);
      let s0 = f32x4.splat(0),
        s1 = f32x4.splat(0),
        s2 = f32x4.splat(0),
        s3 = f32x4.splat(0);
      let pa = a0 + <usize>tileLo * ca;
      let pb = b + ((<usize>j) << 2) + <usize>tileLo * rb;
      for (let p = tileLo; p < tileHi; p++) {
        const b0 = v128.load(pb);
        s0 = madd(v128.load32_splat(pa), b0, s0);
        s1 = madd(v128.load32_splat(pa + ra), b0, s1);
        s2 = madd(v128.load32_splat(pa + 2 * ra), b0, s2);
        s3 = madd(v128.load32_splat(pa + 3 * ra), b0, s3);
        pa += ca;
        pb += rb;
      }
      const o = (<usize>j) << 2;
      const bj = bias ? bias + o : 0;
      finish(s0, c0 + o, bj, m0 + o, flags);
      finish(s1, c0 + rc + o, bj, m0 + rc + o, flags);
      finish(s2, c0 + 2 * rc + o, bj, m0 + 2 * rc + o, flags);
      finish(s3, c0 + 3 * rc + o, bj, m0 + 3 * rc + o, flags);
    }
    // The last columns one at a time, row by row.
    if (j < N)
      for (let r = 0; r < 4; r++)
        rangedColumns(
          i + r,
          j,
          q,
          N,
          K,
          a0 + <usize>r * ra,
          ca,
          b,
          rb,
          c0 + <usize>r * rc,
          m0 + <usize>r * rc,
          bias,
          flags,
          ranges,
        );
  }
  for (; i < M; i++)
    rangedRow(
      i,
      N,
      K,
      a + <usize>i * ra,
      ca,
      b,
      rb,
      c + <usize>i * rc,
      mask + <usize>i * rc,
      bias,
      flags,
      ranges,
    );
}

/** Columns [j, N) of row i one at a time, from column tile q. */
function rangedColumns(
  i: i32,
  j: i32,
  q: i32,
  N: i32,
  K: i32,
  a0: usize,
  ca: usize,
  b: usize,
  rb: usize,
  c0: usize,
  m0: usize,
  bias: usize,
  flags: i32,
  ranges: usize,
): void {
  for (; j < N; j++) {
    setTile(ranges, q++, i, 1, K);
    let s0: f32 = 0;
    let pa = a0 + <usize>tileLo * ca;
    let pb = b + ((<usize>j) << 2) + <usize>tileLo * rb;
    for (let p = tileLo; p < tileHi; p++) {
      s0 += load<f32>(pa) * load<f32>(pb);
      pa += ca;
      pb += rb;
    }
    const o = (<usize>j) << 2;
    finishScalar(s0, c0 + o, bias ? bias + o : 0, m0 + o, flags);
  }
}

/**
 * dst[r·cols + j] = src[rowOf[r]·cols + colOf[j]] · mask[r·cols + j] for a kernel `[rows, cols]`:
 * θ's kernel at src with its rows and columns permuted (i32 indices) and the permuted mask applied
 * (mask 0: none, a plain gather).
 */
export function gatherKernel(
  rows: i32,
  cols: i32,
  src: usize,
  rowOf: usize,
  colOf: usize,
  mask: usize,
  dst: usize,
): void {
  for (let r = 0; r < rows; r++) {
    const s = src + ((<usize>load<i32>(rowOf + ((<usize>r) << 2)) * <usize>cols) << 2);
    const o = (<usize>r * <usize>cols) << 2;
    if (mask)
      for (let j = 0; j < cols; j++) {
        const at = o + ((<usize>j) << 2);
        store<f32>(
          dst + at,
          load<f32>(s + ((<usize>load<i32>(colOf + ((<usize>j) << 2))) << 2)) * load<f32>(mask + at),
        );
      }
    else
      for (let j = 0; j < cols; j++)
        store<f32>(
          dst + o + ((<usize>j) << 2),
          load<f32>(s + ((<usize>load<i32>(colOf + ((<usize>j) << 2))) << 2)),
        );
  }
}

/**
 * The adjoint of {@link gatherKernel}: dst[rowOf[r]·cols + colOf[j]] = src[r·cols + j] · mask[r·cols + j]
 * (mask 0: none), a kernel's gradient from the permuted layout back to θ's.
 */
export function scatterKernel(
  rows: i32,
  cols: i32,
  src: usize,
  rowOf: usize,
  colOf: usize,
  mask: usize,
  dst: usize,
): void {
  for (let r = 0; r < rows; r++) {
    const d = dst + ((<usize>load<i32>(rowOf + ((<usize>r) << 2)) * <usize>cols) << 2);
    const o = (<usize>r * <usize>cols) << 2;
    if (mask)
      for (let j = 0; j < cols; j++) {
        const at = o + ((<usize>j) << 2);
        store<f32>(
          d + ((<usize>load<i32>(colOf + ((<usize>j) << 2))) << 2),
          load<f32>(src + at) * load<f32>(mask + at),
        );
      }
    else
      for (let j = 0; j < cols; j++)
        store<f32>(
          d + ((<usize>load<i32>(colOf + ((<usize>j) << 2))) << 2),
          load<f32>(src + o + ((<usize>j) << 2)),
        );
  }
}
