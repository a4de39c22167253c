import { OptionError, randomPermutation } from '@bijective/core';
import type { DatasetSplits, SplitOptions } from './dataset.js';
import { checkCount, checkNumber, checkOptionKeys, checkSeed } from './options.js';
import { subSeed } from './seeds.js';
import { selectRows, type Table } from './table.js';

const SPLIT_KEYS = ['seed', 'validationFraction', 'testFraction', 'size', 'testSize'];

/** Row indices of a seeded shuffle of `0..n-1` cut into training, validation and test parts. */
export interface SplitIndices {
  /** Training rows. */
  train: number[];
  /** Validation rows (`floor(n * validationFraction)` of them). */
  validation: number[];
  /** Test rows (`floor(n * testFraction)` of them). */
  test: number[];
}

/** Shuffles `0..n-1` with `seed` and cuts off `floor(n·testFraction)` test and `floor(n·validationFraction)` validation rows. */
export function splitIndices(
  n: number,
  { validationFraction = 0.1, testFraction = 0, seed = 0 }: SplitOptions = {},
): SplitIndices {
  checkCount(n, 'splitIndices: n');
  checkNumber(validationFraction, 'validationFraction', { min: 0, max: 1 });
  checkNumber(testFraction, 'testFraction', { min: 0, max: 1 });
  checkSeed(seed);
  const nTest = Math.floor(n * testFraction);
  const nValidation = Math.floor(n * validationFraction);
  if (n > 0 && nTest + nValidation >= n) {
    throw new OptionError(
      `validationFraction ${validationFraction} + testFraction ${testFraction} leave no training rows out of ${n}`,
    );
  }
  const order = randomPermutation(n, subSeed(seed, 0));
  return {
    test: order.slice(0, nTest),
    validation: order.slice(nTest, nTest + nValidation),
    train: order.slice(nTest + nValidation),
  };
}

/**
 * The K folds of K-fold cross-validation (Stone 1974, "Cross-validatory choice and assessment of
 * statistical predictions", JRSS B 36): a seeded shuffle of `0..n-1` cut into `folds` consecutive
 * parts of ⌊n/K⌋ or ⌈n/K⌉ rows, fold j being rows ⌊jn/K⌋..⌊(j+1)n/K⌋ of the shuffle. Every row lies
 * in exactly one fold; fold j is the validation set of the j-th training run, the other folds its
 * training set. `folds` must be an integer in [2, n].
 */
export function foldIndices(n: number, folds: number, seed = 0): number[][] {
  checkCount(n, 'foldIndices: n');
  checkSeed(seed);
  if (typeof folds !== 'number' || !Number.isInteger(folds) || folds < 2 || folds > n) {
    throw new OptionError(
      `foldIndices: folds must be an integer in [2, ${n}] (at most one fold per row), got ${String(folds)}`,
    );
  }
  const order = randomPermutation(n, subSeed(seed, 4));
  return Array.from({ length: folds }, (_, j) =>
    order.slice(Math.floor((j * n) / folds), Math.floor(((j + 1) * n) / folds)),
  );
}

/**
 * Splits a fixed table: a seeded shuffle, then validation and (unless `ownTest` is given) test rows cut
 * off by fraction. A dataset with its own test rows rejects `testFraction`.
 */
export function splitTable(table: Table, options: SplitOptions = {}, ownTest?: Table): DatasetSplits {
  checkOptionKeys(options, SPLIT_KEYS, 'splits');
  if (options.size !== undefined || options.testSize !== undefined) {
    throw new OptionError(
      'splits: size and testSize apply to generative datasets only; this one has fixed rows',
    );
  }
  if (ownTest && options.testFraction) {
    throw new OptionError('splits: this dataset has its own test rows; testFraction must be 0');
  }
  const parts = splitIndices(table.rows, options);
  return {
    train: selectRows(table, parts.train),
    validation: parts.validation.length ? selectRows(table, parts.validation) : null,
    test: ownTest ?? (parts.test.length ? selectRows(table, parts.test) : null),
  };
}

/**
 * Draws splits from a generative dataset: `size` rows split into training and validation by
 * `validationFraction`, and `testSize` fresh test rows, each from an independent seed stream.
 */
export function drawSplits(
  sample: (n: number, seed: number) => Float32Array,
  cols: number,
  options: SplitOptions = {},
  columns?: readonly string[],
): DatasetSplits {
  checkOptionKeys(options, SPLIT_KEYS, 'splits');
  if (options.testFraction) {
    throw new OptionError(
      'splits: testFraction applies to fixed datasets; give testSize for a generative one',
    );
  }
  const seed = checkSeed(options.seed ?? 0);
  const size = checkNumber(options.size ?? 10000, 'size', { min: 1, integer: true });
  const testSize = checkCount(options.testSize ?? size, 'testSize');
  const fraction = checkNumber(options.validationFraction ?? 0.1, 'validationFraction', { min: 0, max: 1 });
  const nValidation = Math.floor(size * fraction);
  if (nValidation >= size) {
    throw new OptionError(`validationFraction ${fraction} leaves no training rows out of ${size}`);
  }
  const draw = (n: number, stream: number): Table => ({
    data: sample(n, subSeed(seed, stream)),
    rows: n,
    cols,
    ...(columns ? { columns } : {}),
  });
  return {
    train: draw(size - nValidation, 1),
    validation: nValidation ? draw(nValidation, 2) : null,
    test: testSize ? draw(testSize, 3) : null,
  };
}
