// AssemblyScript source of core's sinh-arcsinh marginal map (SinhArcsinh, Jones & Pewsey 2009) in
// 128-bit wasm SIMD: the map with its log-det, and its backward pass, four columns per vector.
// Both directions are one form, with per-column parameters P0..P5 (the host derives them):
//   p = (x − P0)·P1,  q = asinh(p)·P2 + P3,  out = sinh(q)·P4 + P5,
//   log-det per row = Σ_j [log cosh(q) − ½ log(1 + p²)] + a constant (the Σ ±(log s − log δ)),
// the inverse x ↦ sinh(δ·asinh((x − ξ)/s) − ε) with P = (ξ, 1/s, δ, −ε, 1, 0) and the forward
// z ↦ ξ + s·sinh((asinh(z) + ε)/δ) with P = (0, 1, 1/δ, ε/δ, s, ξ). Compiled with mlp-kernels.ts
// into one module (src/wasm/mlp-kernels.generated.ts); same conventions: pointers are byte offsets
// into tfjs-wasm's memory, sizes count floats, no data segments, no allocation.
import {
  C2,
  C3,
  C4,
  C5,
  C6,
  C7,
  EXP_CLAMP,
  L3,
  L5,
  L7,
  L9,
  LN2_HI,
  LN2_LO,
  LOG2E,
  ROUND,
  SQRT_HALF_BITS,
  expm1Lanes,
  laneSum,
  loadLanes,
  log1pLanes,
  storeLanes,
} from './simd-math';

// asinh|p| = log(2|p|) (+ below 2e-8 relative) from |p| = BIG_ARGUMENT on, where p² would lose 1 + p².
const BIG_ARGUMENT: f32 = 4096;
// log cosh q = |q| − log 2 from |q| = COSH_LINEAR on (the rest, log(1 + e^{−2|q|}), is below 1e-69).
const COSH_LINEAR: f32 = 80;
const LN2: f32 = 0.693147181;

/**
 * The map of the header on a row-major x [n, d] with the parameters at `params` (six rows of d
 * floats, P0..P5): value [n, d] and, per row, Σ of the log-det terms plus `ldConst` into logDet [n].
 * asinh(p) = sign(p)·log1p(|p| + p²/(1 + √(1 + p²))), sinh q = sign(q)·(E + E/(E + 1))/2 and
 * log cosh q = log1p(E·(E/(E + 1))/2) with E = expm1(|q|) (|q| clamped to 87 there: sinh stays
 * finite); value may not alias x. `one` must be 1.
 */
export function sinhArcsinh(
  n: i32,
  d: i32,
  x: usize,
  params: usize,
  value: usize,
  logDet: usize,
  ldConst: f32,
  one: f32,
): void {
  const v1 = f32x4.splat(one);
  const two = f32x4.splat(one * 2);
  const half = f32x4.splat(one * 0.5);
  const log2e = f32x4.splat(one * LOG2E);
  const round = f32x4.splat(one * ROUND);
  const ln2Hi = f32x4.splat(one * LN2_HI);
  const ln2Lo = f32x4.splat(one * LN2_LO);
  const ln2 = f32x4.splat(one * LN2);
  const c2 = f32x4.splat(one * C2);
  const c3 = f32x4.splat(one * C3);
  const c4 = f32x4.splat(one * C4);
  const c5 = f32x4.splat(one * C5);
  const c6 = f32x4.splat(one * C6);
  const c7 = f32x4.splat(one * C7);
  const l3 = f32x4.splat(one * L3);
  const l5 = f32x4.splat(one * L5);
  const l7 = f32x4.splat(one * L7);
  const l9 = f32x4.splat(one * L9);
  const bias = i32x4.splat(<i32>one * 127);
  const sqrtHalf = i32x4.splat(<i32>one * SQRT_HALF_BITS);
  const signMask = i32x4.splat((<i32>one) << 31);
  const bigArg = f32x4.splat(one * BIG_ARGUMENT);
  const coshLinear = f32x4.splat(one * COSH_LINEAR);
  const expHi = f32x4.splat(one * EXP_CLAMP);
  const rowBytes = (<usize>d) << 2;
  for (let r = 0; r < n; r++) {
    const xr = x + <usize>r * rowBytes;
    const vr = value + <usize>r * rowBytes;
    let acc = f32x4.splat(0);
    for (let k = 0; k < d; k += 4) {
      const lanes = d - k < 4 ? d - k : 4;
      const at = params + ((<usize>k) << 2);
      const p = f32x4.mul(
        f32x4.sub(loadLanes(xr + ((<usize>k) << 2), lanes), loadLanes(at, lanes)),
        loadLanes(at + rowBytes, lanes),
      );
      const ap = f32x4.abs(p);
      const t = f32x4.mul(ap, ap);
      const big = f32x4.gt(ap, bigArg);
      const y = v128.bitselect(
        f32x4.sub(ap, v1),
        f32x4.add(ap, f32x4.div(t, f32x4.add(v1, f32x4.sqrt(f32x4.add(v1, t))))),
        big,
      );
      const logArg = log1pLanes(y, v1, two, sqrtHalf, ln2Hi, ln2Lo, l3, l5, l7, l9);
      const a = v128.or(f32x4.add(logArg, v128.and(ln2, big)), v128.and(p, signMask));
      const q = f32x4.add(
        f32x4.mul(a, loadLanes(at + 2 * rowBytes, lanes)),
        loadLanes(at + 3 * rowBytes, lanes),
      );
      const aq = f32x4.abs(q);
      const e = expm1Lanes(
        f32x4.pmin(aq, expHi),
        v1,
        log2e,
        round,
        ln2Hi,
        ln2Lo,
        c2,
        c3,
        c4,
        c5,
        c6,
        c7,
        bias,
      );
      const ratio = f32x4.div(e, f32x4.add(e, v1));
      const sh = v128.or(f32x4.mul(half, f32x4.add(e, ratio)), v128.and(q, signMask));
      storeLanes(
        f32x4.add(f32x4.mul(sh, loadLanes(at + 4 * rowBytes, lanes)), loadLanes(at + 5 * rowBytes, lanes)),
        vr + ((<usize>k) << 2),
        lanes,
      );
      const logCosh = v128.bitselect(
        f32x4.sub(aq, ln2),
        log1pLanes(f32x4.mul(half, f32x4.mul(e, ratio)), v1, two, sqrtHalf, ln2Hi, ln2Lo, l3, l5, l7, l9),
        f32x4.gt(aq, coshLinear),
      );
      const halfLog = v128.bitselect(
        logArg,
        f32x4.mul(half, log1pLanes(t, v1, two, sqrtHalf, ln2Hi, ln2Lo, l3, l5, l7, l9)),
        big,
      );
      // Lanes past the row's end hold p = q = 0: both terms are exactly 0 there.
      acc = f32x4.add(acc, f32x4.sub(logCosh, halfLog));
    }
    if (logDet) store<f32>(logDet + ((<usize>r) << 2), laneSum(acc) + ldConst);
  }
}

/**
 * The backward pass of {@link sinhArcsinh} (same x and params) from ∂L/∂value `dValue` [n, d] and
 * ∂L/∂logDet `dLogDet` [n] (0: none): with g_q = ḡ·P4·cosh q + ℓ̄·tanh q and
 * g_p = g_q·P2/√(1 + p²) − ℓ̄·p/(1 + p²), ∂L/∂x = g_p·P1 into dx [n, d], and the column sums
 * S0 = Σ g_p, S1 = Σ g_p (x − P0), S2 = Σ g_q asinh p, S3 = Σ g_q, S4 = Σ ḡ sinh q, S5 = Σ ḡ into
 * `sums` (six rows of d floats, overwritten): the host turns them into the parameters' gradients.
 * dx may not alias dValue. `one` must be 1.
 */
export function sinhArcsinhGrad(
  n: i32,
  d: i32,
  x: usize,
  params: usize,
  dValue: usize,
  dLogDet: usize,
  dx: usize,
  sums: usize,
  one: f32,
): void {
  const v1 = f32x4.splat(one);
  const two = f32x4.splat(one * 2);
  const half = f32x4.splat(one * 0.5);
  const log2e = f32x4.splat(one * LOG2E);
  const round = f32x4.splat(one * ROUND);
  const ln2Hi = f32x4.splat(one * LN2_HI);
  const ln2Lo = f32x4.splat(one * LN2_LO);
  const ln2 = f32x4.splat(one * LN2);
  const c2 = f32x4.splat(one * C2);
  const c3 = f32x4.splat(one * C3);
  const c4 = f32x4.splat(one * C4);
  const c5 = f32x4.splat(one * C5);
  const c6 = f32x4.splat(one * C6);
  const c7 = f32x4.splat(one * C7);
  const l3 = f32x4.splat(one * L3);
  const l5 = f32x4.splat(one * L5);
  const l7 = f32x4.splat(one * L7);
  const l9 = f32x4.splat(one * L9);
  const bias = i32x4.splat(<i32>one * 127);
  const sqrtHalf = i32x4.splat(<i32>one * SQRT_HALF_BITS);
  const signMask = i32x4.splat((<i32>one) << 31);
  const bigArg = f32x4.splat(one * BIG_ARGUMENT);
  const expHi = f32x4.splat(one * EXP_CLAMP);
  const rowBytes = (<usize>d) << 2;
  memory.fill(sums, 0, 6 * rowBytes);
  for (let r = 0; r < n; r++) {
    const xr = x + <usize>r * rowBytes;
    const gr = dValue + <usize>r * rowBytes;
    const dr = dx + <usize>r * rowBytes;
    const gl = f32x4.splat(dLogDet ? load<f32>(dLogDet + ((<usize>r) << 2)) : 0);
    for (let k = 0; k < d; k += 4) {
      const lanes = d - k < 4 ? d - k : 4;
      const o = (<usize>k) << 2;
      const at = params + o;
      const p1 = loadLanes(at + rowBytes, lanes);
      const p2 = loadLanes(at + 2 * rowBytes, lanes);
      const xc = f32x4.sub(loadLanes(xr + o, lanes), loadLanes(at, lanes));
      const p = f32x4.mul(xc, p1);
      const ap = f32x4.abs(p);
      const t = f32x4.mul(ap, ap);
      const big = f32x4.gt(ap, bigArg);
      const root = f32x4.sqrt(f32x4.add(v1, t));
      const y = v128.bitselect(f32x4.sub(ap, v1), f32x4.add(ap, f32x4.div(t, f32x4.add(v1, root))), big);
      const logArg = log1pLanes(y, v1, two, sqrtHalf, ln2Hi, ln2Lo, l3, l5, l7, l9);
      const a = v128.or(f32x4.add(logArg, v128.and(ln2, big)), v128.and(p, signMask));
      const q = f32x4.add(f32x4.mul(a, p2), loadLanes(at + 3 * rowBytes, lanes));
      const sign = v128.and(q, signMask);
      const e = expm1Lanes(
        f32x4.pmin(f32x4.abs(q), expHi),
        v1,
        log2e,
        round,
        ln2Hi,
        ln2Lo,
        c2,
        c3,
        c4,
        c5,
        c6,
        c7,
        bias,
      );
      const inv = f32x4.div(v1, f32x4.add(e, v1));
      const sh = f32x4.mul(half, f32x4.add(e, f32x4.mul(e, inv)));
      const ch = f32x4.mul(half, f32x4.add(f32x4.add(e, v1), inv));
      const g = loadLanes(gr + o, lanes);
      const sinhQ = v128.or(sh, sign);
      const gq = f32x4.add(
        f32x4.mul(f32x4.mul(g, loadLanes(at + 4 * rowBytes, lanes)), ch),
        f32x4.mul(gl, v128.or(f32x4.div(sh, ch), sign)),
      );
      // 1/√(1 + p²) is 0 where p² overflows (|p| > 1.8e19): the limit.
      const inverseRoot = f32x4.div(v1, root);
      const gp = f32x4.sub(
        f32x4.mul(f32x4.mul(gq, p2), inverseRoot),
        f32x4.mul(f32x4.mul(gl, p), f32x4.mul(inverseRoot, inverseRoot)),
      );
      storeLanes(f32x4.mul(gp, p1), dr + o, lanes);
      const s = sums + o;
      storeLanes(f32x4.add(loadLanes(s, lanes), gp), s, lanes);
      storeLanes(f32x4.add(loadLanes(s + rowBytes, lanes), f32x4.mul(gp, xc)), s + rowBytes, lanes);
      storeLanes(f32x4.add(loadLanes(s + 2 * rowBytes, lanes), f32x4.mul(gq, a)), s + 2 * rowBytes, lanes);
      storeLanes(f32x4.add(loadLanes(s + 3 * rowBytes, lanes), gq), s + 3 * rowBytes, lanes);
      storeLanes(f32x4.add(loadLanes(s + 4 * rowBytes, lanes), f32x4.mul(g, sinhQ)), s + 4 * rowBytes, lanes);
      storeLanes(f32x4.add(loadLanes(s + 5 * rowBytes, lanes), g), s + 5 * rowBytes, lanes);
    }
  }
}
