// MADE's autoregressive property: output (p, i) has an exactly zero gradient with respect to every
// input j with m₀(j) >= m₀(i), checked by autodiff and by counting mask paths on the host in float64.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import '@tensorflow/tfjs-backend-cpu';
import { OptionError, ShapeError, hostRng } from '@bijective/core';
import { beforeAll, describe, expect, test } from 'vitest';
import { inputDegrees } from '@bijective/engine';
import { MADE, type MADEOptions } from './made.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The Jacobian ∂out_c/∂x_j at one point by reverse-mode autodiff, read back as float64 rows. */
function jacobian(made: MADE, x: number[], context?: number[]): number[][] {
  return tf.tidy(() => {
    const point = tf.tensor2d([x]);
    const c = context ? tf.tensor2d([context]) : undefined;
    const width = made.outputsPerInput * x.length;
    return Array.from({ length: width }, (_, col) => {
      const g = tf.grad((p: tf.Tensor) =>
        tf.sum(tf.slice(made.apply(p as tf.Tensor2D, c), [0, col], [1, 1])),
      );
      return Array.from(g(point).dataSync(), Number);
    });
  });
}

/** Number of paths input j -> output c through the masks: the product of the 0/1 masks in float64. */
function pathCounts(made: MADE, d: number): number[][] {
  const masks = made.masks.map((m) => m.arraySync());
  const first = (masks[0] as number[][]).slice(0, d);
  return masks.slice(1).reduce((acc, m) => {
    const width = (m[0] as number[]).length;
    return acc.map((row) =>
      Array.from({ length: width }, (_, k) => row.reduce((s, v, j) => s + v * (m[j] as number[])[k]!, 0)),
    );
  }, first);
}

const random = (n: number, seed: number) => {
  const rng = hostRng(seed);
  return Array.from({ length: n }, () => rng.normal());
};

const cases: Record<string, MADEOptions> = {
  natural: { inputSize: 5, hidden: [16, 16], zeroInitOutput: false, seed: 1 },
  'random order, three outputs, tanh': {
    inputSize: 6,
    hidden: [12, 9, 12],
    outputsPerInput: 3,
    order: 'random',
    activation: 'tanh',
    zeroInitOutput: false,
    seed: 2,
  },
  residual: { inputSize: 4, hidden: [10, 10, 10], residual: true, zeroInitOutput: false, seed: 3 },
  // tanh: of 3 hidden units, degree 0 reads only the context, so ReLU could zero the 2 that read inputs.
  'conditional, narrow hidden layer': {
    inputSize: 5,
    hidden: [3],
    contextSize: 2,
    activation: 'tanh',
    order: [3, 1, 5, 2, 4],
    zeroInitOutput: false,
    seed: 4,
  },
};

describe('MADE', () => {
  for (const [name, options] of Object.entries(cases)) {
    test(`autoregressive property: ${name}`, () => {
      const made = new MADE(options);
      const d = options.inputSize;
      const context = options.contextSize ? random(options.contextSize, 9) : undefined;
      const jac = jacobian(made, random(d, 7), context);
      const paths = pathCounts(made, d);
      let connected = 0;
      jac.forEach((row, c) => {
        const i = c % d;
        row.forEach((v, j) => {
          const allowed = (made.degrees[j] as number) < (made.degrees[i] as number);
          if (!allowed) {
            expect(v, `∂out[${c}]/∂x[${j}]`).toBe(0);
            expect((paths[j] as number[])[c], `paths x[${j}] -> out[${c}]`).toBe(0);
          } else if (v !== 0) connected++;
        });
      });
      // The network is not trivially zero: some allowed dependencies are present.
      expect(connected).toBeGreaterThan(0);
      made.dispose();
    });
  }

  test('natural, reversed and seeded random orders', () => {
    expect(inputDegrees(4, 'natural')).toEqual([1, 2, 3, 4]);
    expect(inputDegrees(4, 'reversed')).toEqual([4, 3, 2, 1]);
    expect(inputDegrees(6, 'random', 5)).toEqual(inputDegrees(6, 'random', 5));
    expect([...inputDegrees(6, 'random', 5)].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => inputDegrees(3, [1, 1, 2])).toThrow(OptionError);
  });

  test('the context reaches outputs of the first dimension; zero output layer gives zeros', () => {
    const made = new MADE({ inputSize: 3, hidden: [8], contextSize: 2, zeroInitOutput: false, seed: 6 });
    const jac = tf.tidy(() => {
      const g = tf.grad((c: tf.Tensor) =>
        tf.sum(tf.slice(made.apply(tf.tensor2d([[0.1, 0.2, 0.3]]), c as tf.Tensor2D), [0, 0], [1, 1])),
      );
      return Array.from(g(tf.tensor2d([[0.5, -1]])).dataSync());
    });
    expect(jac.some((v) => v !== 0)).toBe(true);
    expect(() => made.apply(tf.zeros([1, 3]))).toThrow(ShapeError);
    made.dispose();
    const zero = new MADE({ inputSize: 3, hidden: [4] });
    const out = tf.tidy(() => zero.apply(tf.ones([2, 3])).arraySync());
    expect(out).toEqual([
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0],
    ]);
    zero.dispose();
  });

  test('bad options throw; dispose frees every tensor', () => {
    expect(() => new MADE({ inputSize: 0, hidden: [4] })).toThrow(OptionError);
    expect(() => new MADE({ inputSize: 2, hidden: [] })).toThrow(OptionError);
    expect(() => new MADE({ inputSize: 2, hidden: [4], outputsPerInput: 0 })).toThrow(OptionError);
    const before = tf.memory().numTensors;
    const made = new MADE({ inputSize: 3, hidden: [4, 4], contextSize: 1 });
    expect(made.variables).toHaveLength(6);
    tf.tidy(() => {
      made.apply(tf.ones([2, 3]), tf.ones([2, 1]));
    });
    made.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
