import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  OptionError,
  RegistryError,
  create,
  createByName,
  listRegistered,
  register,
  unregister,
} from '@bijective/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Dopri5Solver, FixedStepSolver, type ButcherTableau, type FixedStepOptions } from './index.js';

/** A third party's method: Heun's (explicit trapezoidal) rule, order 2. */
const HEUN: ButcherTableau = { order: 2, c: [0, 1], a: [[], [1]], b: [1 / 2, 1 / 2], fsal: false };

declare module './index.js' {
  interface OdeSolverOptionsMap {
    'acme/heun': FixedStepOptions;
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => {
  unregister('odeSolver', 'acme/heun');
});

describe('odeSolver registry', () => {
  test('registers euler, midpoint, rk4 and dopri5 with descriptions', () => {
    const names = listRegistered('odeSolver').map((l) => l.name);
    expect(names).toEqual(expect.arrayContaining(['dopri5', 'euler', 'midpoint', 'rk4']));
    for (const l of listRegistered('odeSolver')) expect(l.description.length).toBeGreaterThan(10);
    expect(create('odeSolver', 'dopri5', { rtol: 1e-4 })).toBeInstanceOf(Dopri5Solver);
    expect(create('odeSolver', 'rk4', { steps: 4 }).order).toBe(4);
    expect(createByName('odeSolver', 'euler', {}).order).toBe(1);
    expect(createByName('odeSolver', 'midpoint', { step: 0.1 })).toBeInstanceOf(FixedStepSolver);
  });

  test('options from JSON are validated by the factory', () => {
    expect(() => createByName('odeSolver', 'dopri5', { rtol: -1 })).toThrow(OptionError);
    expect(() => createByName('odeSolver', 'rk4', { step: 'small' })).toThrow(
      /rk4: step must be a finite number/,
    );
  });

  test('an unknown name errors listing the known ones', () => {
    expect(() => createByName('odeSolver', 'dopri8', {})).toThrow(RegistryError);
    expect(() => createByName('odeSolver', 'dopri8', {})).toThrow(
      /unknown odeSolver 'dopri8'; known: .*dopri5, euler, midpoint, rk4/,
    );
  });

  test('a third party registers its own solver and a consumer creates it by name', () => {
    register('odeSolver', 'acme/heun', {
      description: "Heun's method, order 2 (third-party example)",
      create: (options) => new FixedStepSolver('acme/heun', HEUN, options),
    });
    const solver = createByName('odeSolver', 'acme/heun', { steps: 10 });
    expect(solver.name).toBe('acme/heun');
    const y0 = [tf.scalar(1)];
    const { states, stats } = solver.solve((_t, [y]) => [tf.neg(y as tf.Tensor)], y0, [0, 1]);
    expect(stats.nfe).toBe(20);
    expect((states[1]?.[0] as tf.Tensor).dataSync()[0]).toBeCloseTo(0.905 ** 10, 6); // (1 - h + h²/2)^10 with h = 0.1
    tf.dispose([y0, states]);
    expect(() =>
      register('odeSolver', 'acme/heun', {
        description: 'again',
        create: (o) => new FixedStepSolver('x', HEUN, o),
      }),
    ).toThrow(/already registered/);
  });
});
