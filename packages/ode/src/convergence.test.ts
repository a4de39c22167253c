import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { Dopri5Solver } from './dopri5.js';
import { FixedStepSolver } from './fixed-step.js';
import type { OdeSolver, VectorField } from './solver.js';
import { EULER, MIDPOINT, RK4, type ButcherTableau } from './tableau.js';

/** A test problem with a closed-form solution. */
interface Problem {
  f: VectorField;
  y0: () => tf.Tensor[];
  end: number;
  exact: (t: number) => number[][];
}

const rates = [0.5, 1, 2];
/** Accuracy problems with known solutions; float32 step ranges below keep truncation above roundoff. */
const PROBLEMS: Record<string, Problem> = {
  // y' = -λ y on a batch of rates: y = exp(-λ t).
  'linear decay': {
    f: (_t, [y]) => [tf.mul(y as tf.Tensor, tf.tensor1d(rates.map((r) => -r)))],
    y0: () => [tf.ones([3])],
    end: 2,
    exact: (t) => [rates.map((r) => Math.exp(-r * t))],
  },
  // x' = v, v' = -x as a tuple state: x = cos t, v = -sin t.
  'harmonic oscillator': {
    f: (_t, [x, v]) => [v as tf.Tensor, tf.neg(x as tf.Tensor)],
    y0: () => [tf.tensor1d([1]), tf.tensor1d([0])],
    end: 6,
    exact: (t) => [[Math.cos(t)], [-Math.sin(t)]],
  },
  // Logistic growth y' = y (1 - y), y(0) = 0.1: y = 1 / (1 + 9 exp(-t)).
  'nonlinear logistic': {
    f: (_t, [y]) => [tf.mul(y as tf.Tensor, tf.sub(1, y as tf.Tensor))],
    y0: () => [tf.tensor1d([0.1])],
    end: 4,
    exact: (t) => [[1 / (1 + 9 * Math.exp(-t))]],
  },
};

/** Max absolute error of a solve at the problem's end time. */
function errorAtEnd(solver: OdeSolver, p: Problem): { error: number; nfe: number; scale: number } {
  const y0 = p.y0();
  const { states, stats } = solver.solve(p.f, y0, [0, p.end]);
  const got = (states[1] as tf.Tensor[]).map((t) => Array.from(t.dataSync()));
  const want = p.exact(p.end);
  let error = 0;
  let scale = 0;
  got.forEach((g, i) =>
    g.forEach((x, j) => {
      const w = (want[i] as number[])[j] as number;
      error = Math.max(error, Math.abs(x - w));
      scale = Math.max(scale, Math.abs(w));
    }),
  );
  tf.dispose([y0, states]);
  return { error, nfe: stats.nfe, scale };
}

/** Least-squares slope of log(error) against log(h). */
function slope(hs: number[], errors: number[]): number {
  const x = hs.map(Math.log);
  const y = errors.map(Math.log);
  const mx = x.reduce((a, b) => a + b) / x.length;
  const my = y.reduce((a, b) => a + b) / y.length;
  const sxy = x.reduce((s, xi, i) => s + (xi - mx) * ((y[i] as number) - my), 0);
  const sxx = x.reduce((s, xi) => s + (xi - mx) ** 2, 0);
  return sxy / sxx;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('convergence order of the fixed-step solvers', () => {
  // Step counts per problem (decay, oscillator, logistic): asymptotic, yet far above float32 roundoff.
  const methods: [string, ButcherTableau, number[][]][] = [
    [
      'euler',
      EULER,
      [
        [32, 64, 128, 256],
        [32, 64, 128, 256],
        [32, 64, 128, 256],
      ],
    ],
    [
      'midpoint',
      MIDPOINT,
      [
        [16, 32, 64, 128],
        [16, 32, 64, 128],
        [16, 32, 64, 128],
      ],
    ],
    [
      'rk4',
      RK4,
      [
        [12, 16, 24],
        [8, 16, 32],
        [4, 8, 16],
      ],
    ],
  ];
  for (const [name, tableau, stepCounts] of methods) {
    Object.entries(PROBLEMS).forEach(([problemName, problem], k) => {
      test(`${name} on ${problemName}: error slope over step sizes is ${tableau.order}`, () => {
        const counts = stepCounts[k] as number[];
        const errors = counts.map(
          (steps) => errorAtEnd(new FixedStepSolver(name, tableau, { steps }), problem).error,
        );
        const measured = slope(
          counts.map((n) => problem.end / n),
          errors,
        );
        expect(Math.abs(measured - tableau.order)).toBeLessThan(0.25);
      });
    });
  }
});

describe('dopri5 accuracy', () => {
  for (const [problemName, problem] of Object.entries(PROBLEMS)) {
    test(`${problemName}: global error within a small multiple of atol + rtol |y|, falling with the tolerance`, () => {
      const before = tf.memory().numTensors;
      const runs = [1e-3, 1e-4, 1e-5, 1e-6].map((tol) => ({
        tol,
        ...errorAtEnd(new Dopri5Solver({ rtol: tol, atol: tol }), problem),
      }));
      for (const { tol, error, scale } of runs) expect(error).toBeLessThan(2 * (tol + tol * scale));
      for (let i = 1; i < runs.length; i++) {
        expect((runs[i] as { error: number }).error).toBeLessThan((runs[i - 1] as { error: number }).error);
        expect((runs[i] as { nfe: number }).nfe).toBeGreaterThan((runs[i - 1] as { nfe: number }).nfe);
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
