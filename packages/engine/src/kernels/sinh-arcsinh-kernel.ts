// Registers core's sinh-arcsinh marginal map (`SINH_ARCSINH_KERNEL`) as one kernel on tfjs's wasm
// backend, each direction with its log-det, and its backward pass as one more: both on the engine's
// wasm SIMD module (assembly/sinh-arcsinh-kernels.ts), or float64 host loops where the module is off
// (imported for this side effect).
import { SINH_ARCSINH_KERNEL, SINH_ARCSINH_MAX_SKEW, SINH_ARCSINH_MAX_TAILWEIGHT } from '@bijective/core';
import * as tf from '@tensorflow/tfjs-core';
import { simdRuntime, type SimdRuntime } from '../wasm/simd-runtime.js';
import { defineHostKernel, type HostKernelAttrs } from './host-kernel.js';

/** The kernel's attributes: the direction (1: x ↦ z, the density's side) and the scale's lower bound. */
interface SinhArcsinhAttrs extends HostKernelAttrs {
  inverse: number;
  minScale: number;
}

const LOG_MAX_TAIL = Math.log(SINH_ARCSINH_MAX_TAILWEIGHT);

/** The constrained parameters per column, float64: s, ε, δ, and the derivatives of each by its unconstrained variable. */
interface Constrained {
  loc: Float64Array;
  scale: Float64Array;
  skew: Float64Array;
  tail: Float64Array;
  dScale: Float64Array;
  dSkew: Float64Array;
  dTail: Float64Array;
}

/** s = softplus(u) + minScale, ε = 4 tanh(e/4), δ = exp(L tanh(t/L)) as core's SinhArcsinh, with their derivatives. */
function constrain(
  loc: Float32Array,
  u: Float32Array,
  e: Float32Array,
  t: Float32Array,
  minScale: number,
): Constrained {
  const d = loc.length;
  const c: Constrained = {
    loc: Float64Array.from(loc),
    scale: new Float64Array(d),
    skew: new Float64Array(d),
    tail: new Float64Array(d),
    dScale: new Float64Array(d),
    dSkew: new Float64Array(d),
    dTail: new Float64Array(d),
  };
  for (let j = 0; j < d; j++) {
    const uj = u[j]!;
    c.scale[j] = (uj > 0 ? uj + Math.log1p(Math.exp(-uj)) : Math.log1p(Math.exp(uj))) + minScale;
    c.dScale[j] = 1 / (1 + Math.exp(-uj));
    const th = Math.tanh(e[j]! / SINH_ARCSINH_MAX_SKEW);
    c.skew[j] = SINH_ARCSINH_MAX_SKEW * th;
    c.dSkew[j] = 1 - th * th;
    const tt = Math.tanh(t[j]! / LOG_MAX_TAIL);
    c.tail[j] = Math.exp(LOG_MAX_TAIL * tt);
    c.dTail[j] = c.tail[j]! * (1 - tt * tt);
  }
  return c;
}

/**
 * The one form's parameters P0..P5 (six rows of d) and the log-det's constant: the inverse is
 * P = (ξ, 1/s, δ, −ε, 1, 0) with Σ (log δ − log s), the forward P = (0, 1, 1/δ, ε/δ, s, ξ) with
 * Σ (log s − log δ).
 */
function formParameters(c: Constrained, inverse: boolean): { params: Float64Array; ldConst: number } {
  const d = c.loc.length;
  const params = new Float64Array(6 * d);
  let ldConst = 0;
  for (let j = 0; j < d; j++) {
    const s = c.scale[j]!;
    const delta = c.tail[j]!;
    const row = inverse
      ? [c.loc[j]!, 1 / s, delta, -c.skew[j]!, 1, 0]
      : [0, 1, 1 / delta, c.skew[j]! / delta, s, c.loc[j]!];
    row.forEach((v, i) => (params[i * d + j] = v));
    ldConst += inverse ? Math.log(delta) - Math.log(s) : Math.log(s) - Math.log(delta);
  }
  return { params, ldConst };
}

/** The one form on the host in float64 (where the SIMD module is off): value, log-det, and with `grad` dx and the sums S0..S5. */
function hostForm(
  n: number,
  d: number,
  x: Float32Array,
  params: Float64Array,
  ldConst: number,
  out: { value?: Float32Array; logDet?: Float32Array },
  grad?: { dValue: Float32Array; dLogDet: Float32Array; dx: Float32Array; sums: Float64Array },
): void {
  for (let r = 0; r < n; r++) {
    let ld = ldConst;
    const gl = grad ? grad.dLogDet[r]! : 0;
    for (let j = 0; j < d; j++) {
      const P = (i: number) => params[i * d + j]!;
      const xc = x[r * d + j]! - P(0);
      const p = xc * P(1);
      const a = Math.asinh(p);
      const q = a * P(2) + P(3);
      if (out.value) out.value[r * d + j] = Math.sinh(q) * P(4) + P(5);
      const aq = Math.abs(q);
      ld += aq + Math.log1p(Math.exp(-2 * aq)) - Math.LN2 - 0.5 * Math.log1p(p * p);
      if (!grad) continue;
      const g = grad.dValue[r * d + j]!;
      const gq = g * P(4) * Math.cosh(q) + gl * Math.tanh(q);
      const gp = (gq * P(2)) / Math.sqrt(1 + p * p) - (gl * p) / (1 + p * p);
      grad.dx[r * d + j] = gp * P(1);
      const terms = [gp, gp * xc, gq * a, gq, g * Math.sinh(q), g];
      terms.forEach((v, i) => (grad.sums[i * d + j]! += v));
    }
    if (out.logDet) out.logDet[r] = ld;
  }
}

/** The SIMD runtime when the buffers are views of its heap (tfjs's wasm backend with the module on), else null. */
function runtimeFor(view: Float32Array): SimdRuntime | null {
  const rt = simdRuntime(tf.backend());
  return rt && view.buffer === rt.heap.memory.buffer ? rt : null;
}

/** Writes float64 values as float32 into the runtime's scratch block (which may grow the heap) and returns its offset. */
function toScratch(rt: SimdRuntime, values: Float64Array, extraFloats: number): number {
  const at = rt.scratch(4 * (values.length + extraFloats));
  new Float32Array(rt.heap.memory.buffer, at, values.length).set(values);
  return at;
}

/**
 * (dValue, dLogDet, x, ξ, u, e, t) -> ∂L/∂x and the gradients of the four variables: the one form's
 * backward pass (dx and the column sums S0..S5), then the chain rule on the host (float64) through
 * the direction's P and the constrained parameters (G = Σ_r ∂L/∂logDet_r carries the constant).
 */
const sinhArcsinhGradKernel = defineHostKernel<SinhArcsinhAttrs>({
  name: `${SINH_ARCSINH_KERNEL}Grad`,
  backends: ['wasm'],
  outputShapes: ([, , x, loc, u, e, t]) => [[...x!], [...loc!], [...u!], [...e!], [...t!]],
  run([dValue, dLogDet, x, loc, u, e, t], outputs, _shapes, attrs) {
    const inverse = attrs.inverse === 1;
    const d = loc!.length;
    const n = d === 0 ? 0 : x!.length / d;
    const c = constrain(loc!, u!, e!, t!, attrs.minScale);
    const { params } = formParameters(c, inverse);
    let upstream = 0;
    for (let r = 0; r < n; r++) upstream += dLogDet![r]!;
    const sums = new Float64Array(6 * d);
    const rt = runtimeFor(x!);
    if (rt) {
      const [xAt, gAt, lAt, dxAt] = [x!, dValue!, dLogDet!, outputs[0]!].map((v) => v.byteOffset);
      const at = toScratch(rt, params, 6 * d);
      rt.kernels.sinhArcsinhGrad(n, d, xAt!, at, gAt!, lAt!, dxAt!, at + 24 * d, 1);
      sums.set(new Float32Array(rt.heap.memory.buffer, at + 24 * d, 6 * d));
    } else hostForm(n, d, x!, params, 0, {}, { dValue: dValue!, dLogDet: dLogDet!, dx: outputs[0]!, sums });
    // The heap may have grown: fresh views of the outputs.
    const views = rt
      ? outputs.map((o) => new Float32Array(rt.heap.memory.buffer, o.byteOffset, o.length))
      : outputs;
    const [, dLoc, dU, dE, dT] = views as Float32Array[];
    const S = (i: number, j: number) => sums[i * d + j]!;
    for (let j = 0; j < d; j++) {
      const s = c.scale[j]!;
      const delta = c.tail[j]!;
      const skew = c.skew[j]!;
      let gLoc: number, gScale: number, gSkew: number, gTail: number;
      if (inverse) {
        // P = (ξ, 1/s, δ, −ε, 1, 0), constant log δ − log s.
        gLoc = -S(0, j) / s;
        gScale = -S(1, j) / (s * s) - upstream / s;
        gTail = S(2, j) + upstream / delta;
        gSkew = -S(3, j);
      } else {
        // P = (0, 1, 1/δ, ε/δ, s, ξ), constant log s − log δ.
        gLoc = S(5, j);
        gScale = S(4, j) + upstream / s;
        gTail = -(S(2, j) + S(3, j) * skew) / (delta * delta) - upstream / delta;
        gSkew = S(3, j) / delta;
      }
      dLoc![j] = gLoc;
      dU![j] = gScale * c.dScale[j]!;
      dE![j] = gSkew * c.dSkew[j]!;
      dT![j] = gTail * c.dTail[j]!;
    }
  },
});

/**
 * Core's sinh-arcsinh map (`SinhArcsinh`, Jones & Pewsey 2009) as ONE kernel on tfjs's wasm
 * backend, either direction with its log-det, and its backward pass as one more: on the engine's
 * SIMD module, float32 lanes with their own asinh, sinh and log cosh (assembly/sinh-arcsinh-kernels.ts),
 * instead of ~20 tfjs ops forward and their gradients on the tape (the CLI's marginal layer of a
 * table's flow). Registered for wasm only (cpu and webgl keep tfjs's ops).
 */
defineHostKernel<SinhArcsinhAttrs>({
  name: SINH_ARCSINH_KERNEL,
  backends: ['wasm'],
  outputShapes: ([x]) => [[...x!], [x![0] as number]],
  gradient: {
    saveInputs: [0, 1, 2, 3, 4],
    grad: ([dValue, dLogDet], saved, attrs) => sinhArcsinhGradKernel([dValue!, dLogDet!, ...saved], attrs),
  },
  run([x, loc, u, e, t], [value, logDet], _shapes, attrs) {
    const d = loc!.length;
    const n = d === 0 ? 0 : x!.length / d;
    const c = constrain(loc!, u!, e!, t!, attrs.minScale);
    const { params, ldConst } = formParameters(c, attrs.inverse === 1);
    const rt = runtimeFor(x!);
    if (rt) {
      const [xAt, vAt, lAt] = [x!, value!, logDet!].map((v) => v.byteOffset);
      rt.kernels.sinhArcsinh(n, d, xAt!, toScratch(rt, params, 0), vAt!, lAt!, ldConst, 1);
    } else hostForm(n, d, x!, params, ldConst, { value: value!, logDet: logDet! });
  },
});
