// `train --threads N`: data-parallel training whose replicas run the CLI bundle itself. A 2-thread
// run follows the 1-thread run's loss curve (the same minibatches and updates, up to float
// rounding), writes the same files and JSON fields; bad counts are usage errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { cliHarness, expectUsageError, type CliHarness } from './test-harness.js';

let harness: CliHarness;
const SMALL = ['--flow', 'maf', '--data', 'moons', '--layers', '2', '--hidden', '16', '--seed', '3'];
const RUN = [...SMALL, '--steps', '30', '--batch', '64', '--val-every', '10', '--json', '--quiet', '--force'];

const losses = (dir: string): number[] =>
  readFileSync(join(harness.dir, dir, 'loss.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',')[1]));

beforeAll(async () => {
  harness = await cliHarness('bijective-threads-');
}, 60_000);

describe('train --threads', () => {
  test('2 threads follow the 1-thread loss curve and report the same JSON fields', () => {
    const one = harness.cli('train', ...RUN, '--out', 'one');
    const two = harness.cli('train', ...RUN, '--threads', '2', '--out', 'two');
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    const [a, b] = [
      JSON.parse(one.last) as Record<string, unknown>,
      JSON.parse(two.last) as Record<string, unknown>,
    ];
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect(b.steps).toBe(30);
    const [la, lb] = [losses('one'), losses('two')];
    expect(lb).toHaveLength(30);
    lb.forEach((loss, i) => expect(Math.abs(loss - (la[i] as number))).toBeLessThan(2e-3));
    expect(b.valNll as number).toBeCloseTo(a.valNll as number, 2);
  });

  test('--threads auto keeps a small step on one thread and says why', () => {
    const run = harness.cli(
      'train',
      ...SMALL,
      '--steps',
      '5',
      '--batch',
      '64',
      '--threads',
      'auto',
      '--out',
      'auto',
      '--force',
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/--threads auto: 1 thread: /);
  });

  test('bad thread counts are usage errors', () => {
    expectUsageError(
      harness.cli('train', ...RUN, '--threads', '0', '--out', 'x'),
      /--threads must be an integer in \[1, 64\], got '0'/,
    );
    expectUsageError(
      harness.cli('train', ...RUN, '--threads', 'two', '--out', 'x'),
      /--threads must be an integer/,
    );
    expectUsageError(
      harness.cli(
        'train',
        ...SMALL,
        '--steps',
        '5',
        '--batch',
        '2',
        '--threads',
        '3',
        '--out',
        'x',
        '--quiet',
      ),
      /--threads 3 exceeds --batch 2/,
    );
    expectUsageError(
      harness.cli('train', '--flow', 'planar', '--target', 'u1', '--threads', '2', '--out', 'x'),
      /--threads/,
    );
  });
});
