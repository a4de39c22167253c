// The per-row concat-squash field as one kernel (flow matching's training path) against the same
// field composed of tfjs ops and differentiated by tfjs: values and the gradients of z, the times,
// the context and every variable, on cpu, on wasm with the engine's SIMD gemm and on wasm without it;
// no tensor left behind over repeated training-style calls.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import '@bijective/engine/gradients';
import { useWasmSimdKernels } from '@bijective/engine';
import { afterAll, describe, expect, test } from 'vitest';
import { ConcatSquashField } from './field.js';
import type { FieldActivationName } from './activations.js';

afterAll(async () => {
  useWasmSimdKernels(true);
  await tf.setBackend('cpu');
});

const maxError = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]!);
const scale = (t: tf.Tensor) => Math.max(1, maxAbs(t));

/** Value and gradients (z, t, context, variables) of Σ w ⊙ f for one way of computing f. */
function valueAndGrads(
  field: ConcatSquashField,
  fused: boolean,
  z: tf.Tensor2D,
  t: tf.Tensor2D,
  weights: tf.Tensor2D,
  context?: tf.Tensor2D,
): { value: tf.Tensor; grads: tf.Tensor[] } {
  const apply = (zi: tf.Tensor2D, ti: tf.Tensor2D, ci?: tf.Tensor2D) =>
    fused ? field.applyAtTimes(zi, ti, ci) : field.composedApplyAtTimes(zi, ti, ci);
  const value = tf.tidy(() => apply(z, t, context));
  const inputs = context ? [z, t, context] : [z, t];
  const f = (...xs: tf.Tensor[]) =>
    tf.sum(
      tf.mul(apply(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D, xs[2] as tf.Tensor2D | undefined), weights),
    );
  const inputGrads = tf.grads(f)(inputs);
  const { grads } = tf.variableGrads(() => f(...inputs) as tf.Scalar, field.variables);
  return { value, grads: [...inputGrads, ...field.variables.map((v) => grads[v.name] as tf.Tensor)] };
}

const cases: {
  backend: string;
  simd: boolean;
  activation: FieldActivationName;
  n: number;
  hidden: number[];
  context: number;
}[] = [
  { backend: 'cpu', simd: false, activation: 'swish', n: 37, hidden: [13, 9], context: 0 },
  { backend: 'cpu', simd: false, activation: 'tanh', n: 8, hidden: [6], context: 3 },
  { backend: 'wasm', simd: true, activation: 'swish', n: 128, hidden: [64, 64, 64], context: 0 },
  { backend: 'wasm', simd: true, activation: 'elu', n: 37, hidden: [13, 9], context: 2 },
  { backend: 'wasm', simd: true, activation: 'softplus', n: 5, hidden: [3, 7], context: 0 },
  { backend: 'wasm', simd: false, activation: 'sigmoid', n: 37, hidden: [13, 9], context: 1 },
];

describe('ConcatSquashField.applyAtTimes (one kernel)', () => {
  test.each(cases)(
    'matches the composed ops and their gradients: $backend (simd $simd), $activation, n = $n, hidden $hidden, context $context',
    async ({ backend, simd, activation, n, hidden, context }) => {
      await tf.setBackend(backend);
      useWasmSimdKernels(simd);
      const d = 3;
      const field = new ConcatSquashField({
        stateSize: d,
        hidden,
        activation,
        contextSize: context,
        zeroInitOutput: false,
        seed: 5,
      });
      const z = tf.randomNormal([n, d], 0, 1, 'float32', 1) as tf.Tensor2D;
      const t = tf.randomUniform([n, 1], 0, 1, 'float32', 2) as tf.Tensor2D;
      const c = context > 0 ? (tf.randomNormal([n, context], 0, 1, 'float32', 3) as tf.Tensor2D) : undefined;
      const weights = tf.randomNormal([n, d], 0, 1, 'float32', 4) as tf.Tensor2D;
      const fused = valueAndGrads(field, true, z, t, weights, c);
      const composed = valueAndGrads(field, false, z, t, weights, c);
      expect(maxError(fused.value, composed.value) / scale(composed.value)).toBeLessThan(1e-5);
      expect(fused.grads).toHaveLength(composed.grads.length);
      composed.grads.forEach((g, i) => {
        expect(fused.grads[i]!.shape).toEqual(g.shape);
        expect(maxError(fused.grads[i]!, g) / scale(g)).toBeLessThan(1e-4);
      });
      // Not vacuous: no gradient is identically zero.
      for (const g of composed.grads) expect(maxAbs(g)).toBeGreaterThan(0);
      tf.dispose([
        fused.value,
        ...fused.grads,
        composed.value,
        ...composed.grads,
        z,
        t,
        weights,
        ...(c ? [c] : []),
      ]);
      field.dispose();
      useWasmSimdKernels(true);
    },
  );

  test.each(['cpu', 'wasm'])('leaves no tensor behind over training-style steps (%s)', async (backend) => {
    await tf.setBackend(backend);
    const field = new ConcatSquashField({
      stateSize: 2,
      hidden: [16, 16],
      activation: 'swish',
      contextSize: 0,
      zeroInitOutput: true,
      seed: 1,
    });
    const z = tf.randomNormal([32, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
    const t = tf.randomUniform([32, 1], 0, 1, 'float32', 2) as tf.Tensor2D;
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.mean(tf.square(tf.sub(field.applyAtTimes(z, t), z))) as tf.Scalar,
        field.variables,
      );
      for (const v of field.variables) {
        const next = tf.tidy(() => tf.sub(v, tf.mul(grads[v.name]!, 0.1)));
        v.assign(next);
        next.dispose();
      }
      tf.dispose([value, ...Object.values(grads)]);
      tf.dispose(field.applyAtTimes(z, t)); // without a tape
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([z, t]);
    field.dispose();
  });
});
