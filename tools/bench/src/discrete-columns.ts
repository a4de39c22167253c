// Discrete CSV columns: the test NLL of flows trained by the CLI with and without `--discrete`
// (auto: the integer column is dequantised at its step and the NLL is that of the grid values;
// none: the raw values), on a synthetic table whose entropy is known, so that a model reaching
// below it has put density spikes on the grid.
// Usage: node tools/bench/run.mjs tools/bench/src/discrete-columns.ts [--flows maf,nsf] [--seeds 0,1]
//   [--steps 400] [--rows 1500] [--dir /tmp/bijective-discrete]
// Table: a ∈ {0, 1, 2} with probabilities 0.5, 0.3, 0.2 and b | a ~ N(a/2, 1), 5 decimals; `--rows`
// training rows and 1000 test rows (seeded LCG). Build the CLI first (`node apps/cli/build.mjs`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DISCRETE_TABLE_ENTROPY as ENTROPY, discreteTableCsv } from '@bijective/test-support/discrete-table';

const { values: args } = parseArgs({
  options: {
    flows: { type: 'string', default: 'maf,nsf' },
    seeds: { type: 'string', default: '0,1' },
    steps: { type: 'string', default: '400' },
    rows: { type: 'string', default: '1500' },
    dir: { type: 'string', default: '/tmp/bijective-discrete' },
  },
});

const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
const CLI = resolve(ROOT, 'apps/cli/dist/bijective.mjs');
mkdirSync(args.dir, { recursive: true });
const train = resolve(args.dir, 'train.csv');
const test = resolve(args.dir, 'test.csv');
writeFileSync(train, discreteTableCsv(Number(args.rows), 1));
writeFileSync(test, discreteTableCsv(1000, 2));

console.log(`entropy of the table: ${ENTROPY.toFixed(3)} nats (the lowest expected test NLL)`);
console.log('| flow | --discrete | seed | discrete columns | steps run | test NLL | minus entropy |');
console.log('| ---- | ---------- | ---- | ---------------- | --------- | -------- | ------------- |');
for (const flow of args.flows.split(',')) {
  for (const mode of ['auto', 'none']) {
    for (const seed of args.seeds.split(',')) {
      const out = resolve(args.dir, `model-${flow}-${mode}`);
      const argv = ['train', '--flow', flow, '--data', train, '--test', test, '--steps', args.steps];
      argv.push('--seed', seed, '--discrete', mode, '--out', out, '--force', '--json');
      const r = spawnSync(process.execPath, [CLI, ...argv], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`discrete-columns: ${flow} ${mode} failed: ${r.stderr}`);
      const lines = r.stdout.trim().split('\n');
      const result = JSON.parse(lines[lines.length - 1] as string) as {
        testNll: number;
        steps: number;
        discreteColumns: { column: number; resolution: number }[];
      };
      const columns = result.discreteColumns.map((c) => `${c.column} (h = ${c.resolution})`).join(', ');
      console.log(
        `| ${flow} | ${mode} | ${seed} | ${columns || 'none'} | ${result.steps} | ${result.testNll.toFixed(3)} | ${(result.testNll - ENTROPY).toFixed(3)} |`,
      );
    }
  }
}
