// `train --flow ffjord` with the continuous-flow options: they reach the flow (model.json's options)
// and the JSON summary carries the solver telemetry (nfeForward, nfeBackward).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import '@bijective/cnf';
import { trainingDefaults } from './commands/train.js';
import { parseLossCsv } from './loss-history.js';
import { isContinuousFlow } from './objective.js';
import { cliHarness, expectUsageError, type CliHarness } from './test-harness.js';

let harness: CliHarness;
beforeAll(async () => {
  harness = await cliHarness('bijective-cli-ffjord-');
}, 120_000);

test('train --flow ffjord maps the flow options and reports NFE', () => {
  const r = harness.cli(
    'train',
    ...['--flow', 'ffjord', '--data', 'moons', '--steps', '3', '--batch', '32', '--backend', 'cpu'],
    ...['--solver', 'rk4', '--gradient', 'backprop', '--integration-time', '0.25', '--augment', '1'],
    ...['--kinetic', '0.01', '--jacobian-norm', '0.01', '--hidden', '8', '--layers', '1'],
    ...['--out', 'ffjord-model', '--json', '--quiet'],
  );
  expect(r.status, r.stderr).toBe(0);
  const summary = JSON.parse(r.last) as Record<string, unknown>;
  expect(summary.nfeForward).toBeGreaterThan(0);
  expect(summary.nfeBackward).toBeGreaterThanOrEqual(0);
  const model = readFileSync(join(harness.dir, 'ffjord-model', 'model.json'), 'utf8');
  for (const key of ['"solver":"rk4"', '"gradient":"backprop"', '"integrationTime":0.25', '"augment":1']) {
    expect(model.replace(/\s+/g, '')).toContain(key);
  }
}, 240_000);

test('a negative --kinetic is one usage or option error, no stack trace', () => {
  const r = harness.cli('train', '--flow', 'ffjord', '--data', 'moons', '--steps', '1', '--kinetic', '-1');
  expectUsageError(r, /kinetic/);
}, 120_000);

test("train's defaults for ffjord are the flow's recommended settings (docs/benchmarks.md, FFJORD)", () => {
  expect(trainingDefaults('ffjord', false)).toEqual({
    steps: 2000,
    batchSize: 256,
    learningRate: 5e-3,
    validationEvery: 200,
  });
  // Tagged continuous: validation passes and the reported NLLs use at most 4096 rows.
  expect(isContinuousFlow('ffjord')).toBe(true);
});

test('without --val-every, train validates ffjord at its recommended cadence; --val-every overrides it', () => {
  const validated = (...extra: string[]) => {
    const out = `ffjord-cadence${extra.length}`;
    const r = harness.cli(
      'train',
      ...['--flow', 'ffjord', '--data', 'moons', '--steps', '12', '--batch', '16', '--backend', 'cpu'],
      ...['--solver', 'rk4', '--hidden', '8', '--layers', '1', '--out', out, '--json', '--quiet', ...extra],
    );
    expect(r.status, r.stderr).toBe(0);
    const rows = parseLossCsv(readFileSync(join(harness.dir, out, 'loss.csv'), 'utf8'), 'loss.csv');
    return rows.filter((row) => row.valNll !== null).map((row) => row.step);
  };
  // fit's own default (every max(10, steps/40) = 10 steps) would validate at step 10 too.
  expect(validated()).toEqual([12]);
  expect(validated('--val-every', '3')).toEqual([3, 6, 9, 12]);
}, 240_000);
