import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import { Dopri5Solver, type VectorField } from '@bijective/ode';
import { dopri5Steps } from './dopri5-steps.js';

/** Solves y' = -k y on [0, 1] with the evaluation times logged. */
function logged(k: number, rtol: number) {
  const times: number[] = [];
  const f: VectorField = (t, [y]) => {
    times.push(t);
    return [tf.mul(y as tf.Tensor, -k)];
  };
  const { states, stats } = new Dopri5Solver({ rtol, atol: rtol }).solve(f, [tf.ones([4, 1])], [0, 1]);
  tf.dispose(states.flat());
  return { times, stats };
}

describe('dopri5Steps', () => {
  test('counts the accepted and rejected steps the solver reports, and the steps cover [0, 1]', async () => {
    await tf.setBackend('cpu');
    for (const [k, rtol] of [
      [1, 1e-5],
      [20, 1e-6],
      [60, 1e-3],
    ] as const) {
      const { times, stats } = logged(k, rtol);
      const { steps } = dopri5Steps(times);
      expect(steps.filter((s) => s.accepted).length).toBe(stats.accepted);
      expect(steps.filter((s) => !s.accepted).length).toBe(stats.rejected);
      const covered = steps.filter((s) => s.accepted).reduce((a, s) => a + s.h, 0);
      expect(covered).toBeCloseTo(1, 6);
    }
    // A stiff decay at a loose tolerance must reject at least once, so the reader is tested on rejections.
    expect(logged(60, 1e-3).stats.rejected).toBeGreaterThan(0);
  });
  test('an evaluation count that is not 2 + 6 per step is one clear error', () => {
    expect(() => dopri5Steps([0, 0.01, 0.1])).toThrow(/not 2 \+ 6 per step/);
  });
});
