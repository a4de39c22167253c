/**
 * GLSL of one element of the rational-quadratic spline (Durkan et al. 2019) for the shader versions
 * of `Bijective.Spline.Apply`/`Grad` (spline.ts): the two softmaxes with their maxima subtracted,
 * the bin search walking the knots, the knot derivatives' softplus, θ (the inverse's root in the
 * cancellation-free form), the log-slope as a sum of logs and the backward pass, in float32, as
 * packages/spline's host loops (host-spline.ts, host-knots.ts, host-rational-quadratic.ts) in float64.
 * The cache layout is the host's (`HostSpline.save`): per element 2K softmax values, then k, θ,
 * whether θ was clipped, δ_k, δ_{k+1} and their slopes, so either side may read the other's cache.
 * @module
 * @internal
 */
import { columnLookups, glslFloat } from './program.js';

/** The attributes of a spline kernel call (packages/spline's `SplineKernelAttrs`, read by name). */
export type SplineAttrs = {
  bins: number;
  bound: number;
  minBinSize: number;
  minDerivative: number;
  columns: readonly number[];
  inverse: boolean;
  cache: boolean;
};

/** The scalars per cached element after its 2K softmax values (k, θ, clipped, δ_k, δ_{k+1} and their slopes). @internal */
const CACHE_SCALARS = 7;

/** Row widths of a call: |B|, raw (3K - 1)·|B|, cache heads 2K + 7 per element and the cache row. @internal */
export function splineWidths(attrs: SplineAttrs): { m: number; raw: number; heads: number; cache: number } {
  const m = attrs.columns.length;
  const heads = 2 * attrs.bins + CACHE_SCALARS;
  return { m, raw: (3 * attrs.bins - 1) * m, heads, cache: heads * m };
}

/**
 * The GLSL helpers of one call: `spLoad(r, k)` (the element of row r, slot k: both softmaxes into
 * arrays; `spAt` and `spSoftmaxX`/`Y` one at a time), `spLocate(v)` (its bin, knots, derivatives
 * and θ), or with `fromCache` `spRestore(base)` (the state from the cache input at `base`); then
 * `spEvaluate()` (R, ℓ), `spBackward(gv, gl)` (∂L/∂v and the partials of the bin's knots and
 * derivatives) and `spKnotsGrad(j, yAxis)` (∂L/∂logit_j).
 * @internal
 */
export function splineGlsl(attrs: SplineAttrs, fromCache: boolean): string {
  const { bins: K, bound, minBinSize, minDerivative, inverse } = attrs;
  const { m, raw: W } = splineWidths(attrs);
  const f = (x: number) => `(${glslFloat(x)})`;
  const span = 2 * bound;
  const scale = 1 - K * minBinSize;
  const floor = f(span * minBinSize);
  const share = f(span * scale);
  const offset = f(Math.log(Math.expm1(1 - minDerivative)));
  const probability = fromCache
    ? `float spPx(int j) { return getCache(spCBase + j); }
float spPy(int j) { return getCache(spCBase + ${K} + j); }`
    : `float spPx(int j) { return spPX[j]; }
float spPy(int j) { return spPY[j]; }`;
  // p = softmax of the K logits from raw head \`first\` into spP<axis>, the maximum subtracted.
  const softmax = (axis: string, first: number) => `void spSoftmax${axis}() {
  float top = spRaw(${first});
  spP${axis}[0] = top;
  for (int j = 1; j < ${K}; j++) {
    spP${axis}[j] = spRaw(${first} + j);
    top = max(top, spP${axis}[j]);
  }
  float sum = 0.0;
  for (int j = 0; j < ${K}; j++) {
    spP${axis}[j] = exp(spP${axis}[j] - top);
    sum += spP${axis}[j];
  }
  float norm = 1.0 / sum;
  for (int j = 0; j < ${K}; j++) spP${axis}[j] *= norm;
}
`;
  const restore = fromCache
    ? `void spRestore(int base) {
  spCBase = base;
  spK = int(getCache(base + ${2 * K}) + 0.5);
  spTheta = getCache(base + ${2 * K + 1});
  spClipped = getCache(base + ${2 * K + 2}) == 1.0;
  spD0 = getCache(base + ${2 * K + 3});
  spD1 = getCache(base + ${2 * K + 4});
  spSlope0 = getCache(base + ${2 * K + 5});
  spSlope1 = getCache(base + ${2 * K + 6});
  spWk = spSize(spPx(spK));
  spHk = spSize(spPy(spK));
  spS = spHk / spWk;
}
`
    : '';
  return `${columnLookups(attrs.columns)}
int spBase; int spCBase;
float spPX[${K}]; float spPY[${K}];
int spK; float spTheta; bool spClipped;
float spXk; float spWk; float spYk; float spHk; float spS;
float spD0; float spD1; float spSlope0; float spSlope1;
float spRatio; float spLogSlope;
float spDXk; float spDWk; float spDYk; float spDHk; float spDD0; float spDD1;
bool spInside(float v) { return abs(v) <= ${f(bound)}; }
float spRaw(int h) { return getRaw(spBase + h * ${m}); }
${probability}
float spSize(float p) { return ${floor} + ${share} * p; }
float spLog1p(float x) {
  float u = 1.0 + x;
  return u == 1.0 ? x : log(u) * x / (u - 1.0);
}
${softmax('X', 0)}${softmax('Y', K)}void spAt(int r, int k) { spBase = r * ${W} + k; }
void spLoad(int r, int k) {
  spAt(r, k);
  spSoftmaxX();
  spSoftmaxY();
}
void spKnot(int j, out float delta, out float slope) {
  float z = spRaw(${2 * K - 1} + j) + ${offset};
  float e = exp(-abs(z));
  delta = ${f(minDerivative)} + max(z, 0.0) + spLog1p(e);
  slope = (z >= 0.0 ? 1.0 : e) / (1.0 + e);
}
float spRoot(float eta, float h, float s, float d0, float d1) {
  float curvature = d0 + d1 - 2.0 * s;
  float a = h * (s - d0) + eta * curvature;
  float b = h * d0 - eta * curvature;
  float c = -s * eta;
  float den = -b - sqrt(max(b * b - 4.0 * a * c, 0.0));
  return 2.0 * c / min(den, -1e-37);
}
void spLocate(float v) {
  float xk = ${f(-bound)};
  float yk = xk;
  float wk = spSize(spPx(0));
  float hk = spSize(spPy(0));
  int k = 0;
  for (int j = 0; j < ${K - 1}; j++) {
    if (!(${inverse ? 'yk + hk' : 'xk + wk'} < v)) break;
    xk += wk;
    yk += hk;
    k++;
    wk = spSize(spPx(k));
    hk = spSize(spPy(k));
  }
  spK = k; spXk = xk; spWk = wk; spYk = yk; spHk = hk; spS = hk / wk;
  spD0 = 1.0; spSlope0 = 0.0; spD1 = 1.0; spSlope1 = 0.0;
  if (k > 0) spKnot(k, spD0, spSlope0);
  if (k < ${K - 1}) spKnot(k + 1, spD1, spSlope1);
  float t = ${inverse ? 'spRoot(v - yk, hk, spS, spD0, spD1)' : '(v - xk) / wk'};
  spClipped = !(t >= 0.0 && t <= 1.0);
  spTheta = spClipped ? (t > 1.0 ? 1.0 : 0.0) : t;
}
${restore}float spMixed; float spDen; float spNum; float spSlope;
void spEvaluate() {
  float rest = 1.0 - spTheta;
  spMixed = spTheta * rest;
  spDen = spS + (spD0 + spD1 - 2.0 * spS) * spMixed;
  spNum = spS * spTheta * spTheta + spD0 * spMixed;
  spSlope = spD1 * spTheta * spTheta + 2.0 * spS * spMixed + spD0 * rest * rest;
  spRatio = spNum / spDen;
  spLogSlope = 2.0 * log(spS) + log(spSlope) - 2.0 * log(spDen);
}
float spBackward(float gv, float gl) {
  spEvaluate();
  float theta = spTheta; float s = spS; float d0 = spD0; float d1 = spD1;
  float rest = 1.0 - theta;
  float mixed = spMixed; float den = spDen; float num = spNum; float slope = spSlope;
  float invDen = 1.0 / den;
  float invDen2 = invDen * invDen;
  float invSlope = 1.0 / slope;
  float twist = 1.0 - 2.0 * mixed;
  float twoMixedDen = 2.0 * mixed * invDen;
  float rTheta = s * slope * invDen2;
  float rS = (theta * theta * den - num * twist) * invDen2;
  float rD0 = mixed * (den - num) * invDen2;
  float rD1 = -num * mixed * invDen2;
  float lTheta = 2.0 * (d1 * theta + s * (1.0 - 2.0 * theta) - d0 * rest) * invSlope
    - 2.0 * (d0 + d1 - 2.0 * s) * (1.0 - 2.0 * theta) * invDen;
  float lS = 2.0 / s + 2.0 * mixed * invSlope - 2.0 * twist * invDen;
  float lD0 = rest * rest * invSlope - twoMixedDen;
  float lD1 = theta * theta * invSlope - twoMixedDen;
  float dv; float dS;
${
  inverse
    ? `  float t = spClipped ? 0.0 : (gv * spWk - gl * lTheta) / (spHk * rTheta);
  float th = t * spHk;
  dv = t;
  spDXk = gv;
  spDWk = gv * theta;
  spDYk = -t;
  spDHk = -t * spRatio;
  dS = -gl * lS - th * rS;
  spDD0 = -gl * lD0 - th * rD0;
  spDD1 = -gl * lD1 - th * rD1;`
    : `  float dTheta = spClipped ? 0.0 : gv * spHk * rTheta + gl * lTheta;
  float gh = gv * spHk;
  dv = dTheta / spWk;
  spDXk = -dv;
  spDWk = -dv * theta;
  spDYk = gv;
  spDHk = gv * spRatio;
  dS = gh * rS + gl * lS;
  spDD0 = gh * rD0 + gl * lD0;
  spDD1 = gh * rD1 + gl * lD1;`
}
  float dSw = dS / spWk;
  spDHk += dSw;
  spDWk -= dSw * s;
  return dv;
}
float spP(int j, bool yAxis) { return yAxis ? spPy(j) : spPx(j); }
float spKnotsGrad(int j, bool yAxis) {
  float gLeft = ${f(span)} * (yAxis ? spDYk : spDXk);
  float gSize = ${f(span)} * (yAxis ? spDHk : spDWk);
  float below = 0.0;
  for (int i = 0; i < ${K}; i++) {
    if (i >= spK) break;
    below += spP(i, yAxis);
  }
  float pk = spP(spK, yAxis);
  float mean = gLeft * below + gSize * pk;
  if (j == spK) return pk * ${f(scale)} * (gSize - mean);
  return spP(j, yAxis) * ${f(scale)} * (j < spK ? gLeft - mean : -mean);
}
`;
}
