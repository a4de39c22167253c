// The tanh field's fused op on the wasm backend as the engine's SIMD kernels against the same op with
// them switched off (tfjs's ops, XNNPACK): the field, its VJP and every gradient of the op (z, t, the
// variables, the packed parameters) agree to float32 rounding, FFJORD's log-densities and training
// gradients too, and training steps leak nothing.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { relativeDifference } from '@bijective/test-support/simd-parity';
import '@bijective/engine/gradients';
import { Flow, StandardNormal, createByName, type Bijector } from '@bijective/core';
import { useWasmSimdKernels, wasmTanhFieldAvailable } from '@bijective/engine';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConcatSquashField } from './field.js';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

afterAll(() => useWasmSimdKernels(true));

/** The fused op's outputs and the gradients of Σ w ⊙ f + Σ q ⊙ vjp with respect to z, t and the parameters. */
function evaluate(
  field: ConcatSquashField,
  z: tf.Tensor2D,
  e: tf.Tensor2D,
  packedPath: boolean,
): tf.Tensor[] {
  return tf.tidy(() => {
    const w = tf.randomNormal(z.shape, 0, 1, 'float32', 11);
    const q = tf.randomNormal(e.shape, 0, 1, 'float32', 12);
    const t = tf.scalar(0.31);
    const loss = (zz: tf.Tensor, tt: tf.Tensor) => {
      const packed = packedPath ? field.packedVariables() : undefined;
      const { value, vjp } = field.valueAndVjp(zz as tf.Tensor2D, tt as tf.Scalar, e, undefined, packed);
      return tf.add(tf.sum(tf.mul(value, w)), tf.sum(tf.mul(vjp, q))) as tf.Scalar;
    };
    const { value, vjp } = field.valueAndVjp(z, t, e);
    const out = [value, vjp];
    const direct = tf.grads(loss)([z, t]);
    const params = tf.variableGrads(() => loss(z, t), field.variables).grads;
    return [...out, ...direct, ...field.variables.map((v) => params[v.name]!)];
  });
}

describe('ConcatSquashField (tanh) on wasm: own SIMD kernels against tfjs ops', () => {
  test.each([
    { D: 2, hidden: [64, 64, 64], n: 256, probes: 1 },
    { D: 2, hidden: [64, 64, 64], n: 256, probes: 2 },
    { D: 3, hidden: [5, 7], n: 9, probes: 1 },
    { D: 3, hidden: [5, 7], n: 9, probes: 3 },
    { D: 1, hidden: [16], n: 13, probes: 1 },
  ])(
    'D = $D, hidden $hidden, $n rows × $probes probes: values and gradients agree',
    ({ D, hidden, n, probes }) => {
      expect(wasmTanhFieldAvailable()).toBe(true);
      const field = new ConcatSquashField({
        stateSize: D,
        hidden,
        activation: 'tanh',
        contextSize: 0,
        zeroInitOutput: false,
        seed: 3,
      });
      // m probes share one evaluation of f (the exact trace's basis); off, z is tiled m times.
      const z = tf.randomNormal([n, D], 0, 1.5, 'float32', 5) as tf.Tensor2D;
      const e = tf.sign(tf.randomNormal([n * probes, D], 0, 1, 'float32', 6)) as tf.Tensor2D;
      for (const packed of [false, true]) {
        const before = tf.memory().numTensors;
        useWasmSimdKernels(true);
        const on = evaluate(field, z, e, packed);
        useWasmSimdKernels(false);
        const off = evaluate(field, z, e, packed);
        useWasmSimdKernels(true);
        const errors = on.map((t, i) => relativeDifference(t, off[i]!));
        // f and vjp, then z̄ and t̄, then the parameter gradients.
        expect(Math.max(...errors.slice(0, 2))).toBeLessThan(1e-6);
        expect(Math.max(...errors.slice(2))).toBeLessThan(1e-5);
        tf.dispose([...on, ...off]);
        expect(tf.memory().numTensors).toBe(before);
      }
      tf.dispose([z, e]);
      field.dispose();
    },
  );

  test('ffjord (rk4, 4 steps): log-densities and Hutchinson training gradients agree, training leaks nothing', () => {
    const make = () =>
      new Flow(
        new StandardNormal({ eventShape: [2] }),
        createByName('bijector', 'ffjord', {
          eventShape: [2],
          hidden: [32, 32],
          identityInit: false,
          solver: 'rk4',
          solverOptions: { steps: 4 },
          seed: 9,
        }) as Bijector,
      );
    const x = tf.randomNormal([64, 2], 0, 1.5, 'float32', 7) as tf.Tensor2D;
    const run = (flow: Flow) => {
      const logProb = flow.logProb(x);
      const trainable = [...flow.trainableVariables] as tf.Variable[];
      const { value, grads } = tf.variableGrads(
        () => tf.neg(tf.mean(flow.logProb(x, { training: true }))) as tf.Scalar,
        trainable,
      );
      return [logProb, value, ...trainable.map((v) => grads[v.name]!)];
    };
    const simdFlow = make();
    const opsFlow = make();
    useWasmSimdKernels(true);
    const on = run(simdFlow);
    useWasmSimdKernels(false);
    const off = run(opsFlow);
    useWasmSimdKernels(true);
    const [logProb, loss, ...grads] = on.map((t, i) => relativeDifference(t, off[i]!));
    expect(logProb).toBeLessThan(2e-6);
    expect(loss).toBeLessThan(2e-6);
    expect(Math.max(...grads)).toBeLessThan(1e-5);
    tf.dispose([...on, ...off]);

    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        const { grads: g } = tf.variableGrads(
          () => tf.neg(tf.mean(simdFlow.logProb(x, { training: true }))) as tf.Scalar,
        );
        tf.dispose(Object.values(g));
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    simdFlow.dispose();
    opsFlow.dispose();
  });
});
