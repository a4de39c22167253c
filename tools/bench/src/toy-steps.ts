// Quality against work for a flow at the CLI's defaults on the 2-D toys: for each variant (a step
// count, optionally with its own peak learning rate and batch: `6000`, `6000:6e-3`,
// `10000:4e-3:128`), dataset and seed, one `bijective train` run; the test NLL (20k fresh draws),
// its gap to the toy's true entropy, the steps run, the CPU seconds of the whole command and the machine load. Early stopping is off in
// every run (`--patience` huge) so that each variant is its schedule run to the end; what a given
// patience would have done is read off the run's validation curve (`loss.csv`): the step it would
// have stopped at and whether that pass's best validation NLL was above the run's best.
// Runs go seed by seed (every variant of every dataset for seed 0, then seed 1, ...), so a run cut
// short holds complete pairs. The summary: mean ± SE over seeds of each variant's test NLL and of
// its paired difference from the first variant (the reference).
// Usage: node tools/bench/run.mjs tools/bench/src/toy-steps.ts [--flow realnvp]
//   [--data moons,8gaussians,checkerboard] [--variants 10000,6000,4000] [--seeds 0,1,2]
//   [--patience 10] [--bundle PATH] [--results FILE] [--summarise FILE] [-- extra train flags]
// `--results FILE` appends one JSON line per run (default toy-steps.jsonl in the temporary folder);
// An existing results file resumes: its runs are kept and not repeated. `--summarise FILE` prints the tables of such a file without running anything. Without `--bundle`
// the CLI bundle is built from this tree.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { childCpuSeconds, load } from './process-clock.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    flow: { type: 'string', default: 'realnvp' },
    data: { type: 'string', default: 'moons,8gaussians,checkerboard' },
    variants: { type: 'string', default: '10000,6000,4000' },
    seeds: { type: 'string', default: '0,1,2' },
    patience: { type: 'string', default: '10' },
    bundle: { type: 'string' },
    results: { type: 'string' },
    summarise: { type: 'string' },
  },
});
const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
const list = (s: string) => s.split(',').filter((v) => v !== '');
/** True entropies of the toys in nats (moons by quadrature of its exact density; checkerboard ln 32). */
const ENTROPY: Record<string, number> = { moons: 1.006, '8gaussians': 2.834, checkerboard: Math.log(32) };

/** One run's record (a line of the results file). */
interface Run {
  data: string;
  variant: string;
  seed: number;
  steps: number;
  testNll: number;
  valNll: number;
  cpuSeconds: number;
  loopSeconds: number;
  /** The step of the best validation pass (the weights kept) and the number of passes. */
  bestStep?: number;
  passes?: number;
  /** The step a patience of `patience` validation passes would have stopped at, or null. */
  stopAt: number | null;
  /** That stop's best validation NLL minus the whole run's best (what stopping would have lost on validation). */
  stopValLoss: number | null;
  load: string;
}

/** Where a patience of `patience` passes would stop on a validation curve: the step and its best NLL. */
function patienceStop(curve: [number, number][], patience: number): { step: number; best: number } | null {
  let best = Infinity;
  let since = 0;
  for (const [step, nll] of curve) {
    if (nll < best) {
      best = nll;
      since = 0;
    } else if (++since >= patience) return { step, best };
  }
  return null;
}

/** The (step, validation NLL) pairs of a model directory's `loss.csv`. */
function validationCurve(dir: string): [number, number][] {
  const [header, ...lines] = readFileSync(join(dir, 'loss.csv'), 'utf8').trim().split('\n');
  const columns = (header as string).split(',');
  const stepAt = columns.indexOf('step');
  const valAt = columns.indexOf('valNll');
  return lines
    .map((l) => l.split(','))
    .filter((f) => f[valAt] !== undefined && f[valAt] !== '')
    .map((f) => [Number(f[stepAt]), Number(f[valAt])]);
}

const meanSe = (xs: number[]): string => {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return mean.toFixed(4);
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return `${mean.toFixed(4)} ± ${(sd / Math.sqrt(n)).toFixed(4)}`;
};

/** Markdown tables of the runs: per variant and dataset, and paired against the first variant. */
function summarise(runs: Run[]): string {
  const variants = [...new Set(runs.map((r) => r.variant))];
  const datas = [...new Set(runs.map((r) => r.data))];
  const [reference] = variants;
  const out = [
    '| data | variant | seeds | test NLL (mean ± SE) | gap | − reference, paired (mean ± SE) | better | CPU s / run | best pass (median step) | would stop early (patience) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const data of datas)
    for (const variant of variants) {
      const mine = runs.filter((r) => r.data === data && r.variant === variant);
      if (mine.length === 0) continue;
      const nlls = mine.map((r) => r.testNll);
      const mean = nlls.reduce((a, b) => a + b, 0) / nlls.length;
      const pairs = mine.flatMap((r) => {
        const ref = runs.find((q) => q.data === data && q.variant === reference && q.seed === r.seed);
        return ref ? [r.testNll - ref.testNll] : [];
      });
      const paired =
        variant === reference || pairs.length === 0 ? '–' : `${meanSe(pairs)} (n=${pairs.length})`;
      const better = variant === reference ? '–' : `${pairs.filter((d) => d < 0).length} of ${pairs.length}`;
      const cpu = mine.reduce((a, r) => a + r.cpuSeconds, 0) / mine.length;
      const stops = mine
        .filter((r) => r.stopAt !== null)
        .map((r) => `seed ${r.seed} at ${r.stopAt} (+${(r.stopValLoss as number).toFixed(4)} val)`);
      const bestSteps = mine
        .flatMap((r) => (r.bestStep === undefined ? [] : [r.bestStep]))
        .sort((a, b) => a - b);
      const bestAt = bestSteps.length ? String(bestSteps[Math.floor(bestSteps.length / 2)]) : '–';
      out.push(
        `| ${data} | ${variant} | ${mine.map((r) => r.seed).join(',')} | ${meanSe(nlls)} | ${(mean - (ENTROPY[data] ?? NaN)).toFixed(4)} | ${paired} | ${better} | ${cpu.toFixed(1)} | ${bestAt} | ${stops.join('; ') || 'none'} |`,
      );
    }
  return out.join('\n');
}

if (args.summarise !== undefined) {
  const runs = readFileSync(args.summarise, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Run);
  console.log(summarise(runs));
  process.exit(0);
}

let bundle = args.bundle === undefined ? '' : resolve(args.bundle);
if (bundle === '') {
  const built = spawnSync(process.execPath, [join(ROOT, 'apps/cli/build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
  bundle = join(ROOT, 'apps/cli/dist/bijective.mjs');
}
const patience = Number(args.patience);
const work = mkdtempSync(join(tmpdir(), 'toy-steps-'));
const results = args.results ?? join(work, 'toy-steps.jsonl');
console.error(`load ${load()}; results ${results}; bundle ${bundle}`);
// A results file that already holds a run (dataset, variant, seed) resumes: that run is not repeated.
const runs: Run[] = existsSync(results)
  ? readFileSync(results, 'utf8')
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Run)
  : [];
try {
  for (const seed of list(args.seeds).map(Number))
    for (const data of list(args.data))
      for (const variant of list(args.variants)) {
        if (runs.some((r) => r.data === data && r.variant === variant && r.seed === seed)) continue;
        const [steps, lr, batch] = variant.split(':') as [string, string | undefined, string | undefined];
        const out = join(work, 'model');
        const argv = [
          bundle,
          'train',
          '--flow',
          args.flow,
          '--data',
          data,
          '--seed',
          String(seed),
          '--steps',
          steps,
          ...(lr ? ['--lr', lr] : []),
          ...(batch ? ['--batch', batch] : []),
          '--patience',
          '1000000',
          '--out',
          out,
          '--force',
          '--quiet',
          '--json',
          ...positionals,
        ];
        const startLoad = load();
        const cpuBefore = childCpuSeconds();
        const run = spawnSync(process.execPath, argv, {
          encoding: 'utf8',
          cwd: work,
          maxBuffer: 1 << 26,
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        if (run.status !== 0)
          throw new Error(`toy-steps: train failed (${argv.join(' ')}); its stderr is above`);
        const lines = run.stdout.trim().split('\n');
        const s = JSON.parse(lines[lines.length - 1] as string) as {
          testNll: number;
          valNll: number;
          steps: number;
          seconds: number;
        };
        const curve = validationCurve(out);
        const best = Math.min(...curve.map(([, v]) => v));
        const stop = patienceStop(curve, patience);
        const record: Run = {
          data,
          variant,
          seed,
          steps: s.steps,
          testNll: s.testNll,
          valNll: s.valNll,
          cpuSeconds: childCpuSeconds() - cpuBefore,
          loopSeconds: s.seconds,
          bestStep: (curve.find(([, v]) => v === best) as [number, number])[0],
          passes: curve.length,
          stopAt: stop?.step ?? null,
          stopValLoss: stop ? stop.best - best : null,
          load: `${startLoad} → ${load()}`,
        };
        runs.push(record);
        appendFileSync(results, `${JSON.stringify(record)}\n`);
        console.error(
          `${data} ${variant} seed ${seed}: test NLL ${s.testNll.toFixed(4)}, ${record.cpuSeconds.toFixed(1)} CPU s, load ${record.load}`,
        );
      }
} finally {
  if (args.results === undefined) console.error(`(results were in ${results}, removed)`);
  console.log(summarise(runs));
  rmSync(join(work, 'model'), { recursive: true, force: true });
  if (args.results === undefined) rmSync(work, { recursive: true, force: true });
}
