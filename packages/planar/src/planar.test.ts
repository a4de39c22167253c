import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import { OptionError, ShapeError, ValueError, createBijector, hostRng } from '@bijective/core';
import { RootFindError } from './errors.js';
import { Planar } from './planar.js';
import { Radial } from './radial.js';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Sets θ (the `[K, P]` raw parameters) of a stack. */
function setTheta(flow: Planar | Radial, values: number[][]): void {
  (flow.variables[0] as tf.Variable).assign(tf.tensor2d(values));
}

/** The largest |a − b| of two tensors. */
function maxGap(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

describe('planar', () => {
  test('wᵀû > −1 for any (u, w): layers with wᵀu ≪ −1 stay invertible and round-trip', () => {
    const flow = new Planar({ eventShape: [2], layers: 2, seed: 1 });
    // wᵀu = −6 and −3: the raw layers would fold the plane; û makes them invertible (1 + wᵀû =
    // softplus(wᵀu) = 0.0025 and 0.049: steep but monotone).
    setTheta(flow, [
      [-1.5, -1.5, 2, 2, 0.3],
      [1, 2, -1, -1, -0.5],
    ]);
    const x = tf.randomNormal([500, 2], 0, 3, 'float32', 2);
    const { value: y, logDet } = flow.forwardAndLogDet(x);
    Array.from(logDet.dataSync()).forEach((v) => expect(Number.isFinite(v)).toBe(true));
    const { value: back, logDet: inverseLogDet } = flow.inverseAndLogDet(y);
    expect(maxGap(back, x)).toBeLessThan(1e-3);
    // Where the layer's slope is 0.0025, y's float32 rounding (~1e-7·|wᵀy|) reaches α amplified
    // 400x, and d log S/dα ≈ 2α/S: log-dets agree to ~5e-3 there, as float32 allows.
    expect(maxGap(tf.neg(inverseLogDet), logDet)).toBeLessThan(2e-2);
    flow.dispose();
  });

  test('inverts inputs far outside the training range (|y| up to 1e4) and extreme parameters', () => {
    const flow = new Planar({ eventShape: [3], layers: 4, seed: 3 });
    const y = tf.mul(tf.randomNormal([64, 3], 0, 1, 'float32', 4), tf.tensor1d([1e4, 1, 1e2]));
    const back = flow.forward(flow.inverse(y));
    expect(
      tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(back, y)), tf.add(1, tf.abs(y)))).dataSync()[0]),
    ).toBeLessThan(1e-5);
    flow.dispose();
  });

  test('the inverse carries exact parameter gradients (implicit function theorem): matches central differences', () => {
    const flow = new Planar({ eventShape: [2], layers: 3, seed: 5 });
    const y = tf.tensor2d([
      [0.3, -1.2],
      [2, 0.5],
      [-1, -1],
    ]);
    const projection = tf.tensor2d([
      [0.7, -0.2],
      [0.1, 0.9],
      [-0.4, 0.3],
    ]);
    const objective = () =>
      tf.tidy(() => {
        const { value, logDet } = flow.inverseAndLogDet(y);
        return tf.add(tf.sum(tf.mul(value, projection)), tf.sum(logDet)) as tf.Scalar;
      });
    const theta = flow.variables[0] as tf.Variable;
    const { grads } = tf.variableGrads(objective, [theta]);
    const analytic = grads[theta.name]!.dataSync();
    const values = theta.dataSync().slice();
    const h = 1e-2;
    values.forEach((v, i) => {
      const shifted = (delta: number) => {
        const copy = values.slice();
        copy[i] = v + delta;
        theta.assign(tf.tensor(copy, theta.shape));
        return objective().dataSync()[0] as number;
      };
      const numeric = (shifted(h) - shifted(-h)) / (2 * h);
      expect(Math.abs((analytic[i] as number) - numeric)).toBeLessThan(2e-3 * (1 + Math.abs(numeric)));
    });
    flow.dispose();
  });

  test('a NaN input is a ValueError naming the row; an unsolvable layer a RootFindError', () => {
    const flow = new Planar({ eventShape: [2], layers: 2, seed: 6 });
    expect(() =>
      flow.inverse(
        tf.tensor2d([
          [0, 0],
          [NaN, 1],
        ]),
      ),
    ).toThrow(ValueError);
    expect(() =>
      flow.inverse(
        tf.tensor2d([
          [0, 0],
          [NaN, 1],
        ]),
      ),
    ).toThrow(/planar inverse: row 1 holds a NaN/);
    // θ = ±Infinity makes û NaN: the solve has no bracket and says which layer and row failed.
    setTheta(flow, [
      [0.1, 0.2, 0.3, 0.4, 0],
      [Infinity, 0.2, 0.3, 0.4, 0],
    ]);
    expect(() => flow.inverse(tf.tensor2d([[1, 2]]))).toThrow(RootFindError);
    expect(() => flow.inverse(tf.tensor2d([[1, 2]]))).toThrow(/layer 1 failed at row 0/);
    flow.dispose();
  });

  test('options are checked; configs rebuild the same flow with the seed drawn', () => {
    expect(() => new Planar({ eventShape: [2, 2] })).toThrow(ShapeError);
    expect(() => new Planar({ eventShape: [2], layers: 0 })).toThrow(/'layers' must be an integer >= 1/);
    expect(() => new Planar({ eventShape: [2], width: 3 } as never)).toThrow(OptionError);
    expect(() => new Planar({ eventShape: [2], hidden: [] })).toThrow(/'hidden' must be a non-empty list/);
    const flow = new Planar({ eventShape: [2], layers: 3, contextShape: [2], hidden: [4] });
    const config = JSON.parse(JSON.stringify(flow.getConfig()));
    expect(config.options).toMatchObject({
      eventShape: [2],
      layers: 3,
      contextShape: [2],
      hidden: [4],
      activation: 'relu',
    });
    expect(Number.isInteger(config.options.seed)).toBe(true);
    const again = createBijector(config);
    expect(again.variables.map((v) => Array.from(v.dataSync()))).toEqual(
      flow.variables.map((v) => Array.from(v.dataSync())),
    );
    expect(flow.hasAnalyticInverse).toBe(false);
    expect(flow.fastDirection).toBe('forward');
    expect(() => flow.forward(tf.zeros([2, 2]))).toThrow(/needs a context of shape \[batch, 2\]/);
    flow.dispose();
    again.dispose();
  });

  test('a conditional flow starts at its unconditional parameters and then depends on the context', () => {
    const plain = new Planar({ eventShape: [2], layers: 2, seed: 8 });
    const conditional = new Planar({ eventShape: [2], layers: 2, seed: 8, contextShape: [3], hidden: [4] });
    const x = tf.randomNormal([4, 2], 0, 1, 'float32', 9);
    const context = tf.randomNormal([4, 3], 0, 1, 'float32', 10);
    expect(maxGap(conditional.forward(x, { context }), plain.forward(x))).toBe(0);
    const output = conditional.variables.at(-2) as tf.Variable;
    output.assign(tf.randomNormal(output.shape, 0, 0.5, 'float32', 11));
    const y1 = conditional.forward(x, { context });
    const y2 = conditional.forward(x, { context: tf.neg(context) });
    expect(maxGap(y1, y2)).toBeGreaterThan(1e-2);
    expect(maxGap(conditional.inverse(y1, { context }), x)).toBeLessThan(1e-4);
    plain.dispose();
    conditional.dispose();
  });
});

describe('radial', () => {
  test('the numerical radius equals the closed-form root of r² + (α + β − r_y) r − α r_y = 0', () => {
    const flow = new Radial({ eventShape: [3], layers: 1, seed: 1 });
    // z0 = (0.5, −1, 2), α = softplus(0.3), γ = softplus(−1.5), so β = γ − α < 0 (a contraction).
    setTheta(flow, [[0.5, -1, 2, 0.3, -1.5]]);
    const softplus = (v: number) => Math.log1p(Math.exp(v));
    const alpha = softplus(0.3);
    const beta = softplus(-1.5) - alpha;
    const rng = hostRng(2);
    const rows = Array.from({ length: 50 }, () => [0.5, -1, 2].map((c) => c + 4 * rng.normal()));
    const z = flow.inverse(tf.tensor2d(rows)).arraySync() as number[][];
    rows.forEach((row, i) => {
      const ry = Math.hypot(row[0]! - 0.5, row[1]! + 1, row[2]! - 2);
      const b = alpha + beta - ry;
      // The positive root of r² + b r − α r_y, in the form without cancellation.
      const r =
        b >= 0
          ? (2 * alpha * ry) / (b + Math.sqrt(b * b + 4 * alpha * ry))
          : (-b + Math.sqrt(b * b + 4 * alpha * ry)) / 2;
      expect(Math.hypot(z[i]![0]! - 0.5, z[i]![1]! + 1, z[i]![2]! - 2)).toBeCloseTo(r, 4);
    });
    flow.dispose();
  });

  test('β ≥ −α for any raw parameters: strong contractions stay invertible, including y = z0', () => {
    const flow = new Radial({ eventShape: [2], layers: 2, seed: 3 });
    // Layer 0 contracts near z0 = (1, 1) by γ/α ≈ 0.014 (α = softplus(1), γ = softplus(−4)); layer 1 expands.
    setTheta(flow, [
      [1, 1, 1, -4],
      [0, 0, -2, 8],
    ]);
    const x = tf.concat([tf.randomNormal([200, 2], 0, 2, 'float32', 4), tf.tensor2d([[1, 1]])]);
    const { value: y, logDet } = flow.forwardAndLogDet(x);
    const { value: back, logDet: inverseLogDet } = flow.inverseAndLogDet(y);
    expect(maxGap(back, x)).toBeLessThan(1e-3);
    // A contraction by 0.014 amplifies y's float32 rounding 70x on the way back (as for planar above).
    expect(maxGap(tf.neg(inverseLogDet), logDet)).toBeLessThan(2e-2);
    flow.dispose();
  });
});
