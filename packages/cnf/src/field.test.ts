// The concat-squash field: values against a float64 host implementation, and the parameter gradient
// of its Hutchinson trace (the FFJORD training signal) against float64 central differences.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { hostRng } from '@bijective/core';
import { HutchinsonTrace } from '@bijective/trace';
import { beforeAll, describe, expect, test } from 'vitest';
import { ConcatSquashField } from './field.js';
import type { FieldActivationName } from './activations.js';

const D = 2;
const HIDDEN = [6, 5];
const BATCH = 3;
const T = 0.37;

const sigma = (x: number) => 1 / (1 + Math.exp(-x));
const HOST_ACT: Record<FieldActivationName, (x: number) => number> = {
  tanh: Math.tanh,
  sigmoid: sigma,
  softplus: (x) => Math.log1p(Math.exp(x)),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  swish: (x) => x * sigma(x),
};

/** The field in float64 on the host: `params` in the order of `ConcatSquashField.variables`. */
function hostField(
  params: number[][],
  shapes: number[][],
  activation: FieldActivationName,
  zRow: number[],
  t: number,
  context: number[],
): number[] {
  const u = [t, ...context];
  const layers = params.length / 5;
  let h = zRow;
  for (let l = 0; l < layers; l++) {
    const [W, b, gK, gB, hK] = params.slice(5 * l, 5 * l + 5) as number[][];
    const out = (shapes[5 * l] as number[])[1] as number;
    const next = Array.from({ length: out }, (_, k) => {
      let pre = (b as number[])[k] as number;
      h.forEach((hi, i) => (pre += hi * ((W as number[])[i * out + k] as number)));
      let gate = (gB as number[])[k] as number;
      let shift = 0;
      u.forEach((uj, j) => {
        gate += uj * ((gK as number[])[j * out + k] as number);
        shift += uj * ((hK as number[])[j * out + k] as number);
      });
      const y = pre * sigma(gate) + shift;
      return l === layers - 1 ? y : HOST_ACT[activation](y);
    });
    h = next;
  }
  return h;
}

const rng = hostRng(77);
const z = Array.from({ length: BATCH * D }, () => rng.normal());
const probe = Array.from({ length: BATCH * D }, () => (rng.uniform() < 0.5 ? -1 : 1));

/** Σ_b e_bᵀ J_b e_b in float64, J_b e_b by central differences of the host field (step 1e-4). */
function hostEstimate(
  params: number[][],
  shapes: number[][],
  activation: FieldActivationName,
  context: number[][],
): number {
  const h = 1e-4;
  let total = 0;
  for (let b = 0; b < BATCH; b++) {
    const row = z.slice(b * D, b * D + D);
    const e = probe.slice(b * D, b * D + D);
    const shifted = (s: number) =>
      hostField(
        params,
        shapes,
        activation,
        row.map((v, i) => v + s * (e[i] as number)),
        T,
        context[b] ?? [],
      );
    const up = shifted(h);
    const down = shifted(-h);
    e.forEach((ei, i) => (total += (ei * ((up[i] as number) - (down[i] as number))) / (2 * h)));
  }
  return total;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ConcatSquashField', () => {
  const cases = (['tanh', 'softplus', 'swish', 'elu', 'sigmoid'] as const).flatMap((activation) =>
    [0, 2].flatMap((contextSize) =>
      // `packed`: the fused op with its parameter gradient routed through `packedVariables()`.
      (contextSize === 0
        ? (['autodiff', 'analytic', 'packed'] as const)
        : (['autodiff', 'analytic'] as const)
      ).map((path) => [activation, contextSize, path] as const),
    ),
  );
  test.each(cases)(
    '%s, context of %i, %s VJP: value matches float64, the Hutchinson trace parameter gradient matches float64 differences',
    (activation, contextSize, path) => {
      const field = new ConcatSquashField({
        stateSize: D,
        hidden: HIDDEN,
        activation,
        contextSize,
        zeroInitOutput: false,
        seed: 5,
      });
      const context = Array.from({ length: BATCH }, () =>
        Array.from({ length: contextSize }, () => rng.normal()),
      );
      const params = field.variables.map((v) => Array.from(v.dataSync(), Number));
      const shapes = field.variables.map((v) =>
        v.shape.length === 1 ? [1, v.shape[0] as number] : [...v.shape],
      );

      const before = tf.memory().numTensors;
      const { value, grads } = tf.tidy(() => {
        const x = tf.tensor2d(z, [BATCH, D]);
        const c = contextSize > 0 ? tf.tensor2d(context.flat(), [BATCH, contextSize]) : undefined;
        const t = tf.scalar(T);
        // `analytic`: the field's own VJP (the fused op without a context, composed ops with one).
        let packed: tf.Tensor1D | undefined;
        const f = Object.assign((input: tf.Tensor) => field.apply(input as tf.Tensor2D, t, c), {
          ...(path !== 'autodiff'
            ? {
                valueAndVjp: (input: tf.Tensor, e: tf.Tensor) =>
                  field.valueAndVjp(input as tf.Tensor2D, t, e as tf.Tensor2D, c, packed),
              }
            : {}),
        });
        const host = Array.from({ length: BATCH }, (_, b) =>
          hostField(params, shapes, activation, z.slice(b * D, b * D + D), T, context[b] ?? []),
        ).flat();
        const direct = Array.from(f(x).dataSync());
        direct.forEach((v, i) => expect(v).toBeCloseTo(host[i] as number, 5));
        const e = tf.tensor3d(probe, [1, BATCH, D]);
        const estimator = new HutchinsonTrace('rademacher');
        const result = tf.variableGrads(() => {
          if (path === 'packed') packed = field.packedVariables();
          return tf.sum(estimator.estimate(f, x, e).trace) as tf.Scalar;
        }, field.variables);
        return {
          value: result.value.dataSync()[0] as number,
          grads: field.variables.map((v) => Array.from(result.grads[v.name]?.dataSync() ?? [])),
        };
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(value).toBeCloseTo(hostEstimate(params, shapes, activation, context), 4);

      const delta = 1e-5;
      let worst = 0;
      params.forEach((p, v) => {
        p.forEach((_, j) => {
          const at = (s: number) =>
            hostEstimate(
              params.map((q, w) => (w === v ? q.map((x, i) => (i === j ? x + s : x)) : q)),
              shapes,
              activation,
              context,
            );
          const fd = (at(delta) - at(-delta)) / (2 * delta);
          const analytic = (grads[v] as number[])[j] ?? 0;
          worst = Math.max(worst, Math.abs(analytic - fd) / (1 + Math.abs(fd)));
        });
      });
      expect(worst).toBeLessThan(1e-4);
      field.dispose();
    },
  );

  test('zeroInitOutput starts at f = 0 for every z, t and context (the identity flow)', () => {
    const field = new ConcatSquashField({
      stateSize: 3,
      hidden: [4],
      activation: 'tanh',
      contextSize: 1,
      zeroInitOutput: true,
      seed: 1,
    });
    const out = tf.tidy(() =>
      field
        .apply(tf.randomNormal([5, 3]) as tf.Tensor2D, tf.scalar(0.3), tf.randomNormal([5, 1]) as tf.Tensor2D)
        .dataSync(),
    );
    expect(Array.from(out).every((v) => v === 0)).toBe(true);
    field.dispose();
  });
});
