// The CLI's training loop as users run it against zuko's (the PyTorch flow library a Python user
// would pick), one thread each, plus both at 2 threads (zuko: torch and OpenBLAS on 2 threads): RealNVP, MAF and NSF with 5 transforms of
// hidden 64,64, on 2-D moons at batch 256 and on a 16-D table at batch 512, validation included on
// the same schedule on both sides (every --val-every steps and at the last, over the whole
// validation split: 20000 rows of moons, 10% of the table).
// Usage: ZUKO_PATH=/path/to/zuko node tools/bench/run.mjs tools/bench/src/cli-loop-speed.ts
//   [--flows realnvp,maf,nsf] [--workloads moons,table16] [--steps 1000] [--val-every 250]
//   [--threads 1,2] [--zuko-threads 1,2 (default: --threads)] [--python PATH] [--no-zuko] [--json] [--bundle PATH] [--baseline PATH] [--baseline-simd128]
// ZUKO_PATH is a checkout of zuko (its directory holding the `zuko` package); needs torch.
// Our steps/s are read from the CLI's own progress lines (stderr, a line per tenth of the run):
// the rate between the first (10%) and the last (100%) line, so start-up, data generation and the
// final scoring are excluded and validation, progress and the loss history are included; the CPU
// time of that window is read from /proc/<pid>/stat as each line arrives (all threads). zuko's
// script times the same window on both clocks. Both sides also report the whole loop's rate (step 0
// to the end, wall clock: a second thread's start and the JIT's warm-up included). On a loaded machine the CPU-time ratios are the
// steadier ones for one thread; threads only pay in wall clock. Each workload runs zuko, then ours at each thread count, back to back.
// --baseline-simd128: the baseline is the same bundle with the engine's SIMD-128 kernels forced
// (BIJECTIVE_WASM_SIMD=simd128), an A/B of the relaxed-SIMD build (fused multiply-adds) on the same load.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findPython, referenceEnv } from './python.js';
import { writeTable16 } from './table16.js';

const { values: args } = parseArgs({
  options: {
    flows: { type: 'string', default: 'realnvp,maf,nsf' },
    workloads: { type: 'string', default: 'moons,table16' },
    steps: { type: 'string', default: '1000' },
    'val-every': { type: 'string', default: '250' },
    threads: { type: 'string', default: '1,2' },
    'zuko-threads': { type: 'string' },
    python: { type: 'string' },
    'no-zuko': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    bundle: { type: 'string' },
    baseline: { type: 'string' },
    'baseline-simd128': { type: 'boolean', default: false },
  },
});

const root = resolve(import.meta.dirname, '../../..');
const list = (s: string): string[] => s.split(',').filter((v) => v !== '');
const steps = Number(args.steps);
const valEvery = Number(args['val-every']);
const threadCounts = list(args.threads).map(Number);
/** zuko's thread counts: `--zuko-threads`, else ours (its two-thread runs are 4–5× slower and long at 10000 steps). */
const zukoThreadCounts = list(args['zuko-threads'] ?? args.threads).map(Number);
const zukoPath = process.env.ZUKO_PATH;
const python = args['no-zuko'] ? null : findPython('torch', args.python);
if (!args['no-zuko'] && (!zukoPath || !python)) {
  console.error(
    'cli-loop-speed: set ZUKO_PATH to a zuko checkout and have torch importable (or pass --no-zuko)',
  );
  process.exit(2);
}

interface Workload {
  name: string;
  data: string;
  batch: number;
}

const dir = mkdtempSync(join(tmpdir(), 'cli-loop-speed-'));
const tablePath = join(dir, 'table16.csv');
writeTable16(tablePath);
const WORKLOADS: Record<string, Workload> = {
  moons: { name: 'moons 2-D, batch 256', data: 'moons', batch: 256 },
  table16: { name: '16-D table, batch 512', data: tablePath, batch: 512 },
};

/** Runs a command; resolves with its stdout and stderr; `onStderr` sees each chunk with the child's pid. */
function run(
  command: string,
  argv: string[],
  onStderr?: (chunk: string, pid: number) => void,
  env?: NodeJS.ProcessEnv,
): Promise<{ out: string; err: string; status: number | null }> {
  return new Promise((done) => {
    const child = spawn(command, argv, { cwd: dir, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      onStderr?.(d.toString(), child.pid as number);
    });
    child.on('close', (status) => done({ out, err, status }));
  });
}

/** CPU seconds (user + system) in a /proc stat file: of every thread of a process, or of one thread. */
function cpuOf(path: string): number {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in ticks of 1/100 s.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds a process has used so far, every thread (Linux). */
const cpuSeconds = (pid: number): number => cpuOf(`/proc/${pid}/stat`);

/** CPU seconds of each thread of a process so far, by thread id (Linux). */
function threadCpuSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(tid, cpuOf(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // the thread ended
    }
  }
  return out;
}

const PROGRESS = /step (\d+)\/\d+ \(\d+%\).*? ([\d.]+) steps\/s/g;

/** The CPU seconds of the CLI process (and of each of its threads) at each progress line, read as the line arrives. */
function cpuAtProgress(): {
  seen: Map<number, number>;
  threads: Map<number, Map<string, number>>;
  onStderr: (chunk: string, pid: number) => void;
} {
  const seen = new Map<number, number>();
  const threads = new Map<number, Map<string, number>>();
  return {
    seen,
    threads,
    onStderr: (chunk, pid) => {
      for (const m of chunk.matchAll(PROGRESS)) {
        try {
          seen.set(Number(m[1]), cpuSeconds(pid));
          threads.set(Number(m[1]), threadCpuSeconds(pid));
        } catch {
          // the process already ended
        }
      }
    },
  };
}

/**
 * Steps per CPU second of the busiest thread between the first and the last progress line: the
 * rate the run would reach with a core to each thread and no wait for wake-ups (an upper bound
 * that the machine's load does not move much, unlike the wall clock).
 */
function busiestThreadRate(stderr: string, threads: Map<number, Map<string, number>>): number {
  const steps = [...stderr.matchAll(PROGRESS)].map((m) => Number(m[1]));
  const [first, last] = [threads.get(steps[0] as number), threads.get(steps.at(-1) as number)];
  if (!first || !last) return NaN;
  let busiest = 0;
  for (const [tid, cpu] of last) busiest = Math.max(busiest, cpu - (first.get(tid) ?? 0));
  return ((steps.at(-1) as number) - (steps[0] as number)) / busiest;
}

/**
 * Loop steps/s between the CLI's first and last progress lines (`step N/M ... R steps/s`): per
 * second of wall clock (from the rates the lines print) and per CPU second (from `cpu`).
 */
function loopRate(stderr: string, cpu: Map<number, number>): { wall: number; cpu: number; whole: number } {
  const lines = [...stderr.matchAll(PROGRESS)].map((m) => ({
    step: Number(m[1]),
    seconds: Number(m[1]) / Number(m[2]),
  }));
  const first = lines[0];
  const last = lines[lines.length - 1];
  if (!first || !last || last.step === first.step) throw new Error(`no progress lines in:\n${stderr}`);
  const steps = last.step - first.step;
  const cpuSpent = (cpu.get(last.step) ?? NaN) - (cpu.get(first.step) ?? NaN);
  return {
    wall: steps / (last.seconds - first.seconds),
    cpu: steps / cpuSpent,
    whole: last.step / last.seconds,
  };
}

// --bundle: an already built CLI bundle (e.g. another version's, for an A/B), else this tree's, built now.
if (!args.bundle) {
  const built = spawnSync(process.execPath, [join(root, 'apps/cli/build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
}
const cli = resolve(args.bundle ?? join(root, 'apps/cli/dist/bijective.mjs'));
// --baseline: another CLI bundle (e.g. main's) run just before ours at each thread count: a same-load A/B.
const baseline = args.baseline ? resolve(args.baseline) : args['baseline-simd128'] ? cli : null;
const baselineEnv = args['baseline-simd128'] ? { ...process.env, BIJECTIVE_WASM_SIMD: 'simd128' } : undefined;

interface Rate {
  wall: number;
  cpu: number;
  /** Ours: steps per CPU second of the busiest thread. */
  busiest?: number;
  /** Steps per second of wall clock over the whole loop, from its first step (the window's rates leave out the first tenth). */
  whole: number;
}

interface Row {
  workload: string;
  flow: string;
  zuko: Record<number, Rate>;
  ours: Record<number, Rate>;
  /** The --baseline bundle's rates (run just before ours at each thread count). */
  base: Record<number, Rate>;
  valNll: Record<number, number>;
  baseValNll: Record<number, number>;
  /** Which build of the engine's wasm kernels ours (and the baseline) ran (the CLI's `wasmKernels`). */
  kernels?: string;
  baseKernels?: string;
}

/** Our CLI bundle `bundle` training `flow` on workload `w` at `threads`: its loop rate and validation NLL. */
async function trainRate(
  bundle: string,
  key: string,
  w: Workload,
  flow: string,
  threads: number,
  env?: NodeJS.ProcessEnv,
): Promise<{ rate: Rate; valNll: number; kernels?: string }> {
  const cpu = cpuAtProgress();
  const r = await run(
    process.execPath,
    [
      bundle,
      ...['train', '--flow', flow, '--data', w.data, '--layers', '5', '--hidden', '64,64'],
      ...['--batch', `${w.batch}`, '--steps', `${steps}`, '--val-every', `${valEvery}`, '--patience', '1000'],
      ...['--threads', `${threads}`, '--out', join(dir, `m-${key}-${flow}-${threads}`), '--force', '--json'],
    ],
    cpu.onStderr,
    env,
  );
  if (r.status !== 0) throw new Error(`bijective train failed:\n${r.err}`);
  const summary = JSON.parse(r.out.trim().split('\n').pop() as string) as {
    valNll: number;
    wasmKernels?: string;
  };
  return {
    rate: { ...loopRate(r.err, cpu.seen), busiest: busiestThreadRate(r.err, cpu.threads) },
    valNll: summary.valNll,
    kernels: summary.wasmKernels,
  };
}

const uptime = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
console.log(`# cli-loop-speed: ${steps} steps, validation every ${valEvery}; load at start ${uptime()}`);
const rows: Row[] = [];
for (const key of list(args.workloads)) {
  const w = WORKLOADS[key];
  if (!w) throw new Error(`unknown workload '${key}' (moons, table16)`);
  for (const flow of list(args.flows)) {
    const row: Row = { workload: w.name, flow, zuko: {}, ours: {}, base: {}, valNll: {}, baseValNll: {} };
    for (const threads of python && zukoPath ? zukoThreadCounts : []) {
      const r = await run(
        python as string,
        [
          join(root, 'tools/bench/reference/zuko_loop.py'),
          ...['--flow', flow, '--data', w.data, '--steps', `${steps}`, '--batch', `${w.batch}`],
          ...['--val-every', `${valEvery}`, '--layers', '5', '--hidden', '64,64', '--threads', `${threads}`],
        ],
        undefined,
        referenceEnv(threads),
      );
      if (r.status !== 0) throw new Error(`zuko_loop.py failed:\n${r.err}`);
      const z = JSON.parse(r.out.trim().split('\n').pop() as string) as {
        stepsPerSecond: number;
        stepsPerCpuSecond: number;
        loopStepsPerSecond: number;
      };
      row.zuko[threads] = { wall: z.stepsPerSecond, cpu: z.stepsPerCpuSecond, whole: z.loopStepsPerSecond };
    }
    for (const threads of threadCounts) {
      if (baseline) {
        const base = await trainRate(baseline, key, w, flow, threads, baselineEnv);
        row.base[threads] = base.rate;
        row.baseValNll[threads] = base.valNll;
        row.baseKernels = base.kernels;
      }
      const ours = await trainRate(cli, key, w, flow, threads);
      row.ours[threads] = ours.rate;
      row.valNll[threads] = ours.valNll;
      row.kernels = ours.kernels;
    }
    rows.push(row);
    if (args.json) console.log(JSON.stringify(row));
    else console.error(`done: ${w.name} ${flow} (load ${uptime()})`);
  }
}
console.log(`# load at end ${uptime()}`);
const f = (v: number | null | undefined): string => (v == null || !Number.isFinite(v) ? 'n/a' : v.toFixed(1));
const ratio = (a: number | undefined, b: number | null | undefined): string =>
  a === undefined || b == null ? 'n/a' : `${(a / b).toFixed(2)}x`;
const [t0, tN] = [threadCounts[0] as number, threadCounts.at(-1) as number];
/** The higher wall-clock rate over the thread counts: each side's best configuration. */
const best = (rates: Record<number, Rate>, clock: 'wall' | 'whole' = 'wall'): number | undefined =>
  Object.values(rates).reduce<number | undefined>(
    (m, r) => (m === undefined || r[clock] > m ? r[clock] : m),
    undefined,
  );
const head = ['workload', 'flow', baseline ? 'wasm kernels (ours / base)' : 'wasm kernels'];
for (const t of threadCounts) head.push(`zuko ${t}T wall`, `zuko ${t}T CPU`);
for (const t of threadCounts) head.push(`ours ${t}T wall`, `ours ${t}T CPU`, `ours ${t}T busiest thread`);
if (baseline)
  for (const t of threadCounts) head.push(`base ${t}T wall`, `base ${t}T CPU`, `ours / base ${t}T (CPU)`);
head.push(`ours ${t0}T / zuko ${t0}T (wall)`, `ours ${t0}T / zuko ${t0}T (CPU)`);
if (threadCounts.length > 1)
  head.push(`${tN}T / ${t0}T (wall)`, 'our best / zuko best (wall)', 'our best / zuko best (whole loop)');
console.log(`| ${head.join(' | ')} |`);
console.log(`|${head.map(() => '---').join('|')}|`);
for (const r of rows) {
  const cells = [
    r.workload,
    r.flow,
    baseline ? `${r.kernels ?? 'n/a'} / ${r.baseKernels ?? 'n/a'}` : (r.kernels ?? 'n/a'),
  ];
  for (const t of threadCounts) cells.push(f(r.zuko[t]?.wall), f(r.zuko[t]?.cpu));
  for (const t of threadCounts) cells.push(f(r.ours[t]?.wall), f(r.ours[t]?.cpu), f(r.ours[t]?.busiest));
  if (baseline)
    for (const t of threadCounts)
      cells.push(f(r.base[t]?.wall), f(r.base[t]?.cpu), ratio(r.ours[t]?.cpu, r.base[t]?.cpu));
  cells.push(ratio(r.ours[t0]?.wall, r.zuko[t0]?.wall), ratio(r.ours[t0]?.cpu, r.zuko[t0]?.cpu));
  if (threadCounts.length > 1)
    cells.push(
      ratio(r.ours[tN]?.wall, r.ours[t0]?.wall),
      ratio(best(r.ours), best(r.zuko)),
      ratio(best(r.ours, 'whole'), best(r.zuko, 'whole')),
    );
  console.log(`| ${cells.join(' | ')} |`);
}
console.log(
  '(training-loop steps per second of wall clock, per CPU second of the process (all its threads) and per CPU second of its busiest thread, after the first tenth of the run; "whole loop": wall clock from its first step; validation included)',
);
rmSync(dir, { recursive: true, force: true });
