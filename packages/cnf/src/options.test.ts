// Fuzzing of ffjord's option parser: any JSON-like options either resolve (and round-trip through
// the saved config) or fail with a BijectiveError naming the problem, never another exception.
import { BijectiveError, createByName } from '@bijective/core';
import * as fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import './index.js';
import { FFJORD_KEYS, ffjordOptionsJson, resolveFfjordOptions } from './options.js';

/** Values near the valid ones and anything else. */
const value = fc.oneof(
  fc.constantFrom(
    'dopri5',
    'rk4',
    'euler',
    'heun',
    'exact',
    'hutchinson-rademacher',
    'adjoint',
    'backprop',
    'tanh',
    'relu',
    '',
  ),
  fc.double({ noNaN: false }),
  fc.integer({ min: -3, max: 5 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer({ min: -2, max: 8 }), { maxLength: 3 }),
  fc.dictionary(
    fc.constantFrom('steps', 'rtol', 'probes', 'maxSteps', 'x'),
    fc.oneof(fc.integer({ min: -2, max: 20 }), fc.double()),
  ),
  fc.anything(),
);
const options = fc.dictionary(fc.constantFrom(...FFJORD_KEYS, 'unknown'), value, { maxKeys: 6 });

describe('ffjord options', () => {
  test('any options resolve or throw a BijectiveError; resolved ones round-trip through the config', () => {
    fc.assert(
      fc.property(options, (raw) => {
        const candidate = { eventShape: [2], ...raw };
        try {
          const resolved = resolveFfjordOptions(candidate);
          // The solver and estimators are built by name, as the constructor does.
          createByName('odeSolver', resolved.solver, resolved.solverOptions);
          createByName('traceEstimator', resolved.estimator, resolved.estimatorOptions);
          createByName('traceEstimator', resolved.evaluationEstimator, {});
          expect(resolveFfjordOptions(ffjordOptionsJson(resolved))).toEqual(resolved);
        } catch (e) {
          if (!(e instanceof BijectiveError)) throw e;
          expect(e.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000, seed: 14 },
    );
  });
});
