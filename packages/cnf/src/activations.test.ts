// Second-order gradients: the parameter gradient of a Hutchinson trace estimate of an MLP field,
// against central differences of the same estimate computed on the host in float64.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { hostRng } from '@bijective/core';
import { HutchinsonTrace } from '@bijective/trace';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FIELD_ACTIVATIONS, exp, type FieldActivation } from './activations.js';

const D = 3;
const H = 5;
const BATCH = 4;

/** Each activation's value and derivative in float64, for the host reference. */
const HOST: Record<string, { a: (x: number) => number; da: (x: number) => number }> = {
  tanh: { a: Math.tanh, da: (x) => 1 - Math.tanh(x) ** 2 },
  sigmoid: { a: (x) => 1 / (1 + Math.exp(-x)), da: (x) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2 },
  softplus: { a: (x) => Math.log1p(Math.exp(x)), da: (x) => 1 / (1 + Math.exp(-x)) },
  elu: { a: (x) => (x > 0 ? x : Math.expm1(x)), da: (x) => (x > 0 ? 1 : Math.exp(x)) },
  swish: {
    a: (x) => x / (1 + Math.exp(-x)),
    da: (x) => {
      const s = 1 / (1 + Math.exp(-x));
      return s * (1 + x * (1 - s));
    },
  },
  exp: { a: Math.exp, da: Math.exp },
};

const rng = hostRng(2024);
const draw = (n: number, scale: number) => Array.from({ length: n }, () => scale * rng.normal());
/** Parameters θ = (W1 [D, H], b1 [H], W2 [H, D]) in float64, the batch z and a fixed Rademacher probe. */
const theta = { W1: draw(D * H, 0.8), b1: draw(H, 0.5), W2: draw(H * D, 0.8) };
const z = draw(BATCH * D, 1);
const probe = Array.from({ length: BATCH * D }, () => (rng.uniform() < 0.5 ? -1 : 1));

/**
 * The Hutchinson estimate Σ_b e_bᵀ J_b e_b of f(z) = a(z W1 + b1) W2 in float64, in closed form:
 * J_b = W1 diag(a'(h_b)) W2, so e_bᵀ J_b e_b = Σ_k (e_b W1)_k a'(h_bk) (W2 e_b)_k.
 */
function hostEstimate(p: typeof theta, da: (x: number) => number): number {
  let total = 0;
  for (let b = 0; b < BATCH; b++) {
    for (let k = 0; k < H; k++) {
      let h = p.b1[k] as number;
      let eW1 = 0;
      let W2e = 0;
      for (let i = 0; i < D; i++) {
        h += (z[b * D + i] as number) * (p.W1[i * H + k] as number);
        eW1 += (probe[b * D + i] as number) * (p.W1[i * H + k] as number);
        W2e += (p.W2[k * D + i] as number) * (probe[b * D + i] as number);
      }
      total += eW1 * da(h) * W2e;
    }
  }
  return total;
}

/** Central differences (step 1e-6, float64) of {@link hostEstimate} with respect to every parameter. */
function hostGradient(da: (x: number) => number): Record<keyof typeof theta, number[]> {
  const step = 1e-6;
  const grad = (key: keyof typeof theta) =>
    theta[key].map((_, j) => {
      const at = (delta: number) =>
        hostEstimate({ ...theta, [key]: theta[key].map((v, i) => (i === j ? v + delta : v)) }, da);
      return (at(step) - at(-step)) / (2 * step);
    });
  return { W1: grad('W1'), b1: grad('b1'), W2: grad('W2') };
}

let vars: { W1: tf.Variable; b1: tf.Variable; W2: tf.Variable };
beforeAll(async () => {
  await tf.setBackend('cpu');
  vars = {
    W1: tf.variable(tf.tensor2d(theta.W1, [D, H])),
    b1: tf.variable(tf.tensor1d(theta.b1)),
    W2: tf.variable(tf.tensor2d(theta.W2, [H, D])),
  };
});
afterAll(() => tf.dispose([vars.W1, vars.b1, vars.W2]));

/** tfjs's gradient of the same estimate (float32) through the Hutchinson estimator with the same probe. */
function tfjsGradient(act: FieldActivation): Record<keyof typeof theta, number[]> {
  return tf.tidy(() => {
    const estimator = new HutchinsonTrace('rademacher');
    const e = tf.tensor3d(probe, [1, BATCH, D]);
    const x = tf.tensor2d(z, [BATCH, D]);
    const f = (input: tf.Tensor) =>
      tf.matMul(act(tf.add(tf.matMul(input as tf.Tensor2D, vars.W1), vars.b1)) as tf.Tensor2D, vars.W2);
    const { grads } = tf.variableGrads(
      () => tf.sum(estimator.estimate(f, x, e).trace) as tf.Scalar,
      [vars.W1, vars.b1, vars.W2],
    );
    // A variable reached only through the dropped term gets no gradient at all: read it as zeros.
    const read = (v: tf.Variable) =>
      grads[v.name] ? Array.from((grads[v.name] as tf.Tensor).dataSync()) : new Array<number>(v.size).fill(0);
    return { W1: read(vars.W1), b1: read(vars.b1), W2: read(vars.W2) };
  });
}

/** The largest |tfjs − float64| / (1 + |float64|) over every parameter. */
function worstError(act: FieldActivation, name: string): number {
  const expected = hostGradient((HOST[name] as { da: (x: number) => number }).da);
  const actual = tfjsGradient(act);
  let worst = 0;
  for (const key of ['W1', 'b1', 'W2'] as const) {
    expected[key].forEach((g, i) => {
      worst = Math.max(worst, Math.abs((actual[key][i] as number) - g) / (1 + Math.abs(g)));
    });
  }
  return worst;
}

describe('second-order gradients of the field activations', () => {
  const safe = { ...FIELD_ACTIVATIONS, exp };
  test.each(Object.keys(safe))(
    '%s: the parameter gradient of a Hutchinson trace matches float64 finite differences',
    (name) => {
      expect(worstError(safe[name as keyof typeof safe], name)).toBeLessThan(2e-5);
    },
  );

  test.each([
    ['tanh', tf.tanh],
    ['sigmoid', tf.sigmoid],
    ['exp', tf.exp],
  ] as const)("control: tfjs's own %s drops a term (the check above detects it)", (name, builtin) => {
    expect(worstError((x) => builtin(x), name)).toBeGreaterThan(1e-2);
  });

  test("control: tfjs's own elu cannot be differentiated twice at all", () => {
    expect(() => worstError((x) => tf.elu(x), 'elu')).toThrow(/gradient function not found for EluGrad/);
  });

  test('values and first derivatives are those of tfjs', () => {
    const x = tf.linspace(-4, 4, 33);
    for (const [name, act] of Object.entries(safe)) {
      const host = HOST[name] as { a: (x: number) => number; da: (x: number) => number };
      const grad = tf.grad((t: tf.Tensor) => tf.sum(act(t)))(x);
      Array.from(x.dataSync()).forEach((v, i) => {
        expect(act(x).dataSync()[i]).toBeCloseTo(host.a(v), 5);
        expect(grad.dataSync()[i]).toBeCloseTo(host.da(v), 5);
      });
    }
  });
});
