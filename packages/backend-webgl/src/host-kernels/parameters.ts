/**
 * Shader versions of the engine's θ layout kernels, `Bijective.SplitParameters` (θ -> kernel₁
 * (⊙ M₁), bias₁, ...) and `Bijective.ConcatParameters` (their adjoint), as in
 * packages/engine/src/fused/parameter-layout.ts. The masks (MADE) come as an attribute; each
 * distinct mask list is uploaded once per backend and freed with it.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { HostKernelBackendImplementation } from '@bijective/engine';
import { MAX_PROGRAM_INPUTS, runFlat, webglBackend } from './program.js';

type LayoutAttrs = { widths: readonly number[]; masks: readonly number[] };

/** Each piece of θ: its shape, offset in θ and offset of its mask in the concatenated masks (or null). */
interface Piece {
  shape: number[];
  size: number;
  offset: number;
  mask: number | null;
}

/** The pieces of a layout, as the host kernels lay them out. */
function pieces({ widths, masks }: LayoutAttrs): Piece[] {
  let offset = 0;
  let maskOffset = 0;
  return widths.slice(1).flatMap((out, i) => {
    const rows = widths[i] as number;
    const kernel: Piece = {
      shape: [rows, out],
      size: rows * out,
      offset,
      mask: masks.length > 0 ? maskOffset : null,
    };
    maskOffset += rows * out;
    const bias: Piece = { shape: [out], size: out, offset: offset + rows * out, mask: null };
    offset += (rows + 1) * out;
    return [kernel, bias];
  });
}

/** The uploaded masks per backend and mask list (the layout passes the same list on every call). */
const uploaded = new WeakMap<object, WeakMap<readonly number[], tf.TensorInfo>>();
const release = new FinalizationRegistry<{ backend: MathBackendWebGL; info: tf.TensorInfo }>(
  ({ backend, info }) => {
    if (!(backend as unknown as { disposed?: boolean }).disposed) backend.disposeData(info.dataId, true);
  },
);

/** The masks as a texture of `backend` (made once per list; freed when the list is). */
function maskTexture(backend: MathBackendWebGL, masks: readonly number[]): tf.TensorInfo {
  let perBackend = uploaded.get(backend);
  if (!perBackend) uploaded.set(backend, (perBackend = new WeakMap()));
  let info = perBackend.get(masks);
  if (!info) {
    info = backend.makeTensorInfo([masks.length], 'float32', Float32Array.from(masks));
    perBackend.set(masks, info);
    release.register(masks, { backend, info });
  }
  return info;
}

/**
 * θ `[size]` -> kernel₁ (⊙ M₁), bias₁, ...: an unmasked piece is tfjs's own slice of θ (on an
 * unpacked θ a view of its texture, no program), a masked kernel one program.
 */
export const splitParameters: HostKernelBackendImplementation = (call) => {
  const backend = webglBackend(call);
  if (!backend) return call.fallback();
  const attrs = call.attrs as unknown as LayoutAttrs;
  const theta = call.inputs[0] as tf.TensorInfo;
  const mask = attrs.masks.length > 0 ? maskTexture(backend, attrs.masks) : null;
  const slice = tf.getKernel('Slice', 'webgl')?.kernelFunc;
  return pieces(attrs).map((p) => {
    const out =
      p.mask === null || mask === null
        ? slice
          ? (slice({
              inputs: { x: theta },
              backend,
              attrs: { begin: [p.offset], size: [p.size] },
            }) as tf.TensorInfo)
          : runFlat(backend, [theta], {
              names: ['theta'],
              size: p.size,
              body: `setOutput(getTheta(${p.offset} + i));`,
            })
        : runFlat(backend, [theta, mask], {
            names: ['theta', 'mask'],
            size: p.size,
            body: `setOutput(getTheta(${p.offset} + i) * getMask(${p.mask} + i));`,
          });
    return { ...out, shape: p.shape };
  });
};

/** A part of a flat concatenation: its data and the offset of its mask, or null. */
interface Part {
  info: tf.TensorInfo;
  size: number;
  mask: number | null;
}

/** The parts laid end to end `[Σ size]` (⊙ their masks), in programs of at most MAX_PROGRAM_INPUTS inputs. */
function concatFlat(
  backend: MathBackendWebGL,
  parts: readonly Part[],
  mask: tf.TensorInfo | null,
): tf.TensorInfo {
  const limit = MAX_PROGRAM_INPUTS - 1;
  if (parts.length > limit) {
    const groups: Part[] = [];
    const temps: tf.TensorInfo[] = [];
    for (let k = 0; k < parts.length; k += limit) {
      const group = parts.slice(k, k + limit);
      const info = concatFlat(backend, group, mask);
      temps.push(info);
      groups.push({ info, size: group.reduce((n, p) => n + p.size, 0), mask: null });
    }
    const out = concatFlat(backend, groups, null);
    for (const t of temps) backend.disposeIntermediateTensorInfo(t);
    return out;
  }
  const masked = mask !== null && parts.some((p) => p.mask !== null);
  let end = 0;
  const body = parts
    .map((p, k) => {
      const start = end;
      end += p.size;
      const value = `getP${k}(i - ${start})`;
      return `if (i < ${end}) { setOutput(${p.mask !== null && masked ? `${value} * getMask(${p.mask} + i - ${start})` : value}); return; }`;
    })
    .join('\n  ');
  return runFlat(backend, [...parts.map((p) => p.info), ...(masked ? [mask] : [])], {
    names: [...parts.map((_, k) => `p${k}`), ...(masked ? ['mask'] : [])],
    size: end,
    body: `${body}\n  setOutput(0.0);`,
  });
}

/** kernel₁, bias₁, ... -> θ `[size]` (kernel gradients ⊙ their masks). */
export const concatParameters: HostKernelBackendImplementation = (call) => {
  const backend = webglBackend(call);
  if (!backend) return call.fallback();
  const attrs = call.attrs as unknown as LayoutAttrs;
  const layout = pieces(attrs);
  if (layout.length !== call.inputs.length) return call.fallback();
  const mask = attrs.masks.length > 0 ? maskTexture(backend, attrs.masks) : null;
  const parts = call.inputs.map((info, k) => ({
    info,
    size: (layout[k] as Piece).size,
    mask: (layout[k] as Piece).mask,
  }));
  return [concatFlat(backend, parts, mask)];
};
