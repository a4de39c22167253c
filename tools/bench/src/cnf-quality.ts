// FFJORD's quality and solver work through the CLI: test NLL against the toy's true entropy, the
// mean NFE per solve (forward and backward), the wall-clock and CPU time of each run (CPU time is what
// carries over from a shared machine; the load average is printed with it), without and with RNODE
// regularisation at the same number of steps.
// Usage: node tools/bench/run.mjs tools/bench/src/cnf-quality.ts [--data moons,8gaussians]
//   [--variants plain,rnode] [--kinetic 0.01] [--jacobian-norm 0.01] [--seed 0] [-- extra CLI flags]
// Build the CLI first (`node apps/cli/build.mjs`). Flags after `--` go to every `train` run (for
// example `--steps 2000 --lr 5e-3`); without them each run uses the CLI's defaults for `ffjord`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createByName } from '@bijective/core';
import '@bijective/datasets';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string', default: 'moons,8gaussians' },
    variants: { type: 'string', default: 'plain,rnode' },
    kinetic: { type: 'string', default: '0.01' },
    'jacobian-norm': { type: 'string', default: '0.01' },
    seed: { type: 'string', default: '0' },
  },
});

const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
const CLI = resolve(ROOT, 'apps', 'cli', 'dist', 'bijective.mjs');
const list = (s: string) => s.split(',').filter((v) => v !== '');

/** CPU seconds (user + system) of this process's waited-for children, from /proc (Linux), else NaN. */
function childCpuSeconds(): number {
  try {
    // Fields after the command's closing parenthesis: cutime and cstime are the 14th and 15th.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

interface Summary {
  testNll: number;
  seconds: number;
  stepsPerSecond: number;
  steps: number;
  nfeForward?: number;
  nfeBackward?: number;
}

const rows: string[] = [
  '| data | variant | steps | test NLL | entropy | gap | train NFE fwd | train NFE bwd | train steps/s | run wall s | run CPU min | load (1, 15 min) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
const work = mkdtempSync(join(tmpdir(), 'cnf-quality-'));
try {
  for (const data of list(args.data)) {
    const dataset = createByName('dataset', data, {});
    const entropy = dataset.kind === 'generative' ? dataset.entropy : undefined;
    for (const variant of list(args.variants)) {
      const regulariser =
        variant === 'rnode' ? ['--kinetic', args.kinetic, '--jacobian-norm', args['jacobian-norm']] : [];
      const out = join(work, `${data}-${variant}`);
      const argv = [
        CLI,
        'train',
        '--flow',
        'ffjord',
        '--data',
        data,
        '--seed',
        args.seed,
        '--out',
        out,
        '--json',
        ...regulariser,
        ...positionals,
      ];
      const cpuBefore = childCpuSeconds();
      // The run's progress lines (a tenth of the run each: step, loss, validation NLL, ETA) pass
      // through to this script's stderr, so a long run's log shows how far it got.
      const run = spawnSync(process.execPath, argv, {
        encoding: 'utf8',
        cwd: ROOT,
        maxBuffer: 1 << 26,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      if (run.status !== 0)
        throw new Error(`cnf-quality: train failed (${argv.join(' ')}); its stderr is above`);
      const lines = run.stdout.trim().split('\n');
      const s = JSON.parse(lines[lines.length - 1] as string) as Summary;
      const cpuMinutes = (childCpuSeconds() - cpuBefore) / 60;
      const [load1, , load15] = loadavg() as [number, number, number];
      const gap = entropy === undefined ? 'n/a' : (s.testNll - entropy).toFixed(3);
      rows.push(
        `| ${data} | ${variant} | ${s.steps} | ${s.testNll.toFixed(3)} | ${entropy?.toFixed(3) ?? 'n/a'} | ${gap} | ${s.nfeForward?.toFixed(1) ?? 'n/a'} | ${s.nfeBackward?.toFixed(1) ?? 'n/a'} | ${s.stepsPerSecond.toFixed(2)} | ${s.seconds.toFixed(0)} | ${cpuMinutes.toFixed(1)} | ${load1.toFixed(1)}, ${load15.toFixed(1)} |`,
      );
      console.error(rows[rows.length - 1]);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(rows.join('\n'));
