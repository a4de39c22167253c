import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, test } from 'vitest';
import { OptionError } from '../errors.js';
import { Affine } from './affine.js';

describe('Affine', () => {
  test('y = s x + t and log-det = Σ log s against float64, both ways', () => {
    const shift = [1, -2];
    const scale = [0.25, 3];
    const b = new Affine({ eventShape: [2], shift, scale });
    const x = [0.5, -1.5, 2, 4];
    tf.tidy(() => {
      const { value, logDet } = b.forwardAndLogDet(tf.tensor2d(x, [2, 2]));
      const expected = x.map((v, i) => (scale[i % 2] as number) * v + (shift[i % 2] as number));
      expect(Array.from(value.dataSync())).toEqual(expected.map((v) => expect.closeTo(v, 5)));
      const logScale = Math.log(0.25) + Math.log(3);
      expect(Array.from(logDet.dataSync())).toEqual([logScale, logScale].map((v) => expect.closeTo(v, 5)));
      const inverse = b.inverseAndLogDet(value);
      expect(Array.from(inverse.value.dataSync())).toEqual(x.map((v) => expect.closeTo(v, 5)));
      expect(Array.from(inverse.logDet.dataSync())).toEqual(
        [-logScale, -logScale].map((v) => expect.closeTo(v, 5)),
      );
    });
    b.dispose();
  });

  test('trainable: false freezes both parameters', () => {
    const b = new Affine({ eventShape: [2], trainable: false });
    expect(b.variables).toHaveLength(2);
    expect(b.trainableVariables).toHaveLength(0);
    b.dispose();
  });

  test('fixed (trainable: false): the same values and input gradients as trained, two tape entries', () => {
    const options = { eventShape: [3], shift: [1, -2, 0.5], scale: [0.25, 3, 1.7] };
    const fixed = new Affine({ ...options, trainable: false });
    const trained = new Affine(options);
    const x = tf.tensor2d([0.5, -1.5, 2, 4, 0.1, -3], [2, 3]);
    const w = tf.tensor2d([0.3, -1, 2, 0.7, 1.1, -0.4], [2, 3]);
    for (const direction of ['forward', 'inverse'] as const) {
      const run = (b: Affine) => (direction === 'forward' ? b.forwardAndLogDet(x) : b.inverseAndLogDet(x));
      // An objective using both outputs: ∂/∂x = w ⊙ ∂y/∂x (the log-det does not depend on x).
      const objective = (b: Affine) => (input: tf.Tensor) => {
        const { value, logDet } =
          direction === 'forward' ? b.forwardAndLogDet(input) : b.inverseAndLogDet(input);
        return tf.add(tf.sum(tf.mul(value, w)), tf.sum(logDet));
      };
      tf.tidy(() => {
        const [a, b] = [run(fixed), run(trained)];
        expect(a.value.dataSync()).toEqual(b.value.dataSync());
        expect(a.logDet.dataSync()).toEqual(b.logDet.dataSync());
        expect(tf.grad(objective(fixed))(x).dataSync()).toEqual(tf.grad(objective(trained))(x).dataSync());
      });
    }
    // On a tape the fixed map saves no tensors of its own (tfjs copies each tensor an op saves for its
    // gradient): only the objective's own sums and add do.
    const engine = tf.engine() as unknown as { runKernel: (...a: unknown[]) => unknown };
    const original = engine.runKernel;
    const count = (b: Affine): number => {
      let identities = 0;
      engine.runKernel = (...a: unknown[]) => {
        if (a[0] === 'Identity') identities += 1;
        return original.apply(engine, a);
      };
      try {
        tf.tidy(() => tf.grad(objective2(b))(x));
      } finally {
        engine.runKernel = original;
      }
      return identities;
    };
    const objective2 = (b: Affine) => (input: tf.Tensor) => {
      const { value, logDet } = b.inverseAndLogDet(input);
      return tf.add(tf.sum(value), tf.sum(logDet));
    };
    const [copiesFixed, copiesTrained] = [count(fixed), count(trained)];
    expect(copiesTrained - copiesFixed).toBeGreaterThanOrEqual(10);
    tf.dispose([x, w]);
    fixed.dispose();
    trained.dispose();
  });

  test('fixed: scale and log-det read once per value of the variable, three kernels a call, no tensor left', () => {
    const options = { eventShape: [3], shift: [1, -2, 0.5], scale: [0.25, 3, 1.7] };
    const fixed = new Affine({ ...options, trainable: false });
    const trained = new Affine(options);
    const x = tf.tensor2d([0.5, -1.5, 2, 4, 0.1, -3], [2, 3]);
    const kernelsOf = (f: () => void): string[] => {
      const engine = tf.engine() as unknown as { runKernel: (...a: unknown[]) => unknown };
      const original = engine.runKernel;
      const names: string[] = [];
      engine.runKernel = (...a: unknown[]) => {
        names.push(a[0] as string);
        return original.apply(engine, a);
      };
      try {
        tf.tidy(f);
      } finally {
        engine.runKernel = original;
      }
      return names;
    };
    const call = (): void => void fixed.inverseAndLogDet(x);
    call(); // reads the constants
    const before = tf.memory().numTensors;
    // The old map ran softplus, add, sub, div for the value and softplus, add, log, sum, neg, zeros, add for the log-det.
    expect(kernelsOf(call).sort()).toEqual(['Fill', 'RealDiv', 'Sub']);
    expect(tf.memory().numTensors).toBe(before);
    // A new value of the scale's variable (an assign, e.g. a restored checkpoint) is read again.
    for (const b of [fixed, trained]) tf.tidy(() => b.unconstrained.assign(tf.tensor1d([0.5, -1, 2])));
    tf.tidy(() => {
      const [a, b] = [fixed.inverseAndLogDet(x), trained.inverseAndLogDet(x)];
      expect(a.value.dataSync()).toEqual(b.value.dataSync());
      expect(a.logDet.dataSync()).toEqual(b.logDet.dataSync());
      const [c, d] = [fixed.forwardAndLogDet(x), trained.forwardAndLogDet(x)];
      expect(c.value.dataSync()).toEqual(d.value.dataSync());
      expect(c.logDet.dataSync()).toEqual(d.logDet.dataSync());
    });
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    fixed.dispose();
    trained.dispose();
  });

  test('invalid options name the option', () => {
    expect(() => new Affine({ eventShape: [2], scale: -1 })).toThrow(OptionError);
    expect(() => new Affine({ eventShape: [2], scale: -1 })).toThrow("affine: option 'scale'");
    expect(() => new Affine({ eventShape: [2], shift: 'x' } as never)).toThrow("affine: option 'shift'");
  });
});
