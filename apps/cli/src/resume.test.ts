import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildCli } from '../build.mjs';
import { cliHarness, expectUsageError, listing, type CliHarness } from './test-harness.js';

let harness: CliHarness;
let dir = '';
let bundle = '';
const cli = (...args: string[]) => harness.cli(...args);
const RUN = [
  '--flow',
  'realnvp',
  '--data',
  'moons',
  '--steps',
  '300',
  '--layers',
  '2',
  '--hidden',
  '16',
  '--seed',
  '5',
  '--val-every',
  '25',
];

/** Starts `train ... --checkpoint-every` and kills it (SIGKILL) once a checkpoint is on disk. */
async function trainUntilCheckpoint(out: string): Promise<number> {
  const child = spawn(
    process.execPath,
    [bundle, 'train', ...RUN, '--out', out, '--checkpoint-every', '0.0002', '--quiet'],
    {
      cwd: dir,
      stdio: 'ignore',
    },
  );
  const checkpoint = join(dir, `${out}.checkpoint`, 'checkpoint.json');
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (let i = 0; i < 2000 && !existsSync(checkpoint) && child.exitCode === null; i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGKILL');
  await exited;
  return JSON.parse(readFileSync(checkpoint, 'utf8')).step as number;
}

beforeAll(async () => {
  harness = await cliHarness('bijective-resume-');
  dir = harness.dir;
  bundle = await buildCli();
}, 60_000);

describe('checkpoints', () => {
  test('a run killed after a checkpoint and resumed ends exactly as the uninterrupted run', async () => {
    const whole = cli('train', ...RUN, '--out', 'whole', '--json', '--quiet');
    expect(whole.status, whole.stderr).toBe(0);
    const step = await trainUntilCheckpoint('cut');
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(300);
    expect(existsSync(join(dir, 'cut', 'model.json'))).toBe(false);
    // A new run to the same place is refused while the checkpoint is there.
    expectUsageError(
      cli('train', ...RUN, '--out', 'cut'),
      /a checkpoint of an interrupted run exists at 'cut\.checkpoint'.*--resume/,
    );
    // Options that would change the run cannot be given with --resume.
    expectUsageError(cli('train', '--resume', 'cut', '--steps', '10'), /--steps cannot be given with it/);
    const resumed = cli('train', '--resume', 'cut', '--json', '--quiet');
    expect(resumed.status, resumed.stderr).toBe(0);
    const a = JSON.parse(whole.last);
    const b = JSON.parse(resumed.last);
    expect(b.steps).toBe(a.steps);
    expect(b.testNll).toBe(a.testNll);
    expect(b.valNll).toBe(a.valNll);
    expect(
      readFileSync(join(dir, 'cut', 'weights.bin')).equals(readFileSync(join(dir, 'whole', 'weights.bin'))),
    ).toBe(true);
    // The loss history is whole too, and the checkpoint is gone once the model is written.
    const history = (name: string) => readFileSync(join(dir, name, 'loss.csv'), 'utf8');
    expect(history('cut')).toBe(history('whole'));
    expect(existsSync(join(dir, 'cut.checkpoint'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'cut', 'model.json'), 'utf8')).metadata.resumedFromStep).toBe(
      step,
    );
  }, 120_000);

  test('a damaged checkpoint is a usage error that writes nothing', async () => {
    await trainUntilCheckpoint('damaged');
    writeFileSync(join(dir, 'damaged.checkpoint', 'state.bin'), 'short');
    const before = listing(dir);
    expectUsageError(
      cli('train', '--resume', 'damaged.checkpoint'),
      /checkpoint 'damaged\.checkpoint' is unusable: state\.bin has 5 bytes/,
    );
    expect(listing(dir)).toEqual(before);
    writeFileSync(join(dir, 'damaged.checkpoint', 'checkpoint.json'), '{"format":"other"}');
    expectUsageError(cli('train', '--resume', 'damaged'), /is not a bijective-checkpoint/);
  }, 60_000);
});
