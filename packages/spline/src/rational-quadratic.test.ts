// The rational-quadratic spline: a float64 host reference (values and central-difference log-slopes),
// round trips, bin edges, all-tail batches, the inverse's quadratic root, gradients on cpu and wasm, leaks.
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/engine/gradients';
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { OptionError, ShapeError, hostRng } from '@bijective/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { binEdges, identityDerivativeLogit } from './parameters.js';
import { rationalQuadraticSpline } from './rational-quadratic.js';

const K = 5;
const B = 2;
const MIN = 1e-3;

/** Random unnormalised parameters for n elements: widths, heights `[n, K]`, derivatives `[n, K - 1]`. */
function params(n: number, seed: number, scale = 1.5): { w: number[][]; h: number[][]; d: number[][] } {
  const rng = hostRng(seed);
  const rows = (cols: number) =>
    Array.from({ length: n }, () => Array.from({ length: cols }, () => scale * rng.normal()));
  return { w: rows(K), h: rows(K), d: rows(K - 1) };
}

/** Float64 host reference g(x) of one element (knots by cumulative sums, linear bin search). */
function reference(x: number, w: number[], h: number[], u: number[]): number {
  if (Math.abs(x) > B) return x;
  const knots = (logits: number[]) => {
    const m = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - m));
    const total = e.reduce((a, b) => a + b, 0);
    const sizes = e.map((v) => 2 * B * (MIN + (1 - K * MIN) * (v / total)));
    const edges = [-B];
    for (const s of sizes) edges.push((edges[edges.length - 1] as number) + s);
    return edges;
  };
  const xs = knots(w);
  const ys = knots(h);
  const ds = [1, ...u.map((v) => MIN + Math.log1p(Math.exp(v))), 1];
  let k = 0;
  while (k < K - 1 && x > (xs[k + 1] as number)) k++;
  const [x0, x1, y0, y1] = [xs[k]!, xs[k + 1]!, ys[k]!, ys[k + 1]!];
  const [d0, d1] = [ds[k]!, ds[k + 1]!];
  const s = (y1 - y0) / (x1 - x0);
  const t = (x - x0) / (x1 - x0);
  return y0 + ((y1 - y0) * (s * t * t + d0 * t * (1 - t))) / (s + (d1 + d0 - 2 * s) * t * (1 - t));
}

function run(x: number[], p: ReturnType<typeof params>, inverse = false) {
  return tf.tidy(() => {
    const r = rationalQuadraticSpline(tf.tensor1d(x), tf.tensor2d(p.w), tf.tensor2d(p.h), tf.tensor2d(p.d), {
      bound: B,
      inverse,
    });
    return { value: Array.from(r.value.dataSync()), logDet: Array.from(r.logDet.dataSync()) };
  });
}

const allFinite = (values: number[]) => values.every(Number.isFinite);

describe('rationalQuadraticSpline (cpu)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  test('values match a float64 host reference and log-slopes match its central differences', () => {
    const n = 200;
    const rng = hostRng(1);
    const x = Array.from({ length: n }, () => (2 * rng.uniform() - 1) * (B + 0.5));
    const p = params(n, 2);
    const { value, logDet } = run(x, p);
    for (let i = 0; i < n; i++) {
      const [w, h, d] = [p.w[i]!, p.h[i]!, p.d[i]!];
      expect(value[i]).toBeCloseTo(reference(x[i]!, w, h, d), 4);
      const e = 1e-6;
      const lo = Math.max(x[i]! - e, -B);
      const hi = Math.min(x[i]! + e, B);
      const fd = Math.abs(x[i]!) > B ? 1 : (reference(hi, w, h, d) - reference(lo, w, h, d)) / (hi - lo);
      expect(logDet[i]).toBeCloseTo(Math.log(fd), 3);
    }
  });

  test('the inverse undoes the forward and its log-slope is the negative', () => {
    const n = 300;
    const rng = hostRng(3);
    const x = Array.from({ length: n }, () => (2 * rng.uniform() - 1) * (B + 1));
    const p = params(n, 4, 3);
    const forward = run(x, p);
    const back = run(forward.value, p, true);
    const atBack = run(back.value, p);
    for (let i = 0; i < n; i++) {
      // float32 rounding of y is amplified by the inverse's slope 1/g'(x) on steep bins.
      const slack = 2e-5 * Math.max(1, Math.exp(-forward.logDet[i]!));
      expect(Math.abs(back.value[i]! - x[i]!)).toBeLessThan(slack);
      expect(back.logDet[i]! + atBack.logDet[i]!).toBeCloseTo(0, 3);
      if (Math.abs(forward.logDet[i]!) < 2) expect(back.logDet[i]! + forward.logDet[i]!).toBeCloseTo(0, 3);
    }
  });

  test('inputs exactly at the knots and at ±B map to the knots, with finite log-slopes, both ways', () => {
    const n = 20;
    const p = params(n, 5);
    const edges = (logits: number[][]) =>
      tf.tidy(() => {
        const e = binEdges(tf.tensor2d(logits), B, MIN);
        return { left: e.left.arraySync(), size: e.size.arraySync() };
      });
    const xs = edges(p.w);
    const ys = edges(p.h);
    for (let k = 0; k < K; k++) {
      const at = (e: typeof xs) => Array.from({ length: n }, (_, i) => e.left[i]![k]!);
      const forward = run(at(xs), p);
      const inverse = run(at(ys), p, true);
      expect(allFinite([...forward.value, ...forward.logDet, ...inverse.value, ...inverse.logDet])).toBe(
        true,
      );
      for (let i = 0; i < n; i++) {
        expect(forward.value[i]).toBeCloseTo(ys.left[i]![k]!, 4);
        expect(inverse.value[i]).toBeCloseTo(xs.left[i]![k]!, 4);
      }
    }
    for (const edge of [-B, B]) {
      const forward = run(new Array<number>(n).fill(edge), p);
      const inverse = run(new Array<number>(n).fill(edge), p, true);
      for (const r of [forward, inverse]) {
        expect(allFinite([...r.value, ...r.logDet])).toBe(true);
        for (const v of r.value) expect(v).toBeCloseTo(edge, 4);
      }
    }
  });

  test('a batch entirely in the tails is the identity with zero log-slope and finite gradients', () => {
    const x = [-1e6, -B - 1e-3, B + 1e-3, 7, 1e6, -50];
    const p = params(x.length, 6, 5);
    for (const inverse of [false, true]) {
      const r = run(x, p, inverse);
      expect(r.value).toEqual(x.map((v) => Math.fround(v)));
      expect(r.logDet.every((v) => v === 0)).toBe(true);
    }
    const grads = tf.tidy(() => {
      const g = tf.grads((w: tf.Tensor, h: tf.Tensor, d: tf.Tensor, input: tf.Tensor) => {
        const r = rationalQuadraticSpline(input, w, h, d, { bound: B });
        return tf.add(tf.sum(r.value), tf.sum(r.logDet));
      });
      return g([tf.tensor2d(p.w), tf.tensor2d(p.h), tf.tensor2d(p.d), tf.tensor1d(x)]).map((t) =>
        Array.from(t.dataSync()),
      );
    });
    for (const g of grads) expect(allFinite(g)).toBe(true);
    expect(grads[3]).toEqual(x.map(() => 1));
  });

  test("the inverse's root is finite for linear bins (a = 0) and for extreme parameters", () => {
    const n = 50;
    const rng = hostRng(7);
    const y = Array.from({ length: n }, () => (2 * rng.uniform() - 1) * B);
    const u0 = identityDerivativeLogit(MIN);
    const linear = {
      w: y.map(() => new Array<number>(K).fill(0)),
      h: y.map(() => new Array<number>(K).fill(0)),
      d: y.map(() => new Array<number>(K - 1).fill(u0)),
    };
    const identity = run(y, linear, true);
    for (let i = 0; i < n; i++) {
      expect(identity.value[i]).toBeCloseTo(y[i]!, 5);
      expect(identity.logDet[i]).toBeCloseTo(0, 5);
    }
    const extreme = params(n, 8, 30);
    const back = run(y, extreme, true);
    expect(allFinite([...back.value, ...back.logDet])).toBe(true);
    const again = run(back.value, extreme);
    expect(allFinite([...again.value, ...again.logDet])).toBe(true);
    for (let i = 0; i < n; i++) expect(again.value[i]).toBeCloseTo(y[i]!, 2);
  });

  test('bad shapes and options throw named errors, and nothing leaks', () => {
    const p = params(3, 9);
    const x = tf.tensor1d([0, 1, 2]);
    const [w, h, d] = [tf.tensor2d(p.w), tf.tensor2d(p.h), tf.tensor2d(p.d)];
    expect(() => rationalQuadraticSpline(x, w, h, w)).toThrow(ShapeError);
    expect(() => rationalQuadraticSpline(x, w, h, d, { bound: 0 })).toThrow(OptionError);
    expect(() => rationalQuadraticSpline(x, w, h, d, { minBinSize: 0.5 })).toThrow(OptionError);
    const before = tf.memory().numTensors;
    const r = rationalQuadraticSpline(x, w, h, d, { inverse: true });
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([r.value, r.logDet, x, w, h, d]);
  });
});

for (const backend of ['cpu', 'wasm']) {
  describe(`rationalQuadraticSpline gradients (${backend})`, () => {
    let previous = 'cpu';
    beforeAll(async () => {
      previous = tf.getBackend();
      await tf.setBackend(backend);
    });
    afterAll(async () => {
      await tf.setBackend(previous);
    });

    test('gradients reach every parameter and the input in both directions, knots included', () => {
      const n = 40;
      const rng = hostRng(10);
      const x = Array.from({ length: n }, () => (2 * rng.uniform() - 1) * B);
      x[0] = -B;
      x[1] = B;
      const p = params(n, 11);
      for (const inverse of [false, true]) {
        const grads = tf.tidy(() => {
          const g = tf.grads((w: tf.Tensor, h: tf.Tensor, d: tf.Tensor, input: tf.Tensor) => {
            const r = rationalQuadraticSpline(input, w, h, d, { bound: B, inverse });
            return tf.add(tf.sum(tf.square(r.value)), tf.sum(r.logDet));
          });
          return g([tf.tensor2d(p.w), tf.tensor2d(p.h), tf.tensor2d(p.d), tf.tensor1d(x)]).map((t) =>
            Array.from(t.dataSync()),
          );
        });
        for (const g of grads) {
          expect(allFinite(g)).toBe(true);
          expect(g.some((v) => Math.abs(v) > 1e-6)).toBe(true);
        }
        // Inside [-B, B] the input gradient d/dx (g(x)² + log g'(x)) is nonzero almost surely.
        expect(grads[3]!.slice(2).every((v) => Math.abs(v) > 0)).toBe(true);
      }
    });
  });
}
