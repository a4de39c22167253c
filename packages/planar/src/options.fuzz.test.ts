// Fuzzing of every option parser of the package: arbitrary JSON options (plausible values mixed
// with junk, unknown keys, wrong types) either build a working component or throw one of the
// project's typed errors naming the problem, never a TypeError or a tfjs error. CSV files of random
// text for the logistic-regression target, likewise.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { BijectiveError, createByName, type RegistryKind } from '@bijective/core';
import { fuzzOptions, fuzzSize, plausibleOrJunk } from '@bijective/testing';
import './node/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const size = fuzzSize(-3, 6);
const valueFor = plausibleOrJunk;
const shape = fc.array(size, { minLength: 0, maxLength: 3 });

const STACK = {
  eventShape: valueFor(shape),
  layers: valueFor(size),
  contextShape: valueFor(fc.option(shape, { nil: undefined })),
  hidden: valueFor(fc.array(size, { maxLength: 2 })),
  activation: valueFor(fc.constantFrom('relu', 'tanh', 'elu', 'silu', 'gelu')),
  seed: valueFor(fc.integer({ min: -1, max: 2 ** 32 })),
};
const DIMENSIONED = {
  dimension: valueFor(size),
  curvature: valueFor(fc.double({ min: -1, max: 1, noNaN: true })),
  scale: valueFor(fc.double({ min: -2, max: 20 })),
};
const rows = fc.array(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 2 }), {
  minLength: 1,
  maxLength: 5,
});
const LOGISTIC = {
  features: valueFor(rows),
  labels: valueFor(fc.array(fc.constantFrom(0, 1, 2), { minLength: 1, maxLength: 5 })),
  priorScale: valueFor(fc.double({ min: -1, max: 5 })),
  intercept: valueFor(fc.boolean()),
  standardize: valueFor(fc.boolean()),
};

/** Options with any subset of the known keys and sometimes an unknown one. */
const optionsOf = fuzzOptions;

/** Builds `name` from `options` and uses it once; any failure must be a BijectiveError. */
function buildOrTypedError(kind: RegistryKind, name: string, options: unknown): void {
  const before = tf.memory().numTensors;
  try {
    if (kind === 'bijector') {
      const b = createByName('bijector', name, options);
      const x = tf.randomNormal([3, ...b.eventShape]);
      const context = b.contextShape ? tf.randomNormal([3, ...b.contextShape]) : undefined;
      tf.dispose(tf.tidy(() => b.inverse(b.forward(x, { context }), { context })));
      tf.dispose([x, context as tf.Tensor]);
      b.dispose();
    } else {
      const t = createByName('target', name, options);
      const x = tf.randomNormal([3, ...t.eventShape]);
      tf.dispose([t.logDensity(x), x]);
      t.dispose();
    }
  } catch (e) {
    if (!(e instanceof BijectiveError))
      throw new Error(`${name} ${JSON.stringify(options)} threw ${String(e)}`);
  }
  expect(tf.memory().numTensors).toBe(before);
}

describe('option parsers (fuzzed)', () => {
  for (const name of ['planar', 'radial']) {
    test(`${name}: built or a typed error`, () => {
      fc.assert(
        fc.property(optionsOf(STACK), (o) => buildOrTypedError('bijector', name, o)),
        { numRuns: 200, seed: 1 },
      );
    });
  }
  for (const name of ['planar', 'radial']) {
    test(`${name}: any sizes, huge ones included, are built or refused with an OptionError`, () => {
      const sizes = fc.record(
        {
          eventShape: fc.tuple(size),
          layers: size,
          contextShape: fc.option(fc.tuple(size), { nil: undefined }),
          hidden: fc.option(fc.tuple(size), { nil: undefined }),
        },
        { requiredKeys: ['eventShape', 'layers'] },
      );
      fc.assert(
        fc.property(sizes, (o) => buildOrTypedError('bijector', name, o)),
        { numRuns: 100, seed: 5 },
      );
    });
  }
  for (const name of ['u1', 'banana', 'funnel']) {
    test(`${name}: built or a typed error`, () => {
      fc.assert(
        fc.property(optionsOf(DIMENSIONED), (o) => buildOrTypedError('target', name, o)),
        { numRuns: 100, seed: 2 },
      );
    });
  }
  test('logistic-regression (inline): built or a typed error', () => {
    fc.assert(
      fc.property(optionsOf(LOGISTIC), (o) => buildOrTypedError('target', 'logistic-regression', o)),
      {
        numRuns: 150,
        seed: 3,
      },
    );
  });

  test('logistic-regression (CSV files of random text): built or a typed error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bijective-fuzz-'));
    const cell = fc.oneof(
      fc.constantFrom('0', '1', '2', '-1.5', 'x', '', 'NaN', '"a,b"', '1e40'),
      fc.string({ maxLength: 3 }),
    );
    const line = fc.array(cell, { minLength: 1, maxLength: 3 }).map((cells) => cells.join(','));
    const text = fc.array(line, { maxLength: 5 }).map((lines) => lines.join('\n'));
    const column = fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constantFrom('a', 'label', '0'));
    let i = 0;
    fc.assert(
      fc.property(text, column, (contents, labelColumn) => {
        const file = path.join(dir, `f${i++}.csv`);
        writeFileSync(file, contents);
        buildOrTypedError('target', 'logistic-regression', { data: file, labelColumn });
      }),
      { numRuns: 200, seed: 4 },
    );
  });
});
