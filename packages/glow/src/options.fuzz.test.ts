// Fuzzing of every option parser of the package: arbitrary JSON options (plausible values mixed with
// junk, unknown keys, wrong types, huge sizes) either build a working bijector or throw one of the
// project's typed errors naming the problem, never a TypeError or a tfjs error, and leak nothing.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { BijectiveError, createByName } from '@bijective/core';
import { fuzzJunk, fuzzOptions, fuzzSize, plausibleOrJunk } from '@bijective/testing';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const smallInt = fc.integer({ min: -2, max: 5 });
const size = fuzzSize(-2, 5, 8);
const junk = fuzzJunk();
const valueFor = plausibleOrJunk;
const image = fc.oneof(
  {
    arbitrary: fc.tuple(fc.constantFrom(2, 4, 8), fc.constantFrom(2, 4, 8), fc.integer({ min: 1, max: 3 })),
    weight: 6,
  },
  { arbitrary: fc.array(size, { minLength: 0, maxLength: 4 }), weight: 2 },
);

const OPTIONS: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  glow: {
    imageShape: valueFor(image),
    eventShape: valueFor(fc.array(size, { maxLength: 2 })),
    levels: valueFor(smallInt),
    stepsPerLevel: valueFor(size),
    hiddenChannels: valueFor(size),
    coupling: valueFor(fc.constantFrom('affine', 'realnvp')),
    mixing: valueFor(fc.constantFrom('lu', 'reverse')),
    splitPrior: valueFor(fc.constantFrom('learned', 'standard')),
    logitAlpha: valueFor(fc.double({ min: -0.1, max: 0.6, noNaN: true })),
    dequantization: valueFor(fc.constantFrom('uniform', 'variational')),
    contextShape: valueFor(fc.oneof(fc.constant(null), fc.array(size, { maxLength: 2 }))),
    seed: valueFor(fc.integer({ min: -1, max: 2 ** 32 })),
  },
  actnorm: { eventShape: valueFor(image) },
  'invertible-conv-1x1': {
    eventShape: valueFor(image),
    seed: valueFor(smallInt),
    permutation: junk,
    signs: junk,
  },
  'channel-permutation': {
    eventShape: valueFor(image),
    permutation: valueFor(fc.array(smallInt, { maxLength: 4 })),
  },
  'glow-coupling': { eventShape: valueFor(image), hiddenChannels: valueFor(size), seed: valueFor(smallInt) },
  'masked-coupling': {
    eventShape: valueFor(image),
    mask: valueFor(fc.constantFrom('checkerboard', 'channel')),
    parity: valueFor(fc.constantFrom(0, 1)),
    hiddenChannels: valueFor(size),
    seed: valueFor(smallInt),
  },
  'split-prior': { eventShape: valueFor(image) },
  squeeze: { imageShape: valueFor(image) },
  'logit-transform': {
    eventShape: valueFor(fc.array(size, { minLength: 1, maxLength: 2 })),
    alpha: valueFor(fc.double()),
  },
};

const optionsOf = fuzzOptions;

/** Builds `name` from `options` and runs it both ways once; any failure must be a BijectiveError. */
function buildOrTypedError(name: string, options: unknown): void {
  const before = tf.memory().numTensors;
  try {
    const b = createByName('bijector', name, options);
    const x = tf.randomNormal([2, ...b.eventShape]);
    tf.dispose(tf.tidy(() => b.inverse(b.forward(x))));
    x.dispose();
    b.dispose();
  } catch (e) {
    if (!(e instanceof BijectiveError))
      throw new Error(`${name} ${JSON.stringify(options)} threw ${String(e)}`);
  }
  expect(tf.memory().numTensors).toBe(before);
}

describe('option parsers (fuzzed)', () => {
  for (const [name, known] of Object.entries(OPTIONS)) {
    test(`${name}: built or a typed error`, () => {
      fc.assert(
        fc.property(optionsOf(known), (o) => buildOrTypedError(name, o)),
        { numRuns: name === 'glow' ? 120 : name.endsWith('coupling') ? 30 : 80, seed: 1 },
      );
    });
  }
});
