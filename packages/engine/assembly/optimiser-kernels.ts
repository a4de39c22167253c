// AssemblyScript source of the optimiser's update in 128-bit wasm SIMD: one Adam step over a
// variable's float32 buffers and the sum of squares of a gradient (for the global norm), both in
// float64 lanes (f64x2) so that they round exactly as the JavaScript host loops they replace
// (packages/engine/src/kernels/adam-kernel.ts, @bijective/train's clip kernel), which compute in
// float64 numbers and store float32. Compiled with mlp-kernels.ts into one module
// (src/wasm/mlp-kernels.generated.ts); same conventions: pointers are byte offsets into tfjs-wasm's
// memory, sizes count floats, no data segments, no allocation.

/** The upper two floats of four moved to the lower half (for promote_low). */
// @ts-ignore: decorator
@inline
function high(v: v128): v128 {
  return i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
}

/** Two float64 lanes back to float32, into the lower half. */
// @ts-ignore: decorator
@inline
function pack(lo: v128, hi: v128): v128 {
  const a = f32x4.demote_f64x2_zero(lo);
  const b = f32x4.demote_f64x2_zero(hi);
  return i8x16.shuffle(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
}

/**
 * One Adam step on rescaled moments over `count` floats, in float64: m' = β1 m + g, v' = β2 v + g²,
 * θ' = keep·θ − α m' / (sqrt(v') + ε), each stored as float32 (θ', m', v' may not alias the inputs).
 */
export function adamUpdate(
  count: i32,
  theta: usize,
  g: usize,
  m: usize,
  v: usize,
  thetaOut: usize,
  mOut: usize,
  vOut: usize,
  beta1: f64,
  beta2: f64,
  alpha: f64,
  epsilon: f64,
  keep: f64,
): void {
  const b1 = f64x2.splat(beta1);
  const b2 = f64x2.splat(beta2);
  const a = f64x2.splat(alpha);
  const e = f64x2.splat(epsilon);
  const k = f64x2.splat(keep);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const o = (<usize>i) << 2;
    const gv = v128.load(g + o);
    const mv = v128.load(m + o);
    const vv = v128.load(v + o);
    const tv = v128.load(theta + o);
    const g0 = f64x2.promote_low_f32x4(gv);
    const g1 = f64x2.promote_low_f32x4(high(gv));
    const m0 = f64x2.add(f64x2.mul(b1, f64x2.promote_low_f32x4(mv)), g0);
    const m1 = f64x2.add(f64x2.mul(b1, f64x2.promote_low_f32x4(high(mv))), g1);
    const v0 = f64x2.add(f64x2.mul(b2, f64x2.promote_low_f32x4(vv)), f64x2.mul(g0, g0));
    const v1 = f64x2.add(f64x2.mul(b2, f64x2.promote_low_f32x4(high(vv))), f64x2.mul(g1, g1));
    const t0 = f64x2.sub(
      f64x2.mul(k, f64x2.promote_low_f32x4(tv)),
      f64x2.div(f64x2.mul(a, m0), f64x2.add(f64x2.sqrt(v0), e)),
    );
    const t1 = f64x2.sub(
      f64x2.mul(k, f64x2.promote_low_f32x4(high(tv))),
      f64x2.div(f64x2.mul(a, m1), f64x2.add(f64x2.sqrt(v1), e)),
    );
    v128.store(mOut + o, pack(m0, m1));
    v128.store(vOut + o, pack(v0, v1));
    v128.store(thetaOut + o, pack(t0, t1));
  }
  for (; i < count; i++) {
    const o = (<usize>i) << 2;
    const gi = <f64>load<f32>(g + o);
    const mi = beta1 * <f64>load<f32>(m + o) + gi;
    const vi = beta2 * <f64>load<f32>(v + o) + gi * gi;
    store<f32>(mOut + o, <f32>mi);
    store<f32>(vOut + o, <f32>vi);
    store<f32>(thetaOut + o, <f32>(keep * <f64>load<f32>(theta + o) - (alpha * mi) / (Math.sqrt(vi) + epsilon)));
  }
}

/** Σ x² over `count` floats, accumulated in float64 (two lanes, then their sum). */
export function sumOfSquares(count: i32, x: usize): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const xv = v128.load(x + ((<usize>i) << 2));
    const x0 = f64x2.promote_low_f32x4(xv);
    const x1 = f64x2.promote_low_f32x4(high(xv));
    s0 = f64x2.add(s0, f64x2.mul(x0, x0));
    s1 = f64x2.add(s1, f64x2.mul(x1, x1));
  }
  const s = f64x2.add(s0, s1);
  let sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < count; i++) {
    const xi = <f64>load<f32>(x + ((<usize>i) << 2));
    sum += xi * xi;
  }
  return sum;
}
