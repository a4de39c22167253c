import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostRng } from '@bijective/core';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  AFFINE_TABLE_FLOWS,
  LARGE_TABLE_ROWS,
  SMALL_TABLE_ROWS,
  WIDE_TABLE_MAF_RATE,
  WIDE_TABLE_REALNVP_DECAY,
  WIDE_TABLE_ROWS,
  defaultMarginal,
  largeTableDefaults,
  smallTableDefaults,
} from './commands/train.js';
import { cliHarness, expectUsageError, type CliHarness } from './test-harness.js';

let harness: CliHarness;
const cli = (...args: string[]) => harness.cli(...args);

/** Rows of a 3-column table with log-normal (skewed) columns, correlated through a shared normal. */
function skewedCsv(rows: number, seed: number): string {
  const rng = hostRng(seed);
  const lines = ['a,b,c'];
  for (let i = 0; i < rows; i++) {
    const shared = rng.normal();
    const a = Math.exp(0.9 * shared + 0.5 * rng.normal());
    const b = Math.exp(0.7 * rng.normal()) + a;
    const c = -Math.exp(0.8 * rng.normal() - 0.6 * shared);
    lines.push([a, b, c].map((v) => v.toFixed(6)).join(','));
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  harness = await cliHarness('bijective-tabular-defaults-');
  writeFileSync(join(harness.dir, 'train.csv'), skewedCsv(300, 1));
  writeFileSync(join(harness.dir, 'test.csv'), skewedCsv(2000, 2));
  writeFileSync(join(harness.dir, 'large.csv'), skewedCsv(WIDE_TABLE_ROWS + 1200, 3));
}, 120_000);

/** Trains `flow` on the rows `data` names (`--data`, `--test`) into `out`: its summary, model file and metadata. */
const trainOn = (flow: string, data: readonly string[], out: string, ...extra: string[]) => {
  const r = cli('train', '--flow', flow, ...data, '--out', out, '--json', ...extra);
  expect(r.status, r.stderr).toBe(0);
  const model = readFileSync(join(harness.dir, out, 'model.json'), 'utf8');
  const json = JSON.parse(model) as {
    metadata?: Record<string, unknown>;
    userDefinedMetadata?: Record<string, unknown>;
  };
  return {
    summary: JSON.parse(r.last) as { testNll: number },
    model,
    metadata: (json.metadata ?? json.userDefinedMetadata) as Record<string, unknown>,
  };
};
const train = (out: string, ...extra: string[]) =>
  trainOn('maf', ['--data', 'train.csv', '--test', 'test.csv'], out, ...extra);
/** The bijectors of a trained model's chain, base side first. */
const chainOf = (model: string) =>
  (
    JSON.parse(model) as { flow: { bijector: { options: { bijectors: { name: string }[] } } } }
  ).flow.bijector.options.bijectors.map((b) => b.name);

describe('defaults by table size', () => {
  test('the rule: small CSV tables of maf, nsf and realnvp get the lower rate, weight decay and narrow conditioners', () => {
    expect(smallTableDefaults('maf', true, SMALL_TABLE_ROWS - 1)).toEqual({
      learningRate: 5e-4,
      weightDecay: 0.05,
      hidden: [32, 32],
    });
    expect(smallTableDefaults('realnvp', true, SMALL_TABLE_ROWS)).toBeNull();
    expect(smallTableDefaults('nsf', false, 100)).toBeNull();
    expect(smallTableDefaults('planar', true, 100)).toBeNull();
    expect(defaultMarginal('nsf', true)).toBe('sinh-arcsinh');
    expect(defaultMarginal('nsf', false)).toBe('none');
    expect(defaultMarginal('ffjord', true)).toBe('none');
  });

  test('a small skewed table trains with the marginal layer and the small-table settings, recorded in the model', () => {
    const fitted = train('small', '--steps', '1');
    expect(fitted.metadata.marginal).toBe('sinh-arcsinh');
    expect(fitted.metadata.learningRate).toBe(5e-4);
    expect(fitted.metadata.weightDecay).toBe(0.05);
    expect((fitted.metadata.flowOptions as { hidden?: number[] }).hidden).toEqual([32, 32]);
    expect(fitted.model).toContain('"sinh-arcsinh"');
    // Flags override every default.
    const plain = train(
      'plain',
      '--steps',
      '1',
      '--marginal',
      'none',
      '--lr',
      '1e-3',
      '--weight-decay',
      '0',
      '--hidden',
      '16',
    );
    expect(plain.metadata.marginal).toBe('none');
    expect(plain.metadata.learningRate).toBe(1e-3);
    expect(plain.metadata.weightDecay).toBe(0);
    expect((plain.metadata.flowOptions as { hidden?: number[] }).hidden).toEqual([16]);
    expect(plain.model).not.toContain('"sinh-arcsinh"');
    // At the start (one step), the fitted marginals make the Gaussian copula of the log-normal columns,
    // far better than the full-covariance Gaussian on 2000 test rows (s.e. of the mean NLL ~0.03).
    expect(fitted.summary.testNll).toBeLessThan(plain.summary.testNll - 0.3);
    // The fitted marginal round-trips through the model file: eval reproduces train's test NLL.
    const e = cli('eval', '--model', 'small', '--data', 'test.csv', '--json');
    expect(e.status, e.stderr).toBe(0);
    expect((JSON.parse(e.last) as { nll: number }).nll).toBeCloseTo(fitted.summary.testNll, 4);
  }, 120_000);

  test('the rule: large CSV tables restandardise the marginal layer, and from WIDE_TABLE_ROWS widen the conditioners', () => {
    expect(largeTableDefaults('nsf', true, LARGE_TABLE_ROWS - 1)).toBeNull();
    expect(largeTableDefaults('nsf', true, LARGE_TABLE_ROWS)).toEqual({ restandardiseMarginals: true });
    expect(largeTableDefaults('maf', true, WIDE_TABLE_ROWS - 1)).toEqual({ restandardiseMarginals: true });
    expect(largeTableDefaults('nsf', true, WIDE_TABLE_ROWS)).toEqual({
      restandardiseMarginals: true,
      hidden: [128, 128],
    });
    // From WIDE_TABLE_ROWS the affine flows drop the marginal layer; MAF trains at its wide-table rate,
    // RealNVP with weight decay.
    expect(AFFINE_TABLE_FLOWS).toEqual(['maf', 'realnvp']);
    expect(largeTableDefaults('maf', true, WIDE_TABLE_ROWS)).toEqual({
      restandardiseMarginals: true,
      hidden: [128, 128],
      marginal: 'none',
      learningRate: WIDE_TABLE_MAF_RATE,
    });
    expect(largeTableDefaults('realnvp', true, WIDE_TABLE_ROWS)).toEqual({
      restandardiseMarginals: true,
      hidden: [128, 128],
      marginal: 'none',
      weightDecay: WIDE_TABLE_REALNVP_DECAY,
    });
    expect(largeTableDefaults('realnvp', false, WIDE_TABLE_ROWS)).toBeNull();
    expect(largeTableDefaults('planar', true, WIDE_TABLE_ROWS)).toBeNull();
    expect(smallTableDefaults('maf', true, LARGE_TABLE_ROWS)).toBeNull();
  });

  test('a large table trains 128-wide conditioners on restandardised marginals, recorded in the model', () => {
    const r = cli(
      'train',
      '--flow',
      'nsf',
      '--data',
      'large.csv',
      '--out',
      'large',
      '--steps',
      '1',
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(harness.dir, 'large', 'model.json'), 'utf8')) as {
      metadata: Record<string, unknown>;
      flow: { bijector: { options: { bijectors: { name: string }[] } } };
    };
    expect((json.metadata.flowOptions as { hidden?: number[] }).hidden).toEqual([128, 128]);
    expect(json.metadata.weightDecay).toBe(0);
    // whitening, the flow, the restandardisation, the marginal layer, the standardisation
    expect(json.flow.bijector.options.bijectors.map((b) => b.name)).toEqual([
      'triangular-affine',
      'nsf',
      'affine',
      'sinh-arcsinh',
      'affine',
    ]);
    // --hidden still overrides the default.
    const narrow = cli(
      'train',
      '--flow',
      'nsf',
      '--data',
      'large.csv',
      '--out',
      'large-narrow',
      '--steps',
      '1',
      '--hidden',
      '16',
      '--json',
    );
    expect(narrow.status, narrow.stderr).toBe(0);
    const narrowModel = JSON.parse(readFileSync(join(harness.dir, 'large-narrow', 'model.json'), 'utf8')) as {
      metadata: { flowOptions: { hidden?: number[] } };
    };
    expect(narrowModel.metadata.flowOptions.hidden).toEqual([16]);
  }, 240_000);

  test('on a wide table MAF and RealNVP train without the marginal layer, MAF at its rate and RealNVP with weight decay', () => {
    const fitted = (out: string, ...extra: string[]) =>
      trainOn('maf', ['--data', 'large.csv'], out, '--steps', '1', ...extra);
    const wide = fitted('large-maf');
    expect(wide.metadata.marginal).toBe('none');
    expect(wide.metadata.learningRate).toBe(WIDE_TABLE_MAF_RATE);
    expect((wide.metadata.flowOptions as { hidden?: number[] }).hidden).toEqual([128, 128]);
    // whitening, the flow, the standardisation: no marginal layer
    expect(chainOf(wide.model)).toEqual(['triangular-affine', 'maf', 'affine']);
    // --marginal and --lr still override the defaults (the layer then restandardised, as on any large table).
    const flagged = fitted('large-maf-marginal', '--marginal', 'sinh-arcsinh', '--lr', '1e-3');
    expect(flagged.metadata.marginal).toBe('sinh-arcsinh');
    expect(flagged.metadata.learningRate).toBe(1e-3);
    expect(chainOf(flagged.model)).toEqual(['triangular-affine', 'maf', 'affine', 'sinh-arcsinh', 'affine']);
    const realnvp = trainOn('realnvp', ['--data', 'large.csv'], 'large-realnvp', '--steps', '1');
    expect(realnvp.metadata.marginal).toBe('none');
    expect(realnvp.metadata.weightDecay).toBe(WIDE_TABLE_REALNVP_DECAY);
    expect(realnvp.metadata.learningRate).toBe(2e-3);
    expect(chainOf(realnvp.model)).toEqual(['triangular-affine', 'realnvp', 'affine']);
  }, 240_000);

  test('--marginal takes none or sinh-arcsinh only', () => {
    expectUsageError(
      cli('train', '--flow', 'maf', '--data', 'train.csv', '--marginal', 'spline'),
      /--marginal/,
    );
  });
});
