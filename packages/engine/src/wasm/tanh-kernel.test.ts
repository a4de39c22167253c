// The wasm SIMD module's tanh in place against Math.tanh, and its three paths (16 floats per
// iteration, single vectors, single floats) against each other bit for bit, on lengths that end in
// each of them.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { beforeAll, describe, expect, test } from 'vitest';
import { simdRuntime, type SimdRuntime } from './simd-runtime.js';

let rt: SimdRuntime;
beforeAll(async () => {
  await tf.setBackend('wasm');
  const runtime = simdRuntime(tf.backend());
  if (!runtime) throw new Error('no wasm SIMD runtime');
  rt = runtime;
});

/** tanh in place over `values` (copied to the heap in blocks of `block` floats), read back. */
function tanhOnHeap(values: Float32Array, block: number): Float32Array {
  const at = rt.heap.malloc(4 * values.length);
  try {
    new Float32Array(rt.heap.memory.buffer, at, values.length).set(values);
    for (let i = 0; i < values.length; i += block)
      rt.kernels.tanhInPlace(Math.min(block, values.length - i), at + 4 * i, 1);
    return new Float32Array(rt.heap.memory.buffer, at, values.length).slice();
  } finally {
    rt.heap.free(at);
  }
}

describe('wasm SIMD tanh in place', () => {
  test.each([1, 3, 4, 15, 16, 17, 35, 37, 64, 16384 + 7])(
    'agrees with Math.tanh and, bit for bit, with its vector and scalar paths: %i floats',
    (count) => {
      const values = new Float32Array(count);
      for (let i = 0; i < count; i++) values[i] = 12 * Math.sin(1.7 * i + 0.3) * Math.cos(0.13 * i);
      if (count > 3) values.set([0, -0, 9.5], 0);
      const whole = tanhOnHeap(values, count);
      const byVectors = tanhOnHeap(values, 4);
      const byFloats = tanhOnHeap(values, 1);
      let worst = 0;
      const differing: string[] = [];
      for (let i = 0; i < count; i++) {
        if (!Object.is(whole[i], byVectors[i]) || !Object.is(whole[i], byFloats[i]))
          differing.push(`${i}: ${whole[i]} / ${byVectors[i]} / ${byFloats[i]}`);
        worst = Math.max(worst, Math.abs(whole[i]! - Math.tanh(values[i]!)));
      }
      expect(differing).toEqual([]);
      expect(worst).toBeLessThan(3e-7);
    },
  );
});
