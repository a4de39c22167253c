import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostRng } from '@bijective/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import './packages.js';
import { parseArgs } from './args.js';
import { SPECS } from './command-docs.js';
import { trainCommand } from './commands/train.js';
import {
  DEFAULT_FOLDS,
  KFOLD_BELOW_VALIDATION_ROWS,
  crossValidate,
  defaultFolds,
  foldSplit,
  refitRows,
  type FoldRun,
} from './k-fold.js';
import { cliHarness, expectUsageError, type CliHarness } from './test-harness.js';

/** Rows of a skewed, correlated 3-column table. */
function tableCsv(rows: number, seed: number): string {
  const rng = hostRng(seed);
  const lines = ['a,b,c'];
  for (let i = 0; i < rows; i++) {
    const a = rng.normal();
    lines.push(
      [a, 2 * a + 0.5 * rng.normal(), Math.exp(0.6 * rng.normal())].map((v) => v.toFixed(6)).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

const run = (rows: number, curve: [number, number][], bestStep = 0): FoldRun => ({
  rows,
  curve: curve.map(([step, nll]) => ({ step, nll })),
  logDensities: new Float64Array(rows).fill(-1),
  bestStep,
});

describe('K-fold early stopping: the rule and the curve', () => {
  test('defaultFolds: 5 folds for the table flows when the validation split would hold under 30 rows', () => {
    const base = {
      flow: 'maf',
      tabular: true,
      validationFraction: 0.1,
      timeBudget: false,
      checkpointing: false,
      foldFlows: ['maf', 'nsf', 'realnvp'],
    };
    expect(defaultFolds({ ...base, rows: 150 })).toBe(DEFAULT_FOLDS);
    expect(defaultFolds({ ...base, rows: 10 * KFOLD_BELOW_VALIDATION_ROWS - 1 })).toBe(DEFAULT_FOLDS);
    expect(defaultFolds({ ...base, rows: 10 * KFOLD_BELOW_VALIDATION_ROWS })).toBe(1);
    expect(defaultFolds({ ...base, rows: 150, validationFraction: 0.2 })).toBe(1); // 30 validation rows
    expect(defaultFolds({ ...base, rows: 150, validationFraction: 0 })).toBe(1);
    expect(defaultFolds({ ...base, rows: 150, flow: 'planar' })).toBe(1);
    expect(defaultFolds({ ...base, rows: 150, tabular: false })).toBe(1);
    expect(defaultFolds({ ...base, rows: 150, timeBudget: true })).toBe(1);
    expect(defaultFolds({ ...base, rows: 150, checkpointing: true })).toBe(1);
    expect(defaultFolds({ ...base, rows: 9 })).toBe(1); // fewer than 2 rows a fold
  });

  test('foldSplit holds out each fold once; refitRows keeps every row', () => {
    const table = { data: Float32Array.from({ length: 22 }, (_, i) => i), rows: 11, cols: 2 };
    const held: number[] = [];
    for (let k = 0; k < 3; k++) {
      const { train, validation } = foldSplit(table, 3, k, 4);
      expect(train.rows + validation.rows).toBe(11);
      const trainRows = new Set(Array.from({ length: train.rows }, (_, r) => train.data[2 * r]));
      for (let r = 0; r < validation.rows; r++) {
        const first = validation.data[2 * r] as number;
        expect(trainRows.has(first)).toBe(false);
        expect(validation.data[2 * r + 1]).toBe(first + 1); // rows stay whole
        held.push(first / 2);
      }
    }
    expect(held.sort((a, b) => a - b)).toEqual(Array.from({ length: 11 }, (_, i) => i));
    const all = refitRows(table, 3, 4);
    expect(Array.from(all.data).sort((a, b) => a - b)).toEqual(Array.from(table.data));
  });

  test('crossValidate averages the folds over every row at the steps all reached, and keeps the first minimum', () => {
    const cv = crossValidate([
      run(
        10,
        [
          [0, 3],
          [10, 2],
          [20, 1.5],
          [30, 2.5],
        ],
        20,
      ),
      run(
        30,
        [
          [0, 3],
          [10, 1],
          [20, 1.2],
        ],
        10,
      ), // stopped earlier: step 30 is not common
    ]);
    expect(cv.folds).toBe(2);
    expect(cv.curve.map((p) => p.step)).toEqual([0, 10, 20]);
    expect(cv.curve[1]?.nll).toBeCloseTo((10 * 2 + 30 * 1) / 40, 12);
    expect(cv.curve[2]?.nll).toBeCloseTo((10 * 1.5 + 30 * 1.2) / 40, 12);
    expect(cv.step).toBe(10); // 1.25 against 1.275
    expect(cv.nll).toBeCloseTo(1.25, 12);
    expect(cv.foldBestSteps).toEqual([20, 10]);
    expect(cv.logDensities).toHaveLength(40);
    // Step 0, the start, is a candidate: kept when training only overfits.
    const start = crossValidate([
      run(5, [
        [0, 1],
        [10, 2],
      ]),
      run(5, [
        [0, 1],
        [10, 1],
      ]),
    ]);
    expect([start.step, start.nll]).toEqual([0, 1]);
    // A tie keeps the earlier step; a non-finite point is never picked.
    expect(
      crossValidate([
        run(5, [
          [0, 2],
          [10, 1],
          [20, 1],
        ]),
        run(5, [
          [0, 2],
          [10, 1],
          [20, 1],
        ]),
      ]).step,
    ).toBe(10);
    expect(
      crossValidate([
        run(5, [
          [0, NaN],
          [10, 4],
        ]),
        run(5, [
          [0, 1],
          [10, 4],
        ]),
      ]).step,
    ).toBe(10);
    expect(() => crossValidate([run(5, [[0, 1]])])).toThrow(/at least 2 folds/);
  });
});

describe('train --folds', () => {
  let harness: CliHarness;
  beforeAll(async () => {
    harness = await cliHarness('bijective-kfold-');
    writeFileSync(join(harness.dir, 'small.csv'), tableCsv(100, 1));
    writeFileSync(join(harness.dir, 'test.csv'), tableCsv(400, 2));
    writeFileSync(join(harness.dir, 'tiny.csv'), tableCsv(30, 3));
  }, 120_000);

  const metadataOf = (dir: string) => {
    const json = JSON.parse(readFileSync(join(harness.dir, dir, 'model.json'), 'utf8')) as {
      metadata?: Record<string, unknown>;
      userDefinedMetadata?: Record<string, unknown>;
    };
    return (json.metadata ?? json.userDefinedMetadata) as Record<string, unknown>;
  };

  test('a small table cross-validates the stopping step over 5 folds, refits on every row and records it', () => {
    const args = ['--data', 'small.csv', '--test', 'test.csv', '--steps', '60', '--val-every', '5'];
    const r = harness.cli('train', '--flow', 'realnvp', ...args, '--out', 'cv', '--json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.last) as Record<string, number>;
    expect(out.folds).toBe(5);
    const meta = metadataOf('cv');
    const cv = meta.crossValidation as {
      folds: number;
      step: number;
      valNll: number;
      foldBestSteps: number[];
    };
    expect(cv.folds).toBe(5);
    expect(cv.foldBestSteps).toHaveLength(5);
    expect(cv.step % 5).toBe(0);
    expect(out.steps).toBe(cv.step); // the refit runs the cross-validated step count
    expect(meta.bestStep).toBe(cv.step);
    expect(out.valNll).toBeCloseTo(cv.valNll, 10);
    // The refit's loss.csv carries the cross-validated curve; eval reproduces the test NLL.
    const loss = readFileSync(join(harness.dir, 'cv', 'loss.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(loss).toHaveLength(1 + cv.step);
    if (cv.step > 0) expect(loss.at(-1)?.split(',')[2]).not.toBe('');
    const e = harness.cli('eval', '--model', 'cv', '--data', 'test.csv', '--json');
    expect(e.status, e.stderr).toBe(0);
    expect((JSON.parse(e.last) as { nll: number }).nll).toBeCloseTo(out.testNll as number, 4);
    // --folds 1: the single validation split, as before.
    const one = harness.cli('train', '--flow', 'realnvp', ...args, '--folds', '1', '--out', 'one', '--json');
    expect(one.status, one.stderr).toBe(0);
    expect((JSON.parse(one.last) as Record<string, unknown>).folds).toBeUndefined();
    expect(metadataOf('one').crossValidation).toBeUndefined();
    // The human output says what the folds decided.
    const human = harness.cli('train', '--flow', 'realnvp', ...args, '--folds', '3', '--out', 'h');
    expect(human.status, human.stderr).toBe(0);
    expect(human.stderr).toMatch(/realnvp: 3-fold cross-validation of 100 rows: best after \d+ steps/);
  }, 240_000);

  test('--flow auto on a small table picks by the same folds and says so', () => {
    const r = harness.cli(
      'train',
      '--flow',
      'auto',
      '--data',
      'small.csv',
      '--test',
      'test.csv',
      '--steps',
      '30',
      '--val-every',
      '10',
      '--out',
      'auto',
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.last) as Record<string, unknown>;
    const candidates = out.candidates as Record<string, number>;
    const singles = ['gaussian', 'maf', 'nsf', 'realnvp'];
    expect(
      Object.keys(candidates)
        .filter((k) => k !== 'ensemble')
        .sort(),
    ).toEqual(singles);
    const bestSingle = Math.min(...singles.map((k) => candidates[k] as number));
    if (out.picked === 'ensemble') expect(candidates.ensemble).toBeLessThan(bestSingle);
    else expect(candidates[out.picked as string]).toBe(bestSingle);
    expect(out.folds).toBe(5);
    expect(out.reason).toMatch(/^lowest 5-fold cross-validated NLL over 100 rows: /);
    // The model records how it was chosen, whichever candidate won.
    const recorded = metadataOf('auto');
    expect(recorded.picked).toBe(out.picked);
    expect(recorded.candidates).toEqual(candidates);
    expect(recorded.reason).toBe(out.reason);
    const e = harness.cli('eval', '--model', 'auto', '--data', 'test.csv', '--json');
    expect(e.status, e.stderr).toBe(0);
    expect((JSON.parse(e.last) as { nll: number }).nll).toBeCloseTo(out.testNll as number, 3);
    if (out.picked !== 'gaussian' && out.picked !== 'ensemble') {
      // The picked flow's model is the one `train --flow NAME` writes with the same folds.
      const alone = harness.cli(
        'train',
        '--flow',
        out.picked as string,
        '--data',
        'small.csv',
        '--test',
        'test.csv',
        '--steps',
        '30',
        '--val-every',
        '10',
        '--out',
        'alone',
        '--json',
      );
      expect(alone.status, alone.stderr).toBe(0);
      expect((JSON.parse(alone.last) as { testNll: number }).testNll).toBeCloseTo(out.testNll as number, 5);
    }
  }, 240_000);

  test('bad --folds values are one clear usage error', () => {
    const base = ['train', '--flow', 'maf', '--data', 'small.csv', '--out', 'bad'];
    expectUsageError(harness.cli(...base, '--folds', '0'), /--folds must be an integer in \[1, 50\]/);
    expectUsageError(harness.cli(...base, '--folds', 'x'), /--folds/);
    expectUsageError(harness.cli(...base, '--folds', '51'), /--folds must be an integer in \[1, 50\]/);
    expectUsageError(
      harness.cli('train', '--flow', 'maf', '--data', 'tiny.csv', '--folds', '20', '--out', 'bad'),
      /--folds 20 needs at least 40 rows \(2 a fold\); the table has 30/,
    );
    expectUsageError(
      harness.cli(...base, '--folds', '3', '--max-seconds', '5'),
      /--folds 3 cross-validates a step count/,
    );
    expectUsageError(
      harness.cli(...base, '--folds', '3', '--checkpoint-every', '5'),
      /--folds 3 cannot be checkpointed/,
    );
    expectUsageError(
      harness.cli('train', '--flow', 'maf', '--data', 'moons', '--folds', '3', '--out', 'bad'),
      /--folds 3 cross-validates on a CSV table/,
    );
  }, 120_000);

  test('the folds and the refit leave no tensors behind', async () => {
    const data = join(harness.dir, 'small.csv');
    const argv = ['train', '--flow', 'maf', '--data', data, '--steps', '8', '--val-every', '2'];
    const once = async (out: string) => {
      const args = parseArgs(
        [...argv, '--out', join(harness.dir, out), '--backend', 'cpu', '--quiet'],
        SPECS,
      );
      await trainCommand(args, { plugins: [] });
    };
    await once('mem-0');
    const before = tf.memory().numTensors;
    await once('mem-1');
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
