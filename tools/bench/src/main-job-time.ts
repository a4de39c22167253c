// Where the main job's time goes (`node tools/main-job.mjs`: train RealNVP on moons at the CLI's
// defaults, then a density plot and a samples plot): each step of the job is timed (wall clock),
// and each CLI command runs under V8's CPU profiler, whose samples are split by the function on
// the stack: start-up (module loading, backend), data generation, the optimisation steps, the
// validation passes, the final scoring, the model save, loss.png, and in the plots the grid
// evaluation, the samples and the chart's rendering. Extra arguments go to `train`. `--bundle PATH`
// runs an already built CLI bundle (e.g. another version's, for an A/B on the same load) instead of
// building this tree's.
// Usage: node tools/bench/run.mjs tools/bench/src/main-job-time.ts [--keep DIR] [--bundle PATH] [-- train args...]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { childCpuSeconds } from './process-clock.js';

const { values: args, positionals } = parseArgs({
  options: { keep: { type: 'string' }, bundle: { type: 'string' } },
  allowPositionals: true,
});
const root = resolve(import.meta.dirname, '../../..');
const work = args.keep ?? mkdtempSync(join(tmpdir(), 'bijective-main-job-'));
mkdirSync(work, { recursive: true });

interface Profile {
  nodes: { id: number; callFrame: { functionName: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Milliseconds of the profile by phase: `start-up` until the first sample inside `command` (module
 * loading, the backend), then each sample under the first phase whose function is on its stack,
 * `other` for the rest (e.g. vega's asynchronous rendering, progress) and `idle`.
 */
function phases(profile: Profile, command: RegExp, named: [string, RegExp][]): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = new Map<string, number>([
    ['start-up (modules, backend)', 0],
    ...named.map(([name]) => [name, 0] as [string, number]),
  ]);
  out.set('other', 0);
  out.set('idle', 0);
  let started = false;
  const add = (key: string, ms: number) => out.set(key, (out.get(key) as number) + ms);
  profile.samples.forEach((leaf, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const stack: string[] = [];
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id))
      stack.push(byId.get(id)?.callFrame.functionName ?? '');
    if (stack[0] === '(idle)') return add('idle', ms);
    started ||= stack.some((f) => command.test(f));
    if (!started) return add('start-up (modules, backend)', ms);
    const hit = named.find(([, re]) => stack.some((f) => re.test(f)));
    add(hit ? hit[0] : 'other', ms);
  });
  return out;
}

/**
 * Runs the CLI bundle with the CPU profiler; returns the wall seconds, the process's CPU seconds (all
 * its threads) and the main thread's profile.
 */
function profiled(
  name: string,
  bundle: string,
  cli: string[],
): { seconds: number; cpuSeconds: number; profile: Profile } {
  const dir = join(work, `prof-${name}`);
  const cpuBefore = childCpuSeconds();
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, bundle, ...cli], {
    cwd: work,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = childCpuSeconds() - cpuBefore;
  if (run.status !== 0) throw new Error(`${name} failed (${run.status ?? run.error?.message})`);
  // The main thread's profile is the largest (a replica thread's, with --threads, is another file).
  const files = readdirSync(dir).map((f) => join(dir, f));
  const [file] = files.sort((a, b) => readFileSync(b).length - readFileSync(a).length);
  return { seconds, cpuSeconds, profile: JSON.parse(readFileSync(file as string, 'utf8')) as Profile };
}

const print = (
  title: string,
  run: { seconds: number; cpuSeconds: number },
  split: Map<string, number>,
): void => {
  const cpu = [...split].filter(([k]) => k !== 'idle').reduce((s, [, v]) => s + v, 0);
  console.log(
    `${title}: ${run.seconds.toFixed(1)} s wall, ${run.cpuSeconds.toFixed(1)} s process CPU, ${(cpu / 1000).toFixed(1)} s on the main thread`,
  );
  for (const [k, v] of split)
    if (v >= 50) console.log(`  ${k.padEnd(28)} ${(v / 1000).toFixed(2).padStart(7)} s`);
};

console.log(
  `load average at start ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
let bundle = args.bundle === undefined ? '' : resolve(args.bundle);
if (!args.bundle) {
  const buildStarted = performance.now();
  const built = spawnSync(process.execPath, [join(root, 'apps/cli/build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
  console.log(
    `build the CLI bundle (esbuild): ${((performance.now() - buildStarted) / 1000).toFixed(1)} s wall`,
  );
  bundle = join(root, 'apps/cli/dist/bijective.mjs');
} else console.log(`bundle ${bundle}`);
const model = join(work, 'model');
const train = profiled('train', bundle, [
  'train',
  '--flow',
  'realnvp',
  '--data',
  'moons',
  '--out',
  model,
  '--force',
  ...positionals,
]);
print(
  'train',
  train,
  phases(train.profile, /^trainWith$/, [
    ['validation passes', /^(validationScore|meanNegLogProb)$/],
    ['optimisation steps', /^stepWith$/],
    ['final scoring', /^(rowLogDensities|ownObjective|tableLogDensities)$/],
    ['loss.png', /^lossPicture$/],
    ['model save', /^saveFlowToDirectory$/],
    ['data generation', /^(trainingSplits|openDataset|tableTensor)$/],
    ['build the flow', /^buildFlow$/],
    ['garbage collection', /^\(garbage collector\)$/],
  ]),
);
for (const kind of ['density', 'samples']) {
  const plot = profiled(`plot-${kind}`, bundle, [
    'plot',
    '--model',
    model,
    '--data',
    'moons',
    '--kind',
    kind,
    '--out',
    join(work, `${kind}.png`),
  ]);
  print(
    `plot --kind ${kind}`,
    plot,
    phases(plot.profile, /^plotCommand$/, [
      ['grid evaluation', /^logProbInBatches$/],
      ['samples', /^drawSamples$/],
      ['data generation', /^(openDataset|splits|evaluationRows)$/],
      ['load the model', /^(loadModel|loadFlowFromDirectory|loadFlow)$/],
      ['chart rendering (svg, png)', /^(render|renderPng|encodePng|toPng|svgChart|chart)/i],
      ['garbage collection', /^\(garbage collector\)$/],
    ]),
  );
}
console.log(
  `load average at end ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
if (!args.keep) rmSync(work, { recursive: true, force: true });
