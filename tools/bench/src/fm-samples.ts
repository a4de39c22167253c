// Sample quality at equal training time: each flow, one at a time, trains through `fit` with
// `maxSeconds` and no step count (the path of the CLI's `train --max-seconds S` without `--steps`):
// it runs until the budget is spent and its cosine schedule anneals over the budget. Each flow has its
// recommended rate, batch and base, no validation (the whole budget trains). Then 10k samples are
// compared with 10k fresh draws of the toy by the energy distance (Székely & Rizzo 2013; 0 iff the
// distributions agree). The floor is the energy distance between two independent 10k draws of the
// data. Wall and CPU seconds of each fit, and the load before and after it, are printed. The budget
// is measured on the process's CPU time by default (`--clock cpu`, fit's `clock` option), so that the
// flows get the same computation whatever the load of a shared machine; `--clock wall` for wall time.
// With several `--seeds`, each seed s initialises the flows (seed s), orders the minibatches (fit's
// seed s) and draws the samples (seed 7 + s); the summary gives each flow's mean ± standard error
// over the seeds and, paired by seed, flow matching's difference to each other flow.
// `--fm-check-solver` also samples each flow-matching model from the same noise with dopri5 at
// rtol = atol = 1e-6 (the sampling error of the default solver). `--fm-check-average`, for a model
// trained with `ema` > 0, also samples the trained weights (not their average) from the same noise:
// the average's effect, paired, from one training run. The summary adds, for each paired
// difference, its ratio to its standard error and the seeds on which flow matching is at or below
// the other flow. `--fm-variants` (a JSON array of `{"label", "options", "lr", "batch"}`, each on
// top of `--fm-options`/`--fm-lr`/`--fm-batch`) trains several flow-matching settings in the same run,
// in turn within each seed, as one A/B: each is paired with every other flow and with the first variant.
// `--draws K` (K > 1) also scores every model on K independent draws: draw k compares 10k samples
// from noise seed 7 + s + 1000k with fresh data set k (k = 0 is the single draw above), and the
// summary adds the mean over the K draws per seed, paired likewise: the same statistic with less of
// the noise of one 10k draw (a 10k share of a half circle varies by ±0.005, and ED grows by about
// 1.2 δ² for a share off by δ on moons).
// Usage: node tools/bench/run.mjs tools/bench/src/fm-samples.ts [--data moons,8gaussians]
//   [--flows flow-matching,realnvp,ffjord] [--seconds 30] [--clock cpu|wall] [--backend wasm]
//   [--fm-options '{"ema":0}'] [--fm-lr 2e-3] [--fm-batch 128] [--seeds 1,2,3] [--fm-check-solver]
//   [--fm-check-average] [--draws 1] [--fm-variants '[{"label":"lr 1e-2","lr":1e-2}]']
import { parseArgs } from 'node:util';
import { useBackend, type Chain, type Flow, type JsonObject } from '@bijective/core';
import { fit } from '@bijective/train';
import '@bijective/backend-cpu';
import '@bijective/backend-wasm';
import '@bijective/cnf';
import '@bijective/coupling';
import '@bijective/datasets';
import type { FlowMatching } from '@bijective/flow-matching';
import '@bijective/flow-matching';
import {
  cliLikeFlow,
  cpuSeconds,
  energyDistance,
  load,
  modeShares,
  rebalanced,
  recommended,
  sampleRows,
  supportDistance,
  tf,
  toyRows,
  worstShareError,
} from './fm-common.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: 'moons,8gaussians' },
    flows: { type: 'string', default: 'flow-matching,realnvp,ffjord' },
    seconds: { type: 'string', default: '30' },
    clock: { type: 'string', default: 'cpu' },
    backend: { type: 'string', default: 'wasm' },
    'fm-options': { type: 'string', default: '{}' },
    'fm-lr': { type: 'string' },
    'fm-batch': { type: 'string' },
    'fm-check-solver': { type: 'boolean', default: false },
    'fm-check-average': { type: 'boolean', default: false },
    'fm-variants': { type: 'string' },
    draws: { type: 'string', default: '1' },
    seeds: { type: 'string', default: '2' },
  },
});
await useBackend(args.backend as 'wasm' | 'cpu');
const budget = Number(args.seconds);
const seeds = args.seeds.split(',').map(Number);
const fmOptions = JSON.parse(args['fm-options']) as JsonObject;
const N = 10_000;
const draws = Number(args.draws);

/** One flow-matching setting of an A/B run: options on top of `--fm-options`, its rate and batch. */
interface Variant {
  label?: string;
  options?: JsonObject;
  lr?: number;
  batch?: number;
}
const variants: Variant[] = args['fm-variants'] ? (JSON.parse(args['fm-variants']) as Variant[]) : [{}];
/** A trained setting: its display name, registry flow, options, rate and batch. */
interface Entry {
  key: string;
  flow: string;
  fm: boolean;
  options: JsonObject;
  batchSize: number;
  learningRate: number;
}
const entries: Entry[] = args.flows.split(',').flatMap((flow): Entry[] => {
  const settings = recommended(flow);
  if (flow !== 'flow-matching') {
    return [{ key: flow, flow, fm: false, options: {}, ...settings }];
  }
  return variants.map((v, i) => ({
    key: variants.length > 1 ? `flow-matching (${v.label ?? String(i + 1)})` : flow,
    flow,
    fm: true,
    options: { ...fmOptions, ...(v.options ?? {}) },
    batchSize: v.batch ?? (args['fm-batch'] ? Number(args['fm-batch']) : settings.batchSize),
    learningRate: v.lr ?? (args['fm-lr'] ? Number(args['fm-lr']) : settings.learningRate),
  }));
});
const fmKeys = entries.filter((e) => e.fm).map((e) => e.key);

/** Samples of a flow-matching model with its weights but dopri5 at rtol = atol = 1e-6. */
function tightSamples(flow: Flow, rows: Float32Array, options: JsonObject, seed: number): Float32Array {
  const tight = cliLikeFlow('flow-matching', rows, { ...options, solver: 'dopri5', rtol: 1e-6, atol: 1e-6 });
  tight.variables.forEach((v, i) => v.assign(flow.variables[i] as tf.Variable));
  const out = sampleRows(tight, N, seed);
  tight.dispose();
  return out;
}

/** The flow-matching link of a flow `cliLikeFlow` built. */
const fmLink = (flow: Flow) => (flow.bijector as Chain).bijectors[0] as FlowMatching;

/** Samples of a flow-matching model from its trained weights, not their moving average (same noise). */
function trainedSamples(flow: Flow, rows: Float32Array, options: JsonObject, seed: number): Float32Array {
  // The same standardisation (from the same rows); the field's trained weights, no average.
  const plain = cliLikeFlow('flow-matching', rows, { ...options, ema: 0 });
  const trained = fmLink(flow).field.variables;
  fmLink(plain).field.variables.forEach((v, i) => v.assign(trained[i] as tf.Variable));
  const out = sampleRows(plain, N, seed);
  plain.dispose();
  return out;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
/** Standard error of the mean (0 for one value). */
const se = (v: number[]) =>
  v.length < 2 ? 0 : Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1) / v.length);
const pm = (v: number[]) => `${mean(v).toExponential(2)} ± ${se(v).toExponential(1)}`;
/** A paired difference a − b over seeds: mean ± s.e., its ratio to the s.e., and the seeds with a ≤ b. */
const paired = (a: number[], b: number[]) => {
  const d = a.map((v, i) => v - (b[i] as number));
  const ratio = se(d) > 0 ? (mean(d) / se(d)).toFixed(1) : 'n/a';
  return `${pm(d)} (${ratio} s.e.; ≤ on ${d.filter((v) => v <= 0).length} of ${d.length} seeds)`;
};
const check = args['fm-check-solver'];
const average = args['fm-check-average'];

const lines = [
  `| data | flow | seed | steps | wall s | CPU s | ms/step | energy distance (10k vs 10k) |${draws > 1 ? ` mean of ${draws} draws |` : ''}${check ? ' same, dopri5 1e-6 |' : ''}${average ? ' same, trained weights |' : ''} floor (data vs data) | worst mode-share error (data vs data) | energy distance, modes reweighted | RMS distance to the support (data) | load before / after |`,
  `| --- | --- | --- | --- | --- | --- | --- | --- |${draws > 1 ? ' --- |' : ''}${check ? ' --- |' : ''}${average ? ' --- |' : ''} --- | --- | --- | --- | --- |`,
];
const summary = [
  '| data | flow | energy distance, mean ± s.e. over seeds | paired difference to flow matching |',
  '| --- | --- | --- | --- |',
];
for (const data of args.data.split(',')) {
  const rows = toyRows(data, 100_000, 1);
  const x = tf.tensor2d(rows, [rows.length / 2, 2]);
  const fresh = toyRows(data, N, 1001);
  // Fresh data set k of the `--draws` scores (set 0 is `fresh`).
  const freshSets = Array.from({ length: draws }, (_, k) =>
    k === 0 ? fresh : toyRows(data, N, 1001 + 7919 * k),
  );
  const drawResults = new Map<string, number[]>();
  const other = toyRows(data, N, 2002);
  const floor = energyDistance(other, fresh);
  const freshShares = modeShares(data, fresh);
  const floorShare = worstShareError(modeShares(data, other), freshShares);
  const freshSpread = supportDistance(data, fresh);
  const results = new Map<string, number[]>();
  const tightEds = new Map<string, number[]>();
  const trainedEds = new Map<string, number[]>();
  for (const e of entries) {
    results.set(e.key, []);
    drawResults.set(e.key, []);
    tightEds.set(e.key, []);
    trainedEds.set(e.key, []);
  }
  // Seed by seed, every flow: a run cut short still holds complete pairs.
  for (const seed of seeds) {
    for (const { key, flow: name, fm, batchSize, learningRate, options: entryOptions } of entries) {
      const eds = results.get(key) as number[];
      const options = { ...entryOptions, seed };
      const flow = cliLikeFlow(name, rows, options);
      const loadBefore = load().split(',')[0];
      const cpu0 = cpuSeconds();
      const t0 = performance.now();
      const result = fit(flow, x, {
        batchSize,
        learningRate,
        validationFraction: 0,
        maxSeconds: budget,
        seed,
        ...(args.clock === 'cpu' ? { clock: cpuSeconds } : {}),
      });
      const wall = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds() - cpu0;
      const loadAfter = load().split(',')[0];
      const samples = sampleRows(flow, N, 7 + seed);
      const ed = energyDistance(samples, fresh);
      const shareError = worstShareError(modeShares(data, samples), freshShares);
      const balancedEd = energyDistance(rebalanced(data, samples, freshShares), fresh);
      const spread = supportDistance(data, samples);
      eds.push(ed);
      let drawMean = '';
      if (draws > 1) {
        let sum = ed;
        for (let k = 1; k < draws; k++) {
          sum += energyDistance(sampleRows(flow, N, 7 + seed + 1000 * k), freshSets[k] as Float32Array);
        }
        drawResults.get(key)?.push(sum / draws);
        drawMean = ` ${(sum / draws).toExponential(2)} |`;
      }
      let tight = check ? ' |' : '';
      if (fm && check) {
        const value = energyDistance(tightSamples(flow, rows, options, 7 + seed), fresh);
        tightEds.get(key)?.push(value);
        tight = ` ${value.toExponential(2)} |`;
      }
      let trained = average ? ' |' : '';
      if (fm && average) {
        const value = energyDistance(trainedSamples(flow, rows, options, 7 + seed), fresh);
        trainedEds.get(key)?.push(value);
        trained = ` ${value.toExponential(2)} |`;
      }
      lines.push(
        `| ${data} | ${key} | ${seed} | ${result.steps} | ${wall.toFixed(0)} | ${cpu.toFixed(0)} | ${(1000 * result.secondsPerStep).toFixed(1)} | ${ed.toExponential(2)} |${drawMean}${tight}${trained} ${floor.toExponential(2)} | ${shareError.toFixed(4)} (${floorShare.toFixed(4)}) | ${balancedEd.toExponential(2)} | ${spread.toFixed(4)} (${freshSpread.toFixed(4)}) | ${loadBefore} / ${loadAfter} |`,
      );
      console.error(lines[lines.length - 1]);
      flow.dispose();
    }
  }
  const summarise = (scores: Map<string, number[]>, suffix: string) => {
    for (const [name, eds] of scores) {
      const differences = entries
        .filter((e) => e.key !== name && e.fm && (!fmKeys.includes(name) || e.key === fmKeys[0]))
        .map((e) => `${paired(scores.get(e.key) as number[], eds)} (${e.key} − this)`);
      summary.push(`| ${data} | ${name}${suffix} | ${pm(eds)} | ${differences.join('; ')} |`);
    }
  };
  summarise(results, '');
  if (draws > 1) summarise(drawResults, `, mean of ${draws} draws`);
  for (const key of fmKeys) {
    const fmEds = results.get(key) as number[];
    const tight = tightEds.get(key) as number[];
    const trained = trainedEds.get(key) as number[];
    if (tight.length > 0) {
      summary.push(
        `| ${data} | ${key}, dopri5 1e-6 | ${pm(tight)} | ${paired(fmEds, tight)} (default solver − tight) |`,
      );
    }
    if (trained.length > 0) {
      summary.push(
        `| ${data} | ${key}, trained weights | ${pm(trained)} | ${paired(fmEds, trained)} (average − trained) |`,
      );
    }
  }
  x.dispose();
}
console.log(
  `backend ${args.backend}, ${budget} s budget per flow (${args.clock} clock), seeds ${seeds.join(',')}, ${draws} draw(s), flow-matching options ${JSON.stringify(fmOptions)}` +
    `${args['fm-variants'] ? ` variants ${args['fm-variants']}` : ''}` +
    `${args['fm-lr'] ? ` lr ${args['fm-lr']}` : ''}${args['fm-batch'] ? ` batch ${args['fm-batch']}` : ''}`,
);
console.log(lines.join('\n'));
console.log();
console.log(summary.join('\n'));
