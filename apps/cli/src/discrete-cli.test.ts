import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DISCRETE_TABLE_ENTROPY as ENTROPY, discreteTableCsv } from '@bijective/test-support/discrete-table';
import { beforeAll, describe, expect, test } from 'vitest';
import { cliHarness, expectUsageError, type CliHarness } from './test-harness.js';

let harness: CliHarness;
const cli = (...args: string[]) => harness.cli(...args);

beforeAll(async () => {
  harness = await cliHarness('bijective-discrete-');
  writeFileSync(join(harness.dir, 'train.csv'), discreteTableCsv(1500, 1));
  writeFileSync(join(harness.dir, 'test.csv'), discreteTableCsv(1000, 2));
}, 120_000);

const train = (mode: string, out: string) =>
  cli(
    'train',
    '--flow',
    'maf',
    '--data',
    'train.csv',
    '--test',
    'test.csv',
    '--steps',
    '400',
    '--out',
    out,
    '--discrete',
    mode,
    '--json',
  );

describe('train on a table with an integer column', () => {
  test('--discrete auto dequantises it: the test NLL of the grid values stays above the entropy; none collapses below it', () => {
    const auto = train('auto', 'auto');
    expect(auto.status, auto.stderr).toBe(0);
    const a = JSON.parse(auto.last) as { testNll: number; valNll: number; discreteColumns: unknown };
    expect(a.discreteColumns).toEqual([{ column: 0, resolution: 1 }]);
    expect(Number.isFinite(a.valNll)).toBe(true);
    // 1000 test rows: the mean NLL's standard error is ~0.04 nats.
    expect(a.testNll).toBeGreaterThan(ENTROPY - 0.15);
    expect(a.testNll).toBeLessThan(ENTROPY + 0.5);
    // Without dequantisation the flow puts spikes on the three values: far below any model's entropy.
    const none = train('none', 'none');
    expect(none.status, none.stderr).toBe(0);
    const n = JSON.parse(none.last) as { testNll: number; discreteColumns: unknown };
    expect(n.discreteColumns).toEqual([]);
    expect(n.testNll).toBeLessThan(ENTROPY - 1);

    // The resolutions round-trip through the model file: eval (same seed) reproduces train's test NLL.
    const metadata = JSON.parse(readFileSync(join(harness.dir, 'auto', 'model.json'), 'utf8')) as {
      metadata?: Record<string, unknown>;
      userDefinedMetadata?: Record<string, unknown>;
    };
    const recorded = metadata.metadata ?? metadata.userDefinedMetadata;
    expect(recorded?.discreteColumns).toEqual([{ column: 0, resolution: 1 }]);
    expect(recorded?.discrete).toBe('auto');
    const e = cli('eval', '--model', 'auto', '--data', 'test.csv', '--json');
    expect(e.status, e.stderr).toBe(0);
    expect((JSON.parse(e.last) as { nll: number }).nll).toBeCloseTo(a.testNll, 6);
    // Another seed draws other noise: a different, close bound.
    const other = JSON.parse(
      cli('eval', '--model', 'auto', '--data', 'test.csv', '--json', '--seed', '9').last,
    ) as {
      nll: number;
    };
    expect(other.nll).not.toBe(a.testNll);
    expect(Math.abs(other.nll - a.testNll)).toBeLessThan(0.1);
  }, 240_000);

  test('the text output names the discrete columns; a bad --discrete is a usage error', () => {
    const r = cli(
      'train',
      '--flow',
      'maf',
      '--data',
      'train.csv',
      '--steps',
      '5',
      '--out',
      'text',
      '--quiet',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/discrete columns .*: a \(h = 1\)/);
    expectUsageError(
      cli('train', '--flow', 'maf', '--data', 'train.csv', '--discrete', 'maybe', '--out', 'bad'),
      /--discrete/,
    );
  }, 120_000);

  test('--flow auto scores every candidate, the Gaussian too, on the dequantised rows; eval agrees', () => {
    const r = cli(
      'train',
      '--flow',
      'auto',
      '--data',
      'train.csv',
      '--test',
      'test.csv',
      '--steps',
      '60',
      '--out',
      'picked',
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.last) as {
      testNll: number;
      discreteColumns: unknown;
      candidates: Record<string, number>;
    };
    expect(result.discreteColumns).toEqual([{ column: 0, resolution: 1 }]);
    // The Gaussian cannot spike either: its validation NLL is of the same dequantised rows, above the entropy.
    expect(result.candidates.gaussian).toBeGreaterThan(ENTROPY - 0.3);
    const e = cli('eval', '--model', 'picked', '--data', 'test.csv', '--json');
    expect(e.status, e.stderr).toBe(0);
    expect((JSON.parse(e.last) as { nll: number }).nll).toBeCloseTo(result.testNll, 6);
  }, 240_000);

  test('a corrupt discreteColumns in the model file is one clear error in eval', () => {
    const file = join(harness.dir, 'text', 'model.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
    const key = json.metadata ? 'metadata' : 'userDefinedMetadata';
    (json[key] as Record<string, unknown>).discreteColumns = [{ column: 5, resolution: 1 }];
    writeFileSync(file, JSON.stringify(json));
    expectUsageError(
      cli('eval', '--model', 'text', '--data', 'test.csv'),
      /discreteColumns' is corrupt: entry 0 has column 5/,
    );
  });
});
