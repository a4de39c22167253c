// `train --max-seconds S` without `--steps`: the budget is the run's horizon (fit's time-budget
// mode), the cosine schedule anneals to 0 as it runs out, and `--resume` continues the schedule and
// the budget from the seconds the checkpoint had spent. Small flows on moons: the wiring is tested.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildCli } from '../build.mjs';
import { cliHarness, type CliHarness } from './test-harness.js';

let harness: CliHarness;
let bundle = '';
const cli = (...args: string[]) => harness.cli(...args);
const SMALL = ['--flow', 'realnvp', '--data', 'moons', '--layers', '2', '--hidden', '16', '--seed', '3'];

const metadataOf = (dir: string) =>
  (
    JSON.parse(readFileSync(join(harness.dir, dir, 'model.json'), 'utf8')) as {
      metadata: Record<string, unknown>;
    }
  ).metadata;

/** The rows of a model's loss.csv: step and learning rate. */
function lossRows(dir: string): { step: number; lr: number }[] {
  const lines = readFileSync(join(harness.dir, dir, 'loss.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return lines.map((line) => {
    const cells = line.split(',');
    return { step: Number(cells[0]), lr: Number(cells[3]) };
  });
}

beforeAll(async () => {
  harness = await cliHarness('bijective-budget-');
  bundle = await buildCli();
}, 60_000);

describe('train --max-seconds without --steps', () => {
  test('trains until the budget is spent and anneals the learning rate to 0 over it', () => {
    const r = cli('train', ...SMALL, '--max-seconds', '2', '--out', 'budget', '--json', '--quiet');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.last) as { steps: number; testNll: number };
    expect(out.steps).toBeGreaterThan(0);
    expect(Number.isFinite(out.testNll)).toBe(true);
    const metadata = metadataOf('budget');
    expect(metadata.stopReason).toBe('time-limit');
    const rows = lossRows('budget');
    expect(rows).toHaveLength(out.steps);
    const base = metadata.learningRate as number;
    // Cosine over the fraction of the budget spent: the base rate at the start, ~0 at the end.
    expect(rows[0]!.lr).toBeGreaterThan(0.99 * base);
    expect(rows.at(-1)!.lr).toBeLessThan(0.1 * base);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.lr).toBeLessThanOrEqual(rows[i - 1]!.lr);
  }, 120_000);

  test('with --steps the schedule runs over the steps and the budget only cuts it short', () => {
    const r = cli(
      'train',
      ...SMALL,
      '--steps',
      '30',
      '--max-seconds',
      '600',
      '--out',
      'stepped',
      '--json',
      '--quiet',
    );
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.last) as { steps: number }).steps).toBe(30);
    expect(metadataOf('stepped').stopReason).toBe('completed');
  }, 120_000);

  test('--resume continues the schedule and the budget from the seconds the checkpoint had spent', async () => {
    const budget = 3;
    const child = spawn(
      process.execPath,
      [
        bundle,
        'train',
        ...SMALL,
        '--max-seconds',
        String(budget),
        '--out',
        'cut',
        '--checkpoint-every',
        '0.0002',
        '--quiet',
      ],
      { cwd: harness.dir, stdio: 'ignore' },
    );
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const file = join(harness.dir, 'cut.checkpoint', 'checkpoint.json');
    // Kill the run once a checkpoint has spent more than half the budget.
    let saved: { step: number; seconds: number } | null = null;
    for (let i = 0; i < 3000 && child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 10));
      if (!existsSync(file)) continue;
      try {
        const json = JSON.parse(readFileSync(file, 'utf8')) as { step: number; seconds: number };
        if (json.seconds > budget / 2) {
          saved = json;
          break;
        }
      } catch {
        // being replaced: read it again
      }
    }
    child.kill('SIGKILL');
    await exited;
    expect(saved, 'a checkpoint past half the budget').not.toBeNull();
    const { step, seconds } = saved!;
    expect(seconds).toBeLessThan(budget);
    const started = performance.now();
    const resumed = cli('train', '--resume', 'cut', '--json', '--quiet');
    const wall = (performance.now() - started) / 1000;
    expect(resumed.status, resumed.stderr).toBe(0);
    const metadata = metadataOf('cut');
    expect(metadata.stopReason).toBe('time-limit');
    expect(metadata.resumedFromStep).toBe(step);
    const rows = lossRows('cut');
    const base = metadata.learningRate as number;
    const first = rows.find((row) => row.step === step + 1)!;
    // Past half the budget the cosine rate is below half the base: a restarted schedule would be at the base.
    expect(first.lr).toBeLessThan(0.55 * base);
    expect(rows.at(-1)!.lr).toBeLessThan(0.1 * base);
    // The resumed run spends what was left of the budget, not a whole new one (start-up aside).
    expect(wall).toBeLessThan(budget - seconds + 30);
  }, 120_000);
});
