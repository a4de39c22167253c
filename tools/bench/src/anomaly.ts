// Anomaly detection by log-density (BENCHMARKS.md workload 6): AUROC of the CLI's `score` (each
// row's log-density under a flow trained on normal rows only) against a full-covariance Gaussian
// (closed form, float64) and sklearn's IsolationForest, on
//   breast-cancer: train on 70% of the benign rows, score the other benign rows against all malignant;
//   fashion-mnist: 16-D PCA of dequantised pixels fitted without bags, bags as the anomalies;
// over several seeds (splits, dequantisation noise and the flows' seeds), as mean ± standard error.
// Usage: node tools/bench/run.mjs tools/bench/src/anomaly.ts [--tasks breast-cancer,fashion-mnist]
//   [--flows maf,nsf] [--seeds 0,1,2,3,4] [--steps N | --steps TASK=N,...] [--dir /tmp/bijective-anomaly]
//   [--cli apps/cli/dist/bijective.mjs] [--python PATH]
// Data and IsolationForest scores come from tools/bench/reference/anomaly_data.py (Debian
// python3-sklearn and dataset-fashion-mnist). Build the CLI first (`node apps/cli/build.mjs`); the
// flows train at their CLI defaults unless --steps caps the step budget.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { auroc } from './auroc.js';
import { findPython } from './python.js';
import { gaussianRowNlls, readCsv } from './tables.js';

const { values: args } = parseArgs({
  options: {
    tasks: { type: 'string', default: 'breast-cancer,fashion-mnist' },
    flows: { type: 'string', default: 'maf,nsf' },
    seeds: { type: 'string', default: '0,1,2,3,4' },
    steps: { type: 'string' },
    dir: { type: 'string', default: '/tmp/bijective-anomaly' },
    cli: { type: 'string' },
    python: { type: 'string' },
  },
});

const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
const CLI = resolve(args.cli ?? resolve(ROOT, 'apps/cli/dist/bijective.mjs'));
const TASKS = ['breast-cancer', 'fashion-mnist'];

/** Mean and standard error (sd / sqrt(n)) as `0.951 ± 0.004`. */
function meanSe(values: readonly number[]): string {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  const sd =
    values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1)) : 0;
  return `${m.toFixed(3)} ± ${(sd / Math.sqrt(values.length)).toFixed(3)}`;
}

/** The step cap of a task: `--steps N` for all, or `--steps fashion-mnist=2000,...` per task. */
function stepsFor(task: string): string | undefined {
  if (args.steps === undefined) return undefined;
  if (!args.steps.includes('=')) return args.steps;
  const entry = args.steps.split(',').find((e) => e.startsWith(`${task}=`));
  return entry?.split('=')[1];
}

function run(command: string, argv: string[]): string {
  const result = spawnSync(command, argv, { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

const lastJson = (stdout: string) =>
  JSON.parse(stdout.trim().split('\n').at(-1) as string) as Record<string, unknown>;

const python = findPython('sklearn', args.python);
if (!python) throw new Error('anomaly: no python with sklearn (apt-get install python3-sklearn)');
if (!existsSync(CLI)) throw new Error(`anomaly: no CLI bundle at ${CLI}; run node apps/cli/build.mjs`);
const seeds = args.seeds.split(',').map(Number);
const flows = args.flows.split(',');
const lines: string[] = [];
for (const task of args.tasks.split(',')) {
  if (!TASKS.includes(task)) throw new Error(`anomaly: unknown task '${task}'; known: ${TASKS.join(', ')}`);
  const aurocs: Record<string, number[]> = { gaussian: [], 'isolation-forest': [] };
  const details: Record<string, string[]> = {};
  for (const seed of seeds) {
    const dir = resolve(args.dir, `${task}-${seed}`);
    if (!existsSync(resolve(dir, 'isolation-forest.csv'))) {
      run(python, [
        resolve(ROOT, 'tools/bench/reference/anomaly_data.py'),
        dir,
        '--task',
        task,
        '--seed',
        String(seed),
      ]);
    }
    const train = readCsv(resolve(dir, 'train.csv'));
    const test = readCsv(resolve(dir, 'test.csv'));
    const labels = readCsv(resolve(dir, 'labels.csv')).map((r) => r[0] as number);
    aurocs.gaussian!.push(auroc(gaussianRowNlls(train, test), labels));
    aurocs['isolation-forest']!.push(
      auroc(
        readCsv(resolve(dir, 'isolation-forest.csv')).map((r) => r[0] as number),
        labels,
      ),
    );
    for (const flow of flows) {
      const model = resolve(dir, `model-${flow}`);
      const steps = stepsFor(task);
      const trained = lastJson(
        run(process.execPath, [
          CLI,
          'train',
          '--flow',
          flow,
          '--data',
          resolve(dir, 'train.csv'),
          '--out',
          model,
          '--seed',
          String(seed),
          '--force',
          '--quiet',
          '--json',
          ...(steps ? ['--steps', steps] : []),
        ]),
      );
      const scores = resolve(dir, `scores-${flow}.csv`);
      run(process.execPath, [
        CLI,
        'score',
        '--model',
        model,
        '--data',
        resolve(dir, 'test.csv'),
        '--out',
        scores,
        '--json',
      ]);
      const logDensity = readFileSync(scores, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => Number(line.split(',')[1]));
      const value = auroc(
        logDensity.map((v) => -v),
        labels,
      );
      (aurocs[flow] ??= []).push(value);
      (details[flow] ??= []).push(
        `seed ${seed}: ${value.toFixed(3)} (${String(trained.steps)} steps, val NLL ${Number(trained.valNll).toFixed(2)}, ${Number(trained.seconds).toFixed(0)} s)`,
      );
    }
    console.error(
      `${task} seed ${seed}: ${Object.entries(aurocs)
        .map(([name, v]) => `${name} ${(v.at(-1) as number).toFixed(3)}`)
        .join(', ')}`,
    );
  }
  const label = stepsFor(task) ? `${stepsFor(task)} steps at most` : 'CLI defaults';
  lines.push(
    `${task} (${seeds.length} seeds; flows: ${label}):`,
    '',
    '| method | AUROC mean ± s.e. | per seed |',
    '|---|---|---|',
  );
  for (const [name, values] of Object.entries(aurocs)) {
    lines.push(`| ${name} | ${meanSe(values)} | ${values.map((v) => v.toFixed(3)).join(', ')} |`);
  }
  for (const [flow, d] of Object.entries(details)) lines.push('', `${flow}: ${d.join('; ')}`);
  lines.push('');
}
console.log(lines.join('\n'));
