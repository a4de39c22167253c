// The threads' all-reduce in one host pass: the same bits as summing the outputs in float32 in thread
// order and clipping with clipByGlobalNorm's kernel (the reduction before it), every weight of
// every variable included, and a shard's gradients written where the reduction reads them.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import { clipByGlobalNorm } from './clip.js';
import { reduceShards, writeShard } from './replica-reduce.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Seeded floats in [-scale, scale). */
function noise(n: number, seed: number, scale: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return scale * (2 * (state / 2 ** 32) - 1);
  });
}

/** The reduction as it was: Σ_k share_k·output_k in float32 in thread order, then clipByGlobalNorm. */
function reference(
  outputs: readonly Float32Array[],
  shares: readonly number[],
  variables: readonly tf.Variable[],
  clipNorm: number | undefined,
): { loss: number; norm: number; clipped: Float32Array[] } {
  const total = variables.reduce((n, v) => n + v.size, 0);
  const sum = new Float32Array(total);
  let loss = 0;
  outputs.forEach((output, k) => {
    const share = shares[k] as number;
    if (share === 0) return;
    loss += (output[0] as number) * share;
    for (let i = 0; i < total; i++) sum[i] = (sum[i] as number) + (output[i + 1] as number) * share;
  });
  return tf.tidy(() => {
    const grads: tf.NamedTensorMap = {};
    let offset = 0;
    for (const v of variables) {
      grads[v.name] = tf.tensor(sum.slice(offset, offset + v.size), v.shape);
      offset += v.size;
    }
    const { clipped, globalNorm } = clipByGlobalNorm(grads, clipNorm);
    return {
      loss: tf.scalar(loss).dataSync()[0] as number,
      norm: globalNorm.dataSync()[0] as number,
      clipped: variables.map((v) => (clipped[v.name] as tf.Tensor).dataSync() as Float32Array),
    };
  });
}

describe('reduceShards', () => {
  const variables = [
    tf.variable(tf.zeros([7, 5]), true, 'w0'),
    tf.variable(tf.zeros([5]), true, 'b0'),
    tf.variable(tf.zeros([5, 3]), true, 'w1'),
  ];
  const total = variables.reduce((n, v) => n + v.size, 0);

  for (const [threads, shares] of [
    [2, [0.5, 0.5]],
    [2, [100 / 256, 156 / 256]],
    [3, [85 / 256, 0, 171 / 256]],
    [3, [85 / 256, 85 / 256, 86 / 256]],
  ] as const)
    for (const clipNorm of [undefined, 0.5, 1e6])
      test(`${threads} threads, shares ${shares.map((s) => s.toFixed(3)).join('/')}, clipNorm ${clipNorm}: the same bits as before, every weight`, () => {
        const outputs = Array.from({ length: threads }, (_, k) => noise(1 + total, 11 + k, 1 + k));
        const expected = reference(outputs, shares, variables, clipNorm);
        const scratch = new Float32Array(total).fill(NaN);
        const before = tf.memory().numTensors;
        tf.tidy(() => {
          const got = reduceShards(outputs, shares, variables, clipNorm, scratch);
          expect(got.loss).toBe(expected.loss);
          expect(got.norm).toBe(expected.norm);
          variables.forEach((v, i) => {
            const values = (got.clipped[v.name] as tf.Tensor).dataSync();
            // every element compared, so a reduction that skips a slice of the vector fails
            expect(Array.from(values)).toEqual(Array.from(expected.clipped[i] as Float32Array));
          });
        });
        expect(tf.memory().numTensors).toBe(before);
        if (clipNorm === 0.5) expect(expected.norm).toBeGreaterThan(0.5); // the clipping case clips
      });

  test('a non-finite gradient gives a non-finite norm (the divergence guard sees it)', () => {
    const outputs = [noise(1 + total, 3, 1), noise(1 + total, 4, 1)];
    (outputs[1] as Float32Array)[7] = NaN;
    tf.tidy(() => {
      const got = reduceShards(outputs, [0.5, 0.5], variables, undefined, new Float32Array(total));
      expect(Number.isNaN(got.norm)).toBe(true);
    });
  });

  test("writeShard lays out the loss and each variable's gradient (zeros where the loss does not reach)", () => {
    const output = new Float32Array(1 + total).fill(-9);
    tf.tidy(() => {
      const grads = {
        w0: tf.fill([7, 5], 2),
        w1: tf.fill([5, 3], 3),
      };
      writeShard(output, tf.scalar(1.25), grads, variables);
    });
    expect(output[0]).toBe(1.25);
    expect(Array.from(output.subarray(1, 36))).toEqual(Array(35).fill(2));
    expect(Array.from(output.subarray(36, 41))).toEqual(Array(5).fill(0));
    expect(Array.from(output.subarray(41))).toEqual(Array(15).fill(3));
  });
});
