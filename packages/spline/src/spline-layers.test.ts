// The coupling and autoregressive spline layers, which run the host-kernel spline transform (the
// coupling inside core's fused op), against the same layers recomputed with the tfjs-op spline from
// their own weights (this pins the conditioner output layouts): values, log-dets, variable gradients.
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/engine/gradients';
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { madeMasks, type HostMask } from '@bijective/engine';
import { hostRng, type Bijector, type ValueAndLogDet } from '@bijective/core';
import type { ParameterLayout } from '@bijective/engine';
import { beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_MIN_DERIVATIVE, identityDerivativeLogit } from './parameters.js';
import { rationalQuadraticSpline } from './rational-quadratic.js';
import { SplineAutoregressive } from './spline-autoregressive.js';
import { SplineCoupling } from './spline-coupling.js';

const [N, D, K, BOUND] = [16, 5, 4, 2];
const WIDTH = 3 * K - 1;

/** The tfjs-op spline of x `[m]` with per-element parameter rows `[m, 3K - 1]` (widths, heights, derivatives). */
function splineRows(x: tf.Tensor, rows: tf.Tensor, inverse: boolean) {
  const heads = (from: number, count: number) => tf.slice(rows, [0, from], [-1, count]);
  const derivatives = tf.add(heads(2 * K, K - 1), identityDerivativeLogit(DEFAULT_MIN_DERIVATIVE));
  return rationalQuadraticSpline(x, heads(0, K), heads(K, K), derivatives, { bound: BOUND, inverse });
}

/** SplineCoupling recomputed from its θ with plain tfjs ops: the conditioner's output column p·|B| + k is parameter p of B's k-th element. */
function couplingReference(layer: SplineCoupling, x: tf.Tensor2D, inverse: boolean): ValueAndLogDet {
  const a = Math.ceil(D / 2);
  const xA = tf.slice(x, [0, 0], [-1, a]);
  const xB = tf.slice(x, [0, a], [-1, D - a]);
  const { kernels, biases } = (layer.layouts[0] as ParameterLayout).weights(
    layer.parameters[0] as tf.Tensor1D,
  );
  let h: tf.Tensor2D = xA;
  kernels.forEach((k, l) => {
    const z = tf.add(tf.matMul(h, k), biases[l] as tf.Tensor1D) as tf.Tensor2D;
    h = l < kernels.length - 1 ? tf.relu(z) : z;
  });
  const rows = tf.reshape(tf.transpose(tf.reshape(h, [N, WIDTH, D - a]), [0, 2, 1]), [-1, WIDTH]);
  const r = splineRows(tf.reshape(xB, [-1]), rows, inverse);
  return {
    value: tf.concat([xA, tf.reshape(r.value, [N, D - a])], 1),
    logDet: tf.sum(tf.reshape(r.logDet, [N, D - a]), 1),
  };
}

/** SplineAutoregressive recomputed from its θ and the MADE masks: column p·d + i is parameter p of dimension i. */
function autoregressiveReference(
  layer: SplineAutoregressive,
  x: tf.Tensor2D,
  inverse: boolean,
): ValueAndLogDet {
  const { kernels, biases } = (layer.layouts[0] as ParameterLayout).weights(
    layer.parameters[0] as tf.Tensor1D,
  );
  const masks = madeMasks(layer.degrees, [8], WIDTH, false);
  const made = (v: tf.Tensor2D) => {
    let h = v;
    kernels.forEach((k, l) => {
      const m = masks[l] as HostMask;
      const masked = tf.mul(k, tf.tensor2d(m.values, [m.rows, m.cols]));
      const z = tf.add(tf.matMul(h, masked), biases[l] as tf.Tensor1D) as tf.Tensor2D;
      h = l < kernels.length - 1 ? tf.relu(z) : z;
    });
    return h;
  };
  const pass = (conditioning: tf.Tensor2D) => {
    const raw = tf.reshape(made(conditioning), [N, WIDTH, D]);
    const r = splineRows(tf.reshape(x, [-1]), tf.reshape(tf.transpose(raw, [0, 2, 1]), [-1, WIDTH]), inverse);
    return {
      value: tf.reshape(r.value, [N, D]) as tf.Tensor2D,
      logDet: tf.sum(tf.reshape(r.logDet, [N, D]), 1),
    };
  };
  if (inverse) return pass(x);
  let result = pass(tf.zerosLike(x));
  for (let k = 1; k < D; k++) result = pass(result.value);
  return result;
}

/** Values, log-dets and the variables' gradients of Σ w ⊙ value + Σ logDet, flattened. */
function run(bijector: Bijector, map: (x: tf.Tensor2D) => ValueAndLogDet, x: tf.Tensor2D, w: tf.Tensor2D) {
  return tf.tidy(() => {
    const out = map(x);
    const { grads } = tf.variableGrads(() => {
      const r = map(x);
      return tf.add(tf.sum(tf.mul(r.value, w)), tf.sum(r.logDet)) as tf.Scalar;
    }, bijector.variables as tf.Variable[]);
    const flat = bijector.variables.map((v) => (grads[v.name] as tf.Tensor).dataSync());
    return [out.value.dataSync(), out.logDet.dataSync(), ...flat];
  }) as unknown as Float32Array[];
}

for (const backend of ['cpu', 'wasm']) {
  describe(`spline layers on the host-kernel transform (${backend})`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });

    const options = { eventShape: [D], hidden: [8], bins: K, bound: BOUND, identityInit: false, seed: 5 };
    const layers = [
      {
        name: 'spline-coupling',
        build: () => new SplineCoupling(options),
        reference: (l: Bijector, x: tf.Tensor2D, inverse: boolean) =>
          couplingReference(l as SplineCoupling, x, inverse),
      },
      {
        name: 'spline-autoregressive',
        build: () => new SplineAutoregressive({ ...options, order: [2, 5, 1, 4, 3] }),
        reference: (l: Bijector, x: tf.Tensor2D, inverse: boolean) =>
          autoregressiveReference(l as SplineAutoregressive, x, inverse),
      },
    ];

    for (const { name, build, reference } of layers) {
      test(`${name}: both directions equal the tfjs-op recomputation, gradients included`, () => {
        const layer = build();
        const rng = hostRng(7);
        const x = tf.tensor2d(
          Array.from({ length: N }, () => Array.from({ length: D }, () => 1.5 * BOUND * rng.normal())),
        );
        const w = tf.tensor2d(Array.from({ length: N }, () => Array.from({ length: D }, () => rng.normal())));
        for (const inverse of [false, true]) {
          const actual = run(
            layer,
            (u) => (inverse ? layer.inverseAndLogDet(u) : layer.forwardAndLogDet(u)),
            x,
            w,
          );
          const expected = run(layer, (u) => reference(layer, u, inverse), x, w);
          expect(actual.length).toBe(expected.length);
          actual.forEach((values, i) => {
            const e = expected[i] as Float32Array;
            const scale = Math.max(1, ...Array.from(e, Math.abs));
            values.forEach((v, j) => expect(Math.abs(v - (e[j] as number))).toBeLessThan(2e-4 * scale));
          });
        }
        tf.dispose([x, w]);
        layer.dispose();
      });
    }
  });
}
