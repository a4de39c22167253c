// `train --flow glow` on a tiny image dataset (an IDX file of 8x8 images): the image shape and the
// common flags reach the flow, the JSON carries bits/dim, `--max-seconds` stops the loop, and
// `sample`/`plot` write image grids at a temperature.
import { encodeIdx } from '@bijective/datasets';
import '@bijective/glow';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { trainingDefaults } from './commands/train.js';
import { encodePng } from './png.js';
import { cliHarness, expectUsageError, type CliHarness } from './test-harness.js';

let harness: CliHarness;
beforeAll(async () => {
  harness = await cliHarness('bijective-cli-glow-');
  // 80 images of 8x8: a bright square of random size on a dark background, with noise.
  const n = 80;
  const data = new Uint8Array(n * 64);
  for (let k = 0; k < n; k++) {
    const size = 2 + (k % 5);
    for (let i = 0; i < 8; i++)
      for (let j = 0; j < 8; j++)
        data[k * 64 + i * 8 + j] = (i < size && j < size ? 200 : 20) + ((k * 7 + i * 3 + j) % 30);
  }
  writeFileSync(join(harness.dir, 'tiny.idx'), encodeIdx({ dims: [n, 8, 8], type: 'uint8', data }));
  // The same images as a folder of 8x8 RGB PNGs (a tint per image), and a folder with a stray file.
  for (const name of ['pngs', 'bad']) mkdirSync(join(harness.dir, name));
  for (let k = 0; k < 40; k++) {
    const pixels = new Uint8Array(64 * 3);
    for (let p = 0; p < 64; p++)
      pixels.set([data[k * 64 + p]!, data[k * 64 + p]! >> 1, 40 + (k % 3) * 60], 3 * p);
    writeFileSync(
      join(harness.dir, 'pngs', `im${String(k).padStart(2, '0')}.png`),
      encodePng({ width: 8, height: 8, pixels }),
    );
  }
  writeFileSync(join(harness.dir, 'bad', 'a.png'), readFileSync(join(harness.dir, 'pngs', 'im00.png')));
  writeFileSync(join(harness.dir, 'bad', 'b.jpg'), 'not an image');
}, 120_000);

const PNG = '89504e470d0a1a0a';

test('train --flow glow on an IDX image file: options reach the flow, bits/dim reported; sample and plot draw grids', () => {
  const r = harness.cli(
    'train',
    ...['--flow', 'glow', '--data', 'tiny.idx', '--steps', '4', '--batch', '16', '--backend', 'wasm'],
    ...[
      '--layers',
      '1',
      '--hidden',
      '4',
      '--flow-options',
      '{"levels":2}',
      '--out',
      'glow-model',
      '--json',
      '--quiet',
    ],
  );
  expect(r.status, r.stderr).toBe(0);
  const summary = JSON.parse(r.last) as Record<string, number | string>;
  expect(summary.dims).toBe(64);
  expect(summary.bitsPerDim).toBeGreaterThan(0);
  expect(summary.bitsPerDim).toBeLessThan(16);
  const model = readFileSync(join(harness.dir, 'glow-model', 'model.json'), 'utf8').replace(/\s+/g, '');
  for (const key of [
    '"name":"glow"',
    '"imageShape":[8,8,1]',
    '"stepsPerLevel":1',
    '"hiddenChannels":4',
    '"levels":2',
  ]) {
    expect(model).toContain(key);
  }
  // The flow's recipe: a 100-step linear warm-up, here under the 4-step cosine (step k at
  // 1e-3·(k/100)·(1 + cos(π(k − 1)/4))/2; --batch overrides the recipe's 32).
  const lr = readFileSync(join(harness.dir, 'glow-model', 'loss.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',')[3]));
  expect(lr[0]).toBeCloseTo(1e-5, 8);
  expect(lr[3]).toBeCloseTo(4e-5 * 0.5 * (1 + Math.cos((3 * Math.PI) / 4)), 8);
  const sample = harness.cli(
    'sample',
    '--model',
    'glow-model',
    '-n',
    '4',
    '--temperature',
    '0.7',
    '--out',
    's.png',
    '--json',
  );
  expect(sample.status, sample.stderr).toBe(0);
  expect(readFileSync(join(harness.dir, 's.png')).subarray(0, 8).toString('hex')).toBe(PNG);
  const csv = harness.cli('sample', '--model', 'glow-model', '-n', '2', '--temperature', '0.5');
  expect(csv.status, csv.stderr).toBe(0);
  expect(csv.stdout.trim().split('\n')).toHaveLength(3);
  const plot = harness.cli('plot', '--model', 'glow-model', '--data', 'tiny.idx', '--out', 'p.png', '--json');
  expect(plot.status, plot.stderr).toBe(0);
  expect(JSON.parse(plot.last)).toMatchObject({ kind: 'samples' });
}, 240_000);

test("train's defaults for glow are its recipe (docs/benchmarks.md, Glow on Fashion-MNIST)", () => {
  expect(trainingDefaults('glow', false)).toEqual({
    steps: 5000,
    batchSize: 32,
    learningRate: 1e-3,
    warmupSteps: 100,
    validationEvery: 250,
    validationRows: 2000,
  });
});

test('--max-seconds stops a long run early and keeps a model', () => {
  const r = harness.cli(
    'train',
    ...[
      '--flow',
      'glow',
      '--data',
      'tiny.idx',
      '--steps',
      '1000000',
      '--max-seconds',
      '1',
      '--backend',
      'wasm',
    ],
    ...['--layers', '1', '--hidden', '4', '--batch', '8', '--out', 'timed', '--json', '--quiet'],
  );
  expect(r.status, r.stderr).toBe(0);
  const summary = JSON.parse(r.last) as { steps: number };
  expect(summary.steps).toBeGreaterThan(0);
  expect(summary.steps).toBeLessThan(1_000_000);
}, 240_000);

test('glow on non-image data, and bad temperatures, are one usage error', () => {
  expectUsageError(
    harness.cli('train', '--flow', 'glow', '--data', 'moons', '--steps', '1'),
    /models images/,
  );
  expectUsageError(
    harness.cli('sample', '--model', 'glow-model', '-n', '2', '--temperature', '-1'),
    /--temperature must be a number > 0/,
  );
}, 120_000);

test('--data DIR/ (a folder of RGB PNGs) trains glow on [8, 8, 3]; eval, score and plot read the folder', () => {
  const r = harness.cli(
    'train',
    ...['--flow', 'glow', '--data', 'pngs/', '--steps', '3', '--batch', '8', '--backend', 'wasm'],
    ...[
      '--layers',
      '1',
      '--hidden',
      '4',
      '--flow-options',
      '{"levels":1}',
      '--out',
      'png-model',
      '--json',
      '--quiet',
    ],
  );
  expect(r.status, r.stderr).toBe(0);
  const summary = JSON.parse(r.last) as Record<string, number>;
  expect(summary.dims).toBe(192);
  expect(summary.bitsPerDim).toBeGreaterThan(0);
  const model = readFileSync(join(harness.dir, 'png-model', 'model.json'), 'utf8').replace(/\s+/g, '');
  expect(model).toContain('"imageShape":[8,8,3]');
  const ev = harness.cli('eval', '--model', 'png-model', '--data', 'pngs', '--json');
  expect(ev.status, ev.stderr).toBe(0);
  expect(JSON.parse(ev.last)).toMatchObject({ n: 40 });
  expect((JSON.parse(ev.last) as { bitsPerDim: number }).bitsPerDim).toBeGreaterThan(0);
  const score = harness.cli('score', '--model', 'png-model', '--data', 'pngs/', '--json');
  expect(score.status, score.stderr).toBe(0);
  expect(JSON.parse(score.last)).toMatchObject({ n: 40 });
  const plot = harness.cli(
    'plot',
    '--model',
    'png-model',
    '--data',
    'pngs/',
    '--out',
    'png-plot.png',
    '--json',
  );
  expect(plot.status, plot.stderr).toBe(0);
  expectUsageError(
    harness.cli('eval', '--model', 'png-model', '--data', 'bad/'),
    /bad\/b\.jpg: not a \.png file/,
  );
  expectUsageError(
    harness.cli('eval', '--model', 'png-model', '--data', 'nowhere/'),
    /data folder 'nowhere\/' does not exist/,
  );
  expectUsageError(harness.cli('eval', '--model', 'glow-model', '--data', 'pngs/'), /192|width|columns|dims/);
}, 240_000);

test('--dequantization variational trains the bound, saves q(u|x) in the model and eval reports the bound', () => {
  const r = harness.cli(
    'train',
    ...['--flow', 'glow', '--data', 'tiny.idx', '--steps', '6', '--batch', '16', '--backend', 'wasm'],
    ...['--layers', '1', '--hidden', '4', '--dequantization', 'variational', '--out', 'vd-model'],
    ...['--val-every', '3', '--json', '--quiet'],
  );
  expect(r.status, r.stderr).toBe(0);
  // Validated by the bound (the negative ELBO of the validation images) at steps 3 and 6.
  const valNll = readFileSync(join(harness.dir, 'vd-model', 'loss.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[2]);
  expect(valNll.filter((v) => v !== '')).toHaveLength(2);
  expect(valNll.filter((v) => v !== '').every((v) => Number.isFinite(Number(v)))).toBe(true);
  const summary = JSON.parse(r.last) as Record<string, number>;
  expect(Number.isFinite(summary.trainLoss)).toBe(true);
  expect(summary.bitsPerDim).toBeGreaterThan(0);
  expect(summary.bitsPerDim).toBeLessThan(16);
  const model = readFileSync(join(harness.dir, 'vd-model', 'model.json'), 'utf8').replace(/\s+/g, '');
  expect(model).toContain('"dequantization":"variational"');
  const ev = harness.cli('eval', '--model', 'vd-model', '--data', 'tiny.idx', '--json');
  expect(ev.status, ev.stderr).toBe(0);
  const bits = (JSON.parse(ev.last) as { bitsPerDim: number }).bitsPerDim;
  expect(Number.isFinite(bits)).toBe(true);
  expectUsageError(
    harness.cli('train', '--flow', 'glow', '--data', 'tiny.idx', '--dequantization', 'learned'),
    /--dequantization must be one of uniform, variational/,
  );
}, 240_000);

test('--class-conditional trains on the labels of a PNG class folder; sample --class K and eval use them', () => {
  for (const [cls, bright] of [
    ['dark', 40],
    ['light', 200],
  ] as const) {
    mkdirSync(join(harness.dir, 'classes', cls), { recursive: true });
    for (let k = 0; k < 24; k++) {
      const pixels = new Uint8Array(64 * 3).map((_, i) => bright + ((k * 13 + i * 7) % 40));
      writeFileSync(
        join(harness.dir, 'classes', cls, `${k}.png`),
        encodePng({ width: 8, height: 8, pixels }),
      );
    }
  }
  const r = harness.cli(
    'train',
    ...['--flow', 'glow', '--data', 'classes/', '--class-conditional', '--steps', '4', '--batch', '8'],
    ...['--layers', '1', '--hidden', '4', '--flow-options', '{"levels":1}', '--backend', 'wasm'],
    ...['--out', 'cc-model', '--json', '--quiet'],
  );
  expect(r.status, r.stderr).toBe(0);
  const model = JSON.parse(readFileSync(join(harness.dir, 'cc-model', 'model.json'), 'utf8')) as {
    bijector?: unknown;
  };
  expect(JSON.stringify(model).replace(/\s+/g, '')).toContain('"contextShape":[2]');
  const sample = harness.cli('sample', '--model', 'cc-model', '-n', '4', '--class', '1', '--out', 'cc.png');
  expect(sample.status, sample.stderr).toBe(0);
  expect(readFileSync(join(harness.dir, 'cc.png')).subarray(0, 8).toString('hex')).toBe(PNG);
  const csv = harness.cli('sample', '--model', 'cc-model', '-n', '2', '--class', '0', '--temperature', '0.7');
  expect(csv.status, csv.stderr).toBe(0);
  const ev = harness.cli('eval', '--model', 'cc-model', '--data', 'classes/', '--json');
  expect(ev.status, ev.stderr).toBe(0);
  expect(JSON.parse(ev.last)).toMatchObject({ n: 48 });
  const plot = harness.cli('plot', '--model', 'cc-model', '--out', 'cc-plot.png');
  expect(plot.status, plot.stderr).toBe(0);
  expectUsageError(
    harness.cli('sample', '--model', 'cc-model', '-n', '2', '--class', '2'),
    /--class must be an integer in \[0, 1\]/,
  );
  expectUsageError(
    harness.cli('sample', '--model', 'cc-model', '-n', '2'),
    /conditional: pass --context with 2/,
  );
  expectUsageError(
    harness.cli('eval', '--model', 'cc-model', '--data', 'pngs/'),
    /has no labels|192|columns/,
  );
  expectUsageError(
    harness.cli('train', '--flow', 'glow', '--data', 'tiny.idx', '--class-conditional', '--steps', '1'),
    /--class-conditional needs labelled data/,
  );
  expectUsageError(
    harness.cli('sample', '--model', 'png-model', '-n', '2', '--class', '0'),
    /class-conditional models/,
  );
}, 300_000);

test.runIf(existsSync('/usr/share/datasets/fashion-mnist'))(
  '--class-conditional on fashion-mnist-14: the 2000 validation images glow scores keep their labels',
  () => {
    const r = harness.cli(
      'train',
      ...['--flow', 'glow', '--data', 'fashion-mnist-14', '--class-conditional', '--steps', '2'],
      ...['--layers', '1', '--hidden', '4', '--out', 'fm14-classes', '--json', '--quiet'],
    );
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.last) as { batch: number; valNll: number; bitsPerDim: number };
    expect(summary.batch).toBe(32);
    expect(Number.isFinite(summary.valNll)).toBe(true);
    expect(Number.isFinite(summary.bitsPerDim)).toBe(true);
  },
  240_000,
);
