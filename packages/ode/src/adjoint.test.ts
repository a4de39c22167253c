import '@tensorflow/tfjs-backend-cpu';
import '@bijective/engine/gradients';
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '@bijective/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { solveAdjoint, type AdjointSolveResult } from './adjoint.js';
import { Dopri5Solver } from './dopri5.js';
import { FixedStepSolver } from './fixed-step.js';
import type { OdeSolver, SolveResult, VectorField } from './solver.js';
import { RK4 } from './tableau.js';

let W: tf.Variable;
let b: tf.Variable;
let z0: tf.Tensor2D;
/** A small nonlinear field f(z) = tanh(z W + b) on a batch of 2-D states. */
const field: VectorField = (_t, [z]) => [tf.tanh(tf.add(tf.matMul(z as tf.Tensor2D, W), b))];
/** Loss on the states at every requested time, so each output time receives a cotangent. */
const loss = (states: tf.Tensor[][]): tf.Scalar =>
  tf.addN(states.map((s, i) => tf.mul(tf.sum(tf.square(s[0] as tf.Tensor)), i + 1))) as tf.Scalar;

type Mode = 'direct' | 'adjoint';
function run(mode: Mode, solver: OdeSolver, f: VectorField, y0: tf.Tensor[], times: number[]): SolveResult {
  return mode === 'direct' ? solver.solve(f, y0, times) : solveAdjoint(solver, f, y0, times, [W, b]);
}

/** Loss and gradients for W, b and z0. */
function gradients(mode: Mode, solver: OdeSolver, times: number[]): { loss: number; grads: number[][] } {
  return tf.tidy(() => {
    // W and b are read by the field directly; passing them as xs makes tf.valueAndGrads return their gradients.
    const { value, grads } = tf.valueAndGrads((_w: tf.Tensor, _b: tf.Tensor, z: tf.Tensor) =>
      loss(run(mode, solver, field, [z], times).states),
    )([W, b, z0]);
    return { loss: value.dataSync()[0] as number, grads: grads.map((g) => Array.from(g.dataSync())) };
  });
}

/** Largest |a - b| relative to the largest |b|. */
const relativeError = (a: number[][], b: number[][]): number => {
  const scale = Math.max(...b.flat().map(Math.abs));
  return Math.max(...a.flat().map((x, i) => Math.abs(x - (b.flat()[i] as number)))) / scale;
};

beforeAll(async () => {
  await tf.setBackend('cpu');
  W = tf.variable(
    tf.tensor2d([
      [0.5, -1.2],
      [0.9, 0.3],
    ]),
  );
  b = tf.variable(tf.tensor1d([0.1, -0.2]));
  z0 = tf.tensor2d([
    [1, -0.5],
    [0.3, 0.8],
    [-1, 0.2],
  ]);
});
afterAll(() => tf.dispose([W, b, z0]));

describe('gradients through a solve', () => {
  test('discretise-then-optimise gradients match central finite differences of the loss', () => {
    const solver = new FixedStepSolver('rk4', RK4, { steps: 20 });
    const times = [0, 0.5, 1];
    const { grads } = gradients('direct', solver, times);
    const lossAt = (w: number[], bias: number[]) =>
      tf.tidy(() => {
        const f: VectorField = (_t, [z]) => [
          tf.tanh(tf.add(tf.matMul(z as tf.Tensor2D, tf.tensor2d(w, [2, 2])), tf.tensor1d(bias))),
        ];
        return loss(solver.solve(f, [z0], times).states).dataSync()[0] as number;
      });
    const w0 = Array.from(W.dataSync());
    const b0 = Array.from(b.dataSync());
    const eps = 1e-2;
    const fd = [
      w0.map((_, i) => {
        const up = w0.map((x, j) => (j === i ? x + eps : x));
        const down = w0.map((x, j) => (j === i ? x - eps : x));
        return (lossAt(up, b0) - lossAt(down, b0)) / (2 * eps);
      }),
      b0.map((_, i) => {
        const up = b0.map((x, j) => (j === i ? x + eps : x));
        const down = b0.map((x, j) => (j === i ? x - eps : x));
        return (lossAt(w0, up) - lossAt(w0, down)) / (2 * eps);
      }),
    ];
    expect(relativeError(grads.slice(0, 2), fd)).toBeLessThan(2e-3);
  });

  test('adjoint and direct gradients agree (rk4, and dopri5 at tight tolerance), for parameters and initial state', () => {
    const times = [0, 0.4, 1];
    const rk4 = new FixedStepSolver('rk4', RK4, { steps: 20 });
    const direct = gradients('direct', rk4, times);
    const adjoint = gradients('adjoint', rk4, times);
    expect(adjoint.loss).toBeCloseTo(direct.loss, 5);
    expect(relativeError(adjoint.grads, direct.grads)).toBeLessThan(1e-4);
    const dopri5 = new Dopri5Solver({ rtol: 1e-6, atol: 1e-6 });
    const d5direct = gradients('direct', dopri5, times);
    const d5adjoint = gradients('adjoint', dopri5, times);
    expect(relativeError(d5adjoint.grads, d5direct.grads)).toBeLessThan(1e-4);
    expect(relativeError(d5adjoint.grads, direct.grads)).toBeLessThan(1e-4);
  });

  test('adjoint backward in time, with tf.variableGrads, reports backward work and leaves no tensors', () => {
    const solver = new Dopri5Solver({ rtol: 1e-6, atol: 1e-6 });
    const before = tf.memory().numTensors;
    const results: SolveResult[] = [];
    const grads = (mode: Mode) =>
      tf.variableGrads(() => {
        const r = run(mode, solver, field, [z0], [1, 0]);
        results.push(r);
        return loss(r.states);
      });
    const direct = grads('direct');
    const adjoint = grads('adjoint');
    const { backwardStats } = results[1] as AdjointSolveResult;
    expect(backwardStats.nfe).toBeGreaterThan(0);
    expect(backwardStats.accepted).toBeGreaterThan(0);
    expect(results[1]?.stats.nfe).toBeGreaterThan(0);
    for (const name of [W.name, b.name]) {
      const a = Array.from((adjoint.grads[name] as tf.Tensor).dataSync());
      const d = Array.from((direct.grads[name] as tf.Tensor).dataSync());
      expect(relativeError([a], [d])).toBeLessThan(1e-4);
    }
    tf.dispose([direct.value, adjoint.value, direct.grads, adjoint.grads]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('a tuple state and a field that differentiates inside (a divergence accumulator), in both passes', () => {
    // d/dt [z, l] = [g(z), -div g(z)] with g(z) = softplus(z W + b) - 0.5 z: the instantaneous change of
    // variables. The divergence uses tf.grads inside the field; softplus keeps second-order gradients exact in tfjs.
    const e = [tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 1]])];
    const g = (z: tf.Tensor) =>
      tf.sub(tf.softplus(tf.add(tf.matMul(z as tf.Tensor2D, W), b)), tf.mul(z, 0.5));
    const cnf: VectorField = (_t, [z]) => {
      const divergence = tf.addN(
        e.map((ei) =>
          tf.sum(
            tf.mul(
              tf.grads((x: tf.Tensor) => tf.sum(tf.mul(g(x), ei)))([z as tf.Tensor])[0] as tf.Tensor,
              ei,
            ),
            1,
          ),
        ),
      );
      return [g(z as tf.Tensor), tf.neg(divergence)];
    };
    const solver = new FixedStepSolver('rk4', RK4, { steps: 10 });
    const lossOf = (mode: Mode) =>
      tf.variableGrads(() => {
        const { states } = run(mode, solver, cnf, [z0, tf.zeros([3])], [0, 1]);
        const [z1, l1] = states[1] as tf.Tensor[];
        return tf.add(tf.sum(tf.square(z1 as tf.Tensor)), tf.sum(l1 as tf.Tensor)) as tf.Scalar;
      });
    const before = tf.memory().numTensors;
    const direct = lossOf('direct');
    const adjoint = lossOf('adjoint');
    expect(adjoint.value.dataSync()[0]).toBeCloseTo(direct.value.dataSync()[0] as number, 4);
    for (const name of [W.name, b.name]) {
      const a = Array.from((adjoint.grads[name] as tf.Tensor).dataSync());
      const d = Array.from((direct.grads[name] as tf.Tensor).dataSync());
      expect(relativeError([a], [d])).toBeLessThan(1e-3);
    }
    tf.dispose([direct.value, adjoint.value, direct.grads, adjoint.grads]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(e);
  });

  test('memory during the backward pass: the adjoint stays flat from 10 to 100 steps, direct backpropagation grows', async () => {
    let peakTensors = 0;
    const watched: VectorField = (t, state) => {
      peakTensors = Math.max(peakTensors, tf.memory().numTensors);
      return field(t, state);
    };
    const measure = async (mode: Mode, steps: number) => {
      const solver = new FixedStepSolver('rk4', RK4, { steps });
      peakTensors = 0;
      const profile = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(() =>
          loss(run(mode, solver, watched, [z0], [0, 1]).states),
        );
        tf.dispose([value, grads]);
      });
      return { bytes: profile.peakBytes, tensors: peakTensors };
    };
    const adjoint10 = await measure('adjoint', 10);
    const adjoint100 = await measure('adjoint', 100);
    const direct10 = await measure('direct', 10);
    const direct100 = await measure('direct', 100);
    expect(adjoint100.bytes).toBe(adjoint10.bytes);
    expect(adjoint100.tensors).toBe(adjoint10.tensors);
    expect(direct100.bytes).toBeGreaterThan(5 * direct10.bytes);
    expect(direct100.tensors).toBeGreaterThan(5 * direct10.tensors);
    expect(adjoint100.bytes).toBeLessThan(direct10.bytes);
  });

  test('without a gradient tape it is a plain solve; bad params throw a ValueError', () => {
    const solver = new FixedStepSolver('rk4', RK4, { steps: 5 });
    const before = tf.memory().numTensors;
    const plain = solver.solve(field, [z0], [0, 1]);
    const adjoint = solveAdjoint(solver, field, [z0], [0, 1], [W, b]);
    expect(adjoint.stats).toEqual(plain.stats);
    expect(Array.from((adjoint.states[1]?.[0] as tf.Tensor).dataSync())).toEqual(
      Array.from((plain.states[1]?.[0] as tf.Tensor).dataSync()),
    );
    tf.dispose([plain.states, adjoint.states]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => solveAdjoint(solver, field, [z0], [0, 1], [W, 'b'] as never)).toThrow(ValueError);
    expect(() => solveAdjoint(solver, field, [z0], [0, 1], [W, 'b'] as never)).toThrow(
      /params must be an array of float32 tensors/,
    );
  });
});
