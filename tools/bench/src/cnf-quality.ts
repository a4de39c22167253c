// FFJORD's quality and solver work through the CLI: test NLL against the toy's true entropy, the
// mean NFE per solve (forward and backward), the wall-clock and CPU time of each run (CPU time is what
// carries over from a shared machine; the load average is printed with it), without and with RNODE
// regularisation at the same number of steps. After each run the saved model is loaded back and the
// dopri5 NFE of the solves a user pays for is counted: scoring 4096 fresh test rows (`logProb`, exact
// trace, the inverse solve) and drawing 4096 samples (the forward solve), with the learned T.
// Usage: node tools/bench/run.mjs tools/bench/src/cnf-quality.ts [--data moons,8gaussians]
//   [--variants plain,rnode] [--kinetic 0.01] [--jacobian-norm 0.01] [--seed 0] [--keep DIR]
//   [-- extra CLI flags]
// `--keep DIR` keeps each run's model directory under DIR (named DATA-VARIANT).
// Build the CLI first (`node apps/cli/build.mjs`). Flags after `--` go to every `train` run (for
// example `--steps 2000 --lr 5e-3`); without them each run uses the CLI's defaults for `ffjord`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { CallRecord, createByName, solveTelemetry, useBackend, type Chain, type Flow } from '@bijective/core';
import { loadFlowFromDirectory } from '@bijective/core/node';
import '@bijective/backend-wasm';
import '@bijective/cnf';
import type { Ffjord } from '@bijective/cnf';
import '@bijective/datasets';
import { childCpuSeconds } from './process-clock.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string', default: 'moons,8gaussians' },
    variants: { type: 'string', default: 'plain,rnode' },
    kinetic: { type: 'string', default: '0.01' },
    'jacobian-norm': { type: 'string', default: '0.01' },
    seed: { type: 'string', default: '0' },
    keep: { type: 'string' },
  },
});
await useBackend('wasm');

const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
const CLI = resolve(ROOT, 'apps', 'cli', 'dist', 'bijective.mjs');
const list = (s: string) => s.split(',').filter((v) => v !== '');

/** Mean NFE per solve of one `record`ed call on a loaded model. */
function nfeOf(call: (record: CallRecord) => tf.Tensor): number {
  const record = new CallRecord();
  try {
    tf.tidy(() => call(record));
    return solveTelemetry(record.counters).nfeForward ?? NaN;
  } finally {
    record.dispose();
  }
}

/** What a user pays with a trained model: dopri5 NFE of scoring and of sampling 4096 rows, and the learned T. */
async function evaluationWork(
  dir: string,
  data: string,
): Promise<{ score: number; sample: number; T: string }> {
  const { flow } = (await loadFlowFromDirectory(dir)) as { flow: Flow };
  const dataset = createByName('dataset', data, {});
  if (dataset.kind !== 'generative') throw new Error(`cnf-quality: ${data} is not a toy dataset`);
  const rows = 4096;
  const x = tf.tensor2d(dataset.sample(rows, 4242), [rows, 2]);
  try {
    const score = nfeOf((record) => flow.logProb(x, { record }));
    const sample = nfeOf((record) => flow.bijector.forward(flow.base.sample(rows, { seed: 1 }), { record }));
    const links = flow.bijector.name === 'chain' ? (flow.bijector as Chain).bijectors : [flow.bijector];
    const cnf = links.find((b) => b.name === 'ffjord') as Ffjord | undefined;
    const T = cnf
      ? cnf
          .integrationTimes()
          .map((t) => t.toFixed(3))
          .join(', ')
      : 'n/a';
    return { score, sample, T };
  } finally {
    x.dispose();
    flow.dispose();
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
  '| data | variant | steps | test NLL | entropy | gap | train NFE fwd | train NFE bwd | score NFE | sample NFE | T | train steps/s | run wall s | run CPU min | load (1, 15 min) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
const work = mkdtempSync(join(tmpdir(), 'cnf-quality-'));
if (args.keep !== undefined) mkdirSync(args.keep, { recursive: true });
try {
  for (const data of list(args.data)) {
    const dataset = createByName('dataset', data, {});
    const entropy = dataset.kind === 'generative' ? dataset.entropy : undefined;
    for (const variant of list(args.variants)) {
      const regulariser =
        variant === 'rnode' ? ['--kinetic', args.kinetic, '--jacobian-norm', args['jacobian-norm']] : [];
      const out = join(args.keep ?? work, `${data}-${variant}`);
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
      const evaluation = await evaluationWork(out, data);
      const gap = entropy === undefined ? 'n/a' : (s.testNll - entropy).toFixed(3);
      rows.push(
        `| ${data} | ${variant} | ${s.steps} | ${s.testNll.toFixed(3)} | ${entropy?.toFixed(3) ?? 'n/a'} | ${gap} | ${s.nfeForward?.toFixed(1) ?? 'n/a'} | ${s.nfeBackward?.toFixed(1) ?? 'n/a'} | ${evaluation.score.toFixed(0)} | ${evaluation.sample.toFixed(0)} | ${evaluation.T} | ${s.stepsPerSecond.toFixed(2)} | ${s.seconds.toFixed(0)} | ${cpuMinutes.toFixed(1)} | ${load1.toFixed(1)}, ${load15.toFixed(1)} |`,
      );
      console.error(rows[rows.length - 1]);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(rows.join('\n'));
