import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { OptionError } from '@bijective/core';
import { beforeAll, describe, expect, test } from 'vitest';
import { Dopri5Solver } from './dopri5.js';
import { OdeSolveError } from './errors.js';
import type { VectorField } from './solver.js';

const oscillator: VectorField = (_t, [x, v]) => [v as tf.Tensor, tf.neg(x as tf.Tensor)];
/** A stiff problem: y' = -1000 (y - cos t); explicit steps are limited to about 3.3e-3 by stability. */
const stiff: VectorField = (t, [y]) => [tf.mul(tf.sub(y as tf.Tensor, Math.cos(t)), -1000)];
/** y' = y², y(0) = 1: the solution 1 / (1 - t) blows up at t = 1. */
const blowUp: VectorField = (_t, [y]) => [tf.square(y as tf.Tensor)];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Dopri5Solver', () => {
  test('lands exactly on every requested time; counts nfe as 2 + 6 per attempted step (first same as last)', () => {
    const y0 = [tf.tensor1d([1, 0]), tf.tensor1d([0, 1])];
    const times = [0, 0.7, 2.5, 4];
    const { states, stats } = new Dopri5Solver({ rtol: 1e-6, atol: 1e-6 }).solve(oscillator, y0, times);
    expect(states).toHaveLength(4);
    times.forEach((t, i) => {
      const x = (states[i]?.[0] as tf.Tensor).dataSync();
      expect(x[0]).toBeCloseTo(Math.cos(t), 5);
      expect(x[1]).toBeCloseTo(Math.sin(t), 5);
    });
    expect(stats.nfe).toBe(2 + 6 * (stats.accepted + stats.rejected));
    tf.dispose([y0, states]);
  });

  test('errorControlled: a quadrature left out of the error control takes no steps of its own', () => {
    // [x, v] the oscillator; q' = 50 sin(40 t) depends on t only, a rough quadrature carried along.
    const withQuadrature: VectorField = (t, [x, v, q]) => [
      ...oscillator(t, [x as tf.Tensor, v as tf.Tensor]),
      tf.fill((q as tf.Tensor).shape, 50 * Math.sin(40 * t)),
    ];
    const solver = new Dopri5Solver({ rtol: 1e-5, atol: 1e-5 });
    const y0 = [tf.scalar(1), tf.scalar(0), tf.scalar(0)];
    const alone = solver.solve(oscillator, y0.slice(0, 2), [0, 3]);
    const all = solver.solve(withQuadrature, y0, [0, 3]);
    const leading = solver.solve(withQuadrature, y0, [0, 3], { errorControlled: 2 });
    // Measuring the quadrature costs steps; leaving it out gives exactly the oscillator's own steps.
    expect(all.stats.nfe).toBeGreaterThan(alone.stats.nfe);
    expect(leading.stats).toEqual(alone.stats);
    expect((leading.states[1]?.[0] as tf.Tensor).dataSync()[0]).toBeCloseTo(Math.cos(3), 4);
    for (const bad of [0, 4, 1.5]) {
      expect(() => solver.solve(withQuadrature, y0, [0, 1], { errorControlled: bad })).toThrow(
        /errorControlled must be an integer from 1 to the state's 3 tensors/,
      );
    }
    tf.dispose([y0, alone.states, all.states, leading.states]);
  });

  test('a given firstStep skips the automatic choice (one evaluation fewer)', () => {
    const y0 = [tf.scalar(1), tf.scalar(0)];
    const { states, stats } = new Dopri5Solver({ firstStep: 0.1 }).solve(oscillator, y0, [0, 1]);
    expect(stats.nfe).toBe(1 + 6 * (stats.accepted + stats.rejected));
    tf.dispose([y0, states]);
  });

  test('integrates backward in time: from t = 3 to t = 0 on the oscillator', () => {
    const y0 = [tf.scalar(Math.cos(3)), tf.scalar(-Math.sin(3))];
    const { states } = new Dopri5Solver({ rtol: 1e-6, atol: 1e-6 }).solve(oscillator, y0, [3, 1, 0]);
    expect((states[1]?.[0] as tf.Tensor).dataSync()[0]).toBeCloseTo(Math.cos(1), 5);
    expect((states[2]?.[0] as tf.Tensor).dataSync()[0]).toBeCloseTo(1, 5);
    expect((states[2]?.[1] as tf.Tensor).dataSync()[0]).toBeCloseTo(0, 5);
    tf.dispose([y0, states]);
  });

  test('rejects steps whose error is too large and recovers (a sharp transient)', () => {
    const y0 = [tf.scalar(0)];
    const { states, stats } = new Dopri5Solver({ firstStep: 1 }).solve(stiff, y0, [0, 0.02]);
    expect(stats.rejected).toBeGreaterThan(0);
    expect((states[1]?.[0] as tf.Tensor).dataSync()[0]).toBeCloseTo(1 - Math.exp(-20), 3);
    tf.dispose([y0, states]);
  });

  test('a stiff problem stops with a clear error at the maximum-steps guard, leaving no tensors', () => {
    const y0 = [tf.scalar(0)];
    const before = tf.memory().numTensors;
    const solver = new Dopri5Solver({ maxSteps: 100 });
    let error: unknown;
    try {
      solver.solve(stiff, y0, [0, 1]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OdeSolveError);
    const e = error as OdeSolveError;
    expect(e.message).toMatch(/dopri5: reached maxSteps = 100 at t = .* of \[0, 1\] .*may be stiff/);
    expect(e.stats.accepted + e.stats.rejected).toBe(100);
    expect(e.t).toBeGreaterThan(0);
    expect(e.t).toBeLessThan(1);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(y0);
  });

  test('a stiff problem stops with a clear error at the minimum-step guard', () => {
    const y0 = [tf.scalar(0)];
    expect(() => new Dopri5Solver({ minStep: 0.01 }).solve(stiff, y0, [0, 1])).toThrow(
      /dopri5: step size .* fell below the minimum 0.01 at t = .* of \[0, 1\].*too stiff/,
    );
    tf.dispose(y0);
  });

  test('a blow-up stops with a clear error when the step reaches the time-resolution floor instead of underflowing', () => {
    const y0 = [tf.scalar(1)];
    const before = tf.memory().numTensors;
    let error: unknown;
    try {
      new Dopri5Solver().solve(blowUp, y0, [0, 2]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OdeSolveError);
    expect((error as Error).message).toMatch(/step size .* fell below the minimum .* blow up/);
    expect((error as OdeSolveError).t).toBeCloseTo(1, 3);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(y0);
  });

  test('leaves no tensors behind but the returned states', () => {
    const y0 = [tf.ones([5, 2])];
    const before = tf.memory().numTensors;
    const { states } = new Dopri5Solver().solve((_t, [y]) => [tf.sin(y as tf.Tensor)], y0, [0, 1, 2]);
    expect(tf.memory().numTensors).toBe(before + 3);
    tf.dispose(states);
    tf.dispose(y0);
  });

  test('rejects bad options with an OptionError naming the option', () => {
    expect(() => new Dopri5Solver({ rtol: 0 })).toThrow(OptionError);
    expect(() => new Dopri5Solver({ rtol: -1e-3 })).toThrow(
      /rtol must be a finite number >= 1\.1920928955078125e-7/,
    );
    expect(() => new Dopri5Solver({ rtol: 1e-9 })).toThrow(/rtol/);
    expect(() => new Dopri5Solver({ atol: 0 })).toThrow(/atol must be a finite number > 0/);
    expect(() => new Dopri5Solver({ safety: 1.5 })).toThrow(/safety must be a finite number > 0 and < 1/);
    expect(() => new Dopri5Solver({ minFactor: 0 })).toThrow(/minFactor/);
    expect(() => new Dopri5Solver({ maxFactor: 1 })).toThrow(/maxFactor must be a finite number > 1/);
    expect(() => new Dopri5Solver({ maxSteps: 0 })).toThrow(/maxSteps must be a finite integer >= 1/);
    expect(() => new Dopri5Solver({ minStep: -1 })).toThrow(/minStep/);
    expect(() => new Dopri5Solver({ firstStep: 0 })).toThrow(/firstStep/);
    expect(() => new Dopri5Solver({ rtoll: 1e-3 } as never)).toThrow(
      /unknown option 'rtoll'; known: rtol, atol/,
    );
    expect(() => new Dopri5Solver(null as never)).toThrow(/options must be an object/);
  });
});
