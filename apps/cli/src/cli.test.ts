import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { cliHarness, expectUsageError, type CliHarness } from './test-harness.js';

/** Where Debian's dataset-fashion-mnist puts the IDX files (CI installs it). */
const FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

let harness: CliHarness;
let dir = '';
const cli = (...args: string[]) => harness.cli(...args);

beforeAll(async () => {
  harness = await cliHarness();
  dir = harness.dir;
}, 60_000);

describe('bijective CLI (CLI.md contract)', () => {
  test('list --json names every registry kind', () => {
    const r = cli('list', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.last);
    expect(out.flows).toEqual(expect.arrayContaining(['nice', 'realnvp']));
    expect(out.datasets).toEqual(
      expect.arrayContaining(['moons', '8gaussians', 'checkerboard', 'fashion-mnist']),
    );
    expect(out.backends).toEqual(expect.arrayContaining(['cpu', 'wasm']));
    expect(out.odeSolvers).toEqual(expect.arrayContaining(['euler', 'midpoint', 'rk4', 'dopri5']));
    expect(out.traceEstimators).toEqual(
      expect.arrayContaining(['exact', 'hutchinson-gaussian', 'hutchinson-rademacher']),
    );
    expect(out.targets).toEqual(
      expect.arrayContaining(['u1', 'u2', 'u3', 'u4', 'banana', 'funnel', 'logistic-regression']),
    );
    expect(out.flows).toEqual(expect.arrayContaining(['planar', 'radial']));
  });

  test('train, eval, sample and plot a small model end to end', () => {
    const r = cli(
      'train',
      '--flow',
      'realnvp',
      '--data',
      'moons',
      '--steps',
      '60',
      '--layers',
      '2',
      '--hidden',
      '16',
      '--out',
      'm',
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.last);
    for (const key of [
      'flow',
      'data',
      'dims',
      'backend',
      'steps',
      'batch',
      'trainLoss',
      'trainNll',
      'valNll',
      'testNll',
      'seconds',
      'stepsPerSecond',
      'model',
    ]) {
      expect(out).toHaveProperty(key);
    }
    expect(out).toMatchObject({
      flow: 'realnvp',
      data: 'moons',
      dims: 2,
      backend: 'wasm',
      steps: 60,
      batch: 256,
      model: 'm',
    });
    expect(out.trainLoss).toBe(out.trainNll); // a likelihood-trained flow's objective is its NLL
    // The CLI turns wasm relaxed SIMD on at start-up (Node 20's V8 flag): the fused multiply-add build runs.
    expect(out.wasmKernels).toBe('relaxed-simd');
    expect(out.testNll).toBeGreaterThan(1.006);
    expect(out.testNll).toBeLessThan(3.5);
    expect(readdirSync(join(dir, 'm')).sort()).toEqual(['loss.csv', 'loss.png', 'model.json', 'weights.bin']);

    const e = cli('eval', '--model', 'm', '--data', 'moons', '--per-sample', '--json');
    expect(e.status, e.stderr).toBe(0);
    const ev = JSON.parse(e.last);
    expect(ev.n).toBe(ev.logProb.length);
    expect(ev.nll).toBeCloseTo(-ev.logProb.reduce((a: number, b: number) => a + b, 0) / ev.n, 6);

    const s = cli('sample', '--model', 'm', '-n', '5', '--seed', '1');
    expect(s.status, s.stderr).toBe(0);
    const rows = s.stdout.trim().split('\n');
    expect(rows[0]).toBe('x0,x1');
    expect(rows).toHaveLength(6);
    expect(cli('sample', '--model', 'm', '-n', '5', '--seed', '1').stdout).toBe(s.stdout);

    const p = cli('plot', '--model', 'm', '--data', 'moons', '--out', 'density.png', '--json');
    expect(p.status, p.stderr).toBe(0);
    expect(JSON.parse(p.last)).toMatchObject({ out: 'density.png', kind: 'density' });
    expect(readFileSync(join(dir, 'density.png')).subarray(1, 4).toString()).toBe('PNG');
    for (const kind of ['samples', 'pairs', 'loss']) {
      const k = cli(
        'plot',
        '--model',
        'm',
        ...(kind === 'loss' ? [] : ['--data', 'moons']),
        '--kind',
        kind,
        '--out',
        `${kind}.png`,
      );
      expect(k.status, k.stderr).toBe(0);
      // plot says what it wrote; the picture has axes and a legend, so it is far larger than the bare 256x256 raster was.
      expect(k.stdout).toMatch(new RegExp(`${kind} plot written to ${kind}\\.png \\((\\d+)x(\\d+)\\)`));
      const png = readFileSync(join(dir, `${kind}.png`));
      expect(png.readUInt32BE(16)).toBeGreaterThan(600);
    }
    const loss = readFileSync(join(dir, 'm', 'loss.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(loss[0]).toBe('step,trainLoss,valNll,lr');
    expect(loss).toHaveLength(61);
    expect(loss.filter((l) => /^\d+,[^,]+,[^,]+,/.test(l) && !l.includes(',,')).length).toBeGreaterThan(0);
  });

  test.runIf(existsSync(FASHION_MNIST))(
    'images: Fashion-MNIST trains, reports bits/dim and plots a sample grid',
    () => {
      const r = cli(
        'train',
        '--flow',
        'realnvp',
        '--data',
        'fashion-mnist',
        '--steps',
        '3',
        '--layers',
        '2',
        '--hidden',
        '32',
        '--batch',
        '16',
        '--out',
        'fm',
        '--json',
      );
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.last);
      expect(out.dims).toBe(784);
      // NLL of 0..255 pixel data: bits/dim = nll / (784 ln 2), between a perfect model (0) and uniform noise (8).
      expect(out.bitsPerDim).toBeCloseTo(out.testNll / (784 * Math.LN2), 6);
      expect(out.bitsPerDim).toBeGreaterThan(0);
      expect(out.bitsPerDim).toBeLessThan(12);
      const p = cli('plot', '--model', 'fm', '--out', 'grid.png', '--json');
      expect(p.status, p.stderr).toBe(0);
      expect(JSON.parse(p.last)).toMatchObject({ out: 'grid.png', kind: 'samples' });
      expect(readFileSync(join(dir, 'grid.png')).subarray(1, 4).toString()).toBe('PNG');
    },
  );

  test('BIJECTIVE_WASM_SIMD=simd128 runs the SIMD-128 build of the wasm kernels; cpu reports none', () => {
    const args = ['train', '--flow', 'realnvp', '--data', 'moons', '--steps', '10', '--layers', '2'];
    const r = harness.cliWith(
      { env: { BIJECTIVE_WASM_SIMD: 'simd128' } },
      ...args,
      ...['--hidden', '8', '--out', 'm-simd128', '--json'],
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.last)).toMatchObject({ backend: 'wasm', wasmKernels: 'simd128' });
    const c = cli(...args, ...['--hidden', '8', '--backend', 'cpu', '--out', 'm-cpu', '--json']);
    expect(c.status, c.stderr).toBe(0);
    expect(JSON.parse(c.last)).not.toHaveProperty('wasmKernels');
  });

  test('CSV data: trains with a separate test file and scores it', () => {
    const rows = (n: number, seed: number) =>
      Array.from({ length: n }, (_, i) => {
        const t = Math.sin(i * 12.9898 + seed) * 43758.5453;
        const u = t - Math.floor(t);
        return `${(3 * u).toFixed(4)},${(10 + 2 * u * u).toFixed(4)}`;
      }).join('\n');
    writeFileSync(join(dir, 'train.csv'), `a,b\n${rows(400, 1)}\n`);
    writeFileSync(join(dir, 'test.csv'), `a,b\n${rows(100, 2)}\n`);
    const r = cli(
      'train',
      '--flow',
      'nice',
      '--data',
      'train.csv',
      '--test',
      'test.csv',
      '--steps',
      '30',
      '--out',
      'csv-model',
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.last);
    expect(out).toMatchObject({ flow: 'nice', data: 'train.csv', dims: 2 });
    expect(Number.isFinite(out.testNll)).toBe(true);
    // --seed fixes the split, the shuffles and the flow's initialisation: a rerun is identical.
    const again = cli(
      'train',
      '--force',
      '--flow',
      'nice',
      '--data',
      'train.csv',
      '--test',
      'test.csv',
      '--steps',
      '30',
      '--out',
      'csv-again',
      '--json',
    );
    expect(JSON.parse(again.last).testNll).toBe(out.testNll);
    const e = cli('eval', '--model', 'csv-model', '--data', 'test.csv', '--json');
    expect(e.status, e.stderr).toBe(0);
    expect(JSON.parse(e.last).n).toBe(100);
  });

  test('CSV data is whitened by default (Cholesky factor kept in the model); --preprocess standardise opts out', () => {
    // b = 2a + noise: strongly correlated columns.
    const lines = Array.from({ length: 300 }, (_, i) => {
      const u = Math.sin(i * 12.9898) * 43758.5453;
      const v = Math.sin(i * 78.233) * 12345.6789;
      const a = u - Math.floor(u);
      return `${a.toFixed(4)},${(2 * a + 0.1 * (v - Math.floor(v))).toFixed(4)}`;
    });
    writeFileSync(join(dir, 'corr.csv'), `a,b\n${lines.join('\n')}\n`);
    const common = ['--data', 'corr.csv', '--test', 'corr.csv', '--steps', '1', '--lr', '1e-8', '--json'];
    const w = cli('train', '--flow', 'maf', ...common, '--out', 'whitened');
    expect(w.status, w.stderr).toBe(0);
    const model = readFileSync(join(dir, 'whitened', 'model.json'), 'utf8');
    expect(model).toContain('triangular-affine');
    const s = cli(
      'train',
      '--flow',
      'maf',
      ...common,
      '--preprocess',
      'standardise',
      '--out',
      'standardised',
    );
    expect(s.status, s.stderr).toBe(0);
    expect(readFileSync(join(dir, 'standardised', 'model.json'), 'utf8')).not.toContain('triangular-affine');
    // Before training, the whitened flow is the full-covariance Gaussian: far better than the diagonal one.
    expect(JSON.parse(w.last).testNll).toBeLessThan(JSON.parse(s.last).testNll - 1);
    const e = cli('eval', '--model', 'whitened', '--data', 'corr.csv', '--json');
    expect(e.status, e.stderr).toBe(0);
    expect(JSON.parse(e.last).nll).toBeCloseTo(JSON.parse(w.last).testNll, 4);
    const sample = cli('sample', '--model', 'whitened', '-n', '5');
    expect(sample.status, sample.stderr).toBe(0);
    expect(sample.stdout.trim().split('\n')).toHaveLength(6);
    expectUsageError(cli('train', '--flow', 'maf', ...common, '--preprocess', 'pca'), /--preprocess/);
  });

  test('conditional flows: --context-columns to train, eval on the same columns, sample given a context', () => {
    // x ~ N(3c, 0.1²) given c in {-1, 1}: the flow must learn the dependence on the context column.
    const lines = Array.from({ length: 600 }, (_, i) => {
      const c = i % 2 ? 1 : -1;
      const u = Math.sin(i * 78.233) * 43758.5453;
      const e = (u - Math.floor(u) - 0.5) * 0.3;
      return `${c},${(3 * c + e).toFixed(4)},${(-c + e).toFixed(4)}`;
    });
    writeFileSync(join(dir, 'cond.csv'), `c,x,y\n${lines.join('\n')}\n`);
    const r = cli(
      'train',
      '--flow',
      'realnvp',
      '--data',
      'cond.csv',
      '--context-columns',
      '0',
      '--steps',
      '300',
      '--out',
      'cond',
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.last).dims).toBe(2);
    expect(cli('eval', '--model', 'cond', '--data', 'cond.csv', '--json').status).toBe(0);
    const mean = (context: string) => {
      const s = cli('sample', '--model', 'cond', '-n', '200', '--context', context);
      expect(s.status, s.stderr).toBe(0);
      const xs = s.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((row) => Number(row.split(',')[0]));
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(mean('1')).toBeGreaterThan(2);
    expect(mean('-1')).toBeLessThan(-2);
    expectUsageError(cli('sample', '--model', 'cond', '-n', '2'), /conditional: pass --context with 1/);
    expect(
      cli('train', '--flow', 'nice', '--data', 'cond.csv', '--steps', '2', '--out', 'plain').status,
    ).toBe(0);
    expectUsageError(
      cli('sample', '--model', 'plain', '-n', '2', '--context', '1'),
      /conditional models only/,
    );
  });

  test('bad usage and bad input exit 2 with one error line naming the problem', () => {
    expectUsageError(
      cli('train', '--flow', 'nope', '--data', 'moons', '--steps', '1'),
      /unknown flow 'nope'; known: .*realnvp/,
    );
    expectUsageError(
      cli('train', '--flow', 'realnvp', '--data', 'nowhere', '--steps', '1'),
      /unknown dataset 'nowhere'/,
    );
    expectUsageError(
      cli('train', '--flow', 'realnvp', '--data', 'moons', '--steps', 'x'),
      /--steps must be an integer/,
    );
    expectUsageError(
      cli('train', '--flow', 'realnvp', '--data', 'moons', '--frobnicate'),
      /unknown option '--frobnicate'/,
    );
    expectUsageError(
      cli('eval', '--model', 'missing', '--data', 'moons'),
      /model directory 'missing' does not exist/,
    );
    writeFileSync(join(dir, 'ragged.csv'), 'a,b\n1,2\n3\n');
    expectUsageError(cli('train', '--flow', 'realnvp', '--data', 'ragged.csv', '--steps', '1'), /line 3/);
    writeFileSync(join(dir, 'nan.csv'), '1,2\n3,NaN\n');
    expectUsageError(
      cli('train', '--flow', 'realnvp', '--data', 'nan.csv', '--steps', '1'),
      /NaN|not a finite/i,
    );
    writeFileSync(join(dir, 'three.csv'), '1,2,3\n4,5,6\n7,8,9.5\n');
    expectUsageError(cli('eval', '--model', 'm', '--data', 'three.csv'), /3 columns but the model expects 2/);
  });

  test('a failed run leaves an existing model untouched; a corrupt model is a clear error', () => {
    const before = readFileSync(join(dir, 'm', 'weights.bin'));
    writeFileSync(join(dir, 'bad.csv'), '1,2\n3,x\n');
    expect(cli('train', '--flow', 'realnvp', '--data', 'bad.csv', '--out', 'm', '--force').status).toBe(2);
    expect(readFileSync(join(dir, 'm', 'weights.bin')).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    writeFileSync(join(dir, 'm', 'weights.bin'), before.subarray(0, 10));
    expectUsageError(cli('eval', '--model', 'm', '--data', 'moons'), /weights\.bin/);
  });
});
