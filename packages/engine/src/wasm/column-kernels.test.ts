// The wasm SIMD module's per-column scalings (a gated layer's kernel W ⊙ g and its backward pass)
// against float64 loops, on widths that end in vectors and in scalar tails.
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

const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(seed + 1.3 * i));

describe('wasm SIMD per-column scalings', () => {
  test.each([
    { rows: 64, cols: 64 },
    { rows: 2, cols: 64 },
    { rows: 64, cols: 2 },
    { rows: 7, cols: 5 },
    { rows: 3, cols: 1 },
  ])('scaleColumns and scaleColumnsGrad match float64 loops: $rows x $cols', ({ rows, cols }) => {
    const [src, scale, dstBar] = [values(rows * cols, 1), values(cols, 2), values(rows * cols, 3)];
    const floats = 3 * rows * cols + 2 * cols;
    const at = rt.heap.malloc(4 * floats);
    try {
      const heap = new Float32Array(rt.heap.memory.buffer, at, floats);
      const [srcAt, barAt, outAt, scaleAt, scaleBarAt] = [0, 1, 2, 3, 3].map(
        (k, i) => at + 4 * (k * rows * cols + (i === 4 ? cols : 0)),
      ) as [number, number, number, number, number];
      heap.set(src, 0);
      heap.set(dstBar, rows * cols);
      heap.set(scale, 3 * rows * cols);
      rt.kernels.scaleColumns(rows, cols, srcAt, scaleAt, outAt);
      const scaled = heap.slice(2 * rows * cols, 3 * rows * cols);
      rt.kernels.scaleColumnsGrad(rows, cols, barAt, srcAt, scaleAt, outAt, scaleBarAt);
      const srcBar = heap.slice(2 * rows * cols, 3 * rows * cols);
      const scaleBar = heap.slice(3 * rows * cols + cols, 3 * rows * cols + 2 * cols);
      let worst = 0;
      for (let j = 0; j < cols; j++) {
        let dot = 0;
        for (let r = 0; r < rows; r++) {
          const k = r * cols + j;
          worst = Math.max(worst, Math.abs(scaled[k]! - src[k]! * scale[j]!));
          worst = Math.max(worst, Math.abs(srcBar[k]! - dstBar[k]! * scale[j]!));
          dot += dstBar[k]! * src[k]!;
        }
        worst = Math.max(worst, Math.abs(scaleBar[j]! - dot) / Math.max(1, Math.abs(dot)));
      }
      expect(worst).toBeLessThan(1e-5);
    } finally {
      rt.heap.free(at);
    }
  });
});
