// Fuzzing of the package's option parser: arbitrary JSON options (plausible values mixed with junk,
// unknown keys, wrong types) either build a working flow or throw one of the project's typed errors
// naming the problem, never a TypeError or a tfjs error; guidance values likewise.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { BijectiveError, createByName } from '@bijective/core';
import { fuzzOptions, fuzzSize, plausibleOrJunk } from '@bijective/testing';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const size = fuzzSize(-3, 4);
const valueFor = plausibleOrJunk;
const shape = fc.array(size, { minLength: 0, maxLength: 2 });

const OPTIONS = {
  eventShape: valueFor(shape),
  hidden: valueFor(fc.array(fc.integer({ min: -1, max: 6 }), { maxLength: 2 })),
  activation: valueFor(fc.constantFrom('tanh', 'swish', 'elu', 'relu', 'softplus')),
  path: valueFor(fc.constantFrom('ot', 'rectified', 'minibatch-ot', 'straight')),
  sigmaMin: valueFor(fc.double({ min: -0.5, max: 1.5 })),
  otBlock: valueFor(fc.integer({ min: -1, max: 4 })),
  solver: valueFor(fc.constantFrom('dopri5', 'rk4', 'euler', 'heun', '')),
  rtol: valueFor(fc.double({ min: -1, max: 2 })),
  atol: valueFor(fc.double({ min: -1, max: 1 })),
  steps: valueFor(fc.integer({ min: -1, max: 6 })),
  timeSampling: valueFor(fc.constantFrom('uniform', 'logit-normal', 'beta')),
  ema: valueFor(fc.double({ min: -0.5, max: 1.5 })),
  contextShape: valueFor(fc.option(shape, { nil: undefined })),
  contextDropout: valueFor(fc.double({ min: -0.5, max: 1.5 })),
  identityInit: valueFor(fc.boolean()),
  seed: valueFor(fc.integer({ min: -1, max: 2 ** 32 })),
};

/** Options with any subset of the known keys and sometimes an unknown one. */
const options = fuzzOptions(OPTIONS);

let built = 0;

/** Builds the flow from `o`, uses it once both ways and for its loss; any failure must be a BijectiveError. */
function buildOrTypedError(o: unknown, guidance: unknown): void {
  const before = tf.memory().numTensors;
  try {
    const b = createByName('bijector', 'flow-matching', o);
    try {
      const x = tf.randomNormal([3, ...b.eventShape]);
      const context = b.contextShape ? tf.randomNormal([3, ...b.contextShape]) : undefined;
      try {
        tf.dispose(tf.tidy(() => b.inverse(b.forward(x, { context }), { context })));
        tf.dispose(
          tf.tidy(() =>
            b.trainingLoss?.(x, {
              context,
              seed: 1,
              sampleBase: (n) => tf.randomNormal([n, ...b.eventShape]),
            }),
          ),
        );
        b.afterTrainingStep?.();
        built += 1;
        tf.dispose(tf.tidy(() => b.forward(x, { context, guidance: guidance as number })));
      } finally {
        tf.dispose([x, context as tf.Tensor]);
      }
    } finally {
      b.dispose();
    }
  } catch (e) {
    if (!(e instanceof BijectiveError))
      throw new Error(`flow-matching ${JSON.stringify(o)} threw ${String(e)}`);
  }
  expect(tf.memory().numTensors).toBe(before);
}

describe('flow-matching option parser (fuzzed)', () => {
  test('built or a typed error', () => {
    const guidance = fc.oneof(fc.constantFrom(0, 1, -2, Number.NaN, Infinity), fc.double());
    fc.assert(
      fc.property(options, guidance, (o, w) => buildOrTypedError(o, w)),
      { numRuns: 150, seed: 1 },
    );
  });

  test('plausible options build working flows (the fuzz reaches past the parser)', () => {
    built = 0;
    const plausible = fc.record(
      {
        eventShape: fc.tuple(fc.integer({ min: 1, max: 3 })),
        hidden: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 2 }),
        path: fc.constantFrom('ot', 'rectified', 'minibatch-ot'),
        solver: fc.constantFrom('dopri5', 'rk4', 'euler'),
        contextShape: fc.option(fc.tuple(fc.integer({ min: 1, max: 2 })), { nil: undefined }),
        contextDropout: fc.double({ min: 0, max: 0.9, noNaN: true }),
        timeSampling: fc.constantFrom('uniform', 'logit-normal'),
        ema: fc.constantFrom(0, 0.5, 0.999),
        otBlock: fc.integer({ min: 2, max: 4 }),
        seed: fc.integer({ min: 0, max: 100 }),
      },
      { requiredKeys: ['eventShape'] },
    );
    fc.assert(
      fc.property(plausible, fc.constantFrom(0, 1), (o, w) => buildOrTypedError(o, w)),
      { numRuns: 40, seed: 2 },
    );
    expect(built).toBe(40);
  });
});
