/**
 * Shader versions of packages/spline's `Bijective.Spline.Apply` and `Bijective.Spline.Grad` (the
 * rational-quadratic spline of NSF, Durkan et al. 2019), forward and inverse, with and without the
 * cache, registered by kernel name (this package does not import @bijective/spline). Each output is
 * one program whose elements each redo their spline element's softmaxes and bin search (K exps and
 * a K-step walk: cheap next to a read-back). The cache is written in the host loop's layout, so
 * either side's grad reads either side's cache (a host fallback stays correct).
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { HostKernelBackendCall, HostKernelBackendImplementation } from '@bijective/engine';
import { columnSums, onUnpackedInputs, runFlat } from './program.js';
import { splineGlsl, splineWidths, type SplineAttrs } from './spline-glsl.js';

/** n and d of u `[n, d]`, the call's first input. */
function rowsOf(call: HostKernelBackendCall): [number, number] {
  return (call.inputs[0] as tf.TensorInfo).shape as [number, number];
}

/** GLSL of u's element i in `[n, d]`: its row r, slot k in B (-1 off B) and value v. */
function elementAt(d: number): string {
  return `int r = i / ${d};
  int k = slotOf(i - r * ${d});
  float v = getU(i);`;
}

/**
 * (u, raw) -> (value `[n, d]`, logDet `[n]`[, cache `[n, (2K + 7)·|B|]`]): y = y_k + h_k·R(θ) with
 * log-slope 2 log s + log S - 2 log D (inverse x = x_k + θ·w_k, minus it); identity outside [-B, B].
 */
export const splineApply: HostKernelBackendImplementation = (call) =>
  onUnpackedInputs(call, (backend, inputs) => {
    const attrs = call.attrs as SplineAttrs;
    const [n, d] = rowsOf(call);
    const { m, heads, cache: stored } = splineWidths(attrs);
    const helpers = splineGlsl(attrs, false);
    const names = ['u', 'raw'];
    const value = runFlat(backend, inputs, {
      names,
      size: n * d,
      helpers,
      body: `${elementAt(d)}
  if (k < 0 || !spInside(v)) { setOutput(v); return; }
  spLoad(r, k);
  spLocate(v);
  spEvaluate();
  setOutput(${attrs.inverse ? 'spXk + spTheta * spWk' : 'spYk + spHk * spRatio'});`,
    });
    const logDet = runFlat(backend, inputs, {
      names,
      size: n,
      helpers,
      body: `float sum = 0.0;
  for (int k = 0; k < ${m}; k++) {
    float v = getU(i * ${d} + columnOf(k));
    if (!spInside(v)) continue;
    spLoad(i, k);
    spLocate(v);
    spEvaluate();
    sum += spLogSlope;
  }
  setOutput(${attrs.inverse ? '-sum' : 'sum'});`,
    });
    const outputs = [{ ...value, shape: [n, d] }, logDet];
    if (!attrs.cache) return outputs;
    const cache = runFlat(backend, inputs, {
      names,
      size: n * stored,
      helpers,
      body: `int r = i / ${stored};
  int k = (i - r * ${stored}) / ${heads};
  int h = i - r * ${stored} - k * ${heads};
  float v = getU(r * ${d} + columnOf(k));
  if (!spInside(v)) { setOutput(0.0); return; }
  spAt(r, k);
  if (h < ${attrs.bins}) { spSoftmaxX(); setOutput(spPx(h)); return; }
  if (h < ${2 * attrs.bins}) { spSoftmaxY(); setOutput(spPy(h - ${attrs.bins})); return; }
  spSoftmaxX();
  spSoftmaxY();
  spLocate(v);
  float result = 0.0;
  if (h == ${2 * attrs.bins}) result = float(spK);
  else if (h == ${2 * attrs.bins + 1}) result = spTheta;
  else if (h == ${2 * attrs.bins + 2}) result = spClipped ? 1.0 : 0.0;
  else if (h == ${2 * attrs.bins + 3}) result = spD0;
  else if (h == ${2 * attrs.bins + 4}) result = spD1;
  else if (h == ${2 * attrs.bins + 5}) result = spSlope0;
  else result = spSlope1;
  setOutput(result);`,
    });
    return [...outputs, { ...cache, shape: [n, stored] }];
  });

/**
 * (u, raw, ∂L/∂value[, cache][, ∂L/∂logDet]) -> (∂L/∂u `[n, d]`, ∂L/∂raw `[n, (3K - 1)·|B|]`, its
 * column sums): the host loop's backward (θ, s, δ's partials, the knots' softmax adjoint, the
 * derivatives' sigmoid), from the cache when given (no softmax recomputed: p read back from it).
 */
export const splineGrad: HostKernelBackendImplementation = (call) =>
  onUnpackedInputs(call, (backend, inputs) => {
    const attrs = call.attrs as SplineAttrs;
    const [n, d] = rowsOf(call);
    const { m, raw: width, heads, cache: stored } = splineWidths(attrs);
    const K = attrs.bins;
    const names = ['u', 'raw', 'dv', ...(attrs.cache ? ['cache'] : [])];
    if (call.inputs.length > names.length) names.push('dl');
    const helpers = splineGlsl(attrs, attrs.cache);
    // The element of row r, slot k at u's index `at` located (from the cache or raw) and differentiated.
    const state = (r: string, k: string) =>
      attrs.cache
        ? `spRestore(${r} * ${stored} + ${k} * ${heads});`
        : `spLoad(${r}, ${k});
  spLocate(v);`;
    const gl = names.includes('dl') ? 'getDl(r)' : '0.0';
    const du = runFlat(backend, inputs, {
      names,
      size: n * d,
      helpers,
      body: `${elementAt(d)}
  float g = getDv(i);
  if (k < 0 || !spInside(v)) { setOutput(g); return; }
  ${state('r', 'k')}
  setOutput(spBackward(g, ${gl}));`,
    });
    const dRaw = runFlat(backend, inputs, {
      names,
      size: n * width,
      helpers,
      body: `int r = i / ${width};
  int h = (i - r * ${width}) / ${m};
  int k = i - r * ${width} - h * ${m};
  int at = r * ${d} + columnOf(k);
  float v = getU(at);
  if (!spInside(v)) { setOutput(0.0); return; }
  ${state('r', 'k')}
  spBackward(getDv(at), ${gl});
  if (h < ${2 * K}) { setOutput(spKnotsGrad(h < ${K} ? h : h - ${K}, h >= ${K})); return; }
  int j = h - ${2 * K};
  setOutput(j == spK - 1 ? spDD0 * spSlope0 : j == spK ? spDD1 * spSlope1 : 0.0);`,
    });
    const sums = columnSums(backend, dRaw, n, width);
    return [{ ...du, shape: [n, d] }, { ...dRaw, shape: [n, width] }, sums];
  });
