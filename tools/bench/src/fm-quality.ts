// Flow matching's quality through the CLI at its defaults: test NLL (the ODE likelihood with the
// exact trace, on 20k fresh draws) against the toy's true entropy, the matching loss, a sampling
// solve's NFE, the wall-clock and CPU seconds of the whole `train` command, and the machine load.
// Usage: node tools/bench/run.mjs tools/bench/src/fm-quality.ts [--data moons,8gaussians] [--seed 0]
//   [-- extra CLI flags]
// Build the CLI first (`node apps/cli/build.mjs`). Flags after `--` go to every `train` run (for
// example `--path minibatch-ot`); without them each run uses the CLI's defaults for `flow-matching`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createByName } from '@bijective/core';
import '@bijective/datasets';
import { load } from './fm-common.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string', default: 'moons,8gaussians' },
    seed: { type: 'string', default: '0' },
  },
});

const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
const CLI = resolve(ROOT, 'apps', 'cli', 'dist', 'bijective.mjs');
const TIME = '/usr/bin/time';

interface Summary {
  testNll: number;
  trainLoss: number;
  seconds: number;
  stepsPerSecond: number;
  steps: number;
  nfeForward?: number;
}

const rows: string[] = [
  '| data | steps | test NLL | entropy | gap | trainLoss | sampling NFE | train steps/s | wall s | CPU s | load (1-min) before / after |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
const work = mkdtempSync(join(tmpdir(), 'fm-quality-'));
try {
  for (const data of args.data.split(',')) {
    const dataset = createByName('dataset', data, {});
    const entropy = dataset.kind === 'generative' ? dataset.entropy : undefined;
    const argv = [CLI, 'train', '--flow', 'flow-matching', '--data', data, '--seed', args.seed];
    argv.push('--out', join(work, data), '--json', ...positionals);
    const before = load().split(',')[0];
    const timed = existsSync(TIME);
    const command = timed ? TIME : process.execPath;
    const commandArgs = timed ? ['-f', 'cpu %U %S', process.execPath, ...argv] : argv;
    const run = spawnSync(command, commandArgs, { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 26 });
    if (run.status !== 0) throw new Error(`fm-quality: train failed (${argv.join(' ')}):\n${run.stderr}`);
    const lines = run.stdout.trim().split('\n');
    const s = JSON.parse(lines[lines.length - 1] as string) as Summary;
    const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(run.stderr);
    const cpuSeconds = cpu ? (Number(cpu[1]) + Number(cpu[2])).toFixed(0) : 'n/a';
    const gap = entropy === undefined ? 'n/a' : (s.testNll - entropy).toFixed(3);
    rows.push(
      `| ${data} | ${s.steps} | ${s.testNll.toFixed(4)} | ${entropy?.toFixed(3) ?? 'n/a'} | ${gap} | ${s.trainLoss.toFixed(3)} | ${s.nfeForward ?? 'n/a'} | ${s.stepsPerSecond.toFixed(1)} | ${s.seconds.toFixed(0)} | ${cpuSeconds} | ${before} / ${load().split(',')[0]} |`,
    );
    console.error(rows[rows.length - 1]);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(rows.join('\n'));
