import * as tf from '@tensorflow/tfjs-core';
import type { Flow } from '@bijective/core';
import { positiveOption, type ParsedArgs } from './args.js';
import { encodePng } from './png.js';
import type { SavedModel } from './saved-model.js';

/** `--temperature T` (default 1), at most 10. */
export function temperatureOption(args: ParsedArgs): number {
  return positiveOption(args, 'temperature', 10) ?? 1;
}

/**
 * `n` samples x = f(T·z), z ~ base (Glow's reduced-temperature sampling, Kingma & Dhariwal 2018 §5:
 * for a standard normal base, latents from N(0, T²)); T = 1 is ordinary sampling. A context (one
 * row, or one per sample) conditions a conditional model.
 */
export function sampleAtTemperature(
  flow: Flow,
  n: number,
  seed: number,
  temperature: number,
  context?: tf.Tensor,
): Float32Array {
  const samples = tf.tidy(() => {
    const rows = context && context.shape[0] === 1 ? tf.tile(context, [n, 1]) : context;
    return temperature === 1
      ? flow.sample(n, { seed, ...(rows ? { context: rows } : {}) })
      : flow.bijector.forward(tf.mul(flow.base.sample(n, { seed }), temperature), { context: rows });
  });
  const values = samples.dataSync() as Float32Array;
  samples.dispose();
  return values;
}

/** The image shape `[h, w, c]` of a model trained on images (recorded by `train`; square grey otherwise), or null. */
export function modelImageShape(model: SavedModel): [number, number, number] | null {
  if (model.levels === null) return null;
  const shape = model.metadata.eventShape;
  if (Array.isArray(shape) && (shape.length === 2 || shape.length === 3)) {
    const [h, w, c = 1] = shape as number[];
    return [h as number, w as number, c];
  }
  const side = Math.round(Math.sqrt(model.dims));
  return side * side === model.dims && model.dims > 1 ? [side, side, 1] : null;
}

/**
 * One PNG of `n` images (values in [0, 1], row-major `[n, h, w, c]`; grey for c = 1, else the first
 * three channels as RGB) in a grid of `cols` columns with a 2-pixel white border between tiles.
 */
export function imageGridPng(
  values: Float32Array,
  n: number,
  [h, w, c]: [number, number, number],
  cols: number,
): Buffer {
  const rows = Math.ceil(n / cols);
  const gap = 2;
  const width = cols * (w + gap) + gap;
  const height = rows * (h + gap) + gap;
  const pixels = new Uint8Array(width * height * 3).fill(255);
  const byte = (v: number) => Math.round(255 * Math.min(1, Math.max(0, v)));
  for (let k = 0; k < n; k++) {
    const [top, left] = [gap + Math.floor(k / cols) * (h + gap), gap + (k % cols) * (w + gap)];
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) {
        const src = ((k * h + i) * w + j) * c;
        const dst = ((top + i) * width + left + j) * 3;
        for (let ch = 0; ch < 3; ch++) pixels[dst + ch] = byte(values[src + (c >= 3 ? ch : 0)] as number);
      }
  }
  return encodePng({ width, height, pixels });
}

/** One-hot rows `[n, classes]` for `labels` (class-conditional models' context). */
export function oneHotRows(labels: ArrayLike<number>, classes: number): tf.Tensor2D {
  const data = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) data[i * classes + (labels[i] as number)] = 1;
  return tf.tensor2d(data, [labels.length, classes]);
}
