import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import '@bijective/backend-cpu';
import { useBackend } from '@bijective/core';
import * as tf from '@tensorflow/tfjs-core';
import { gaussianTableFlow } from './auto-flow.js';
import { cliHarness, expectUsageError, type CliHarness } from './test-harness.js';

/** Rows of a correlated 3-D Gaussian (x1 = 2 x0 + noise, x2 = exp-skewed) from a seeded LCG. */
function tableCsv(rows: number, seed: number): string {
  let state = seed;
  const uniform = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state + 0.5) / 2147483648;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const lines = ['a,b,c'];
  for (let i = 0; i < rows; i++) {
    const a = normal();
    lines.push(`${a},${2 * a + 0.5 * normal()},${Math.exp(0.3 * normal())}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('gaussianTableFlow', () => {
  test('is the maximum-likelihood full-covariance Gaussian of the rows', async () => {
    await useBackend('cpu');
    // Rows (±1, ±1) and (0, 0)... : mean (1, 2), covariance diag(1, 4) by construction.
    const data = new Float32Array([0, 0, 2, 0, 0, 4, 2, 4]);
    const flow = gaussianTableFlow({ data, rows: 4, cols: 2 }) as NonNullable<
      ReturnType<typeof gaussianTableFlow>
    >;
    const x = tf.tensor2d([
      [1, 2],
      [3, 6],
    ]);
    const logProb = flow.logProb(x).arraySync() as number[];
    const norm = -Math.log(2 * Math.PI) - 0.5 * Math.log(1 * 4);
    expect(logProb[0]).toBeCloseTo(norm, 4);
    expect(logProb[1]).toBeCloseTo(norm - 0.5 * (4 / 1 + 16 / 4), 4);
    x.dispose();
    flow.dispose();
  });

  test('is null for a singular covariance', () => {
    const data = new Float32Array([0, 0, 1, 2, 2, 4, 3, 6]);
    expect(gaussianTableFlow({ data, rows: 4, cols: 2 })).toBeNull();
  });
});

describe('train --flow auto', () => {
  let harness: CliHarness;
  beforeAll(async () => {
    harness = await cliHarness('bijective-auto-');
    writeFileSync(join(harness.dir, 'train.csv'), tableCsv(300, 1));
    writeFileSync(join(harness.dir, 'test.csv'), tableCsv(100, 2));
    writeFileSync(join(harness.dir, 'tiny.csv'), tableCsv(60, 3));
  }, 120_000);

  test('picks the candidate with the lowest validation NLL, says why, and writes it', () => {
    const r = harness.cli(
      'train',
      '--flow',
      'auto',
      '--data',
      'train.csv',
      '--test',
      'test.csv',
      '--steps',
      '40',
      '--out',
      'm',
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
    const best = Math.min(...singles.map((k) => candidates[k] as number));
    expect(out.flow).toBe('auto');
    expect(out.validationSplits).toBe(3); // 30 validation rows: averaged over 3 random splits
    // The stacked ensemble of the three flows is weighed too, and recorded whether picked or not.
    const ensemble = out.ensemble as { flows: string[]; weights: number[]; valNll: number } | undefined;
    if (ensemble) {
      expect(candidates.ensemble).toBe(ensemble.valNll);
      expect(ensemble.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
    if (out.picked === 'ensemble') {
      expect(out.reason).toMatch(/^lowest NLL on the 30 validation rows of split 0: stacked ensemble \(/);
    } else {
      expect(candidates[out.picked as string]).toBe(best);
      expect(out.reason).toMatch(
        new RegExp(`^lowest mean validation NLL over 3 validation splits of 30 rows: ${String(out.picked)} `),
      );
    }
    const model = JSON.parse(readFileSync(join(harness.dir, 'm', 'model.json'), 'utf8')) as {
      metadata: Record<string, unknown>;
    };
    expect(model.metadata).toMatchObject({ picked: out.picked, candidates, reason: out.reason });
    const scored = harness.cli('eval', '--model', 'm', '--data', 'test.csv', '--json');
    expect(scored.status, scored.stderr).toBe(0);
    expect((JSON.parse(scored.last) as { nll: number }).nll).toBeCloseTo(out.testNll as number, 3);
    const human = harness.cli('train', '--flow', 'auto', '--data', 'train.csv', '--steps', '5', '--out', 'h');
    expect(human.status, human.stderr).toBe(0);
    expect(human.stderr).toMatch(/auto: picked (gaussian|maf|nsf|realnvp) \(lowest mean validation NLL/);
  }, 120_000);

  test('keeps the Gaussian, as a model file, when the flows overfit a tiny table', () => {
    // 54 training rows, validated only at the end of 200 steps at a high rate with 128-wide layers:
    // the flows overfit (at 64 wide MAF's validation NLL came within 0.12 nats of the Gaussian's and
    // crossed it when the kernels' rounding changed).
    // `--folds 1`: one validation split (and 2 repeats), not the K-fold default of so small a table.
    const r = harness.cli(
      'train',
      '--flow',
      'auto',
      '--data',
      'tiny.csv',
      '--test',
      'test.csv',
      '--steps',
      '200',
      '--val-every',
      '200',
      '--lr',
      '0.05',
      '--hidden',
      '128,128',
      '--folds',
      '1',
      '--out',
      'g',
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.last) as Record<string, unknown>;
    expect(out.picked).toBe('gaussian');
    expect(out.steps).toBe(0);
    const scored = harness.cli('eval', '--model', 'g', '--data', 'test.csv', '--json');
    expect(scored.status, scored.stderr).toBe(0);
    expect((JSON.parse(scored.last) as { nll: number }).nll).toBeCloseTo(out.testNll as number, 3);
  }, 120_000);

  test('is for tables: a toy dataset is a usage error', () => {
    expectUsageError(
      harness.cli('train', '--flow', 'auto', '--data', 'moons', '--steps', '5'),
      /--flow auto picks a model for a CSV table/,
    );
  });
});
