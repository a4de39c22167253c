// FFJORD's hot path against the PyTorch reference of the same field (tools/bench/reference/cnf.py):
// time per field evaluation with its trace, Hutchinson (one Rademacher probe) and exact (d basis
// probes; torch loops d VJPs as FFJORD does), forward and forward + parameter gradient,
// training steps/s with a fixed-step solver (rk4, 8 steps: both sides do the same work), and the mean
// dopri5 NFE per solve over the first training steps.
// Usage: node tools/bench/run.mjs tools/bench/src/cnf-throughput.ts [--backends wasm,cpu] [--dims 2]
//   [--hidden 64,64,64] [--batch 256] [--rounds 3] [--windows 5] [--window-seconds 0.5]
//   [--warmup-seconds 0.5] [--nfe-steps 20] [--clock wall|cpu] [--python PATH] [--no-reference] [--json]
// `--clock cpu` times by each process's CPU time (Node's process.cpuUsage, Python's process_time)
// instead of the wall clock: both sides are single-threaded, so on a shared, loaded machine it is the
// steadier measure.
// Each round runs torch, then every tfjs backend; the table shows each backend's best round and the
// median over rounds of the per-round ratio to torch (in parentheses).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_VERSIONS, selectBackend } from './coupling-backends.js';
import { findTorchPython } from './coupling-reference.js';
import { medianSecondsPerCall, type TimingOptions } from './coupling-timing.js';
import { fieldSession, trainSession, type CnfWorkload } from './cnf-workloads.js';

const { values: args } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm' },
    dims: { type: 'string', default: '2' },
    hidden: { type: 'string', default: '64,64,64' },
    batch: { type: 'string', default: '256' },
    rounds: { type: 'string', default: '3' },
    windows: { type: 'string', default: '5' },
    'window-seconds': { type: 'string', default: '0.5' },
    'warmup-seconds': { type: 'string', default: '0.5' },
    'nfe-steps': { type: 'string', default: '20' },
    clock: { type: 'string', default: 'wall' },
    python: { type: 'string' },
    'no-reference': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

/** One round's figures on one side. */
interface Figures {
  fieldForwardMs: number;
  fieldForwardBackwardMs: number;
  fieldExactForwardMs: number;
  fieldExactForwardBackwardMs: number;
  rk4StepsPerSecond: number;
  dopri5NfeForward?: number;
  dopri5NfeBackward?: number;
  dopri5NfeForwardList?: number[];
  dopri5NfeBackwardList?: number[];
}

const list = (s: string) => s.split(',').filter((v) => v !== '');
const workload: CnfWorkload = {
  dims: Number(args.dims),
  hidden: list(args.hidden).map(Number),
  batch: Number(args.batch),
};
const timing: TimingOptions = {
  warmupSeconds: Number(args['warmup-seconds']),
  windows: Number(args.windows),
  windowSeconds: Number(args['window-seconds']),
  clock: args.clock === 'cpu' ? 'cpu' : 'wall',
};
if (args.clock !== 'cpu' && args.clock !== 'wall')
  throw new Error(`--clock must be wall or cpu, got ${args.clock}`);
const nfeSteps = Number(args['nfe-steps']);

/** The PyTorch side of one round (one torch thread). */
function torchRound(python: string, withNfe: boolean): Figures {
  const script = resolve(import.meta.dirname ?? '.', '..', 'reference', 'cnf.py');
  const run = spawnSync(
    python,
    [
      script,
      '--json',
      '--dims',
      String(workload.dims),
      '--hidden',
      workload.hidden.join(','),
      '--batch',
      String(workload.batch),
      '--nfe-steps',
      String(withNfe ? nfeSteps : 0),
      '--warmup-seconds',
      String(timing.warmupSeconds),
      '--windows',
      String(timing.windows),
      '--window-seconds',
      String(timing.windowSeconds),
      '--threads',
      '1',
      '--clock',
      timing.clock ?? 'wall',
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`cnf reference failed:\n${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  const r = JSON.parse(lines[lines.length - 1] as string) as Figures & { dopri5NfeForward?: number };
  return r;
}

/** The tfjs side of one round on the active backend. */
function tfjsRound(withNfe: boolean): Figures {
  const before = tf.memory().numTensors;
  const field = fieldSession(workload);
  const fieldForwardMs = 1000 * medianSecondsPerCall(() => field.forward(), timing);
  const fieldForwardBackwardMs = 1000 * medianSecondsPerCall(() => field.forwardBackward(), timing);
  field.dispose();
  const exact = fieldSession(workload, 'exact');
  const fieldExactForwardMs = 1000 * medianSecondsPerCall(() => exact.forward(), timing);
  const fieldExactForwardBackwardMs = 1000 * medianSecondsPerCall(() => exact.forwardBackward(), timing);
  exact.dispose();
  const rk4 = trainSession(workload, { solver: 'rk4', solverOptions: { steps: 8 } });
  const rk4StepsPerSecond = 1 / medianSecondsPerCall(() => rk4.step(), timing);
  rk4.dispose();
  const figures: Figures = {
    fieldForwardMs,
    fieldForwardBackwardMs,
    fieldExactForwardMs,
    fieldExactForwardBackwardMs,
    rk4StepsPerSecond,
  };
  if (withNfe) {
    const dopri5 = trainSession(workload, {});
    const forward: number[] = [];
    const backward: number[] = [];
    for (let i = 0; i < nfeSteps; i++) {
      dopri5.step();
      forward.push(dopri5.nfe.forward);
      backward.push(dopri5.nfe.backward);
    }
    dopri5.dispose();
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    figures.dopri5NfeForward = mean(forward);
    figures.dopri5NfeBackward = mean(backward);
    figures.dopri5NfeForwardList = forward;
    figures.dopri5NfeBackwardList = backward;
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) console.error(`warning: ${tf.getBackend()} leaked ${leaked} tensors`);
  return figures;
}

const python = args['no-reference'] ? null : findTorchPython(args.python);
if (!args['no-reference'] && python === null) console.error('cnf-throughput: no python with torch found');
const sides = [...(python ? ['torch'] : []), ...list(args.backends)];
const rounds: Record<string, Figures[]> = Object.fromEntries(sides.map((s) => [s, []]));
for (let round = 0; round < Number(args.rounds); round++) {
  const withNfe = round === 0 && nfeSteps > 0;
  for (const side of sides) {
    if (side === 'torch') rounds[side]!.push(torchRound(python as string, withNfe));
    else {
      await selectBackend(side);
      rounds[side]!.push(tfjsRound(withNfe));
    }
  }
}
console.error(
  `tfjs backends: cpu ${BACKEND_VERSIONS.cpu}, wasm ${BACKEND_VERSIONS.wasm}; reference: ${python ?? 'none'}`,
);

if (args.json) {
  for (const side of sides) console.log(JSON.stringify({ side, workload, rounds: rounds[side] }));
} else {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  };
  // Speed relative to torch (> 1: faster than torch): torch time / our time, or our rate / torch's.
  const metrics: [keyof Figures, string, 'time' | 'rate'][] = [
    ['fieldForwardMs', 'field + Hutchinson trace, forward (ms)', 'time'],
    ['fieldForwardBackwardMs', 'field + Hutchinson trace, forward + backward (ms)', 'time'],
    ['fieldExactForwardMs', 'field + exact trace, forward (ms)', 'time'],
    ['fieldExactForwardBackwardMs', 'field + exact trace, forward + backward (ms)', 'time'],
    ['rk4StepsPerSecond', 'rk4-8 train steps/s', 'rate'],
  ];
  const rows = [
    '| side | ' +
      metrics.map(([, label]) => `${label} | vs torch`).join(' | ') +
      ' | dopri5 NFE/solve fwd | bwd |',
    '| --- | ' + metrics.map(() => '--- | ---').join(' | ') + ' | --- | --- |',
  ];
  const torch = rounds.torch;
  for (const side of sides) {
    const rs = rounds[side]!;
    const cells = metrics.map(([key, , kind]) => {
      const values = rs.map((r) => r[key] as number);
      const best = kind === 'time' ? Math.min(...values) : Math.max(...values);
      if (!torch || side === 'torch') return `${best.toPrecision(3)} | 1`;
      const torchValues = torch.map((r) => r[key] as number);
      const torchBest = kind === 'time' ? Math.min(...torchValues) : Math.max(...torchValues);
      const ratios = rs.map((r, i) =>
        kind === 'time'
          ? (torch[i]![key] as number) / (r[key] as number)
          : (r[key] as number) / (torch[i]![key] as number),
      );
      const ratio = kind === 'time' ? torchBest / best : best / torchBest;
      return `${best.toPrecision(3)} | ${ratio.toFixed(2)} (${median(ratios).toFixed(2)})`;
    });
    const nfe = rs[0]!;
    rows.push(
      `| ${side} | ${cells.join(' | ')} | ${nfe.dopri5NfeForward?.toFixed(1) ?? 'n/a'} | ${nfe.dopri5NfeBackward?.toFixed(1) ?? 'n/a'} |`,
    );
  }
  console.log(
    `workload: d = ${workload.dims}, hidden ${workload.hidden.join('x')}, batch ${workload.batch}; ${timing.clock} clock`,
  );
  console.log(rows.join('\n'));
  // The per-solve NFE behind the means: dopri5's counts come in steps (2 for the initial step size,
  // 6 per attempted step forward), so a mean between two values says how many solves took one more.
  for (const side of sides) {
    const nfe = rounds[side]![0]!;
    if (nfe.dopri5NfeForwardList)
      console.log(
        `dopri5 NFE per training solve, ${side}: forward ${nfe.dopri5NfeForwardList.join(' ')}; backward ${nfe.dopri5NfeBackwardList?.join(' ') ?? 'n/a'}`,
      );
  }
}
