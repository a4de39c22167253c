// AssemblyScript source of the affine map of RealNVP and MAF layers in 128-bit wasm SIMD: the
// soft-bounded log-scale s = c·tanh(ŝ/c), y = x e^s + t (forward) or x = (y − t) e^{−s} (inverse),
// Σ s per row, and the backward pass of both directions, four columns per vector. Compiled with
// mlp-kernels.ts into one module (src/wasm/mlp-kernels.generated.ts); same conventions: pointers
// are byte offsets into tfjs-wasm's memory, sizes count floats, no data segments, no allocation.
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
  laneSum,
  loadLanes,
  storeLanes,
} from './simd-math';

/** Lanes of a row at `row` (bytes) from the column indices at `cols` (i32): contiguous from `first` when it is ≥ 0, else gathered; lanes past `lanes` read 0. */
// @ts-ignore: decorator
@inline
function gather(row: usize, cols: usize, first: i32, lanes: i32): v128 {
  if (lanes == 4 && first >= 0) return v128.load(row + ((<usize>first) << 2));
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(row + ((<usize>load<i32>(cols)) << 2)));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(row + ((<usize>load<i32>(cols, 4)) << 2)));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(row + ((<usize>load<i32>(cols, 8)) << 2)));
  if (lanes > 3) v = f32x4.replace_lane(v, 3, load<f32>(row + ((<usize>load<i32>(cols, 12)) << 2)));
  return v;
}

/** The first `lanes` lanes of v into a row at `row` (bytes), at the columns of {@link gather}. */
// @ts-ignore: decorator
@inline
function scatter(v: v128, row: usize, cols: usize, first: i32, lanes: i32): void {
  if (lanes == 4 && first >= 0) {
    v128.store(row + ((<usize>first) << 2), v);
    return;
  }
  store<f32>(row + ((<usize>load<i32>(cols)) << 2), f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(row + ((<usize>load<i32>(cols, 4)) << 2), f32x4.extract_lane(v, 1));
  if (lanes > 2) store<f32>(row + ((<usize>load<i32>(cols, 8)) << 2), f32x4.extract_lane(v, 2));
  if (lanes > 3) store<f32>(row + ((<usize>load<i32>(cols, 12)) << 2), f32x4.extract_lane(v, 3));
}

/**
 * The affine map on the b columns at `cols` (i32 indices; contiguous from `first` when first ≥ 0)
 * of a row-major u [n, d], with raw [n, 2b] (ŝ in its first b columns, t in the rest):
 * s = c·tanh(ŝ/c) for c = `bound`; forward (inverse = 0) value = u with x ↦ x e^s + t and
 * logDet[r] = Σ s, inverse x ↦ (x − t) e^{−s} and −Σ s; logDet 0 for none. value may not alias u.
 * `one` must be 1. `saved` (0: none) receives tanh(ŝ/c) and e^{±s} per row `[n, 2b]` (the layout of
 * raw) for {@link affineMapGrad}, which then reads them instead of evaluating both again.
 */
export function affineMap(
  n: i32,
  d: i32,
  b: i32,
  cols: usize,
  first: i32,
  u: usize,
  raw: usize,
  value: usize,
  logDet: usize,
  bound: f32,
  inverse: i32,
  one: f32,
  saved: usize,
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
  const tOffset = (<usize>b) << 2;
  for (let r = 0; r < n; r++) {
    const ur = u + <usize>r * rowBytes;
    const vr = value + <usize>r * rowBytes;
    const rr = raw + <usize>r * rawBytes;
    const sr = saved + <usize>r * rawBytes;
    let acc = f32x4.splat(0);
    for (let k = 0; k < b; k += 4) {
      const lanes = b - k < 4 ? b - k : 4;
      const kc = cols + ((<usize>k) << 2);
      const kf = first >= 0 ? first + k : -1;
      const o = (<usize>k) << 2;
      // tanh(ŝ/c) = m/(m + 2) for m = e^{2ŝ/c} − 1; s = c·tanh; e^{±s}.
      const z = f32x4.pmax(f32x4.pmin(f32x4.mul(loadLanes(rr + o, lanes), twoOverC), tanhHi), tanhLo);
      const m = expm1Lanes(z, v1, log2e, round, ln2Hi, ln2Lo, c2, c3, c4, c5, c6, c7, bias);
      const th = f32x4.div(m, f32x4.add(m, two));
      const s = f32x4.mul(c, th);
      const y = f32x4.pmax(f32x4.pmin(f32x4.mul(s, sign), expHi), expLo);
      const e = expLanes(y, v1, log2e, round, ln2Hi, ln2Lo, c2, c3, c4, c5, c6, c7, bias);
      if (saved) {
        storeLanes(th, sr + o, lanes);
        storeLanes(e, sr + tOffset + o, lanes);
      }
      const t = loadLanes(rr + tOffset + o, lanes);
      const x = gather(ur, kc, kf, lanes);
      const out = inverse ? f32x4.mul(f32x4.sub(x, t), e) : f32x4.add(f32x4.mul(x, e), t);
      scatter(out, vr, kc, kf, lanes);
      acc = f32x4.add(acc, s);
    }
    if (logDet) store<f32>(logDet + ((<usize>r) << 2), (inverse ? -one : one) * laneSum(acc));
  }
}

/**
 * The backward pass of {@link affineMap} (same arguments) from ∂L/∂value `dValue` [n, d] and
 * ∂L/∂logDet `dLogDet` [n] (0: none): du = ∂L/∂u [n, d] (dValue outside the columns), dRaw =
 * ∂L/∂raw [n, 2b] and its column sums dRawSums [2b]. Forward: ∂y/∂x = e^s, ∂y/∂s = x e^s; inverse:
 * ∂x/∂y = e^{−s}, ∂x/∂s = −(y − t) e^{−s}, ∂x/∂t = −e^{−s}; ∂s/∂ŝ = 1 − tanh²(ŝ/c); the log-det's ±1
 * per column. du may not alias dValue. `saved` (0: none): the forward pass's tanh(ŝ/c) and e^{±s}
 * ({@link affineMap}'s `saved`), read instead of evaluated: the same floats.
 */
export function affineMapGrad(
  n: i32,
  d: i32,
  b: i32,
  cols: usize,
  first: i32,
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
  saved: usize,
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
  const tOffset = (<usize>b) << 2;
  for (let r = 0; r < n; r++) {
    const ur = u + <usize>r * rowBytes;
    const gr = dValue + <usize>r * rowBytes;
    const dr = du + <usize>r * rowBytes;
    const rr = raw + <usize>r * rawBytes;
    const qr = dRaw + <usize>r * rawBytes;
    const sr = saved + <usize>r * rawBytes;
    // ∂L/∂s gets ±∂L/∂logDet from the log-det's Σ ±s.
    const dl = f32x4.mul(sign, f32x4.splat(dLogDet ? load<f32>(dLogDet + ((<usize>r) << 2)) : 0));
    for (let k = 0; k < b; k += 4) {
      const lanes = b - k < 4 ? b - k : 4;
      const kc = cols + ((<usize>k) << 2);
      const kf = first >= 0 ? first + k : -1;
      const o = (<usize>k) << 2;
      let th: v128, e: v128;
      if (saved) {
        th = loadLanes(sr + o, lanes);
        e = loadLanes(sr + tOffset + o, lanes);
      } else {
        const z = f32x4.pmax(f32x4.pmin(f32x4.mul(loadLanes(rr + o, lanes), twoOverC), tanhHi), tanhLo);
        const m = expm1Lanes(z, v1, log2e, round, ln2Hi, ln2Lo, c2, c3, c4, c5, c6, c7, bias);
        th = f32x4.div(m, f32x4.add(m, two));
        const y = f32x4.pmax(f32x4.pmin(f32x4.mul(f32x4.mul(c, th), sign), expHi), expLo);
        e = expLanes(y, v1, log2e, round, ln2Hi, ln2Lo, c2, c3, c4, c5, c6, c7, bias);
      }
      const t = loadLanes(rr + tOffset + o, lanes);
      const x = gather(ur, kc, kf, lanes);
      const g = gather(gr, kc, kf, lanes);
      const ge = f32x4.mul(g, e);
      // forward: ∂L/∂s = g x e^s + dl; inverse: −g (y − t) e^{−s} − dl (dl carries the sign).
      const dS = inverse ? f32x4.sub(dl, f32x4.mul(ge, f32x4.sub(x, t))) : f32x4.add(f32x4.mul(ge, x), dl);
      scatter(ge, dr, kc, kf, lanes);
      storeLanes(f32x4.mul(dS, f32x4.sub(v1, f32x4.mul(th, th))), qr + o, lanes);
      storeLanes(inverse ? f32x4.neg(ge) : g, qr + tOffset + o, lanes);
    }
  }
  columnSums(n, 2 * b, dRaw, dRawSums);
}
