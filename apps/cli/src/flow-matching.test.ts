// `train --flow flow-matching` with its options (--path, --sigma-min): they reach the flow
// (model.json's options), the JSON summary carries trainLoss (the matching loss) beside the ODE
// NLLs and a sampling solve's NFE; `sample --guidance` draws from a conditional model, which
// `score` scores for anomalies.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { cliHarness, expectUsageError, type CliHarness } from './test-harness.js';

let harness: CliHarness;
beforeAll(async () => {
  harness = await cliHarness('bijective-cli-fm-');
}, 120_000);

test('train --flow flow-matching maps --path and --sigma-min and reports trainLoss and NLLs', () => {
  const r = harness.cli(
    'train',
    ...['--flow', 'flow-matching', '--data', 'moons', '--steps', '20', '--batch', '64', '--backend', 'cpu'],
    ...['--path', 'minibatch-ot', '--sigma-min', '0.01', '--hidden', '16,16', '--solver', 'rk4'],
    ...['--out', 'fm-model', '--json', '--quiet'],
  );
  expect(r.status, r.stderr).toBe(0);
  const summary = JSON.parse(r.last) as Record<string, number>;
  for (const key of ['trainLoss', 'trainNll', 'valNll', 'testNll'])
    expect(Number.isFinite(summary[key])).toBe(true);
  // The matching loss is a squared error, not an NLL: the two differ.
  expect(summary.trainLoss).not.toBeCloseTo(summary.trainNll as number, 3);
  expect(summary.nfeForward).toBe(32); // rk4, 8 steps: the sampling solve
  const model = readFileSync(join(harness.dir, 'fm-model', 'model.json'), 'utf8').replace(/\s+/g, '');
  for (const key of ['"path":"minibatch-ot"', '"sigmaMin":0.01', '"solver":"rk4"'])
    expect(model).toContain(key);
  const loss = readFileSync(join(harness.dir, 'fm-model', 'loss.csv'), 'utf8');
  expect(loss.trim().split('\n')).toHaveLength(21);
}, 240_000);

test('a conditional model samples with --guidance; --guidance elsewhere is a usage error', () => {
  const rows = ['x,y,label'];
  for (let i = 0; i < 400; i++) {
    const side = i % 2 === 0 ? -1 : 1;
    rows.push(`${side * 2 + Math.sin(i) * 0.3},${Math.cos(i * 1.7) * 0.3},${side}`);
  }
  writeFileSync(join(harness.dir, 'labelled.csv'), `${rows.join('\n')}\n`);
  const t = harness.cli(
    'train',
    ...['--flow', 'flow-matching', '--data', 'labelled.csv', '--context-columns', '2', '--steps', '10'],
    ...['--batch', '64', '--hidden', '8', '--backend', 'cpu', '--out', 'cond', '--json', '--quiet'],
  );
  expect(t.status, t.stderr).toBe(0);
  const s = harness.cli(
    'sample',
    '--model',
    'cond',
    '-n',
    '5',
    '--context',
    '1',
    '--guidance',
    '2',
    '--backend',
    'cpu',
  );
  expect(s.status, s.stderr).toBe(0);
  const lines = s.stdout.trim().split('\n');
  expect(lines[0]).toBe('x,y');
  expect(lines).toHaveLength(6);
  expect(lines.slice(1).every((l) => l.split(',').every((v) => Number.isFinite(Number(v))))).toBe(true);
  const score = harness.cli(
    'score',
    '--model',
    'cond',
    '--data',
    'labelled.csv',
    '--json',
    '--backend',
    'cpu',
  );
  expect(score.status, score.stderr).toBe(0);
  const scored = JSON.parse(score.last) as { n: number; anomalies: number; threshold: number };
  expect(scored.n).toBe(400);
  expect(Number.isFinite(scored.threshold)).toBe(true);
  expect(scored.anomalies).toBeLessThan(40);
  const u = harness.cli('sample', '--model', 'fm-model', '-n', '5', '--guidance', '2', '--backend', 'cpu');
  expectUsageError(u, /--guidance applies to conditional flow-matching models/);
  const bad = harness.cli('sample', '--model', 'cond', '-n', '5', '--context', '1', '--guidance', 'x');
  expectUsageError(bad, /--guidance/);
}, 240_000);

test('bad --path and --sigma-min are one usage or option error, no stack trace', () => {
  expectUsageError(
    harness.cli('train', '--flow', 'flow-matching', '--data', 'moons', '--steps', '1', '--path', 'straight'),
    /--path must be one of ot, rectified, minibatch-ot/,
  );
  expectUsageError(
    harness.cli(
      'train',
      '--flow',
      'flow-matching',
      '--data',
      'moons',
      '--steps',
      '1',
      '--path',
      'rectified',
      '--sigma-min',
      '0.1',
    ),
    /sigmaMin/,
  );
}, 120_000);
