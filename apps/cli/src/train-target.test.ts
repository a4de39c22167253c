// `train --target`: reverse-KL fitting from the CLI (JSON, model metadata, loss history), the
// target-trained model through `plot` and `eval --check-inverse`, the logistic-regression posterior
// with its Gaussian baseline, and the usage errors. Few steps and small flows: the figures are in
// docs/benchmarks.md; here what can fail is the wiring.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildTestPlugin, cliHarness, expectUsageError, listing, type CliHarness } from './test-harness.js';

let harness: CliHarness;
const cli = (...args: string[]) => harness.cli(...args);
const json = (last: string) => JSON.parse(last) as Record<string, unknown>;
const metadataOf = (dir: string) =>
  (
    JSON.parse(readFileSync(join(harness.dir, dir, 'model.json'), 'utf8')) as {
      metadata: Record<string, unknown>;
    }
  ).metadata;

beforeAll(async () => {
  harness = await cliHarness('bijective-cli-target-');
}, 60_000);

/** A labelled table (`a,label,b`, 40 rows) for the logistic-regression target, as `labelled.csv`. */
function writeLabelledCsv(): void {
  const rows = ['a,label,b'];
  for (let i = 0; i < 40; i++) {
    const a = Math.sin(i * 1.7) * 2;
    const b = Math.cos(i * 0.9);
    rows.push(`${a.toFixed(3)},${a - b + Math.sin(i * 5.3) > 0 ? 1 : 0},${b.toFixed(3)}`);
  }
  writeFileSync(join(harness.dir, 'labelled.csv'), `${rows.join('\n')}\n`);
}

/** The `bijective` command lines of the sh block under `heading` in a docs page, as argument lists. */
function documentedCommands(page: string, heading: string): string[][] {
  const text = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', page), 'utf8');
  const start = text.indexOf(`\n## ${heading}\n`);
  expect(start, `docs/${page} has a section '${heading}'`).toBeGreaterThan(0);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(start))?.[1] ?? '';
  return block
    .split('\n')
    .filter((line) => line.startsWith('bijective '))
    .map((line) => [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? (m[2] as string)).slice(1));
}

/** A small planar fit to U1 (written once, read by the later tests). */
const PLANAR_U1 = ['--flow', 'planar', '--target', 'u1', '--layers', '4', '--samples', '64', '--lr', '1e-2'];

describe('train --target', () => {
  test('planar on u1: KL, ELBO and ESS in the JSON, the target in the model, a loss history', () => {
    const r = cli('train', ...PLANAR_U1, '--steps', '40', '--out', 'u1-model', '--json', '--quiet');
    expect(r.status, r.stderr).toBe(0);
    const out = json(r.last);
    expect(out).toMatchObject({
      flow: 'planar',
      target: 'u1',
      dims: 2,
      steps: 40,
      samples: 64,
      model: 'u1-model',
    });
    for (const key of ['trainNll', 'valNll', 'testNll', 'batch']) expect(out).not.toHaveProperty(key);
    const { kl, elbo, ess, logNormalizer, trainLoss, bestStep } = out as Record<
      'kl' | 'elbo' | 'ess' | 'logNormalizer' | 'trainLoss' | 'bestStep',
      number
    >;
    // KL = log Z − ELBO with U1's log Z by quadrature; a KL is never negative beyond the ELBO's noise.
    expect(logNormalizer).toBeCloseTo(1.8775, 3);
    expect(kl).toBeCloseTo(logNormalizer - elbo, 10);
    expect(kl).toBeGreaterThan(-0.05);
    expect(kl).toBeLessThan(5);
    expect(ess).toBeGreaterThan(0);
    expect(ess).toBeLessThanOrEqual(1);
    expect(Number.isFinite(trainLoss)).toBe(true);
    expect([10, 20, 30, 40]).toContain(bestStep);
    expect(out.stepsPerSecond).toBeGreaterThan(0);
    const metadata = metadataOf('u1-model');
    expect(metadata).toMatchObject({ target: 'u1', targetOptions: {}, flow: 'planar' });
    expect((metadata.logDensity as { train: number[] }).train.length).toBeGreaterThan(5);
    const csv = readFileSync(join(harness.dir, 'u1-model', 'loss.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(csv).toHaveLength(41);
    expect(listing(join(harness.dir, 'u1-model'))).toEqual([
      'loss.csv',
      'loss.png',
      'model.json',
      'weights.bin',
    ]);
  }, 120_000);

  test('--max-seconds stops a target run at its budget and reports the steps run', () => {
    const r = cli(
      'train',
      ...PLANAR_U1,
      '--steps',
      '1000000',
      '--max-seconds',
      '1',
      '--out',
      'u1-timed',
      '--json',
      '--quiet',
    );
    expect(r.status, r.stderr).toBe(0);
    const out = json(r.last) as { steps: number; bestStep: number; elbo: number };
    expect(out.steps).toBeGreaterThan(0);
    expect(out.steps).toBeLessThan(1_000_000);
    expect(out.bestStep).toBeLessThanOrEqual(out.steps);
    expect(Number.isFinite(out.elbo)).toBe(true);
  }, 120_000);

  test('--max-seconds without --steps anneals a target run over its budget', () => {
    const r = cli('train', ...PLANAR_U1, '--max-seconds', '1', '--out', 'u1-budget', '--json', '--quiet');
    expect(r.status, r.stderr).toBe(0);
    const out = json(r.last) as { steps: number; bestStep: number; elbo: number };
    expect(out.steps).toBeGreaterThan(0);
    expect(out.bestStep).toBeLessThanOrEqual(out.steps);
    expect(Number.isFinite(out.elbo)).toBe(true);
    const lrs = readFileSync(join(harness.dir, 'u1-budget', 'loss.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => Number(line.split(',')[3]));
    expect(lrs).toHaveLength(out.steps);
    // --lr 1e-2, cosine over the fraction of the second spent: the base rate first, ~0 last.
    expect(lrs[0]).toBeGreaterThan(0.99e-2);
    expect(lrs.at(-1)).toBeLessThan(1e-3);
  }, 120_000);

  test('the model loads: sample gives 2-D rows, plot draws q beside the target', () => {
    const s = cli('sample', '--model', 'u1-model', '-n', '5', '--json');
    expect(s.status, s.stderr).toBe(0);
    const p = cli('plot', '--model', 'u1-model', '--out', 'u1.png', '--json');
    expect(p.status, p.stderr).toBe(0);
    const out = json(p.last) as { kind: string; width: number; height: number };
    expect(out.kind).toBe('density');
    // Two square panels side by side (and a colour bar): about twice as wide as high.
    expect(out.width / out.height).toBeGreaterThan(1.6);
    const png = readFileSync(join(harness.dir, 'u1.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  }, 120_000);

  test('eval --check-inverse: the numerical inverse of planar and the analytic one of realnvp round-trip', () => {
    writeFileSync(join(harness.dir, 'points.csv'), 'x0,x1\n0,0\n1,-1\n-2,0.5\n3,3\n-4,-4\n0.5,2\n20,-15\n');
    const r = cli(
      'train',
      '--flow',
      'realnvp',
      '--target',
      'u2',
      '--layers',
      '2',
      '--hidden',
      '8',
      '--steps',
      '5',
      '--samples',
      '32',
      '--out',
      'nvp-model',
      '--json',
      '--quiet',
    );
    expect(r.status, r.stderr).toBe(0);
    for (const model of ['u1-model', 'nvp-model']) {
      const e = cli('eval', '--model', model, '--data', 'points.csv', '--check-inverse', '--json');
      expect(e.status, e.stderr).toBe(0);
      const out = json(e.last) as {
        n: number;
        inverseError: number;
        meanInverseError: number;
        nonFiniteRows: number;
        worstRows: { row: number; error: number }[];
      };
      expect(out.n).toBe(7);
      expect(out.nonFiniteRows).toBe(0);
      expect(out.inverseError).toBeGreaterThanOrEqual(0);
      expect(out.inverseError).toBeLessThan(1e-3 * 25); // float32 round trip at |x| up to 25
      expect(out.meanInverseError).toBeLessThanOrEqual(out.inverseError);
      expect(out.worstRows).toHaveLength(5);
      expect(out.worstRows[0]).toEqual({ row: expect.any(Number), error: out.inverseError });
      const errors = out.worstRows.map((w) => w.error);
      expect([...errors].sort((a, b) => b - a)).toEqual(errors);
    }
    // Without the flag, no inverse fields; the text form names the largest error.
    const plain = cli('eval', '--model', 'u1-model', '--data', 'points.csv', '--json');
    expect(json(plain.last)).not.toHaveProperty('inverseError');
    const text = cli('eval', '--model', 'u1-model', '--data', 'points.csv', '--check-inverse');
    expect(text.stdout).toMatch(/inverse: largest ‖f\(f⁻¹\(x\)\) − x‖ \d/);
  }, 120_000);

  test('every first-party flow samples with a gradient and fits (two steps each)', () => {
    const tiny: Record<string, string[]> = {
      radial: ['--layers', '2'],
      iaf: ['--layers', '1', '--hidden', '4'],
      maf: ['--layers', '1', '--hidden', '4'],
      nsf: ['--layers', '1', '--hidden', '4', '--bins', '4'],
      nice: ['--layers', '2', '--hidden', '4'],
      ffjord: ['--layers', '1', '--hidden', '4', '--solver', 'euler'],
    };
    for (const [flow, options] of Object.entries(tiny)) {
      const r = cli(
        'train',
        '--flow',
        flow,
        '--target',
        'banana',
        ...options,
        '--steps',
        '2',
        '--samples',
        '16',
        '--out',
        `every-${flow}`,
        '--json',
        '--quiet',
      );
      expect(r.status, `${flow}: ${r.stderr}`).toBe(0);
      const out = json(r.last);
      expect(out.flow).toBe(flow);
      expect(Number.isFinite(out.elbo), flow).toBe(true);
      expect(out.kl as number).toBeCloseTo(-(out.elbo as number), 10); // banana: log Z = 0
    }
  }, 120_000);

  test('a plugin target: trained with --plugin, recorded with its options, plotted only with the plugin', async () => {
    const plugin = await buildTestPlugin(join(import.meta.dirname, 'test-fixtures', 'acme-target-plugin.ts'));
    const list = json(cli('list', '--plugin', plugin, '--json').last);
    expect(list.targets).toContain('acme/annulus');
    const r = cli(
      'train',
      ...[
        '--plugin',
        plugin,
        '--flow',
        'radial',
        '--target',
        'acme/annulus',
        '--target-options',
        '{"radius":1.5}',
      ],
      ...[
        '--layers',
        '4',
        '--steps',
        '20',
        '--samples',
        '32',
        '--lr',
        '1e-2',
        '--out',
        'ring-model',
        '--json',
        '--quiet',
      ],
    );
    expect(r.status, r.stderr).toBe(0);
    const out = json(r.last);
    expect(out).toMatchObject({ target: 'acme/annulus', logNormalizer: null });
    expect(Number.isFinite(out.gaussianElbo)).toBe(true); // log Z unknown: the Gaussian baseline
    expect(metadataOf('ring-model').targetOptions).toEqual({ radius: 1.5 });
    expectUsageError(
      cli('plot', '--model', 'ring-model', '--out', 'ring.png'),
      /'acme\/annulus' comes from the plugin '.*acme-target-plugin\.mjs' this model was trained with: pass --plugin/,
    );
    const p = cli('plot', '--model', 'ring-model', '--plugin', plugin, '--out', 'ring.png', '--json');
    expect(p.status, p.stderr).toBe(0);
  }, 120_000);

  test('bad targets and options are one error line, and nothing is written', () => {
    const before = listing(harness.dir);
    expectUsageError(
      cli('train', '--flow', 'planar', '--target', 'u9', '--out', 'bad'),
      /unknown target 'u9'.*u1/,
    );
    expectUsageError(
      cli(
        'train',
        '--flow',
        'planar',
        '--target',
        'funnel',
        '--target-options',
        '{"dimension":1}',
        '--out',
        'bad',
      ),
      /funnel: option 'dimension'/,
    );
    expectUsageError(
      cli('train', '--flow', 'planar', '--target', 'u1', '--samples', '0'),
      /--samples must be an integer/,
    );
    expectUsageError(
      cli('train', '--flow', 'planar', '--target', 'u1', '--batch', '8'),
      /--batch is for --data training/,
    );
    expectUsageError(
      cli('train', '--flow', 'planar', '--data', 'moons', '--samples', '8'),
      /--samples is for --target/,
    );
    expectUsageError(cli('train', '--flow', 'planar'), /needs --data D .* or --target T/);
    expectUsageError(cli('train', '--flow', 'nope', '--target', 'u1', '--out', 'bad'), /unknown flow 'nope'/);
    expectUsageError(
      cli('train', '--flow', 'planar', '--target', 'logistic-regression', '--data', 'labelled.csv'),
      /needs --label-column/,
    );
    expectUsageError(
      cli(
        'train',
        '--flow',
        'planar',
        '--target',
        'logistic-regression',
        '--data',
        'missing.csv',
        '--label-column',
        '0',
        '--out',
        'bad',
      ),
      /missing\.csv/,
    );
    expectUsageError(
      cli(
        'train',
        '--flow',
        'planar',
        '--target',
        'u1',
        '--data',
        'labelled.csv',
        '--label-column',
        '0',
        '--out',
        'bad',
      ),
      /target 'u1' reads no file/,
    );
    expect(listing(harness.dir)).toEqual(before);
  }, 120_000);

  test('an existing model directory is kept without --force and replaced with it', () => {
    const model = join(harness.dir, 'u1-model', 'model.json');
    const original = readFileSync(model, 'utf8');
    expectUsageError(
      cli('train', ...PLANAR_U1, '--steps', '2', '--out', 'u1-model'),
      /model directory 'u1-model' already exists; pass --force/,
    );
    expect(readFileSync(model, 'utf8')).toBe(original);
    const r = cli(
      'train',
      '--flow',
      'radial',
      '--target',
      'u3',
      '--layers',
      '2',
      '--steps',
      '2',
      '--samples',
      '16',
      '--out',
      'u1-model',
      '--force',
      '--json',
      '--quiet',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(metadataOf('u1-model')).toMatchObject({ flow: 'radial', target: 'u3' });
  }, 120_000);

  test('the command-line examples of docs/variational.md run as written', () => {
    writeLabelledCsv();
    const commands = documentedCommands('variational.md', 'From the command line');
    expect(commands.length).toBeGreaterThanOrEqual(6);
    const results = commands.map((argv) => {
      const r = cli(...argv);
      expect(r.status, `bijective ${argv.join(' ')}\n${r.stderr}`).toBe(0);
      return { argv, r };
    });
    const inverse = results.find(({ argv }) => argv.includes('--check-inverse'));
    expect(json(inverse!.r.last).inverseError).toBeLessThan(1e-4);
    // The posterior: no KL (the evidence is unknown), the Gaussian baseline's ELBO beside the flow's.
    const posterior = results.find(({ argv }) => argv.includes('logistic-regression'));
    const out = json(posterior!.r.last);
    expect(out).toMatchObject({ target: 'logistic-regression', dims: 3, logNormalizer: null });
    expect(out).not.toHaveProperty('kl');
    expect(Number.isFinite(out.elbo)).toBe(true);
    expect(Number.isFinite(out.gaussianElbo)).toBe(true);
    expect(out.gaussianEss).toBeGreaterThan(0);
    // The model records the CSV's absolute path and label column: the target can be rebuilt anywhere.
    expect(metadataOf(out.model as string).targetOptions).toMatchObject({
      data: join(harness.dir, 'labelled.csv'),
      labelColumn: 'label',
    });
  }, 240_000);
});
