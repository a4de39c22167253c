import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { COMMAND_DOCS } from './command-docs.js';
import { cliHarness, expectUsageError, listing, type CliHarness, type CliResult } from './test-harness.js';

let harness: CliHarness;
let dir = '';
const cli = (...args: string[]) => harness.cli(...args);
const SMALL = ['--flow', 'realnvp', '--data', 'moons', '--steps', '20', '--layers', '2', '--hidden', '8'];

/** Expects a usage error that left the working directory exactly as it was. */
function expectRefused(run: () => CliResult, pattern: RegExp): void {
  const before = listing(dir);
  expectUsageError(run(), pattern);
  expect(listing(dir)).toEqual(before);
}

beforeAll(async () => {
  harness = await cliHarness('bijective-options-');
  dir = harness.dir;
  const r = cli('train', ...SMALL, '--out', 'base', '--quiet');
  if (r.status !== 0) throw new Error(r.stderr);
}, 120_000);

describe('help and version', () => {
  test('--help, -h, help [command] and <command> --help print usage and exit 0', () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = cli(...argv);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^usage: bijective <command>/);
      for (const command of ['train', 'eval', 'score', 'sample', 'plot', 'list'])
        expect(r.stdout).toContain(command);
    }
    for (const argv of [
      ['help', 'train'],
      ['train', '--help'],
      ['train', '-h'],
      ['train', '--bogus', '-h'],
    ]) {
      const r = cli(...argv);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^usage: bijective train --flow F \(--data D \| --target T\) \[options\]/);
      expect(r.stdout).toContain('--clip-norm X');
      expect(r.stdout).toContain('default: out/model');
      // Every example (at least two) is printed.
      const examples = COMMAND_DOCS.find((d) => d.name === 'train')!.examples;
      expect(examples.length).toBeGreaterThanOrEqual(2);
      expect(r.stdout.match(/^ {2}bijective train /gm)).toHaveLength(examples.length);
    }
    expect(cli('sample', '--help').stdout).toContain('-n N');
  });
  test('--version prints the package version', () => {
    const r = cli('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
  test('help for an unknown command, or no command, is a usage error', () => {
    expectRefused(() => cli('help', 'fly'), /unknown command 'fly'/);
    expectRefused(() => cli(), /missing command.*bijective --help/);
  });
});

describe('train: the model directory and the new options', () => {
  test('refuses an existing model directory without --force, leaving it untouched', () => {
    const weights = readFileSync(join(dir, 'base', 'weights.bin'));
    const model = readFileSync(join(dir, 'base', 'model.json'), 'utf8');
    expectRefused(
      () => cli('train', ...SMALL, '--out', 'base'),
      /model directory 'base' already exists; pass --force/,
    );
    expect(readFileSync(join(dir, 'base', 'weights.bin')).equals(weights)).toBe(true);
    expect(readFileSync(join(dir, 'base', 'model.json'), 'utf8')).toBe(model);
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    expectRefused(() => cli('train', ...SMALL, '--out', 'not-a-dir'), /'not-a-dir' already exists/);
  });
  test('--force replaces it', () => {
    const r = cli('train', ...SMALL, '--seed', '3', '--out', 'forced', '--quiet');
    expect(r.status, r.stderr).toBe(0);
    const before = readFileSync(join(dir, 'forced', 'weights.bin'));
    const again = cli('train', ...SMALL, '--seed', '4', '--out', 'forced', '--force', '--quiet');
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(join(dir, 'forced', 'weights.bin')).equals(before)).toBe(false);
  });
  test('--clip-norm must be a positive number; it is recorded in the model', () => {
    for (const bad of ['0', '-1', 'abc', 'Infinity']) {
      expectRefused(
        () => cli('train', ...SMALL, '--out', 'clip', '--clip-norm', bad),
        /--clip-norm must be a number > 0/,
      );
    }
    const r = cli('train', ...SMALL, '--out', 'clip', '--clip-norm', '0.5', '--quiet');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'clip', 'model.json'), 'utf8')).metadata.clipNorm).toBe(0.5);
  });
  test('--checkpoint-every must be a positive number of minutes; --resume needs a checkpoint', () => {
    for (const bad of ['0', 'soon', '-2']) {
      expectRefused(
        () => cli('train', ...SMALL, '--out', 'ck', '--checkpoint-every', bad),
        /--checkpoint-every must be a number > 0/,
      );
    }
    expectRefused(() => cli('train', '--resume', 'nowhere'), /no checkpoint at 'nowhere'/);
    expectRefused(() => cli('train', '--resume', 'base'), /no checkpoint at 'base'/);
  });
  test('progress: a line every ~10% without a terminal, none with --quiet', () => {
    const r = cli('train', ...SMALL, '--out', 'progress');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('step '));
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^step 2\/20 \(10%\) {2}loss -?\d+\.\d{4} {2}[\d.]+ steps\/s {2}ETA \d/);
    expect(lines[9]).toMatch(/^step 20\/20 \(100%\) {2}loss .* {2}val NLL \d+\.\d{4} .* done$/);
    const quiet = cli('train', ...SMALL, '--out', 'quiet', '--quiet');
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe('');
  });
  test("a diverging run exits 1 with advice in the CLI's option names, writing no model", () => {
    const before = listing(dir);
    const r = cli(
      'train',
      '--flow',
      'realnvp',
      '--data',
      'moons',
      '--lr',
      '10',
      '--steps',
      '50',
      '--out',
      'diverged',
      '--quiet',
    );
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(
      /^error: training diverged at step \d+: .*\(try a lower --lr, or --clip-norm 1\)$/,
    );
    expect(listing(dir)).toEqual(before);
  });
  test('option errors use the spelling typed', () => {
    expectRefused(
      () => cli('sample', '--model', 'base', '-n', '-3'),
      /^error: -n must be an integer in \[1, /,
    );
    expectRefused(() => cli('sample', '--model', 'base', '--n', '0'), /^error: --n must be an integer/);
    expectRefused(() => cli('sample', '--model', 'base', '-n'), /^error: option -n needs a value/);
    expectRefused(() => cli('train', ...SMALL, '--steps=0'), /^error: --steps must be an integer in \[1, /);
  });
  test('a CSV the parser rejects is one error line, not an internal failure', () => {
    writeFileSync(join(dir, 'semicolons.csv'), 'a;b\n1.88;-0.07\n2.5;0.3\n');
    const r = cli(
      'train',
      '--flow',
      'nice',
      '--data',
      'semicolons.csv',
      '--steps',
      '2',
      '--out',
      'semi',
      '--quiet',
    );
    // The datasets package detects the delimiter or names it in its error; either way the CLI exits 0 or 2.
    if (r.status === 0) expect(existsSync(join(dir, 'semi', 'model.json'))).toBe(true);
    else expectUsageError(r, /semicolons\.csv/);
  });
});

describe('score: errors of its options', () => {
  test('--contamination must lie in [0, 1]; --out must be writable; the data must match the model', () => {
    for (const bad of ['2', '-0.1', 'many']) {
      expectRefused(
        () => cli('score', '--model', 'base', '--data', 'moons', '--contamination', bad),
        /--contamination must be a number in \[0, 1\]/,
      );
    }
    expectRefused(
      () => cli('score', '--model', 'base', '--data', 'moons', '--out', 'no/such/folder/s.csv'),
      /cannot write 'no\/such\/folder\/s\.csv'/,
    );
    writeFileSync(join(dir, 'three.csv'), '1,2,3\n4,5,6\n');
    expectRefused(
      () => cli('score', '--model', 'base', '--data', 'three.csv'),
      /3 columns but the model expects 2/,
    );
    expectRefused(
      () => cli('score', '--model', 'missing', '--data', 'moons'),
      /model directory 'missing' does not exist/,
    );
  });
  test('a model without saved log-density quantiles says to retrain', () => {
    const r = cli('train', ...SMALL, '--out', 'old', '--quiet');
    expect(r.status).toBe(0);
    const file = join(dir, 'old', 'model.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    delete json.metadata.logDensity;
    writeFileSync(file, JSON.stringify(json));
    expectRefused(
      () => cli('score', '--model', 'old', '--data', 'moons'),
      /no saved log-density quantiles.*retrain/,
    );
  });
});

describe('plot: errors of its options', () => {
  test('--kind, --out and the model must fit the picture', () => {
    expectRefused(
      () => cli('plot', '--model', 'base', '--kind', 'violin', '--out', 'v.png'),
      /--kind must be one of density, samples, pairs, loss, got 'violin'/,
    );
    expectRefused(() => cli('plot', '--model', 'base', '--out', 'v.svg'), /--out must name a \.png file/);
    expectRefused(
      () => cli('plot', '--model', 'base', '--kind', 'loss', '--data', 'moons', '--out', 'v.png'),
      /--kind loss takes no --data/,
    );
    expectRefused(
      () => cli('plot', '--model', 'missing', '--kind', 'loss', '--out', 'v.png'),
      /'missing' does not exist/,
    );
    expectRefused(
      () => cli('plot', '--model', 'base', '--out', 'no/such/folder/v.png'),
      /cannot write 'no\/such\/folder\/v\.png'/,
    );
  });
  test('density needs a 2-D model; loss needs loss.csv', () => {
    writeFileSync(
      join(dir, 'wide.csv'),
      Array.from({ length: 60 }, (_, i) => `${i % 7},${(i * 3) % 11},${(i * 5) % 13}`).join('\n'),
    );
    const r = cli(
      'train',
      '--flow',
      'nice',
      '--data',
      'wide.csv',
      '--steps',
      '5',
      '--out',
      'wide',
      '--quiet',
    );
    expect(r.status, r.stderr).toBe(0);
    expectRefused(
      () => cli('plot', '--model', 'wide', '--kind', 'density', '--out', 'w.png'),
      /needs a 2-D model/,
    );
    const pairs = cli('plot', '--model', 'wide', '--data', 'wide.csv', '--out', 'w.png', '--json');
    expect(pairs.status, pairs.stderr).toBe(0);
    expect(JSON.parse(pairs.last)).toMatchObject({ out: 'w.png', kind: 'pairs' });
    writeFileSync(join(dir, 'wide', 'loss.csv'), 'step,oops\n');
    expectRefused(
      () => cli('plot', '--model', 'wide', '--kind', 'loss', '--out', 'l.png'),
      /expected the header/,
    );
  });
});

describe('working directory', () => {
  const root = resolve(import.meta.dirname, '..', '..', '..');
  test('under `pnpm bijective` (INIT_CWD) and through bin/bijective, relative paths are read from where the user is', () => {
    const viaPnpm = spawnSync(
      process.execPath,
      [join(root, 'apps/cli/run.mjs'), 'eval', '--model', 'base', '--data', 'moons', '--json'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, npm_lifecycle_event: 'bijective', INIT_CWD: dir },
      },
    );
    expect(viaPnpm.status, viaPnpm.stderr).toBe(0);
    expect(JSON.parse(viaPnpm.stdout.trim().split('\n').at(-1) as string).n).toBe(20_000);
    const viaBin = spawnSync(
      join(root, 'bin/bijective'),
      ['eval', '--model', 'base', '--data', 'moons', '--json'],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    expect(viaBin.status, viaBin.stderr).toBe(0);
    // Any other script's INIT_CWD (a test runner's, say) does not move a CLI started elsewhere.
    const elsewhere = harness.cliWith(
      { env: { INIT_CWD: root, npm_lifecycle_event: 'test' } },
      'eval',
      '--model',
      'base',
      '--data',
      'moons',
    );
    expect(elsewhere.status, elsewhere.stderr).toBe(0);
  });
});
