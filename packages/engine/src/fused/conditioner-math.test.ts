// layerForward / layerBackward with a transform that keeps a cache: asked for one only when the
// caller will run the backward, the cache rides at the end of the saved list to `grad`, and the gradients equal
// those of the same layer without it; nothing leaks.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import '../tfjs/gradients.js';
import { affineTransform } from './affine-transform.js';
import { CONDITIONER_ACTIVATIONS } from './conditioner-activation.js';
import { layerBackward, layerForward, type LayerSpec, type LayerWeights } from './conditioner-math.js';
import type { ElementwiseTransform } from './elementwise-transform.js';
import { IDENTITY_KERNEL_MAP } from './kernel-map.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The affine map, keeping raw + 1 as its "cache" and recording what `apply` was asked and `grad` got. */
function cachingAffine(log: { asked: boolean[]; got: (tf.Tensor | undefined)[] }): ElementwiseTransform {
  const inner = affineTransform(2);
  return {
    heads: inner.heads,
    hasLogDet: inner.hasLogDet,
    apply(direction, u, raw, columns, withCache) {
      log.asked.push(withCache === true);
      const out = inner.apply(direction, u, raw, columns);
      return withCache ? { ...out, cache: tf.add(raw, 1) } : out;
    },
    grad(direction, u, raw, columns, dValue, dLogDet, cache) {
      log.got.push(cache);
      if (cache) expect(tf.max(tf.abs(tf.sub(cache, tf.add(raw, 1)))).dataSync()[0]).toBe(0);
      return inner.grad(direction, u, raw, columns, dValue, dLogDet);
    },
  };
}

describe('layerForward and layerBackward', () => {
  test('keep the transform cache only for a backward pass and hand it to grad; same gradients', () => {
    const log = { asked: [] as boolean[], got: [] as (tf.Tensor | undefined)[] };
    const spec: LayerSpec = {
      inputMap: IDENTITY_KERNEL_MAP,
      inputRows: 3,
      kernelMaps: [IDENTITY_KERNEL_MAP],
      columns: [2, 0],
      transform: cachingAffine(log),
      activation: CONDITIONER_ACTIVATIONS.tanh,
    };
    const w: LayerWeights = {
      kernels: [tf.randomNormal([3, 8], 0, 1, 'float32', 1), tf.randomNormal([8, 4], 0, 1, 'float32', 2)],
      biases: [tf.randomNormal([8], 0, 1, 'float32', 3), tf.randomNormal([4], 0, 1, 'float32', 4)],
    } as LayerWeights;
    const u = tf.randomNormal([6, 3], 0, 1, 'float32', 5) as tf.Tensor2D;
    const dValue = tf.randomNormal([6, 3], 0, 1, 'float32', 6) as tf.Tensor2D;
    const dLogDet = tf.randomNormal([6], 0, 1, 'float32', 7) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const plain = layerForward(spec, 'forward', u, null, w, false);
      const cached = layerForward(spec, 'forward', u, null, w, true);
      expect(log.asked).toEqual([false, true]);
      expect(cached.saved.length).toBe(plain.saved.length + 1);
      const a = layerBackward(spec, 'forward', dValue, dLogDet, plain.saved, null);
      const b = layerBackward(spec, 'forward', dValue, dLogDet, cached.saved, null);
      expect(log.got[0]).toBeUndefined();
      expect(log.got[1]).toBe(cached.saved[cached.saved.length - 1]);
      const flat = (g: typeof a) => [g.du, ...g.dWeights.kernels, ...g.dWeights.biases];
      flat(a).forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(Array.from(flat(b)[i]!.dataSync())));
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([u, dValue, dLogDet, ...w.kernels, ...w.biases]);
  });
});
