// AssemblyScript variants of the engine's 4×8 gemm register tile for tools/bench/src/gemm-variants.ts
// (an experiment, not shipped): C = A B with A(r, p) at a + 4(r·rsA + p·csA), B row-major (row stride
// ldb), C row stride ldc, no epilogue. `gemmBase` is the engine's tile (packages/engine/assembly/
// mlp-kernels.ts) without its epilogue; the others pack A's 4-row panel ([K][4], splats at immediate
// offsets), pack A and B ([K][8] per column block), unroll the packed loop by 2, or widen the tile to
// 6×8 (12 accumulators) or 4×12 (12 accumulators, three B vectors). Every multiply-add is the
// engine's `madd` (simd-math.ts): fused in the module compiled with relaxed SIMD, a multiply and an
// add in the SIMD-128 one, as in the engine's two builds.

import { madd } from '../../../packages/engine/assembly/simd-math';

export function gemmBase(
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
): void {
  const ra = (<usize>rsA) << 2;
  const ca = (<usize>csA) << 2;
  const rb = (<usize>ldb) << 2;
  const rc = (<usize>ldc) << 2;
  for (let i = 0; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * ra;
    const c0 = c + <usize>i * rc;
    for (let j = 0; j + 8 <= N; j += 8) {
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
      const o = c0 + ((<usize>j) << 2);
      v128.store(o, s00);
      v128.store(o, s01, 16);
      v128.store(o + rc, s10);
      v128.store(o + rc, s11, 16);
      v128.store(o + 2 * rc, s20);
      v128.store(o + 2 * rc, s21, 16);
      v128.store(o + 3 * rc, s30);
      v128.store(o + 3 * rc, s31, 16);
    }
  }
}

// A packed per 4-row block into `pack` as [K][4] (one vector per k), then 4 lane splats by shuffle from one load.
export function gemmPackedA(
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
  pack: usize,
): void {
  const ra = (<usize>rsA) << 2;
  const ca = (<usize>csA) << 2;
  const rb = (<usize>ldb) << 2;
  const rc = (<usize>ldc) << 2;
  for (let i = 0; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * ra;
    const c0 = c + <usize>i * rc;
    // pack
    let q = pack;
    let pa = a0;
    for (let p = 0; p < K; p++) {
      store<f32>(q, load<f32>(pa));
      store<f32>(q, load<f32>(pa + ra), 4);
      store<f32>(q, load<f32>(pa + 2 * ra), 8);
      store<f32>(q, load<f32>(pa + 3 * ra), 12);
      q += 16;
      pa += ca;
    }
    for (let j = 0; j + 8 <= N; j += 8) {
      let s00 = f32x4.splat(0),
        s01 = f32x4.splat(0);
      let s10 = f32x4.splat(0),
        s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0),
        s21 = f32x4.splat(0);
      let s30 = f32x4.splat(0),
        s31 = f32x4.splat(0);
      let pp = pack;
      let pb = b + ((<usize>j) << 2);
      const end = pack + ((<usize>K) << 4);
      while (pp < end) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const x0 = v128.load32_splat(pp);
        const x1 = v128.load32_splat(pp, 4);
        const x2 = v128.load32_splat(pp, 8);
        const x3 = v128.load32_splat(pp, 12);
        s00 = madd(x0, b0, s00);
        s01 = madd(x0, b1, s01);
        s10 = madd(x1, b0, s10);
        s11 = madd(x1, b1, s11);
        s20 = madd(x2, b0, s20);
        s21 = madd(x2, b1, s21);
        s30 = madd(x3, b0, s30);
        s31 = madd(x3, b1, s31);
        pp += 16;
        pb += rb;
      }
      const o = c0 + ((<usize>j) << 2);
      v128.store(o, s00);
      v128.store(o, s01, 16);
      v128.store(o + rc, s10);
      v128.store(o + rc, s11, 16);
      v128.store(o + 2 * rc, s20);
      v128.store(o + 2 * rc, s21, 16);
      v128.store(o + 3 * rc, s30);
      v128.store(o + 3 * rc, s31, 16);
    }
  }
}

export function gemmPackedA2(
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
  pack: usize,
): void {
  const ra = (<usize>rsA) << 2;
  const ca = (<usize>csA) << 2;
  const rb = (<usize>ldb) << 2;
  const rc = (<usize>ldc) << 2;
  for (let i = 0; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * ra;
    const c0 = c + <usize>i * rc;
    // pack
    let q = pack;
    let pa = a0;
    for (let p = 0; p < K; p++) {
      store<f32>(q, load<f32>(pa));
      store<f32>(q, load<f32>(pa + ra), 4);
      store<f32>(q, load<f32>(pa + 2 * ra), 8);
      store<f32>(q, load<f32>(pa + 3 * ra), 12);
      q += 16;
      pa += ca;
    }
    for (let j = 0; j + 8 <= N; j += 8) {
      let s00 = f32x4.splat(0),
        s01 = f32x4.splat(0);
      let s10 = f32x4.splat(0),
        s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0),
        s21 = f32x4.splat(0);
      let s30 = f32x4.splat(0),
        s31 = f32x4.splat(0);
      let pp = pack;
      let pb = b + ((<usize>j) << 2);
      const end = pack + ((<usize>K) << 4);
      const end2 = pack + ((<usize>(K & ~1)) << 4);
      while (pp < end2) {
        let b0 = v128.load(pb);
        let b1 = v128.load(pb, 16);
        let x0 = v128.load32_splat(pp);
        let x1 = v128.load32_splat(pp, 4);
        s00 = madd(x0, b0, s00);
        s01 = madd(x0, b1, s01);
        s10 = madd(x1, b0, s10);
        s11 = madd(x1, b1, s11);
        x0 = v128.load32_splat(pp, 8);
        x1 = v128.load32_splat(pp, 12);
        s20 = madd(x0, b0, s20);
        s21 = madd(x0, b1, s21);
        s30 = madd(x1, b0, s30);
        s31 = madd(x1, b1, s31);
        const pb2 = pb + rb;
        b0 = v128.load(pb2);
        b1 = v128.load(pb2, 16);
        x0 = v128.load32_splat(pp, 16);
        x1 = v128.load32_splat(pp, 20);
        s00 = madd(x0, b0, s00);
        s01 = madd(x0, b1, s01);
        s10 = madd(x1, b0, s10);
        s11 = madd(x1, b1, s11);
        x0 = v128.load32_splat(pp, 24);
        x1 = v128.load32_splat(pp, 28);
        s20 = madd(x0, b0, s20);
        s21 = madd(x0, b1, s21);
        s30 = madd(x1, b0, s30);
        s31 = madd(x1, b1, s31);
        pp += 32;
        pb = pb2 + rb;
      }
      if (pp < end) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const x0 = v128.load32_splat(pp);
        const x1 = v128.load32_splat(pp, 4);
        const x2 = v128.load32_splat(pp, 8);
        const x3 = v128.load32_splat(pp, 12);
        s00 = madd(x0, b0, s00);
        s01 = madd(x0, b1, s01);
        s10 = madd(x1, b0, s10);
        s11 = madd(x1, b1, s11);
        s20 = madd(x2, b0, s20);
        s21 = madd(x2, b1, s21);
        s30 = madd(x3, b0, s30);
        s31 = madd(x3, b1, s31);
      }
      const o = c0 + ((<usize>j) << 2);
      v128.store(o, s00);
      v128.store(o, s01, 16);
      v128.store(o + rc, s10);
      v128.store(o + rc, s11, 16);
      v128.store(o + 2 * rc, s20);
      v128.store(o + 2 * rc, s21, 16);
      v128.store(o + 3 * rc, s30);
      v128.store(o + 3 * rc, s31, 16);
    }
  }
}

// Both packed: A as [K][4] per row block, B per 8-column block as [K][8] (contiguous), k unrolled by 2.
export function gemmPacked2(
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
  pack: usize,
  packB: usize,
): void {
  const ra = (<usize>rsA) << 2;
  const ca = (<usize>csA) << 2;
  const rb = (<usize>ldb) << 2;
  const rc = (<usize>ldc) << 2;
  // pack B: for each 8-col block jb: [K][8]
  for (let j = 0; j + 8 <= N; j += 8) {
    let q = packB + <usize>j * <usize>K * 4;
    let pb = b + ((<usize>j) << 2);
    for (let p = 0; p < K; p++) {
      v128.store(q, v128.load(pb));
      v128.store(q, v128.load(pb, 16), 16);
      q += 32;
      pb += rb;
    }
  }
  for (let i = 0; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * ra;
    const c0 = c + <usize>i * rc;
    let q = pack;
    let pa = a0;
    for (let p = 0; p < K; p++) {
      store<f32>(q, load<f32>(pa));
      store<f32>(q, load<f32>(pa + ra), 4);
      store<f32>(q, load<f32>(pa + 2 * ra), 8);
      store<f32>(q, load<f32>(pa + 3 * ra), 12);
      q += 16;
      pa += ca;
    }
    for (let j = 0; j + 8 <= N; j += 8) {
      let s00 = f32x4.splat(0),
        s01 = f32x4.splat(0);
      let s10 = f32x4.splat(0),
        s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0),
        s21 = f32x4.splat(0);
      let s30 = f32x4.splat(0),
        s31 = f32x4.splat(0);
      let pp = pack;
      let pb = packB + <usize>j * <usize>K * 4;
      const end = pack + ((<usize>K) << 4);
      while (pp < end) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const x0 = v128.load32_splat(pp);
        const x1 = v128.load32_splat(pp, 4);
        const x2 = v128.load32_splat(pp, 8);
        const x3 = v128.load32_splat(pp, 12);
        s00 = madd(x0, b0, s00);
        s01 = madd(x0, b1, s01);
        s10 = madd(x1, b0, s10);
        s11 = madd(x1, b1, s11);
        s20 = madd(x2, b0, s20);
        s21 = madd(x2, b1, s21);
        s30 = madd(x3, b0, s30);
        s31 = madd(x3, b1, s31);
        pp += 16;
        pb += 32;
      }
      const o = c0 + ((<usize>j) << 2);
      v128.store(o, s00);
      v128.store(o, s01, 16);
      v128.store(o + rc, s10);
      v128.store(o + rc, s11, 16);
      v128.store(o + 2 * rc, s20);
      v128.store(o + 2 * rc, s21, 16);
      v128.store(o + 3 * rc, s30);
      v128.store(o + 3 * rc, s31, 16);
    }
  }
}

// 6x8 tile (12 accumulators), row-major A.
export function gemm6x8(
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
): void {
  const ra = (<usize>rsA) << 2;
  const ca = (<usize>csA) << 2;
  const rb = (<usize>ldb) << 2;
  const rc = (<usize>ldc) << 2;
  let i = 0;
  for (; i + 6 <= M; i += 6) {
    const a0 = a + <usize>i * ra;
    const c0 = c + <usize>i * rc;
    for (let j = 0; j + 8 <= N; j += 8) {
      let s00 = f32x4.splat(0),
        s01 = f32x4.splat(0);
      let s10 = f32x4.splat(0),
        s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0),
        s21 = f32x4.splat(0);
      let s30 = f32x4.splat(0),
        s31 = f32x4.splat(0);
      let s40 = f32x4.splat(0),
        s41 = f32x4.splat(0);
      let s50 = f32x4.splat(0),
        s51 = f32x4.splat(0);
      let pa = a0;
      let pb = b + ((<usize>j) << 2);
      for (let p = 0; p < K; p++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let x = v128.load32_splat(pa);
        s00 = madd(x, b0, s00);
        s01 = madd(x, b1, s01);
        x = v128.load32_splat(pa + ra);
        s10 = madd(x, b0, s10);
        s11 = madd(x, b1, s11);
        x = v128.load32_splat(pa + 2 * ra);
        s20 = madd(x, b0, s20);
        s21 = madd(x, b1, s21);
        x = v128.load32_splat(pa + 3 * ra);
        s30 = madd(x, b0, s30);
        s31 = madd(x, b1, s31);
        x = v128.load32_splat(pa + 4 * ra);
        s40 = madd(x, b0, s40);
        s41 = madd(x, b1, s41);
        x = v128.load32_splat(pa + 5 * ra);
        s50 = madd(x, b0, s50);
        s51 = madd(x, b1, s51);
        pa += ca;
        pb += rb;
      }
      const o = c0 + ((<usize>j) << 2);
      v128.store(o, s00);
      v128.store(o, s01, 16);
      v128.store(o + rc, s10);
      v128.store(o + rc, s11, 16);
      v128.store(o + 2 * rc, s20);
      v128.store(o + 2 * rc, s21, 16);
      v128.store(o + 3 * rc, s30);
      v128.store(o + 3 * rc, s31, 16);
      v128.store(o + 4 * rc, s40);
      v128.store(o + 4 * rc, s41, 16);
      v128.store(o + 5 * rc, s50);
      v128.store(o + 5 * rc, s51, 16);
    }
  }
}

// 4x12 tile (12 accumulators, three B vectors per k), row-major A; columns past the last whole tile untouched.
export function gemm4x12(
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
): void {
  const ra = (<usize>rsA) << 2;
  const ca = (<usize>csA) << 2;
  const rb = (<usize>ldb) << 2;
  const rc = (<usize>ldc) << 2;
  for (let i = 0; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * ra;
    const c0 = c + <usize>i * rc;
    for (let j = 0; j + 12 <= N; j += 12) {
      let s00 = f32x4.splat(0),
        s01 = f32x4.splat(0),
        s02 = f32x4.splat(0);
      let s10 = f32x4.splat(0),
        s11 = f32x4.splat(0),
        s12 = f32x4.splat(0);
      let s20 = f32x4.splat(0),
        s21 = f32x4.splat(0),
        s22 = f32x4.splat(0);
      let s30 = f32x4.splat(0),
        s31 = f32x4.splat(0),
        s32 = f32x4.splat(0);
      let pa = a0;
      let pb = b + ((<usize>j) << 2);
      for (let p = 0; p < K; p++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const b2 = v128.load(pb, 32);
        let x = v128.load32_splat(pa);
        s00 = madd(x, b0, s00);
        s01 = madd(x, b1, s01);
        s02 = madd(x, b2, s02);
        x = v128.load32_splat(pa + ra);
        s10 = madd(x, b0, s10);
        s11 = madd(x, b1, s11);
        s12 = madd(x, b2, s12);
        x = v128.load32_splat(pa + 2 * ra);
        s20 = madd(x, b0, s20);
        s21 = madd(x, b1, s21);
        s22 = madd(x, b2, s22);
        x = v128.load32_splat(pa + 3 * ra);
        s30 = madd(x, b0, s30);
        s31 = madd(x, b1, s31);
        s32 = madd(x, b2, s32);
        pa += ca;
        pb += rb;
      }
      const o = c0 + ((<usize>j) << 2);
      v128.store(o, s00);
      v128.store(o, s01, 16);
      v128.store(o, s02, 32);
      v128.store(o + rc, s10);
      v128.store(o + rc, s11, 16);
      v128.store(o + rc, s12, 32);
      v128.store(o + 2 * rc, s20);
      v128.store(o + 2 * rc, s21, 16);
      v128.store(o + 2 * rc, s22, 32);
      v128.store(o + 3 * rc, s30);
      v128.store(o + 3 * rc, s31, 16);
      v128.store(o + 3 * rc, s32, 32);
    }
  }
}
