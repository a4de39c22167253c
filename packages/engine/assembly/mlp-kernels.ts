// AssemblyScript source of @bijective/engine's wasm SIMD kernels (128-bit) for the fused MLP
// conditioner and the tanh vector field of continuous flows: dense products with a
// bias/ReLU/mask/tanh'-slope epilogue, tanh in place, transposes, column sums and the tanh VJP's
// backward elementwise step over float32
// buffers that live in tfjs-wasm's heap (the module imports that memory and owns none of its own).
// Compiled by `node tools/build/wasm-kernels.mjs` into src/wasm/mlp-kernels.generated.ts.
// Pointers are byte offsets into the imported memory; strides and sizes count floats.
// No data segments, no allocation, no imports but the memory: instantiating it writes nothing.

import { madd } from './simd-math';

/** Epilogue flag: add the existing C (C += A·B). */
const ACCUMULATE: i32 = 1;
/** Epilogue flag: ReLU, max(v, 0). */
const RELU: i32 = 2;
/** Epilogue flag: keep v where mask(r, j) > 0, else 0 (the ReLU derivative from the layer's output). */
const MASK: i32 = 4;
/** Epilogue flag: the product times 1 − mask(r, j)² (tanh' from the layer's output), before ACCUMULATE adds C. */
const SLOPE: i32 = 16;

// tanh x = 1 − 2 / (e^{2x} + 1) with e^y = 2^k e^r: k = nearest(y / ln 2) by adding and subtracting
// 1.5·2²³ (whose float's low bits then hold k), r = y − k ln 2 (ln 2 split into a part with trailing
// zero bits, so k·LN2_HI is exact, and the rest), |r| ≤ ln 2 / 2, e^r by its Taylor polynomial of
// degree 7 (truncation below 1e-8 relative), 2^k built in the exponent bits. x is clamped to ±9, beyond
// which tanh rounds to ±1 in float32; NaN stays NaN. Only single-instruction SIMD operations (pmin/pmax,
// no rounding or float-to-int conversions, which x86 runs as long sequences).
const TANH_CLAMP: f32 = 9;
const LOG2E: f32 = 1.44269504;
const ROUND: f32 = 12582912; // 1.5 · 2²³
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.42860677e-6;
const C2: f32 = 1.0 / 2.0;
const C3: f32 = 1.0 / 6.0;
const C4: f32 = 1.0 / 24.0;
const C5: f32 = 1.0 / 120.0;
const C6: f32 = 1.0 / 720.0;
const C7: f32 = 1.0 / 5040.0;

/** tanh of one float, by the same arithmetic as {@link tanhInPlace}'s lanes. */
function tanh1(x: f32): f32 {
  const y = (x < -TANH_CLAMP ? -TANH_CLAMP : x > TANH_CLAMP ? TANH_CLAMP : x) * 2;
  const shifted = y * LOG2E + ROUND;
  const k = shifted - ROUND;
  const r = y - k * LN2_HI - k * LN2_LO;
  let p = C7 * r + C6;
  p = p * r + C5;
  p = p * r + C4;
  p = p * r + C3;
  p = p * r + C2;
  p = p * r + 1;
  p = p * r + 1;
  const e = p * reinterpret<f32>((reinterpret<i32>(shifted) - reinterpret<i32>(ROUND) + 127) << 23);
  return 1 - 2 / (e + 1);
}

/**
 * tanh of four lanes by the arithmetic above (the constants as vectors, made once per call by
 * {@link tanhInPlace}); binaryen inlines it at -O3.
 */
function tanhLanes(
  x: v128,
  v1: v128,
  two: v128,
  clampHi: v128,
  clampLo: v128,
  log2e: v128,
  round: v128,
  ln2Hi: v128,
  ln2Lo: v128,
  c7: v128,
  c6: v128,
  c5: v128,
  c4: v128,
  c3: v128,
  c2: v128,
  bias: v128,
): v128 {
  const y = f32x4.mul(f32x4.pmax(f32x4.pmin(x, clampHi), clampLo), two);
  const shifted = f32x4.add(f32x4.mul(y, log2e), round);
  const k = f32x4.sub(shifted, round);
  const r = f32x4.sub(f32x4.sub(y, f32x4.mul(k, ln2Hi)), f32x4.mul(k, ln2Lo));
  let p = f32x4.add(f32x4.mul(c7, r), c6);
  p = f32x4.add(f32x4.mul(p, r), c5);
  p = f32x4.add(f32x4.mul(p, r), c4);
  p = f32x4.add(f32x4.mul(p, r), c3);
  p = f32x4.add(f32x4.mul(p, r), c2);
  p = f32x4.add(f32x4.mul(p, r), v1);
  p = f32x4.add(f32x4.mul(p, r), v1);
  // The low mantissa bits of `shifted` are k (two's complement): 2^k = (k + 127) << 23.
  const scale = i32x4.shl(i32x4.add(i32x4.sub(shifted, round), bias), 23);
  return f32x4.sub(v1, f32x4.div(two, f32x4.add(f32x4.mul(p, scale), v1)));
}

/**
 * x ← tanh(x) over `count` floats at `x` (a tanh layer's output, after its product), by the
 * arithmetic above: four vectors (16 floats) per iteration, whose independent chains V8's code
 * runs 2.5x faster than one vector per iteration (measured: 16384 floats in 23-27 µs against
 * 57-67 µs), then single vectors, then single floats; the same result bit for bit. `one` must be 1:
 * the constants are vectors made from it before the loop (the optimiser cannot fold them back into
 * constants that V8 would rebuild at every use).
 */
export function tanhInPlace(count: i32, x: usize, one: f32): void {
  const v1 = f32x4.splat(one);
  const two = f32x4.splat(one * 2);
  const hi = f32x4.splat(one * TANH_CLAMP);
  const lo = f32x4.splat(-one * TANH_CLAMP);
  const l2e = f32x4.splat(one * LOG2E);
  const rnd = f32x4.splat(one * ROUND);
  const lnHi = f32x4.splat(one * LN2_HI);
  const lnLo = f32x4.splat(one * LN2_LO);
  const c7 = f32x4.splat(one * C7);
  const c6 = f32x4.splat(one * C6);
  const c5 = f32x4.splat(one * C5);
  const c4 = f32x4.splat(one * C4);
  const c3 = f32x4.splat(one * C3);
  const c2 = f32x4.splat(one * C2);
  const bias = i32x4.splat(<i32>one * 127);
  let i = 0;
  for (; i + 16 <= count; i += 16) {
    const o = x + ((<usize>i) << 2);
    const a = tanhLanes(v128.load(o), v1, two, hi, lo, l2e, rnd, lnHi, lnLo, c7, c6, c5, c4, c3, c2, bias);
    const b = tanhLanes(
      v128.load(o, 16),
      v1,
      two,
      hi,
      lo,
      l2e,
      rnd,
      lnHi,
      lnLo,
      c7,
      c6,
      c5,
      c4,
      c3,
      c2,
      bias,
    );
    const c = tanhLanes(
      v128.load(o, 32),
      v1,
      two,
      hi,
      lo,
      l2e,
      rnd,
      lnHi,
      lnLo,
      c7,
      c6,
      c5,
      c4,
      c3,
      c2,
      bias,
    );
    const d = tanhLanes(
      v128.load(o, 48),
      v1,
      two,
      hi,
      lo,
      l2e,
      rnd,
      lnHi,
      lnLo,
      c7,
      c6,
      c5,
      c4,
      c3,
      c2,
      bias,
    );
    v128.store(o, a);
    v128.store(o, b, 16);
    v128.store(o, c, 32);
    v128.store(o, d, 48);
  }
  for (; i + 4 <= count; i += 4) {
    const o = x + ((<usize>i) << 2);
    v128.store(
      o,
      tanhLanes(v128.load(o), v1, two, hi, lo, l2e, rnd, lnHi, lnLo, c7, c6, c5, c4, c3, c2, bias),
    );
  }
  for (; i < count; i++) {
    const o = x + ((<usize>i) << 2);
    store<f32>(o, tanh1(load<f32>(o)));
  }
}

function finish(v: v128, c: usize, bias: usize, mask: usize, flags: i32): void {
  if (flags & SLOPE) {
    const m = v128.load(mask);
    v = f32x4.mul(v, f32x4.sub(f32x4.splat(1), f32x4.mul(m, m)));
  }
  if (flags & ACCUMULATE) v = f32x4.add(v, v128.load(c));
  if (bias) v = f32x4.add(v, v128.load(bias));
  if (flags & RELU) v = f32x4.pmax(v, f32x4.splat(0));
  if (flags & MASK) v = v128.and(v, f32x4.gt(v128.load(mask), f32x4.splat(0)));
  v128.store(c, v);
}

function finishScalar(v: f32, c: usize, bias: usize, mask: usize, flags: i32): void {
  if (flags & SLOPE) {
    const m = load<f32>(mask);
    v *= 1 - m * m;
  }
  if (flags & ACCUMULATE) v += load<f32>(c);
  if (bias) v += load<f32>(bias);
  if (flags & RELU) v = v > 0 ? v : 0;
  if (flags & MASK) v = load<f32>(mask) > 0 ? v : 0;
  store<f32>(c, v);
}

/**
 * gemm for K ≤ 2 and N a multiple of 16 (a 2-D coupling's first layer, 2 → 64, and the ReLU-masked
 * δ Wᵀ of its 64 → 2 output layer): 16 columns at a time, their K rows of B held in registers while
 * the rows of A stream past, so that each output vector costs its K multiply-adds and the epilogue
 * rather than a 4 × 8 tile's set-up; the same sums in the same order as gemm's tiles.
 */
function gemmShallow(
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  ra: usize,
  ca: usize,
  b: usize,
  rb: usize,
  c: usize,
  rc: usize,
  bias: usize,
  mask: usize,
  flags: i32,
): void {
  const zero = f32x4.splat(0);
  for (let j = 0; j < N; j += 16) {
    const o = (<usize>j) << 2;
    const pb = b + o;
    const b00 = v128.load(pb),
      b01 = v128.load(pb, 16),
      b02 = v128.load(pb, 32),
      b03 = v128.load(pb, 48);
    // With K = 1 the second row is never read (b1x stay zero and unused).
    const deep = K == 2;
    const b10 = deep ? v128.load(pb + rb) : zero,
      b11 = deep ? v128.load(pb + rb, 16) : zero,
      b12 = deep ? v128.load(pb + rb, 32) : zero,
      b13 = deep ? v128.load(pb + rb, 48) : zero;
    const bj = bias ? bias + o : 0;
    let pa = a;
    let c0 = c + o;
    let m0 = mask + o;
    for (let i = 0; i < M; i++) {
      const x0 = v128.load32_splat(pa);
      let s0 = madd(x0, b00, zero),
        s1 = madd(x0, b01, zero),
        s2 = madd(x0, b02, zero),
        s3 = madd(x0, b03, zero);
      if (deep) {
        const x1 = v128.load32_splat(pa + ca);
        s0 = madd(x1, b10, s0);
        s1 = madd(x1, b11, s1);
        s2 = madd(x1, b12, s2);
        s3 = madd(x1, b13, s3);
      }
      finish(s0, c0, bj, m0, flags);
      finish(s1, c0 + 16, bj ? bj + 16 : 0, m0 + 16, flags);
      finish(s2, c0 + 32, bj ? bj + 32 : 0, m0 + 32, flags);
      finish(s3, c0 + 48, bj ? bj + 48 : 0, m0 + 48, flags);
      pa += ra;
      c0 += rc;
      m0 += rc;
    }
  }
}

/**
 * C[M, N] = epilogue(Σ_p A(r, p) B[p, :]) with A(r, p) at a + 4(r·rsA + p·csA) (row-major A: rsA = K,
 * csA = 1; Aᵀ of a row-major [K, M] matrix: rsA = 1, csA = M), B row-major with row stride ldb, C and
 * the mask with row stride ldc; bias (0 for none) a vector of N. Register tiles of 4 rows × 8 columns
 * ({@link gemmShallow} for K ≤ 2).
 */
export function gemm(
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
): void {
  const ra = (<usize>rsA) << 2;
  const ca = (<usize>csA) << 2;
  const rb = (<usize>ldb) << 2;
  const rc = (<usize>ldc) << 2;
  if (K >= 1 && K <= 2 && (N & 15) == 0) {
    gemmShallow(M, N, K, a, ra, ca, b, rb, c, rc, bias, mask, flags);
    return;
  }
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * ra;
    const c0 = c + <usize>i * rc;
    const m0 = mask + <usize>i * rc;
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      let s00 = f32x4.splat(0),
        s01 = f32x4.splat(0);
      let s10 = f32x4.splat(0),
        s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0),
        s21 = f32x4.splat(0);
      let s30 = f32x4.splat(0),
        s31 = f32x4.splat(0);
      let pa = a0;
      let pb = b + ((<usize>j) << 2);
      for (let p = 0; p < K; p++) {
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
      finish(s00, c0 + o, bj, m0 + o, flags);
      finish(s01, c0 + o + 16, bj ? bj + 16 : 0, m0 + o + 16, flags);
      finish(s10, c0 + rc + o, bj, m0 + rc + o, flags);
      finish(s11, c0 + rc + o + 16, bj ? bj + 16 : 0, m0 + rc + o + 16, flags);
      finish(s20, c0 + 2 * rc + o, bj, m0 + 2 * rc + o, flags);
      finish(s21, c0 + 2 * rc + o + 16, bj ? bj + 16 : 0, m0 + 2 * rc + o + 16, flags);
      finish(s30, c0 + 3 * rc + o, bj, m0 + 3 * rc + o, flags);
      finish(s31, c0 + 3 * rc + o + 16, bj ? bj + 16 : 0, m0 + 3 * rc + o + 16, flags);
    }
    for (; j + 4 <= N; j += 4) {
      let s0 = f32x4.splat(0),
        s1 = f32x4.splat(0),
        s2 = f32x4.splat(0),
        s3 = f32x4.splat(0);
      let pa = a0;
      let pb = b + ((<usize>j) << 2);
      for (let p = 0; p < K; p++) {
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
    for (; j < N; j++) {
      let s0: f32 = 0,
        s1: f32 = 0,
        s2: f32 = 0,
        s3: f32 = 0;
      let pa = a0;
      let pb = b + ((<usize>j) << 2);
      for (let p = 0; p < K; p++) {
        const bv = load<f32>(pb);
        s0 += load<f32>(pa) * bv;
        s1 += load<f32>(pa + ra) * bv;
        s2 += load<f32>(pa + 2 * ra) * bv;
        s3 += load<f32>(pa + 3 * ra) * bv;
        pa += ca;
        pb += rb;
      }
      const o = (<usize>j) << 2;
      const bj = bias ? bias + o : 0;
      finishScalar(s0, c0 + o, bj, m0 + o, flags);
      finishScalar(s1, c0 + rc + o, bj, m0 + rc + o, flags);
      finishScalar(s2, c0 + 2 * rc + o, bj, m0 + 2 * rc + o, flags);
      finishScalar(s3, c0 + 3 * rc + o, bj, m0 + 3 * rc + o, flags);
    }
  }
  for (; i < M; i++) {
    const a0 = a + <usize>i * ra;
    const c0 = c + <usize>i * rc;
    const m0 = mask + <usize>i * rc;
    let j = 0;
    // The last rows (M not a multiple of 4, e.g. the 2 × 64 weight gradient of a 2-D coupling's
    // first layer, summed over the batch): 32 columns at a time, eight independent accumulators, so
    // that the long sums over K are bound by the multiply-adds' throughput, not by their latency.
    for (; j + 32 <= N; j += 32) {
      let s0 = f32x4.splat(0),
        s1 = f32x4.splat(0),
        s2 = f32x4.splat(0),
        s3 = f32x4.splat(0),
        s4 = f32x4.splat(0),
        s5 = f32x4.splat(0),
        s6 = f32x4.splat(0),
        s7 = f32x4.splat(0);
      let pa = a0;
      let pb = b + ((<usize>j) << 2);
      for (let p = 0; p < K; p++) {
        const x = v128.load32_splat(pa);
        s0 = madd(x, v128.load(pb), s0);
        s1 = madd(x, v128.load(pb, 16), s1);
        s2 = madd(x, v128.load(pb, 32), s2);
        s3 = madd(x, v128.load(pb, 48), s3);
        s4 = madd(x, v128.load(pb, 64), s4);
        s5 = madd(x, v128.load(pb, 80), s5);
        s6 = madd(x, v128.load(pb, 96), s6);
        s7 = madd(x, v128.load(pb, 112), s7);
        pa += ca;
        pb += rb;
      }
      const o = (<usize>j) << 2;
      const bj = bias ? bias + o : 0;
      finish(s0, c0 + o, bj, m0 + o, flags);
      finish(s1, c0 + o + 16, bj ? bj + 16 : 0, m0 + o + 16, flags);
      finish(s2, c0 + o + 32, bj ? bj + 32 : 0, m0 + o + 32, flags);
      finish(s3, c0 + o + 48, bj ? bj + 48 : 0, m0 + o + 48, flags);
      finish(s4, c0 + o + 64, bj ? bj + 64 : 0, m0 + o + 64, flags);
      finish(s5, c0 + o + 80, bj ? bj + 80 : 0, m0 + o + 80, flags);
      finish(s6, c0 + o + 96, bj ? bj + 96 : 0, m0 + o + 96, flags);
      finish(s7, c0 + o + 112, bj ? bj + 112 : 0, m0 + o + 112, flags);
    }
    for (; j + 8 <= N; j += 8) {
      let s0 = f32x4.splat(0),
        s1 = f32x4.splat(0);
      let pa = a0;
      let pb = b + ((<usize>j) << 2);
      for (let p = 0; p < K; p++) {
        const x = v128.load32_splat(pa);
        s0 = madd(x, v128.load(pb), s0);
        s1 = madd(x, v128.load(pb, 16), s1);
        pa += ca;
        pb += rb;
      }
      const o = (<usize>j) << 2;
      const bj = bias ? bias + o : 0;
      finish(s0, c0 + o, bj, m0 + o, flags);
      finish(s1, c0 + o + 16, bj ? bj + 16 : 0, m0 + o + 16, flags);
    }
    for (; j + 4 <= N; j += 4) {
      let s0 = f32x4.splat(0);
      let pa = a0;
      let pb = b + ((<usize>j) << 2);
      for (let p = 0; p < K; p++) {
        s0 = madd(v128.load32_splat(pa), v128.load(pb), s0);
        pa += ca;
        pb += rb;
      }
      const o = (<usize>j) << 2;
      finish(s0, c0 + o, bias ? bias + o : 0, m0 + o, flags);
    }
    for (; j < N; j++) {
      let s0: f32 = 0;
      let pa = a0;
      let pb = b + ((<usize>j) << 2);
      for (let p = 0; p < K; p++) {
        s0 += load<f32>(pa) * load<f32>(pb);
        pa += ca;
        pb += rb;
      }
      const o = (<usize>j) << 2;
      finishScalar(s0, c0 + o, bias ? bias + o : 0, m0 + o, flags);
    }
  }
}

/** Σ of the four lanes of s0 + s1, then the scalar tail of row `ar` against `br` from column p (gemmDot's order). */
function dotTail(s0: v128, s1: v128, p: i32, K: i32, ar: usize, br: usize): f32 {
  const v = f32x4.add(s0, s1);
  let s: f32 =
    f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
  for (; p < K; p++) s += load<f32>(ar + ((<usize>p) << 2)) * load<f32>(br + ((<usize>p) << 2));
  return s;
}

/**
 * C[M, N] = epilogue(A Btᵀ) for row-major A [M, K] and Bt [N, K] (row dot products: for few output
 * columns, where gemm's 8-column tiles would run scalar); C row stride ldc, bias and flags as gemm's.
 * Four rows of A at a time against each row of Bt (eight independent accumulators, Bt's vectors
 * loaded once for the four); each dot product sums in the same order as the one-row loop's, so the
 * result does not depend on the row's position.
 */
export function gemmDot(
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  bt: usize,
  c: usize,
  ldc: i32,
  bias: usize,
  mask: usize,
  flags: i32,
): void {
  const rk = (<usize>K) << 2;
  const rc = (<usize>ldc) << 2;
  const k4 = K & ~3;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const ar = a + <usize>i * rk;
    const cr = c + <usize>i * rc;
    const mr = mask + <usize>i * rc;
    for (let j = 0; j < N; j++) {
      const br = bt + <usize>j * rk;
      let a0 = f32x4.splat(0),
        a1 = f32x4.splat(0),
        b0 = f32x4.splat(0),
        b1 = f32x4.splat(0),
        c0 = f32x4.splat(0),
        c1 = f32x4.splat(0),
        d0 = f32x4.splat(0),
        d1 = f32x4.splat(0);
      let p = 0;
      for (; p + 8 <= k4; p += 8) {
        const o = (<usize>p) << 2;
        const u = v128.load(br + o);
        const w = v128.load(br + o, 16);
        a0 = madd(v128.load(ar + o), u, a0);
        a1 = madd(v128.load(ar + o, 16), w, a1);
        b0 = madd(v128.load(ar + rk + o), u, b0);
        b1 = madd(v128.load(ar + rk + o, 16), w, b1);
        c0 = madd(v128.load(ar + 2 * rk + o), u, c0);
        c1 = madd(v128.load(ar + 2 * rk + o, 16), w, c1);
        d0 = madd(v128.load(ar + 3 * rk + o), u, d0);
        d1 = madd(v128.load(ar + 3 * rk + o, 16), w, d1);
      }
      for (; p < k4; p += 4) {
        const o = (<usize>p) << 2;
        const u = v128.load(br + o);
        a0 = madd(v128.load(ar + o), u, a0);
        b0 = madd(v128.load(ar + rk + o), u, b0);
        c0 = madd(v128.load(ar + 2 * rk + o), u, c0);
        d0 = madd(v128.load(ar + 3 * rk + o), u, d0);
      }
      const o = (<usize>j) << 2;
      const bj = bias ? bias + o : 0;
      finishScalar(dotTail(a0, a1, p, K, ar, br), cr + o, bj, mr + o, flags);
      finishScalar(dotTail(b0, b1, p, K, ar + rk, br), cr + rc + o, bj, mr + rc + o, flags);
      finishScalar(dotTail(c0, c1, p, K, ar + 2 * rk, br), cr + 2 * rc + o, bj, mr + 2 * rc + o, flags);
      finishScalar(dotTail(d0, d1, p, K, ar + 3 * rk, br), cr + 3 * rc + o, bj, mr + 3 * rc + o, flags);
    }
  }
  for (; i < M; i++) {
    const ar = a + <usize>i * rk;
    for (let j = 0; j < N; j++) {
      const br = bt + <usize>j * rk;
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let p = 0;
      for (; p + 8 <= k4; p += 8) {
        const o = (<usize>p) << 2;
        s0 = madd(v128.load(ar + o), v128.load(br + o), s0);
        s1 = madd(v128.load(ar + o, 16), v128.load(br + o, 16), s1);
      }
      for (; p < k4; p += 4) {
        const o = (<usize>p) << 2;
        s0 = madd(v128.load(ar + o), v128.load(br + o), s0);
      }
      const o = (<usize>j) << 2;
      finishScalar(
        dotTail(s0, s1, p, K, ar, br),
        c + <usize>i * rc + o,
        bias ? bias + o : 0,
        mask + <usize>i * rc + o,
        flags,
      );
    }
  }
}

/** dst [cols, rows] = srcᵀ for a row-major src [rows, cols]. */
export function transpose(rows: i32, cols: i32, src: usize, dst: usize): void {
  for (let r = 0; r < rows; r++) {
    const s = src + ((<usize>r * <usize>cols) << 2);
    for (let k = 0; k < cols; k++)
      store<f32>(dst + ((<usize>k * <usize>rows + <usize>r) << 2), load<f32>(s + ((<usize>k) << 2)));
  }
}

/** dst[j] = Σ_r src[r, j] over a row-major src [rows, cols] (a bias gradient). */
export function columnSums(rows: i32, cols: i32, src: usize, dst: usize): void {
  const rs = (<usize>cols) << 2;
  let j = 0;
  for (; j + 8 <= cols; j += 8) {
    let s0 = f32x4.splat(0),
      s1 = f32x4.splat(0);
    let p = src + ((<usize>j) << 2);
    for (let r = 0; r < rows; r++) {
      s0 = f32x4.add(s0, v128.load(p));
      s1 = f32x4.add(s1, v128.load(p, 16));
      p += rs;
    }
    v128.store(dst + ((<usize>j) << 2), s0);
    v128.store(dst + ((<usize>j) << 2), s1, 16);
  }
  for (; j < cols; j++) {
    let s: f32 = 0;
    let p = src + ((<usize>j) << 2);
    for (let r = 0; r < rows; r++) {
      s += load<f32>(p);
      p += rs;
    }
    store<f32>(dst + ((<usize>j) << 2), s);
  }
}

/**
 * The backward step of a tanh layer's vector-Jacobian product w = u ⊙ (1 − h²) over `count` floats,
 * from w̄ and the layer's output h: āV = −2 w̄ ⊙ h ⊙ w (the gradient reaching the pre-activation through
 * tanh'' = −2 h tanh'; added to `aBar` when `accumulate` is 1, for probes that share h) and
 * ū = w̄ ⊙ (1 − h²). `uBar` may be `wBar` (in place).
 */
export function tanhVjpGrad(
  count: i32,
  wBar: usize,
  h: usize,
  w: usize,
  aBar: usize,
  uBar: usize,
  accumulate: i32,
): void {
  const n4 = count & ~3;
  const one = f32x4.splat(1);
  const minusTwo = f32x4.splat(-2);
  let i = 0;
  for (; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const g = v128.load(wBar + o);
    const hv = v128.load(h + o);
    let a = f32x4.mul(f32x4.mul(g, minusTwo), f32x4.mul(hv, v128.load(w + o)));
    if (accumulate) a = f32x4.add(a, v128.load(aBar + o));
    v128.store(aBar + o, a);
    v128.store(uBar + o, f32x4.mul(g, f32x4.sub(one, f32x4.mul(hv, hv))));
  }
  for (; i < count; i++) {
    const o = (<usize>i) << 2;
    const g = load<f32>(wBar + o);
    const hv = load<f32>(h + o);
    let a = g * -2 * (hv * load<f32>(w + o));
    if (accumulate) a += load<f32>(aBar + o);
    store<f32>(aBar + o, a);
    store<f32>(uBar + o, g * (1 - hv * hv));
  }
}

/**
 * The k×k neighbourhoods of a stride-1 'same' convolution on NHWC images `[B, H, W, ·]` (im2col):
 * dst[p, (i·k + j)·c + ch] = src[b, y + σ(i − r), x + σ(j − r), ch], 0 outside the image, for
 * p = (b, y, x), r = (k − 1) / 2, σ = 1 (patches) or −1 (`mirrored`, the adjoint's shifts); src's
 * pixel stride ps (its first c channels are read), dst's row stride ldd (columns past k·k·c zeroed).
 */
export function im2col(
  B: i32,
  H: i32,
  W: i32,
  c: i32,
  k: i32,
  src: usize,
  ps: i32,
  dst: usize,
  ldd: i32,
  mirrored: i32,
): void {
  const r = (k - 1) >> 1;
  const sg = mirrored ? -1 : 1;
  const cb = (<usize>c) << 2;
  const vectors = (c & 3) == 0;
  const tail = (<usize>(ldd - k * k * c)) << 2;
  let o = dst;
  for (let b = 0; b < B; b++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        for (let i = 0; i < k; i++) {
          const yy = y + sg * (i - r);
          for (let j = 0; j < k; j++) {
            const xx = x + sg * (j - r);
            if (yy >= 0 && yy < H && xx >= 0 && xx < W) {
              const s = src + ((<usize>((b * H + yy) * W + xx) * <usize>ps) << 2);
              if (vectors) for (let q: usize = 0; q < cb; q += 16) v128.store(o + q, v128.load(s + q));
              else for (let q: usize = 0; q < cb; q += 4) store<f32>(o + q, load<f32>(s + q));
            } else memory.fill(o, 0, cb);
            o += cb;
          }
        }
        if (tail) {
          memory.fill(o, 0, tail);
          o += tail;
        }
      }
}

/**
 * The sum over a k×k neighbourhood that im2col's adjoint and a convolution from per-tap products
 * need (col2im): dst[b, y, x, ch] = Σ_{i,j} src[b, y + σ(i − r), x + σ(j − r), (i·k + j)·c + ch]
 * over the taps inside the image, σ = 1 or −1 (`mirrored`), r = (k − 1) / 2; src's row stride lds,
 * dst's pixel stride pd (its first c channels are written); with ACCUMULATE in flags the sum is
 * added to dst.
 */
export function col2im(
  B: i32,
  H: i32,
  W: i32,
  c: i32,
  k: i32,
  src: usize,
  lds: i32,
  dst: usize,
  pd: i32,
  mirrored: i32,
  flags: i32,
): void {
  const r = (k - 1) >> 1;
  const sg = mirrored ? -1 : 1;
  const cb = (<usize>c) << 2;
  const vectors = (c & 3) == 0;
  let d = dst;
  for (let b = 0; b < B; b++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        if (!(flags & ACCUMULATE)) memory.fill(d, 0, cb);
        for (let i = 0; i < k; i++) {
          const yy = y + sg * (i - r);
          if (yy < 0 || yy >= H) continue;
          for (let j = 0; j < k; j++) {
            const xx = x + sg * (j - r);
            if (xx < 0 || xx >= W) continue;
            const s = src + ((<usize>((b * H + yy) * W + xx) * <usize>lds + <usize>((i * k + j) * c)) << 2);
            if (vectors)
              for (let q: usize = 0; q < cb; q += 16)
                v128.store(d + q, f32x4.add(v128.load(d + q), v128.load(s + q)));
            else
              for (let q: usize = 0; q < cb; q += 4) store<f32>(d + q, load<f32>(d + q) + load<f32>(s + q));
          }
        }
        d += (<usize>pd) << 2;
      }
}
