// AssemblyScript source of the affine map of RealNVP and MAF layers in 128-bit wasm SIMD for fewer
// than four transformed columns (2-D and 3-D data): affine-kernels.ts's `affineMap` puts a row's
// columns in the lanes, so with one column (RealNVP on 2-D data) three of its four lanes idle; this
// puts four rows in the lanes instead. Per element the same operations in the same order (the same
// float32 results), and each row's log-det sums its columns in order as affineMap's lane sum does.
// Compiled with mlp-kernels.ts into one module (src/wasm/mlp-kernels.generated.ts); same conventions:
// pointers are byte offsets into tfjs-wasm's memory, sizes count floats, no data segments, no allocation.
import { columnSums } from './mlp-kernels';
import {
  C2,
  C3,
  C4,
  C5,
  C6,
  C7,
  EXP_CLAMP,
  LN2_HI,
  LN2_LO,
  LOG2E,
  ROUND,
  TANH_CLAMP,
  expLanes,
  expm1Lanes,
} from './simd-math';

/** The floats at `at`, `at + stride`, ... (bytes) of `lanes` rows in the lanes; lanes past `lanes` read 0. */
// @ts-ignore: decorator
@inline
function rowsLoad(at: usize, stride: usize, lanes: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(at));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(at + stride));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(at + 2 * stride));
  if (lanes > 3) v = f32x4.replace_lane(v, 3, load<f32>(at + 3 * stride));
  return v;
}

/** The first `lanes` lanes of v to `at`, `at + stride`, ... (bytes). */
// @ts-ignore: decorator
@inline
function rowsStore(v: v128, at: usize, stride: usize, lanes: i32): void {
  store<f32>(at, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(at + stride, f32x4.extract_lane(v, 1));
  if (lanes > 2) store<f32>(at + 2 * stride, f32x4.extract_lane(v, 2));
  if (lanes > 3) store<f32>(at + 3 * stride, f32x4.extract_lane(v, 3));
}

/**
 * affine-kernels.ts's `affineMap` (same arguments and results) for b < 4 transformed columns, four
 * rows per vector: s = c·tanh(ŝ/c), forward x ↦ x e^s + t with logDet[r] = Σ s, inverse
 * x ↦ (x − t) e^{−s} with −Σ s; logDet 0 for none. value may not alias u. `one` must be 1.
 */
export function affineMapRows(
  n: i32,
  d: i32,
  b: i32,
  cols: usize,
  u: usize,
  raw: usize,
  value: usize,
  logDet: usize,
  bound: f32,
  inverse: i32,
  one: f32,
): void {
  const v1 = f32x4.splat(one);
  const log2e = f32x4.splat(one * LOG2E);
  const round = f32x4.splat(one * ROUND);
  const ln2Hi = f32x4.splat(one * LN2_HI);
  const ln2Lo = f32x4.splat(one * LN2_LO);
  const c2 = f32x4.splat(one * C2);
  const c3 = f32x4.splat(one * C3);
  const c4 = f32x4.splat(one * C4);
  const c5 = f32x4.splat(one * C5);
  const c6 = f32x4.splat(one * C6);
  const c7 = f32x4.splat(one * C7);
  const bias = i32x4.splat(<i32>one * 127);
  const two = f32x4.splat(one * 2);
  const tanhHi = f32x4.splat(one * TANH_CLAMP * 2);
  const tanhLo = f32x4.splat(-one * TANH_CLAMP * 2);
  const expHi = f32x4.splat(one * EXP_CLAMP);
  const expLo = f32x4.splat(-one * EXP_CLAMP);
  const c = f32x4.splat(bound);
  const twoOverC = f32x4.splat((one * 2) / bound);
  const sign = f32x4.splat(inverse ? -one : one);
  memory.copy(value, u, (<usize>n * <usize>d) << 2);
  const rowBytes = (<usize>d) << 2;
  const rawBytes = (<usize>(2 * b)) << 2;
  for (let r = 0; r < n; r += 4) {
    const lanes = n - r < 4 ? n - r : 4;
    const ur = u + <usize>r * rowBytes;
    const vr = value + <usize>r * rowBytes;
    const rr = raw + <usize>r * rawBytes;
    let acc = f32x4.splat(0);
    for (let k = 0; k < b; k++) {
      const col = (<usize>load<i32>(cols + ((<usize>k) << 2))) << 2;
      // tanh(ŝ/c) = m/(m + 2) for m = e^{2ŝ/c} − 1; s = c·tanh; e^{±s}.
      const z = f32x4.pmax(
        f32x4.pmin(f32x4.mul(rowsLoad(rr + ((<usize>k) << 2), rawBytes, lanes), twoOverC), tanhHi),
        tanhLo,
      );
      const m = expm1Lanes(z, v1, log2e, round, ln2Hi, ln2Lo, c2, c3, c4, c5, c6, c7, bias);
      const s = f32x4.mul(c, f32x4.div(m, f32x4.add(m, two)));
      const y = f32x4.pmax(f32x4.pmin(f32x4.mul(s, sign), expHi), expLo);
      const e = expLanes(y, v1, log2e, round, ln2Hi, ln2Lo, c2, c3, c4, c5, c6, c7, bias);
      const t = rowsLoad(rr + ((<usize>(b + k)) << 2), rawBytes, lanes);
      const x = rowsLoad(ur + col, rowBytes, lanes);
      const out = inverse ? f32x4.mul(f32x4.sub(x, t), e) : f32x4.add(f32x4.mul(x, e), t);
      rowsStore(out, vr + col, rowBytes, lanes);
      acc = f32x4.add(acc, s);
    }
    if (logDet) rowsStore(f32x4.mul(sign, acc), logDet + ((<usize>r) << 2), 4, lanes);
  }
}

/**
 * affine-kernels.ts's `affineMapGrad` (same arguments and results) for b < 4 transformed columns,
 * four rows per vector: du = ∂L/∂u [n, d] (dValue outside the columns), dRaw = ∂L/∂raw [n, 2b] and
 * its column sums dRawSums [2b], from dValue [n, d] and dLogDet [n] (0: none). du may not alias dValue.
 */
export function affineMapGradRows(
  n: i32,
  d: i32,
  b: i32,
  cols: usize,
  u: usize,
  raw: usize,
  dValue: usize,
  dLogDet: usize,
  du: usize,
  dRaw: usize,
  dRawSums: usize,
  bound: f32,
  inverse: i32,
  one: f32,
): void {
  const v1 = f32x4.splat(one);
  const log2e = f32x4.splat(one * LOG2E);
  const round = f32x4.splat(one * ROUND);
  const ln2Hi = f32x4.splat(one * LN2_HI);
  const ln2Lo = f32x4.splat(one * LN2_LO);
  const c2 = f32x4.splat(one * C2);
  const c3 = f32x4.splat(one * C3);
  const c4 = f32x4.splat(one * C4);
  const c5 = f32x4.splat(one * C5);
  const c6 = f32x4.splat(one * C6);
  const c7 = f32x4.splat(one * C7);
  const bias = i32x4.splat(<i32>one * 127);
  const two = f32x4.splat(one * 2);
  const tanhHi = f32x4.splat(one * TANH_CLAMP * 2);
  const tanhLo = f32x4.splat(-one * TANH_CLAMP * 2);
  const expHi = f32x4.splat(one * EXP_CLAMP);
  const expLo = f32x4.splat(-one * EXP_CLAMP);
  const c = f32x4.splat(bound);
  const twoOverC = f32x4.splat((one * 2) / bound);
  const sign = f32x4.splat(inverse ? -one : one);
  memory.copy(du, dValue, (<usize>n * <usize>d) << 2);
  const rowBytes = (<usize>d) << 2;
  const rawBytes = (<usize>(2 * b)) << 2;
  for (let r = 0; r < n; r += 4) {
    const lanes = n - r < 4 ? n - r : 4;
    const ur = u + <usize>r * rowBytes;
    const gr = dValue + <usize>r * rowBytes;
    const dr = du + <usize>r * rowBytes;
    const rr = raw + <usize>r * rawBytes;
    const qr = dRaw + <usize>r * rawBytes;
    // ∂L/∂s gets ±∂L/∂logDet from the log-det's Σ ±s.
    const dl = f32x4.mul(sign, dLogDet ? rowsLoad(dLogDet + ((<usize>r) << 2), 4, lanes) : f32x4.splat(0));
    for (let k = 0; k < b; k++) {
      const col = (<usize>load<i32>(cols + ((<usize>k) << 2))) << 2;
      const o = (<usize>k) << 2;
      const to = (<usize>(b + k)) << 2;
      const z = f32x4.pmax(f32x4.pmin(f32x4.mul(rowsLoad(rr + o, rawBytes, lanes), twoOverC), tanhHi), tanhLo);
      const m = expm1Lanes(z, v1, log2e, round, ln2Hi, ln2Lo, c2, c3, c4, c5, c6, c7, bias);
      const th = f32x4.div(m, f32x4.add(m, two));
      const y = f32x4.pmax(f32x4.pmin(f32x4.mul(f32x4.mul(c, th), sign), expHi), expLo);
      const e = expLanes(y, v1, log2e, round, ln2Hi, ln2Lo, c2, c3, c4, c5, c6, c7, bias);
      const t = rowsLoad(rr + to, rawBytes, lanes);
      const x = rowsLoad(ur + col, rowBytes, lanes);
      const g = rowsLoad(gr + col, rowBytes, lanes);
      const ge = f32x4.mul(g, e);
      // forward: ∂L/∂s = g x e^s + dl; inverse: −g (y − t) e^{−s} − dl (dl carries the sign).
      const dS = inverse ? f32x4.sub(dl, f32x4.mul(ge, f32x4.sub(x, t))) : f32x4.add(f32x4.mul(ge, x), dl);
      rowsStore(ge, dr + col, rowBytes, lanes);
      rowsStore(f32x4.mul(dS, f32x4.sub(v1, f32x4.mul(th, th))), qr + o, rawBytes, lanes);
      rowsStore(inverse ? f32x4.neg(ge) : g, qr + to, rawBytes, lanes);
    }
  }
  columnSums(n, 2 * b, dRaw, dRawSums);
}
