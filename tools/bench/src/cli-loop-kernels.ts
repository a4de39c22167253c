// Kernels a step of the CLI's training loop as users run it (`bijective train`, validation
// included): for each flow and workload, the CLI bundle trains twice, for --short and --long steps
// (validation every 250 steps and at the last), under a preload that counts tfjs kernels
// (tools/bench/kernel-count-hook.mjs); the difference of the two runs' kernel calls and CPU time
// over the difference of their steps is the loop's cost a step in steady state (start-up, data
// generation, the model's fitted initialisation and the final scoring cancel).
// Prints kernels a step, CPU ms a step, the CPU ms a step inside kernels (exclusive, with the
// counter's own cost) and the top kernels by exclusive time; with --baseline, the same for another
// bundle (e.g. main's) run just before ours. Workloads as in cli-loop-speed: moons 2-D at batch 256
// and the 16-D table at batch 512, 5 transforms of 64,64, one thread.
// Usage: node tools/bench/run.mjs tools/bench/src/cli-loop-kernels.ts [--flows realnvp,maf,nsf]
//   [--workloads moons,table16] [--short 250] [--long 750] [--top 12] [--bundle PATH] [--baseline PATH]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { KernelCost } from './kernel-profile.js';
import { load } from './process-clock.js';
import { writeTable16 } from './table16.js';

const { values: args } = parseArgs({
  options: {
    flows: { type: 'string', default: 'realnvp,maf,nsf' },
    workloads: { type: 'string', default: 'moons,table16' },
    short: { type: 'string', default: '250' },
    long: { type: 'string', default: '750' },
    top: { type: 'string', default: '12' },
    bundle: { type: 'string' },
    baseline: { type: 'string' },
  },
});

const root = resolve(import.meta.dirname, '../../..');
const hook = join(root, 'tools/bench/kernel-count-hook.mjs');
if (!args.bundle) {
  const built = spawnSync(process.execPath, [join(root, 'apps/cli/build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
}
const bundles: [string, string][] = [
  ...(args.baseline ? [['base', resolve(args.baseline)] as [string, string]] : []),
  ['ours', resolve(args.bundle ?? join(root, 'apps/cli/dist/bijective.mjs'))],
];

const dir = mkdtempSync(join(tmpdir(), 'cli-loop-kernels-'));
const tablePath = join(dir, 'table16.csv');
writeTable16(tablePath);
const WORKLOADS: Record<string, { data: string; batch: number }> = {
  moons: { data: 'moons', batch: 256 },
  table16: { data: tablePath, batch: 512 },
};

/** Kernels by name and the process's CPU ms of one `train` run of `steps` steps. */
function counted(
  bundle: string,
  flow: string,
  w: { data: string; batch: number },
  steps: number,
): { kernels: Record<string, KernelCost>; cpuMs: number } {
  const out = join(dir, 'counts.json');
  const r = spawnSync(
    process.execPath,
    [
      ...['--import', hook, bundle],
      ...['train', '--flow', flow, '--data', w.data, '--layers', '5', '--hidden', '64,64'],
      ...['--batch', `${w.batch}`, '--steps', `${steps}`, '--val-every', '250', '--patience', '1000'],
      ...['--threads', '1', '--out', join(dir, `m-${flow}`), '--force', '--quiet'],
    ],
    { cwd: dir, env: { ...process.env, KERNEL_COUNT_OUT: out }, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`train exited with ${r.status}:\n${r.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8')) as { kernels: Record<string, KernelCost>; cpuMs: number };
}

const [short, long] = [Number(args.short), Number(args.long)];
const span = long - short;
console.log(`# cli-loop-kernels: train ${long} - ${short} steps, one thread; load ${load()}`);
for (const key of args.workloads.split(',')) {
  const w = WORKLOADS[key];
  if (!w) throw new Error(`unknown workload '${key}' (${Object.keys(WORKLOADS).join(', ')})`);
  for (const flow of args.flows.split(',')) {
    for (const [label, bundle] of bundles) {
      const a = counted(bundle, flow, w, short);
      const b = counted(bundle, flow, w, long);
      const names = new Set([...Object.keys(a.kernels), ...Object.keys(b.kernels)]);
      const per = [...names].map((name) => {
        const [x, y] = [a.kernels[name], b.kernels[name]];
        const calls = ((y?.calls ?? 0) - (x?.calls ?? 0)) / span;
        return { name, calls, ms: ((y?.ms ?? 0) - (x?.ms ?? 0)) / span };
      });
      per.sort((p, q) => q.ms - p.ms);
      const calls = per.reduce((s, p) => s + p.calls, 0);
      const inKernels = per.reduce((s, p) => s + p.ms, 0);
      console.log(
        `\n## ${key} ${flow} (${label}): ${calls.toFixed(1)} kernels a step, ${((b.cpuMs - a.cpuMs) / span).toFixed(3)} CPU ms a step, ${inKernels.toFixed(3)} ms in kernels (load ${load()})`,
      );
      console.log('| kernel | calls a step | exclusive ms a step |');
      console.log('|---|---|---|');
      for (const p of per.filter((v) => v.calls > 0.001).slice(0, Number(args.top)))
        console.log(`| ${p.name} | ${p.calls.toFixed(2)} | ${p.ms.toFixed(3)} |`);
    }
  }
}
rmSync(dir, { recursive: true, force: true });
console.log(`# load at end ${load()}`);
