import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { OptionError, ShapeError, ValueError } from '@bijective/core';
import { beforeAll, describe, expect, test } from 'vitest';
import { FixedStepSolver } from './fixed-step.js';
import type { VectorField } from './solver.js';
import { EULER, MIDPOINT, RK4 } from './tableau.js';

const decay: VectorField = (_t, [y]) => [tf.neg(y as tf.Tensor)];
const oscillator: VectorField = (_t, [x, v]) => [v as tf.Tensor, tf.neg(x as tf.Tensor)];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('FixedStepSolver', () => {
  test('steps: equal steps per interval; nfe = stages x steps; no rejections', () => {
    const y0 = [tf.ones([4, 2])];
    const { states, stats } = new FixedStepSolver('rk4', RK4, { steps: 5 }).solve(decay, y0, [0, 0.5, 1]);
    expect(stats).toEqual({ nfe: 40, accepted: 10, rejected: 0 });
    expect(states).toHaveLength(3);
    expect(states[0]?.[0]).not.toBe(y0[0]);
    expect(Array.from((states[0]?.[0] as tf.Tensor).dataSync())).toEqual(Array(8).fill(1));
    for (const [i, t] of [0.5, 1].entries()) {
      const values = (states[i + 1]?.[0] as tf.Tensor).dataSync();
      for (const v of values) expect(v).toBeCloseTo(Math.exp(-t), 5);
    }
    tf.dispose([y0, states]);
  });

  test('step: the fewest equal steps no longer than step, per interval', () => {
    const y0 = [tf.scalar(1)];
    const { states, stats } = new FixedStepSolver('euler', EULER, { step: 0.3 }).solve(
      decay,
      y0,
      [0, 1, 1.5],
    );
    // [0, 1] needs 4 steps of 0.25, [1, 1.5] needs 2 steps of 0.25: y = 0.75^6.
    expect(stats).toEqual({ nfe: 6, accepted: 6, rejected: 0 });
    expect((states[2]?.[0] as tf.Tensor).dataSync()[0]).toBeCloseTo(0.75 ** 6, 6);
    tf.dispose([y0, states]);
  });

  test('fixed grid: without options one step per interval of the requested times', () => {
    const y0 = [tf.scalar(1)];
    const times = [0, 0.1, 0.3, 0.4];
    const { states, stats } = new FixedStepSolver('euler', EULER).solve(decay, y0, times);
    expect(stats.accepted).toBe(3);
    const expected = [1, 0.9, 0.9 * 0.8, 0.9 * 0.8 * 0.9];
    states.forEach((s, i) => expect((s[0] as tf.Tensor).dataSync()[0]).toBeCloseTo(expected[i] as number, 6));
    tf.dispose([y0, states]);
  });

  test('integrates backward in time (t1 < t0) and a forward-backward round trip recovers the start', () => {
    const y0 = [tf.tensor1d([1, -0.5]), tf.tensor1d([0, 2])];
    const solver = new FixedStepSolver('midpoint', MIDPOINT, { step: 0.01 });
    const forward = solver.solve(oscillator, y0, [0, 1]);
    const back = solver.solve(oscillator, forward.states[1] as tf.Tensor[], [1, 0]);
    const x = (back.states[1]?.[0] as tf.Tensor).dataSync();
    const v = (back.states[1]?.[1] as tf.Tensor).dataSync();
    expect(x[0]).toBeCloseTo(1, 4);
    expect(x[1]).toBeCloseTo(-0.5, 4);
    expect(v[0]).toBeCloseTo(0, 4);
    expect(v[1]).toBeCloseTo(2, 4);
    // Backward from t = 1 to t = 0 on y' = -y multiplies by e.
    const one = [tf.scalar(1)];
    const grown = solver.solve(decay, one, [1, 0]);
    expect((grown.states[1]?.[0] as tf.Tensor).dataSync()[0]).toBeCloseTo(Math.E, 3);
    tf.dispose([y0, forward.states, back.states, one, grown.states]);
  });

  test("passes the stage times to the field: y' = 2t from 1 to 3 gives 9 - 1 exactly with midpoint", () => {
    const y0 = [tf.scalar(0)];
    const seen: number[] = [];
    const f: VectorField = (t, [y]) => {
      seen.push(t);
      return [tf.fill((y as tf.Tensor).shape, 2 * t)];
    };
    const { states } = new FixedStepSolver('midpoint', MIDPOINT, { steps: 2 }).solve(f, y0, [1, 3]);
    expect(seen).toEqual([1, 1.5, 2, 2.5]);
    expect((states[1]?.[0] as tf.Tensor).dataSync()[0]).toBeCloseTo(8, 5);
    tf.dispose([y0, states]);
  });

  test('leaves no tensors behind', () => {
    const y0 = [tf.ones([3]), tf.zeros([3])];
    const before = tf.memory().numTensors;
    const { states } = new FixedStepSolver('rk4', RK4, { steps: 7 }).solve(oscillator, y0, [0, 0.5, 2]);
    expect(tf.memory().numTensors).toBe(before + 6);
    tf.dispose(states);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(y0);
  });

  test('rejects bad options, times, states and field outputs with errors naming the problem', () => {
    expect(() => new FixedStepSolver('rk4', RK4, { step: 0 })).toThrow(OptionError);
    expect(() => new FixedStepSolver('rk4', RK4, { step: -1 })).toThrow(/step must be a finite number > 0/);
    expect(() => new FixedStepSolver('rk4', RK4, { steps: 1.5 })).toThrow(
      /steps must be a finite integer >= 1/,
    );
    expect(() => new FixedStepSolver('rk4', RK4, { step: 0.1, steps: 3 })).toThrow(/either step or steps/);
    expect(() => new FixedStepSolver('rk4', RK4, { stpes: 3 } as never)).toThrow(/unknown option 'stpes'/);
    const solver = new FixedStepSolver('euler', EULER);
    const y0 = [tf.scalar(1)];
    const ints = [tf.scalar(1, 'int32')];
    const before = tf.memory().numTensors;
    expect(() => solver.solve(decay, y0, [0])).toThrow(/at least two time points/);
    expect(() => solver.solve(decay, y0, [0, 1, 1])).toThrow(
      /strictly increasing; times\[1\] = 1, times\[2\] = 1/,
    );
    expect(() => solver.solve(decay, y0, [1, 0, 0.5])).toThrow(/strictly decreasing/);
    expect(() => solver.solve(decay, y0, [0, NaN])).toThrow(OptionError);
    expect(() => solver.solve(decay, [], [0, 1])).toThrow(ValueError);
    expect(() => solver.solve(decay, ints, [0, 1])).toThrow(/dtype int32/);
    const wrong: VectorField = () => [tf.zeros([2])];
    expect(() => solver.solve(wrong, y0, [0, 1])).toThrow(ShapeError);
    expect(() => solver.solve(wrong, y0, [0, 1])).toThrow(
      /output 0 has shape \[2\], expected the state's \[\]/,
    );
    expect(() => solver.solve(() => [], y0, [0, 1])).toThrow(/returned 0 tensors for a state of 1/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([y0, ints]);
  });
});
