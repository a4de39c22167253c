// AssemblyScript source of the affine map of RealNVP and MAF layers in 128-bit wasm SIMD: the
// soft-bounded log-scale s = c·tanh(ŝ/c), y = x e^s + t (forward) or x = (y − t) e^{−s} (inverse),
// Σ s per row, and the backward pass of both directions, four columns per vector. Compiled with
// mlp-kernels.ts into one module (src/wasm/mlp-kernels.generated.ts); same conventions: pointers
// are byte offsets into tfjs-wasm's memory, sizes count floats, no data segments, no allocation.
import { columnSums } from './mlp-kernels';

// e^y = 2^k e^r as in mlp-kernels.ts's tanh: k = nearest(y / ln 2) by adding and subtracting
// 1.5·2²³ (the float's low bits then hold k), r = y − k ln 2 (ln 2 in a part with trailing zero
// bits, so k·LN2_HI is exact, and the rest), |r| ≤ ln 2 / 2, e^r by its Taylor polynomial of degree
// 7 (truncation below 6e-9 relative), 2^k built in the exponent bits. y is clamped to ±EXP_CLAMP
// (2^k stays a normal float); NaN stays NaN.
const EXP_CLAMP: f32 = 87;
// tanh z = (e^{2z} − 1) / (e^{2z} + 1) for z clamped to ±9, beyond which tanh rounds to ±1 in float32.
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

/** e^y in four lanes for |y| ≤ EXP_CLAMP (the caller clamps), by the arithmetic above; the constants are vectors the caller built once from `one` = 1 (the optimiser cannot fold them back into constants that V8 would rebuild at every use inside the loops). */
// @ts-ignore: decorator
@inline
function expLanes(
  y: v128,
  one: v128,
  log2e: v128,
  round: v128,
  ln2Hi: v128,
  ln2Lo: v128,
  c2: v128,
  c3: v128,
  c4: v128,
  c5: v128,
  c6: v128,
  c7: v128,
  bias: v128,
): v128 {
  const shifted = f32x4.add(f32x4.mul(y, log2e), round);
  const k = f32x4.sub(shifted, round);
  const r = f32x4.sub(f32x4.sub(y, f32x4.mul(k, ln2Hi)), f32x4.mul(k, ln2Lo));
  let p = f32x4.add(f32x4.mul(c7, r), c6);
  p = f32x4.add(f32x4.mul(p, r), c5);
  p = f32x4.add(f32x4.mul(p, r), c4);
  p = f32x4.add(f32x4.mul(p, r), c3);
  p = f32x4.add(f32x4.mul(p, r), c2);
  p = f32x4.add(f32x4.mul(p, r), one);
  p = f32x4.add(f32x4.mul(p, r), one);
  // The low mantissa bits of `shifted` are k (two's complement): 2^k = (k + 127) << 23.
  return f32x4.mul(p, i32x4.shl(i32x4.add(i32x4.sub(shifted, round), bias), 23));
}

/**
 * e^y − 1 in four lanes for |y| ≤ EXP_CLAMP, from the same reduction as {@link expLanes}:
 * 2^k (e^r − 1) + (2^k − 1) with e^r − 1 = r·q(r), so that it keeps its relative accuracy near 0
 * (tanh of small arguments, below, would otherwise lose bits to 1 − 2/(e^{2z} + 1)).
 */
// @ts-ignore: decorator
@inline
function expm1Lanes(
  y: v128,
  one: v128,
  log2e: v128,
  round: v128,
  ln2Hi: v128,
  ln2Lo: v128,
  c2: v128,
  c3: v128,
  c4: v128,
  c5: v128,
  c6: v128,
  c7: v128,
  bias: v128,
): v128 {
  const shifted = f32x4.add(f32x4.mul(y, log2e), round);
  const k = f32x4.sub(shifted, round);
  const r = f32x4.sub(f32x4.sub(y, f32x4.mul(k, ln2Hi)), f32x4.mul(k, ln2Lo));
  let q = f32x4.add(f32x4.mul(c7, r), c6);
  q = f32x4.add(f32x4.mul(q, r), c5);
  q = f32x4.add(f32x4.mul(q, r), c4);
  q = f32x4.add(f32x4.mul(q, r), c3);
  q = f32x4.add(f32x4.mul(q, r), c2);
  q = f32x4.add(f32x4.mul(q, r), one);
  const scale = i32x4.shl(i32x4.add(i32x4.sub(shifted, round), bias), 23);
  return f32x4.add(f32x4.mul(scale, f32x4.mul(q, r)), f32x4.sub(scale, one));
}

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

/** `lanes` consecutive floats at `at` (bytes); lanes past `lanes` read 0. */
// @ts-ignore: decorator
@inline
function loadLanes(at: usize, lanes: i32): v128 {
  if (lanes == 4) return v128.load(at);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(at));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(at, 4));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(at, 8));
  return v;
}

/** The first `lanes` lanes of v into consecutive floats at `at` (bytes). */
// @ts-ignore: decorator
@inline
function storeLanes(v: v128, at: usize, lanes: i32): void {
  if (lanes == 4) {
    v128.store(at, v);
    return;
  }
  store<f32>(at, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(at, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(at, f32x4.extract_lane(v, 2), 8);
}

/** Σ of the four lanes. */
// @ts-ignore: decorator
@inline
function laneSum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)
  );
}

/**
 * The affine map on the b columns at `cols` (i32 indices; contiguous from `first` when first ≥ 0)
 * of a row-major u [n, d], with raw [n, 2b] (ŝ in its first b columns, t in the rest):
 * s = c·tanh(ŝ/c) for c = `bound`; forward (inverse = 0) value = u with x ↦ x e^s + t and
 * logDet[r] = Σ s, inverse x ↦ (x − t) e^{−s} and −Σ s; logDet 0 for none. value may not alias u.
 * `one` must be 1.
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
    let acc = f32x4.splat(0);
    for (let k = 0; k < b; k += 4) {
      const lanes = b - k < 4 ? b - k : 4;
      const kc = cols + ((<usize>k) << 2);
      const kf = first >= 0 ? first + k : -1;
      const o = (<usize>k) << 2;
      // tanh(ŝ/c) = m/(m + 2) for m = e^{2ŝ/c} − 1; s = c·tanh; e^{±s}.
      const z = f32x4.pmax(f32x4.pmin(f32x4.mul(loadLanes(rr + o, lanes), twoOverC), tanhHi), tanhLo);
      const m = expm1Lanes(z, v1, log2e, round, ln2Hi, ln2Lo, c2, c3, c4, c5, c6, c7, bias);
      const s = f32x4.mul(c, f32x4.div(m, f32x4.add(m, two)));
      const y = f32x4.pmax(f32x4.pmin(f32x4.mul(s, sign), expHi), expLo);
      const e = expLanes(y, v1, log2e, round, ln2Hi, ln2Lo, c2, c3, c4, c5, c6, c7, bias);
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
 * per column. du may not alias dValue.
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
    // ∂L/∂s gets ±∂L/∂logDet from the log-det's Σ ±s.
    const dl = f32x4.mul(sign, f32x4.splat(dLogDet ? load<f32>(dLogDet + ((<usize>r) << 2)) : 0));
    for (let k = 0; k < b; k += 4) {
      const lanes = b - k < 4 ? b - k : 4;
      const kc = cols + ((<usize>k) << 2);
      const kf = first >= 0 ? first + k : -1;
      const o = (<usize>k) << 2;
      const z = f32x4.pmax(f32x4.pmin(f32x4.mul(loadLanes(rr + o, lanes), twoOverC), tanhHi), tanhLo);
      const m = expm1Lanes(z, v1, log2e, round, ln2Hi, ln2Lo, c2, c3, c4, c5, c6, c7, bias);
      const th = f32x4.div(m, f32x4.add(m, two));
      const y = f32x4.pmax(f32x4.pmin(f32x4.mul(f32x4.mul(c, th), sign), expHi), expLo);
      const e = expLanes(y, v1, log2e, round, ln2Hi, ln2Lo, c2, c3, c4, c5, c6, c7, bias);
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
