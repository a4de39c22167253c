import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { cliHarness, type CliHarness } from './test-harness.js';

let harness: CliHarness;
let dir = '';
const cli = (...args: string[]) => harness.cli(...args);

/** n rows of a correlated 2-D Gaussian (deterministic), moved by (shift, -shift) across its correlation (0 = in distribution). */
function gaussianCsv(n: number, seed: number, shift = 0): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const u1 = (((Math.sin((i + 1) * 12.9898 + seed) * 43758.5453) % 1) + 1) % 1 || 0.5;
    const u2 = (((Math.sin((i + 1) * 78.233 + seed) * 12345.6789) % 1) + 1) % 1;
    const r = Math.sqrt(-2 * Math.log(u1));
    const [z1, z2] = [r * Math.cos(2 * Math.PI * u2), r * Math.sin(2 * Math.PI * u2)];
    return `${(z1 + shift).toFixed(5)},${(0.8 * z1 + 0.6 * z2 - shift).toFixed(5)}`;
  });
  return `a,b\n${rows.join('\n')}\n`;
}

beforeAll(async () => {
  harness = await cliHarness('bijective-score-');
  dir = harness.dir;
  writeFileSync(join(dir, 'train.csv'), gaussianCsv(2000, 1));
  writeFileSync(join(dir, 'normal.csv'), gaussianCsv(400, 2));
  writeFileSync(join(dir, 'shifted.csv'), gaussianCsv(400, 3, 1.5));
  const r = cli('train', '--flow', 'maf', '--data', 'train.csv', '--steps', '40', '--out', 'm', '--quiet');
  if (r.status !== 0) throw new Error(r.stderr);
}, 120_000);

describe('score', () => {
  test("per-row log-densities agree with eval --per-sample; rows below the training rows' q-quantile are flagged", () => {
    const e = cli('eval', '--model', 'm', '--data', 'normal.csv', '--per-sample', '--json');
    expect(e.status, e.stderr).toBe(0);
    const logProb = JSON.parse(e.last).logProb as number[];
    const s = cli(
      'score',
      '--model',
      'm',
      '--data',
      'normal.csv',
      '--contamination',
      '0.05',
      '--out',
      'scores.csv',
      '--json',
    );
    expect(s.status, s.stderr).toBe(0);
    const result = JSON.parse(s.last);
    const lines = readFileSync(join(dir, 'scores.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,logDensity,anomaly');
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    expect(rows).toHaveLength(400);
    rows.forEach(([row, logDensity, anomaly], i) => {
      expect(row).toBe(i);
      expect(logDensity).toBe(logProb[i]);
      expect(anomaly).toBe((logDensity as number) < result.threshold ? 1 : 0);
    });
    expect(result).toMatchObject({ n: 400, contamination: 0.05, out: 'scores.csv' });
    expect(result.anomalies).toBe(rows.filter((r) => r[2] === 1).length);
    // In-distribution rows: about 5% fall below the training rows' 5% quantile.
    expect(result.anomalies).toBeGreaterThan(5);
    expect(result.anomalies).toBeLessThan(45);
    // The threshold is the saved quantile of the training rows' log-density.
    const saved = JSON.parse(readFileSync(join(dir, 'm', 'model.json'), 'utf8')).metadata.logDensity;
    expect(result.threshold).toBeCloseTo(saved.train[saved.levels.indexOf(0.05)], 10);
  });

  test('CSV on stdout without --out; shifted rows are flagged far more often', () => {
    const s = cli('score', '--model', 'm', '--data', 'shifted.csv');
    expect(s.status, s.stderr).toBe(0);
    const flagged = s.stdout
      .trim()
      .split('\n')
      .slice(1)
      .filter((l) => l.endsWith(',1')).length;
    expect(flagged).toBeGreaterThan(80);
    expect(s.stderr).toMatch(new RegExp(`^${flagged} of 400 rows below the 0.01-quantile`));
  });

  test('--typicality: an in-distribution batch is typical, a shifted one is not', () => {
    const typical = JSON.parse(
      cli('score', '--model', 'm', '--data', 'normal.csv', '--typicality', '--json', '--out', 't1.csv').last,
    );
    const shifted = JSON.parse(
      cli('score', '--model', 'm', '--data', 'shifted.csv', '--typicality', '--json', '--out', 't2.csv').last,
    );
    expect(typical.typicalityReference).toBe('validation');
    expect(typical.typicalityP).toBeGreaterThan(0.01);
    expect(shifted.typicalityP).toBeLessThan(0.01);
    expect(shifted.typicalityStatistic).toBeGreaterThan(typical.typicalityStatistic);
  });
});
