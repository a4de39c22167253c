// The tanh field's dynamics-with-trace kernel (T f(z, sT) and T w Σ_j eⱼᵀ ∂f/∂z eⱼ, and RNODE's
// T² w Σ_j ‖eⱼᵀ ∂f/∂z‖² when asked, as one wasm kernel forward and one backward) against the same quantities composed of the field's VJP op on tfjs's
// ops: values and every gradient (z, T, the variables, the packed parameters) agree to float32
// rounding, the backward pass is counted once per evaluation, nothing leaks; FFJORD trained with
// the adjoint agrees with the kernels on and off.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { relativeDifference } from '@bijective/test-support/simd-parity';
import '@bijective/engine/gradients';
import { Flow, StandardNormal, createByName, type Bijector } from '@bijective/core';
import { useWasmSimdKernels } from '@bijective/engine';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConcatSquashField } from './field.js';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

afterAll(() => useWasmSimdKernels(true));

interface Case {
  field: ConcatSquashField;
  z: tf.Tensor2D;
  probes: tf.Tensor3D;
  s: number;
  weight: number;
}

/**
 * [T f; trace (; Frobenius)] and the gradients of Σ w ⊙ T f + Σ q ⊙ trace (+ Σ r ⊙ Frobenius) with
 * respect to z, T and the variables.
 */
function evaluate(
  c: Case,
  kernel: boolean,
  packedPath: boolean,
  onBackward: () => void,
  frobenius = false,
): tf.Tensor[] {
  const { field, z, probes, s, weight } = c;
  const [m, n, D] = probes.shape;
  return tf.tidy(() => {
    const w = tf.randomNormal(z.shape, 0, 1, 'float32', 11);
    const q = tf.randomNormal([n], 0, 1, 'float32', 12);
    const r = tf.randomNormal([n], 0, 1, 'float32', 13);
    const T = tf.scalar(0.83);
    const dynamics = (zz: tf.Tensor2D, TT: tf.Scalar) => {
      const packed = packedPath ? field.packedVariables() : undefined;
      if (kernel)
        return field.scaledValueAndTrace(zz, { probes, s, T: TT, weight, packed, onBackward, frobenius });
      const e = tf.reshape(probes, [m * n, D]) as tf.Tensor2D;
      const { value, vjp } = field.valueAndVjp(zz, tf.mul(TT, s) as tf.Scalar, e, undefined, packed);
      const perProbe = tf.reshape(tf.sum(tf.mul(vjp, e), 1), [m, n]);
      const squares = tf.reshape(tf.sum(tf.square(vjp), 1), [m, n]);
      return {
        value: tf.mul(value, TT) as tf.Tensor2D,
        trace: tf.mul(tf.sum(perProbe, 0), tf.mul(TT, weight)) as tf.Tensor1D,
        ...(frobenius
          ? { frobenius: tf.mul(tf.sum(squares, 0), tf.mul(tf.square(TT), weight)) as tf.Tensor1D }
          : {}),
      };
    };
    const loss = (zz: tf.Tensor, TT: tf.Tensor) => {
      const { value, trace, frobenius: frob } = dynamics(zz as tf.Tensor2D, TT as tf.Scalar);
      const base = tf.add(tf.sum(tf.mul(value, w)), tf.sum(tf.mul(trace, q)));
      return (frob ? tf.add(base, tf.sum(tf.mul(frob, r))) : base) as tf.Scalar;
    };
    const { value, trace, frobenius: frob } = dynamics(z, T);
    const direct = tf.grads(loss)([z, T]);
    const params = tf.variableGrads(() => loss(z, T), field.variables).grads;
    return [value, trace, ...(frob ? [frob] : []), ...direct, ...field.variables.map((v) => params[v.name]!)];
  });
}

describe('ConcatSquashField.scaledValueAndTrace (tanh, wasm kernels) against the VJP op on tfjs ops', () => {
  test.each([
    { D: 2, hidden: [64, 64, 64], n: 256, m: 1, weight: 1 },
    { D: 2, hidden: [64, 64, 64], n: 256, m: 2, weight: 1 },
    { D: 3, hidden: [5, 7], n: 9, m: 3, weight: 1 / 3 },
    { D: 1, hidden: [16], n: 13, m: 1, weight: 1 },
  ])(
    'D = $D, hidden $hidden, $n rows × $m probes: values and gradients agree',
    ({ D, hidden, n, m, weight }) => {
      const field = new ConcatSquashField({
        stateSize: D,
        hidden,
        activation: 'tanh',
        contextSize: 0,
        zeroInitOutput: false,
        seed: 3,
      });
      expect(field.traceKernelAvailable()).toBe(true);
      const z = tf.randomNormal([n, D], 0, 1.5, 'float32', 5) as tf.Tensor2D;
      const probes = tf.randomNormal([m, n, D], 0, 1, 'float32', 6) as tf.Tensor3D;
      const c: Case = { field, z, probes, s: 0.37, weight };
      for (const [packed, frobenius] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const before = tf.memory().numTensors;
        let backward = 0;
        useWasmSimdKernels(true);
        const on = evaluate(c, true, packed, () => (backward += 1), frobenius);
        useWasmSimdKernels(false);
        const off = evaluate(c, false, packed, () => undefined, frobenius);
        useWasmSimdKernels(true);
        // Two gradients (z and T, then the variables), each one backward pass through the op.
        expect(backward).toBe(2);
        expect(on.length).toBe(off.length);
        const errors = on.map((t, i) => relativeDifference(t, off[i]!));
        // T f, the trace (and the Frobenius estimate), then z̄ and T̄, then the parameter gradients.
        const outputs = frobenius ? 3 : 2;
        expect(Math.max(...errors.slice(0, outputs))).toBeLessThan(2e-6);
        expect(Math.max(...errors.slice(outputs))).toBeLessThan(2e-5);
        tf.dispose([...on, ...off]);
        expect(tf.memory().numTensors).toBe(before);
      }
      tf.dispose([z, probes]);
      field.dispose();
    },
  );

  test('off the wasm kernels it says so', () => {
    const field = new ConcatSquashField({
      stateSize: 2,
      hidden: [4],
      activation: 'softplus',
      contextSize: 0,
      zeroInitOutput: false,
      seed: 0,
    });
    expect(field.traceKernelAvailable()).toBe(false);
    const z = tf.zeros([3, 2]) as tf.Tensor2D;
    expect(() =>
      field.scaledValueAndTrace(z, { probes: tf.ones([1, 3, 2]), s: 0, T: tf.scalar(1), weight: 1 }),
    ).toThrow(/unconditional tanh field/);
    tf.dispose(z);
    field.dispose();
  });

  test('ffjord with the adjoint (rk4, 4 steps): Hutchinson training gradients agree with the kernels on and off', () => {
    const make = () =>
      new Flow(
        new StandardNormal({ eventShape: [2] }),
        createByName('bijector', 'ffjord', {
          eventShape: [2],
          hidden: [16, 16],
          identityInit: false,
          solver: 'rk4',
          solverOptions: { steps: 4 },
          gradient: 'adjoint',
          seed: 9,
        }) as Bijector,
      );
    const x = tf.randomNormal([32, 2], 0, 1.5, 'float32', 7) as tf.Tensor2D;
    const run = (flow: Flow) => {
      const trainable = [...flow.trainableVariables] as tf.Variable[];
      const { value, grads } = tf.variableGrads(
        () => tf.neg(tf.mean(flow.logProb(x, { training: true }))) as tf.Scalar,
        trainable,
      );
      return [value, ...trainable.map((v) => grads[v.name]!)];
    };
    const flows = [make(), make()];
    const on = run(flows[0]!);
    useWasmSimdKernels(false);
    const off = run(flows[1]!);
    useWasmSimdKernels(true);
    const [loss, ...grads] = on.map((t, i) => relativeDifference(t, off[i]!));
    expect(loss).toBeLessThan(2e-6);
    expect(Math.max(...grads)).toBeLessThan(2e-5);
    tf.dispose([...on, ...off, x]);
    for (const flow of flows) flow.dispose();
  });
});
