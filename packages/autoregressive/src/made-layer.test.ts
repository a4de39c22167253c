// madeLayer: the MADE-masked fused layer spec for any elementwise map. Its conditioner has the exact
// autoregressive property for every head (here 3 heads, as a spline's 3K − 1 would be), the context
// reaches every column, widths and θ follow core's layout; and the masked affine layer built on it
// agrees with plain tfjs autodiff (fused density pass) and differentiates through its d-pass direction.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import '@tensorflow/tfjs-backend-cpu';
import { hostRng } from '@bijective/core';
import { ParameterLayout, TransformOp, affineTransform, type ElementwiseTransform } from '@bijective/engine';
import { beforeAll, describe, expect, test } from 'vitest';
import { inputDegrees, madeLayer, maskedNetwork } from '@bijective/engine';
import { MaskedAffineAutoregressive } from './masked-affine.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const normals = (shape: [number, number], seed: number) => {
  const rng = hostRng(seed);
  return tf.tensor2d(
    Array.from({ length: shape[0] * shape[1] }, () => rng.normal()),
    shape,
  );
};

const maxDiff = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);

/** A three-head map (only its head count is read here). */
const threeHeads: ElementwiseTransform = { ...affineTransform(2), heads: 3 };

describe('madeLayer', () => {
  test('widths, columns, θ layout and identity start', () => {
    const degrees = inputDegrees(4, 'reversed');
    const built = madeLayer({
      degrees,
      hidden: [8, 6],
      contextSize: 2,
      activation: 'tanh',
      transform: threeHeads,
      identityInit: true,
      seed: 1,
    });
    expect(built.widths).toEqual([6, 8, 6, 12]);
    expect(built.spec.columns).toEqual([0, 1, 2, 3]);
    expect(built.spec.inputRows).toBe(4);
    // One mask per kernel, for the layout: the first covers the context rows too (all ones there).
    expect(built.masks?.map((m) => m.length)).toEqual([6 * 8, 8 * 6, 6 * 12]);
    expect(Array.from(built.masks?.[0] ?? []).slice(4 * 8)).toEqual(Array(2 * 8).fill(1));
    const layout = new ParameterLayout(built.widths);
    expect(built.initial).toHaveLength(layout.size);
    // The output kernel and bias (the last 6·12 + 12 scalars) start at zero.
    expect(built.initial.slice(-(6 * 12 + 12)).every((v) => v === 0)).toBe(true);
  });

  test('autoregressive property of every head, with the context reaching every column', () => {
    const d = 5;
    const degrees = inputDegrees(d, 'random', 3);
    const built = madeLayer({
      degrees,
      hidden: [12, 10],
      contextSize: 2,
      activation: 'tanh',
      transform: threeHeads,
      identityInit: false,
      seed: 2,
    });
    const layout = new ParameterLayout(built.widths, built.masks);
    const theta = tf.tensor1d(built.initial);
    const x = normals([1, d], 4);
    const c = normals([1, 2], 5);
    const [du, dc] = tf.tidy(() => {
      const network = maskedNetwork(built.spec, layout.weights(theta), false);
      const rows = Array.from({ length: 3 * d }, (_, col) =>
        tf
          .grads((u: tf.Tensor, ctx: tf.Tensor) =>
            tf.sum(tf.slice(network(u as tf.Tensor2D, ctx as tf.Tensor2D), [0, col], [1, 1])),
          )([x, c])
          .map((g) => Array.from(g.dataSync())),
      );
      return [rows.map((r) => r[0]!), rows.map((r) => r[1]!)];
    });
    let connected = 0;
    du.forEach((row, col) => {
      const k = col % d;
      row.forEach((v, j) => {
        if ((degrees[j] as number) >= (degrees[k] as number)) expect(v, `∂raw[${col}]/∂x[${j}]`).toBe(0);
        else if (v !== 0) connected++;
      });
      // Through the hidden units of degree 0, even the first dimension in the order reads the context.
      expect(
        dc[col]!.some((v) => v !== 0),
        `∂raw[${col}]/∂c`,
      ).toBe(true);
    });
    expect(connected).toBeGreaterThan(0);
    tf.dispose([theta, x, c]);
  });

  test('the fused density pass and its gradients equal plain tfjs autodiff of the same layer', () => {
    const options = { eventShape: [3], hidden: [16, 16], contextShape: [2], identityInit: false, seed: 7 };
    const layer = new MaskedAffineAutoregressive({ ...options, order: 'random' });
    const built = madeLayer({
      degrees: layer.degrees,
      hidden: [16, 16],
      contextSize: 2,
      activation: 'relu',
      transform: affineTransform(2),
      identityInit: false,
      seed: 7,
    });
    const op = new TransformOp(affineTransform(2), 3);
    const theta = layer.variables[0] as tf.Variable;
    expect(Array.from(theta.dataSync())).toEqual(Array.from(built.initial));
    const x = normals([6, 3], 8);
    const c = normals([6, 2], 9);
    const w = normals([6, 3], 10);
    const nll = (value: tf.Tensor, logDet: tf.Tensor) =>
      tf.add(tf.sum(tf.mul(value, w)), tf.sum(logDet)) as tf.Scalar;
    const fused = tf.variableGrads(() => {
      const out = layer.inverseAndLogDet(x, { context: c });
      return nll(out.value, out.logDet);
    }, [theta]);
    const plain = tf.variableGrads(() => {
      const network = maskedNetwork(
        built.spec,
        layer.layouts[0]!.weights(theta as tf.Tensor as tf.Tensor1D),
        false,
      );
      const out = op.apply('inverse', x, network(x, c), built.spec.columns);
      return nll(out.value, out.logDet!);
    }, [theta]);
    expect(Math.abs(fused.value.dataSync()[0]! - plain.value.dataSync()[0]!)).toBeLessThan(1e-4);
    expect(maxDiff(fused.grads[theta.name]!, plain.grads[theta.name]!)).toBeLessThan(1e-4);
    tf.dispose([
      x,
      c,
      w,
      fused.value,
      plain.value,
      ...Object.values(fused.grads),
      ...Object.values(plain.grads),
    ]);
    op.dispose();
    layer.dispose();
  });

  test('the d-pass direction is differentiable: inverse(forward(z)) = z has zero θ-gradient', () => {
    for (const fastDirection of ['inverse', 'forward'] as const) {
      const layer = new MaskedAffineAutoregressive({
        eventShape: [4],
        hidden: [16],
        fastDirection,
        identityInit: false,
        seed: 3,
      });
      const theta = layer.variables[0] as tf.Variable;
      const z = normals([5, 4], 11);
      const w = normals([5, 4], 12);
      // The slow direction alone depends on θ; composed with the fast one the dependence cancels.
      const slow = fastDirection === 'inverse' ? 'forward' : 'inverse';
      const there = tf.variableGrads(() => tf.sum(tf.mul(layer[slow](z), w)) as tf.Scalar, [theta]);
      const back = tf.variableGrads(() => {
        const moved = layer[slow](z);
        return tf.sum(
          tf.mul(fastDirection === 'inverse' ? layer.inverse(moved) : layer.forward(moved), w),
        ) as tf.Scalar;
      }, [theta]);
      const size = tf.tidy(() => tf.max(tf.abs(there.grads[theta.name]!)).dataSync()[0] as number);
      expect(size).toBeGreaterThan(1e-2);
      expect(maxDiff(back.grads[theta.name]!, tf.zerosLike(theta))).toBeLessThan(1e-4 * Math.max(1, size));
      tf.dispose([
        z,
        w,
        there.value,
        back.value,
        ...Object.values(there.grads),
        ...Object.values(back.grads),
      ]);
      layer.dispose();
    }
  });
});
