// Test NLL on a small real table (UCI wine or breast cancer): a full-covariance Gaussian (closed
// form, float64 on the host), the CLI's `maf` and `nsf`, and the PyTorch references of the same
// architectures at the same budget (tools/bench/reference/flows.py --train, with early stopping on a
// validation split).
// Usage: node tools/bench/run.mjs tools/bench/src/tabular-quality.ts [--table wine|breast-cancer]
//   [--dir /tmp/bijective-TABLE] [--flows maf,nsf] [--seeds 0,1,2] [--steps N] [--batch B] [--lr X]
//   [--layers N] [--hidden W,W] [--patience N] [--weight-decay X] [--preprocess whiten|standardise]
//   [--python PATH] [--no-reference]
// Writes the CSVs with tools/bench/reference/export_table.py when DIR has none; build the CLI first
// (`node apps/cli/build.mjs`). Flags left out keep the CLI's defaults, which the reference mirrors
// (whitening, batch 256, lr 2e-3 cosine, hidden 64,64, validation every
// min(max(10, steps/40), 10 epochs) steps); the layer count and the step budget are always passed
// to the reference, as the flow's registry defaults when --layers / --steps are absent (maf 12
// layers and 20000 steps, nsf 4 layers and 10000 steps). Each flow runs once per seed
// (`--seed` on both sides); the table gives every run and the mean ± standard deviation over seeds.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AUTOREGRESSIVE_DEFAULT_LAYERS } from '@bijective/autoregressive';
import { getEntry } from '@bijective/core';
import { NSF_DEFAULT_LAYERS } from '@bijective/spline';
import { findTorchPython } from './coupling-reference.js';
import { gaussianRowNlls, readCsv } from './tables.js';

const { values: args } = parseArgs({
  options: {
    table: { type: 'string', default: 'wine' },
    dir: { type: 'string' },
    flows: { type: 'string', default: 'maf,nsf' },
    steps: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    layers: { type: 'string' },
    hidden: { type: 'string' },
    patience: { type: 'string' },
    'weight-decay': { type: 'string' },
    preprocess: { type: 'string' },
    seeds: { type: 'string', default: '0' },
    python: { type: 'string' },
    'no-reference': { type: 'boolean', default: false },
  },
});

const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
const REFERENCE = resolve(ROOT, 'tools', 'bench', 'reference');
const TABLES = ['wine', 'breast-cancer'];
if (!TABLES.includes(args.table))
  throw new Error(`tabular-quality: unknown --table '${args.table}'; known: ${TABLES.join(', ')}`);
const dir = args.dir ?? `/tmp/bijective-${args.table}`;
const train = resolve(dir, 'train.csv');
const test = resolve(dir, 'test.csv');
/** Each flow's registry default layer count, passed to the reference when --layers is absent. */
const DEFAULT_LAYERS: Record<string, number> = {
  maf: AUTOREGRESSIVE_DEFAULT_LAYERS,
  nsf: NSF_DEFAULT_LAYERS,
};
const python = findTorchPython(args.python);

function run(command: string, argv: string[]): string {
  const result = spawnSync(command, argv, { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}
const lastJson = (stdout: string) =>
  JSON.parse(stdout.trim().split('\n').at(-1) as string) as Record<string, unknown>;

if (!existsSync(train) || !existsSync(test)) {
  if (!python)
    throw new Error(`tabular-quality: no python with sklearn/torch to write the ${args.table} CSVs`);
  run(python, [resolve(REFERENCE, 'export_table.py'), dir, '--table', args.table]);
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
/** Mean and standard error of the per-row differences a - b (a paired comparison on the same rows). */
function pairedDifference(a: number[], b: number[]): string {
  const d = a.map((v, i) => v - (b[i] as number));
  const m = mean(d);
  const se = Math.sqrt(d.reduce((s, v) => s + (v - m) ** 2, 0) / (d.length - 1) / d.length);
  return `${m >= 0 ? '+' : ''}${m.toFixed(3)} ± ${se.toFixed(3)}`;
}

const trainRows = readCsv(train);
const testRows = readCsv(test);
const settings = (
  ['steps', 'batch', 'lr', 'layers', 'hidden', 'patience', 'weight-decay', 'preprocess'] as const
).flatMap((k) => (args[k] === undefined ? [] : [`--${k}`, args[k] as string]));
const label = settings.length === 0 ? 'defaults' : settings.join(' ');
const seeds = args.seeds.split(',').map(Number);
const gaussianRows = gaussianRowNlls(trainRows, testRows);
const rows: string[][] = [
  ['gaussian (full cov.)', '-', '-', 'closed form', mean(gaussianRows).toFixed(3), '-', '-', '-'],
];
const summary: string[] = [];
const meanSd = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
  return `${m.toFixed(3)} ± ${sd.toFixed(3)}`;
};
for (const flow of args.flows.split(',')) {
  const tests: Record<string, number[]> = { bijective: [], torch: [] };
  for (const seed of seeds) {
    const cli = lastJson(
      run(process.execPath, [
        resolve(ROOT, 'apps/cli/dist/bijective.mjs'),
        'train',
        '--flow',
        flow,
        '--data',
        train,
        '--test',
        test,
        '--out',
        resolve(dir, `model-${flow}`),
        '--seed',
        String(seed),
        '--force',
        '--json',
        // The Gaussian and the PyTorch reference fit the raw values: so does the CLI here.
        '--discrete',
        'none',
        ...settings,
      ]),
    );
    tests.bijective?.push(Number(cli.testNll));
    const scored = lastJson(
      run(process.execPath, [
        resolve(ROOT, 'apps/cli/dist/bijective.mjs'),
        'eval',
        '--model',
        resolve(dir, `model-${flow}`),
        '--data',
        test,
        '--per-sample',
        '--json',
      ]),
    );
    const rowNlls = (scored.logProb as number[]).map((v) => -v);
    rows.push([
      `${flow} (bijective, ${String(cli.backend)})`,
      label,
      String(seed),
      `${String(cli.steps)} steps`,
      Number(cli.testNll).toFixed(3),
      pairedDifference(rowNlls, gaussianRows),
      Number(cli.valNll).toFixed(3),
      Number(cli.seconds).toFixed(0),
    ]);
    if (python && !args['no-reference']) {
      const torchArgs = settings.flatMap((v, i) =>
        settings[i - 1] === '--layers' ? [v] : v === '--layers' ? [`--${flow}-layers`] : [v],
      );
      if (args.layers === undefined) torchArgs.push(`--${flow}-layers`, String(DEFAULT_LAYERS[flow]));
      if (args.steps === undefined)
        torchArgs.push('--steps', String(getEntry('bijector', flow).recommended?.steps ?? 10_000));
      const started = performance.now();
      const ref = lastJson(
        run(python, [
          resolve(REFERENCE, 'flows.py'),
          '--train',
          train,
          '--test',
          test,
          '--flows',
          flow,
          '--seed',
          String(seed),
          ...torchArgs,
        ]),
      );
      tests.torch?.push(Number(ref.testNll));
      rows.push([
        `${flow} (torch)`,
        label,
        String(seed),
        `${String(ref.steps)} steps`,
        Number(ref.testNll).toFixed(3),
        '-',
        Number(ref.validationNll).toFixed(3),
        ((performance.now() - started) / 1000).toFixed(0),
      ]);
    }
  }
  for (const [side, values] of Object.entries(tests)) {
    if (values.length > 0)
      summary.push(`${flow} (${side}) over seeds ${args.seeds}: test NLL ${meanSd(values)}`);
  }
}
console.log(
  `${args.table}: train ${trainRows.length} rows (incl. validation), test ${testRows.length}, d ${testRows[0]?.length}`,
);
console.log(
  '| model | settings | seed | stopped at | test NLL | minus gaussian, paired (± s.e.) | validation NLL | wall s |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
for (const line of summary) console.log(line);
