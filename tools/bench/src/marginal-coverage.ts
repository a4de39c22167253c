// How much of each column of a CSV table lies outside a spline's interval [−B, B] at the flow's input,
// under the CLI's three data sides: standardised columns (`--marginal none`), the sinh-arcsinh marginal
// layer at its fit (the recipe below 2000 rows), and that layer restandardised (the large-table recipe).
// The fit runs on the first 4096 rows, as `train` does; the fractions are over every row of the file.
// Usage: node tools/bench/run.mjs tools/bench/src/marginal-coverage.ts --data train.csv [--bound 3] [--fit-rows 4096]
import { parseArgs } from 'node:util';
import { fitSinhArcsinhMarginals, fitStandardisation } from '@bijective/datasets';
import { readCsv } from './tables.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    bound: { type: 'string', default: '3' },
    'fit-rows': { type: 'string', default: '4096' },
  },
});
if (!args.data) throw new Error('marginal-coverage: --data CSV is required');
const bound = Number(args.bound);
const rows = readCsv(args.data);
const cols = (rows[0] as number[]).length;
const flat = (r: number[][]) => Float32Array.from(r.flat()); // float32, as `train` holds its tables
const fitRows = rows.slice(0, Number(args['fit-rows']));
const standardisation = fitStandardisation({ data: flat(fitRows), rows: fitRows.length, cols });
const standardise = (r: number[]) =>
  r.map((v, j) => (v - standardisation.mean[j]!) / standardisation.std[j]!);
const fit = fitSinhArcsinhMarginals({ data: flat(fitRows.map(standardise)), rows: fitRows.length, cols });
/** The marginal layer's inverse, z = sinh(δ·asinh((x − ξ)/s) − ε), of one standardised row. */
const marginal = (x: number[]) =>
  x.map((v, j) =>
    Math.sinh(fit.tailweight[j]! * Math.asinh((v - fit.loc[j]!) / fit.scale[j]!) - fit.skew[j]!),
  );
const fitted = fitRows.map((r) => marginal(standardise(r)));
const restandardisation = fitStandardisation({ data: flat(fitted), rows: fitted.length, cols });
const restandardise = (z: number[]) =>
  z.map((v, j) => (v - restandardisation.mean[j]!) / restandardisation.std[j]!);

const outside = (column: number[]) => column.filter((v) => Math.abs(v) > bound).length / column.length;
const sides = rows.map((r) => {
  const s = standardise(r);
  const z = marginal(s);
  return { s, z, w: restandardise(z) };
});
const percent = (f: number) => `${(100 * f).toFixed(2)}%`;
console.log(
  `${args.data}: ${rows.length} rows, ${cols} columns; fraction of rows outside [−${bound}, ${bound}] at the flow's input`,
);
console.log('column | standardised | marginal fit (mean, sd of its output) | restandardised');
const worst = { s: 0, z: 0, w: 0 };
for (let j = 0; j < cols; j++) {
  const column = (k: 's' | 'z' | 'w') => sides.map((side) => side[k][j] as number);
  const [s, z, w] = [outside(column('s')), outside(column('z')), outside(column('w'))];
  worst.s = Math.max(worst.s, s);
  worst.z = Math.max(worst.z, z);
  worst.w = Math.max(worst.w, w);
  const m = restandardisation.mean[j]!.toFixed(2);
  const sd = restandardisation.std[j]!.toFixed(2);
  console.log(`${j} | ${percent(s)} | ${percent(z)} (${m}, ${sd}) | ${percent(w)}`);
}
console.log(`worst column | ${percent(worst.s)} | ${percent(worst.z)} | ${percent(worst.w)}`);
