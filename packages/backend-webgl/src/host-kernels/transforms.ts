/**
 * Shader versions of the engine's affine (RealNVP, MAF) and additive (NICE) transform kernels:
 * `Bijective.Affine`/`AffineGrad`, `Bijective.Additive`/`AdditiveGrad`. Same arithmetic as their
 * host loops (packages/engine/src/fused/affine-transform.ts, additive-transform.ts) in float32.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { HostKernelBackendCall, HostKernelBackendImplementation } from '@bijective/engine';
import {
  alias,
  columnLookups,
  columnSums,
  glslFloat,
  onUnpackedInputs,
  runFlat,
  webglBackend,
} from './program.js';

type TransformAttrs = { columns: readonly number[]; inverse: boolean; bound?: number };

/** n, d, |B| of a transform call. */
function dims(call: HostKernelBackendCall): { n: number; d: number; b: number } {
  const [n, d] = (call.inputs[0] as tf.TensorInfo).shape as [number, number];
  return { n, d, b: (call.attrs as TransformAttrs).columns.length };
}

/** s = c·tanh(ŝ/c) with the tanh written out stably (GLSL ES 1 has none); th = tanh(ŝ/c) as well. */
const BOUNDED = `float tanhOf(float v) {
  float e = exp(-2.0 * abs(v));
  return sign(v) * (1.0 - e) / (1.0 + e);
}
`;

/** (u, raw) -> (value, logDet): y = x e^s + t, log-det Σ s (inverse: (x - t) e^{-s}, -Σ s). */
export const affineApply: HostKernelBackendImplementation = (call) =>
  onUnpackedInputs(call, (backend, inputs) => {
    const { columns, inverse, bound } = call.attrs as TransformAttrs & { bound: number };
    const { n, d, b } = dims(call);
    const helpers = `${BOUNDED}${columnLookups(columns)}`;
    const c = glslFloat(bound);
    const value = runFlat(backend, inputs, {
      names: ['u', 'raw'],
      size: n * d,
      helpers,
      body: `int r = i / ${d};
  int k = slotOf(i - r * ${d});
  float x = getU(i);
  if (k < 0) { setOutput(x); return; }
  float s = ${c} * tanhOf(getRaw(r * ${2 * b} + k) / ${c});
  float t = getRaw(r * ${2 * b} + ${b} + k);
  setOutput(${inverse ? '(x - t) * exp(-s)' : 'x * exp(s) + t'});`,
    });
    const logDet = runFlat(backend, [inputs[1] as tf.TensorInfo], {
      names: ['raw'],
      size: n,
      helpers,
      body: `float sum = 0.0;
  for (int k = 0; k < ${b}; k++) sum += ${c} * tanhOf(getRaw(i * ${2 * b} + k) / ${c});
  setOutput(${inverse ? '-sum' : 'sum'});`,
    });
    return [{ ...value, shape: [n, d] }, logDet];
  });

/** (u, raw, dValue, dLogDet) -> (du, dRaw, dRawSums) of the affine map, as its host loop. */
export const affineGrad: HostKernelBackendImplementation = (call) =>
  onUnpackedInputs(call, (backend, inputs) => {
    const { columns, inverse, bound } = call.attrs as TransformAttrs & { bound: number };
    const { n, d, b } = dims(call);
    const helpers = `${BOUNDED}${columnLookups(columns)}`;
    const c = glslFloat(bound);
    const sign = inverse ? '-' : '';
    const du = runFlat(backend, [inputs[1], inputs[2]] as tf.TensorInfo[], {
      names: ['raw', 'dv'],
      size: n * d,
      helpers,
      body: `int r = i / ${d};
  int k = slotOf(i - r * ${d});
  float g = getDv(i);
  if (k < 0) { setOutput(g); return; }
  float s = ${c} * tanhOf(getRaw(r * ${2 * b} + k) / ${c});
  setOutput(g * exp(${sign}s));`,
    });
    const dRaw = runFlat(backend, inputs, {
      names: ['u', 'raw', 'dv', 'dl'],
      size: n * 2 * b,
      helpers,
      body: `int r = i / ${2 * b};
  int j = i - r * ${2 * b};
  int k = j < ${b} ? j : j - ${b};
  int at = r * ${d} + columnOf(k);
  float th = tanhOf(getRaw(r * ${2 * b} + k) / ${c});
  float s = ${c} * th;
  float t = getRaw(r * ${2 * b} + ${b} + k);
  float x = getU(at);
  float g = getDv(at);
  float e = exp(${sign}s);
  if (j >= ${b}) { setOutput(${inverse ? '-g * e' : 'g'}); return; }
  float dl = getDl(r);
  float dS = ${inverse ? '-g * (x - t) * e - dl' : 'g * x * e + dl'};
  setOutput(dS * (1.0 - th * th));`,
    });
    const sums = columnSums(backend, dRaw, n, 2 * b);
    return [{ ...du, shape: [n, d] }, { ...dRaw, shape: [n, 2 * b] }, sums];
  });

/** (u, raw) -> value: y = x + t (inverse x - t). */
export const additiveApply: HostKernelBackendImplementation = (call) => {
  const backend = webglBackend(call);
  if (!backend) return call.fallback();
  const { columns, inverse } = call.attrs as TransformAttrs;
  const { n, d, b } = dims(call);
  const value = runFlat(backend, call.inputs, {
    names: ['u', 'raw'],
    size: n * d,
    helpers: columnLookups(columns),
    body: `int r = i / ${d};
  int k = slotOf(i - r * ${d});
  float x = getU(i);
  if (k < 0) { setOutput(x); return; }
  setOutput(x ${inverse ? '-' : '+'} getRaw(r * ${b} + k));`,
  });
  return [{ ...value, shape: [n, d] }];
};

/** (u, raw, dValue) -> (du = dValue, dRaw, dRawSums) of the additive map. */
export const additiveGrad: HostKernelBackendImplementation = (call) => {
  const backend = webglBackend(call);
  if (!backend) return call.fallback();
  const { columns, inverse } = call.attrs as TransformAttrs;
  const { n, d, b } = dims(call);
  const dv = call.inputs[2] as tf.TensorInfo;
  const dRaw = runFlat(backend, [dv], {
    names: ['dv'],
    size: n * b,
    helpers: columnLookups(columns),
    body: `int r = i / ${b};
  float g = getDv(r * ${d} + columnOf(i - r * ${b}));
  setOutput(${inverse ? '-g' : 'g'});`,
  });
  return [alias(backend, dv), { ...dRaw, shape: [n, b] }, columnSums(backend, dRaw, n, b)];
};
