import { spawnSync } from 'node:child_process';
import { findPython } from './python.js';
import { resolve } from 'node:path';
import type { TimingOptions } from './coupling-timing.js';
import type { Throughput, Workload } from './coupling-workloads.js';

/** The PyTorch reference scripts, next to this file's package: coupling.py (nice, realnvp), flows.py (maf, nsf, nsf-ar). */
const REFERENCE = resolve(import.meta.dirname ?? '.', '..', 'reference');
const script = (flow: string) =>
  resolve(REFERENCE, flow === 'maf' || flow === 'nsf' || flow === 'nsf-ar' ? 'flows.py' : 'coupling.py');

/** The first interpreter that can import torch, or null (the table then shows no reference). */
export function findTorchPython(preferred?: string): string | null {
  return findPython('torch', preferred);
}

/** Runs the reference (`coupling.py` or `flows.py --json`) for one workload with one torch thread; throws with its stderr on failure. */
export function referenceThroughput(python: string, w: Workload, timing: TimingOptions): Throughput {
  const args = [
    script(w.flow),
    '--json',
    '--flows',
    w.flow,
    `--${w.flow}-layers`,
    String(w.layers),
    '--dims',
    String(w.dims),
    '--hidden',
    w.hidden.join(','),
    '--batches',
    String(w.batch),
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
  ];
  const run = spawnSync(python, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`reference failed (${python} ${args.join(' ')}):\n${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1] as string) as Throughput;
  return { ...result, leakedTensors: 0 };
}
