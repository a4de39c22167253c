// Tabular density estimation over public tables and random splits: test NLL of a full-covariance
// Gaussian (closed form, float64 on the host), the CLI's flows through `bijective train` and the
// PyTorch references of the same flows at the same budget (tools/bench/reference/flows.py), with the
// mean paired differences over splits and their standard errors.
// Usage: node tools/bench/run.mjs tools/bench/src/tabular-suite.ts [--tables wine,iris,...]
//   [--splits 0,1] [--flows maf,nsf,realnvp] [--steps 4000] [--batch 256] [--dir /tmp/bijective-tabular]
//   [--fashion-rows N] [--python PATH] [--no-reference | --reference-only] [--fresh]
//   [--reference-hidden 128,128] [--summary-only] ['--cli-args=--flag v ...']
// Tables: wine, breast-cancer, diabetes, iris, digits (Debian's python3-sklearn) and fashion-pca16
// (dataset-fashion-mnist), written per split by tools/bench/reference/export_tables.py (discrete
// columns uniformly dequantised at their resolution, constant columns dropped). Each split S seeds
// the split, the dequantisation and both trainers (`--seed S`). Every run's result is kept in
// DIR/results.jsonl and reused by later invocations (same table, split, model, steps, batch and
// CLI arguments) unless --fresh, so a long table can be built up over several invocations; the
// summary covers every stored result of the requested tables, splits and models. With
// --reference-hidden W the torch reference is also run at conditioner widths W (stored as its own model,
// e.g. "maf (torch, 128 wide)", with its own paired column), beside the 64-wide one.
// Build the CLI first (`node apps/cli/build.mjs`).
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AUTOREGRESSIVE_DEFAULT_LAYERS } from '@bijective/autoregressive';
import { REALNVP_DEFAULT_LAYERS } from '@bijective/coupling';
import { NSF_DEFAULT_LAYERS } from '@bijective/spline';
import { findTorchPython } from './coupling-reference.js';
import { parseReferenceHidden, torchHiddenArgs, torchModel } from './reference-width.js';
import { gaussianRowNlls, readCsv } from './tables.js';

const { values: args } = parseArgs({
  options: {
    tables: { type: 'string', default: 'iris,wine,diabetes,breast-cancer,digits,fashion-pca16' },
    splits: { type: 'string', default: '0,1' },
    flows: { type: 'string', default: 'maf,nsf,realnvp' },
    steps: { type: 'string', default: '4000' },
    batch: { type: 'string', default: '256' },
    dir: { type: 'string', default: '/tmp/bijective-tabular' },
    'fashion-rows': { type: 'string', default: '0' },
    python: { type: 'string' },
    'no-reference': { type: 'boolean', default: false },
    'reference-only': { type: 'boolean', default: false },
    'summary-only': { type: 'boolean', default: false },
    fresh: { type: 'boolean', default: false },
    'cli-args': { type: 'string', default: '' },
    'reference-hidden': { type: 'string', default: '' },
  },
});

const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
const REFERENCE = resolve(ROOT, 'tools', 'bench', 'reference');
const CLI = resolve(ROOT, 'apps/cli/dist/bijective.mjs');
const TABLES = ['wine', 'breast-cancer', 'diabetes', 'iris', 'digits', 'fashion-pca16'];
/** Each flow's registry default layer count, passed to the reference. */
const DEFAULT_LAYERS: Record<string, number> = {
  maf: AUTOREGRESSIVE_DEFAULT_LAYERS,
  nsf: NSF_DEFAULT_LAYERS,
  realnvp: REALNVP_DEFAULT_LAYERS,
};
const tables = args.tables.split(',');
for (const t of tables)
  if (!TABLES.includes(t))
    throw new Error(`tabular-suite: unknown table '${t}'; known: ${TABLES.join(', ')}`);
const splits = args.splits.split(',').map(Number);
const flows = args.flows.split(',').filter((f) => f !== '');
const cliArgs = args['cli-args'].split(' ').filter((a) => a !== '');
const referenceHidden = parseReferenceHidden(args['reference-hidden']);
const python = findTorchPython(args.python);
if (!python) throw new Error('tabular-suite: needs a python with numpy, sklearn and torch (--python PATH)');
const resultsPath = resolve(args.dir, 'results.jsonl');
mkdirSync(args.dir, { recursive: true });
if (args.fresh && existsSync(resultsPath)) rmSync(resultsPath);

/** One stored run: a model's test NLL on one split, with each test row's NLL. */
interface Result {
  key: string;
  table: string;
  split: number;
  model: string;
  testNll: number;
  rows: number[];
  steps?: number;
  seconds: number;
  picked?: string;
  /** `auto`'s stacked ensemble (its flows, weights and cross-fitted held-out NLL), whether picked or not. */
  ensemble?: { flows: string[]; weights: number[]; valNll: number };
  /** `auto`'s candidates' validation NLLs. */
  candidates?: Record<string, number>;
}

const stored = new Map<string, Result>();
if (existsSync(resultsPath)) {
  for (const line of readFileSync(resultsPath, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as Result;
    stored.set(r.key, r);
  }
}
const budget = `steps ${args.steps} batch ${args.batch}`;
const keyOf = (table: string, split: number, model: string) =>
  [
    table,
    split,
    model,
    model === 'gaussian' ? '' : budget,
    model.endsWith('(bijective)') ? cliArgs.join(' ') : '',
  ]
    .concat(table === 'fashion-pca16' ? [args['fashion-rows']] : [])
    .join('|');

function run(command: string, argv: string[]): string {
  const result = spawnSync(command, argv, { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}
const lastJson = (stdout: string) =>
  JSON.parse(stdout.trim().split('\n').at(-1) as string) as Record<string, unknown>;

function record(r: Omit<Result, 'key'>): Result {
  const result = { key: keyOf(r.table, r.split, r.model), ...r };
  stored.set(result.key, result);
  appendFileSync(resultsPath, `${JSON.stringify(result)}\n`);
  console.error(
    `${r.table} split ${r.split} ${r.model}: test NLL ${r.testNll.toFixed(3)} (${r.seconds.toFixed(0)} s)`,
  );
  return result;
}

/** Writes (once) the CSVs of one split. */
function splitDir(table: string, split: number): string {
  const rowsTag = table === 'fashion-pca16' && args['fashion-rows'] !== '0' ? `-${args['fashion-rows']}` : '';
  const dir = resolve(args.dir, `${table}${rowsTag}-s${split}`);
  if (!existsSync(resolve(dir, 'test.csv'))) {
    const extra = table === 'fashion-pca16' ? ['--train-rows', args['fashion-rows']] : [];
    run(python as string, [
      resolve(REFERENCE, 'export_tables.py'),
      dir,
      '--table',
      table,
      '--split',
      String(split),
      ...extra,
    ]);
  }
  return dir;
}

function bijective(table: string, split: number, dir: string, flow: string): Result {
  const model = `${flow} (bijective)`;
  const cached = stored.get(keyOf(table, split, model));
  if (cached) return cached;
  const started = performance.now();
  const out = resolve(dir, `model-${flow}`);
  const cli = lastJson(
    run(process.execPath, [
      CLI,
      'train',
      '--flow',
      flow,
      '--data',
      resolve(dir, 'train.csv'),
      '--test',
      resolve(dir, 'test.csv'),
      '--out',
      out,
      '--seed',
      String(split),
      '--steps',
      args.steps,
      '--batch',
      args.batch,
      '--force',
      '--json',
      ...cliArgs,
    ]),
  );
  const scored = lastJson(
    run(process.execPath, [
      CLI,
      'eval',
      '--model',
      out,
      '--data',
      resolve(dir, 'test.csv'),
      '--per-sample',
      '--json',
    ]),
  );
  const rows = (scored.logProb as number[]).map((v) => -v);
  return record({
    table,
    split,
    model,
    testNll: Number(cli.testNll),
    rows,
    steps: Number(cli.steps),
    seconds: (performance.now() - started) / 1000,
    ...(typeof cli.picked === 'string' ? { picked: cli.picked } : {}),
    ...(cli.ensemble ? { ensemble: cli.ensemble as Result['ensemble'] } : {}),
    ...(cli.candidates ? { candidates: cli.candidates as Record<string, number> } : {}),
  });
}

function torch(table: string, split: number, dir: string, flow: string, hidden?: number[]): Result {
  const model = torchModel(flow, hidden);
  const cached = stored.get(keyOf(table, split, model));
  if (cached) return cached;
  const started = performance.now();
  const rowsPath = resolve(dir, `torch-${flow}${hidden ? `-h${hidden.join('x')}` : ''}.txt`);
  const ref = lastJson(
    run(python as string, [
      resolve(REFERENCE, 'flows.py'),
      '--train',
      resolve(dir, 'train.csv'),
      '--test',
      resolve(dir, 'test.csv'),
      '--flows',
      flow,
      `--${flow}-layers`,
      String(DEFAULT_LAYERS[flow]),
      '--seed',
      String(split),
      '--steps',
      args.steps,
      '--batch',
      args.batch,
      '--row-nlls',
      rowsPath,
      ...torchHiddenArgs(hidden),
    ]),
  );
  const rows = readFileSync(rowsPath, 'utf8').trim().split('\n').map(Number);
  return record({
    table,
    split,
    model,
    testNll: Number(ref.testNll),
    rows,
    steps: Number(ref.steps),
    seconds: (performance.now() - started) / 1000,
  });
}

function gaussian(table: string, split: number, dir: string): Result {
  const cached = stored.get(keyOf(table, split, 'gaussian'));
  if (cached) return cached;
  const started = performance.now();
  const rows = gaussianRowNlls(readCsv(resolve(dir, 'train.csv')), readCsv(resolve(dir, 'test.csv')));
  return record({
    table,
    split,
    model: 'gaussian',
    testNll: mean(rows),
    rows,
    seconds: (performance.now() - started) / 1000,
  });
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
/** Mean ± standard error over splits (the s.e. of a mean of independent splits; '-' for one split). */
function meanSe(v: number[]): string {
  const m = mean(v);
  if (v.length < 2) return `${m.toFixed(3)}`;
  const se = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1) / v.length);
  return `${m >= 0 ? '' : ''}${m.toFixed(3)} ± ${se.toFixed(3)}`;
}
const signed = (s: string) => (s.startsWith('-') ? s.replace('-', '−') : `+${s}`);

const models = [
  'gaussian',
  ...flows.flatMap((f) => [
    `${f} (bijective)`,
    ...(args['no-reference'] || f === 'auto'
      ? []
      : [torchModel(f), ...(referenceHidden ? [torchModel(f, referenceHidden)] : [])]),
  ]),
];
for (const table of args['summary-only'] ? [] : tables) {
  for (const split of splits) {
    const dir = splitDir(table, split);
    gaussian(table, split, dir);
    for (const flow of flows) {
      if (!args['reference-only']) bijective(table, split, dir, flow);
      if (!args['no-reference'] && flow !== 'auto') {
        torch(table, split, dir, flow);
        if (referenceHidden) torch(table, split, dir, flow, referenceHidden);
      }
    }
  }
}

console.log(`budget: ${budget}; splits ${args.splits}; CLI arguments: ${cliArgs.join(' ') || '(defaults)'}`);
const wide = referenceHidden ? torchModel('', referenceHidden).slice(2, -1) : undefined;
console.log(
  `| table | model | test NLL (mean ± s.e. over splits) | − gaussian, paired | − torch, paired |${wide ? ` − ${wide}, paired |` : ''} splits |`,
);
console.log(`|---|---|---|---|---|${wide ? '---|' : ''}---|`);
for (const table of tables) {
  const get = (model: string, split: number) => stored.get(keyOf(table, split, model));
  const dims = readCsv(resolve(splitDir(table, splits[0] as number), 'test.csv'))[0]?.length;
  for (const model of models) {
    const done = splits.filter((s) => get(model, s) !== undefined);
    if (done.length === 0) continue;
    const nll = done.map((s) => (get(model, s) as Result).testNll);
    const paired = (other: string) => {
      const both = done.filter((s) => get(other, s) !== undefined);
      if (model === other || both.length === 0) return '-';
      return signed(
        meanSe(both.map((s) => (get(model, s) as Result).testNll - (get(other, s) as Result).testNll)),
      );
    };
    const flow = model.split(' ')[0] as string;
    const picks = done.map((s) => get(model, s)?.picked).filter((p) => p !== undefined);
    const ours = model.endsWith('(bijective)');
    const wideColumn = referenceHidden
      ? ` ${ours ? paired(torchModel(flow, referenceHidden)) : model === torchModel(flow) ? '-' : paired(torchModel(flow))} |`
      : '';
    console.log(
      `| ${table} (${dims}-D) | ${model}${picks.length > 0 ? ` [picked ${picks.join(',')}]` : ''} | ${meanSe(nll)} | ${paired('gaussian')} | ${ours ? paired(torchModel(flow)) : '-'} |${wideColumn} ${done.join(',')} |`,
    );
  }
}

// `--flow auto` against the flows it picks from: the paired difference from each, from the best of
// them by mean test NLL over the splits, and from the best of each split (an oracle no rule can beat).
const named = flows.filter((f) => f !== 'auto');
if (flows.includes('auto') && named.length > 0) {
  console.log('');
  console.log(
    '| table | auto − each flow, paired | auto − best flow (by mean) | auto − best of each split | splits |',
  );
  console.log('|---|---|---|---|---|');
  for (const table of tables) {
    const get = (flow: string, split: number) => stored.get(keyOf(table, split, `${flow} (bijective)`));
    const both = splits.filter((s) => [...flows].every((f) => get(f, s) !== undefined));
    if (both.length === 0) continue;
    const nll = (flow: string, s: number) => (get(flow, s) as Result).testNll;
    const auto = (s: number) => nll('auto', s);
    const each = named.map((f) => `${f} ${signed(meanSe(both.map((s) => auto(s) - nll(f, s))))}`).join('; ');
    const best = named.reduce((a, b) =>
      mean(both.map((s) => nll(b, s))) < mean(both.map((s) => nll(a, s))) ? b : a,
    );
    const oracle = both.map((s) => auto(s) - Math.min(...named.map((f) => nll(f, s))));
    console.log(
      `| ${table} | ${each} | ${best} ${signed(meanSe(both.map((s) => auto(s) - nll(best, s))))} | ${signed(meanSe(oracle))} | ${both.join(',')} |`,
    );
  }
}
