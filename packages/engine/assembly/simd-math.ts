// AssemblyScript helpers shared by the engine's SIMD kernel files (imported, not an entry of the
// module, so nothing here is exported from the wasm module): float32 multiply-add (fused in the
// relaxed-SIMD build), exp, expm1 and log1p in four lanes, and partial-vector loads and stores. Same conventions as mlp-kernels.ts.

/**
 * a·b + c in four lanes: one fused multiply-add (`f32x4.relaxed_madd`, rounded once where the
 * hardware has FMA) in the relaxed-SIMD build of the module, a multiply then an add (rounded twice)
 * in the SIMD-128 build. Chosen at compile time by asc's `--enable relaxed-simd`
 * (`ASC_FEATURE_RELAXED_SIMD`), so the two modules come from this one source.
 */
// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// e^y = 2^k e^r as in mlp-kernels.ts's tanh: k = nearest(y / ln 2) by adding and subtracting
// 1.5·2²³ (the float's low bits then hold k), r = y − k ln 2 (ln 2 in a part with trailing zero
// bits, so k·LN2_HI is exact, and the rest), |r| ≤ ln 2 / 2, e^r by its Taylor polynomial of degree
// 7 (truncation below 6e-9 relative), 2^k built in the exponent bits. y is clamped to ±EXP_CLAMP
// (2^k stays a normal float); NaN stays NaN.
export const EXP_CLAMP: f32 = 87;
// tanh z = (e^{2z} − 1) / (e^{2z} + 1) for z clamped to ±9, beyond which tanh rounds to ±1 in float32.
export const TANH_CLAMP: f32 = 9;
export const LOG2E: f32 = 1.44269504;
export const ROUND: f32 = 12582912; // 1.5 · 2²³
export const LN2_HI: f32 = 0.693145751953125;
export const LN2_LO: f32 = 1.42860677e-6;
export const C2: f32 = 1.0 / 2.0;
export const C3: f32 = 1.0 / 6.0;
export const C4: f32 = 1.0 / 24.0;
export const C5: f32 = 1.0 / 120.0;
export const C6: f32 = 1.0 / 720.0;
export const C7: f32 = 1.0 / 5040.0;

/** e^y in four lanes for |y| ≤ EXP_CLAMP (the caller clamps), by the arithmetic above; the constants are vectors the caller built once from `one` = 1 (the optimiser cannot fold them back into constants that V8 would rebuild at every use inside the loops). */
// @ts-ignore: decorator
@inline
export function expLanes(
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
export function expm1Lanes(
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

/** `lanes` consecutive floats at `at` (bytes); lanes past `lanes` read 0. */
// @ts-ignore: decorator
@inline
export function loadLanes(at: usize, lanes: i32): v128 {
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
export function storeLanes(v: v128, at: usize, lanes: i32): void {
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
export function laneSum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)
  );
}


// log(1 + y) = k ln 2 + log m + c for w = 1 + y rounded = 2^k m with m ∈ [√½, √2) (k from the
// exponent bits after subtracting those of √½), c = (y − (w − 1))/w the rounding of 1 + y to first
// order, and log m = 2 atanh f = 2f + 2f·(f²/3 + f⁴/5 + f⁶/7 + f⁸/9) with f = (m − 1)/(m + 1),
// |f| ≤ 0.172 (truncation below 2e-9 relative).
export const SQRT_HALF_BITS: i32 = 0x3f3504f3;
export const L3: f32 = 1.0 / 3.0;
export const L5: f32 = 1.0 / 5.0;
export const L7: f32 = 1.0 / 7.0;
export const L9: f32 = 1.0 / 9.0;

/** log(1 + y) in four lanes for y > −1 and 1 + y finite, by the arithmetic above; constants as in {@link expLanes} (`sqrtHalf` holds the bits of √½ as i32 lanes). */
// @ts-ignore: decorator
@inline
export function log1pLanes(
  y: v128,
  one: v128,
  two: v128,
  sqrtHalf: v128,
  ln2Hi: v128,
  ln2Lo: v128,
  l3: v128,
  l5: v128,
  l7: v128,
  l9: v128,
): v128 {
  const w = f32x4.add(one, y);
  const c = f32x4.div(f32x4.sub(y, f32x4.sub(w, one)), w);
  const k = i32x4.shr_s(i32x4.sub(w, sqrtHalf), 23);
  const m = i32x4.sub(w, i32x4.shl(k, 23));
  const f = f32x4.div(f32x4.sub(m, one), f32x4.add(m, one));
  const f2 = f32x4.mul(f, f);
  let s = f32x4.add(f32x4.mul(f2, l9), l7);
  s = f32x4.add(f32x4.mul(s, f2), l5);
  s = f32x4.add(f32x4.mul(s, f2), l3);
  const twoF = f32x4.mul(two, f);
  const kf = f32x4.convert_i32x4_s(k);
  const low = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(twoF, f2), s), c), f32x4.mul(kf, ln2Lo));
  return f32x4.add(f32x4.add(twoF, low), f32x4.mul(kf, ln2Hi));
}
