// Train-step, log-density and sampling throughput of MAF and NSF on tfjs cpu and wasm, side by side
// with the PyTorch references of the same architectures (tools/bench/reference/flows.py), plus an
// affine coupling flow of NSF's size (RealNVP, 4 couplings) for NSF's cost per step.
// Usage: node tools/bench/run.mjs tools/bench/src/flows-throughput.ts [--backends cpu,wasm]
//   [--flows maf,nsf,nsf-ar,realnvp] [--batches 256] [--hidden 64,64] [--maf-layers 5] [--nsf-layers 4]
//   [--nsf-ar-layers 5] [--realnvp-layers 4] [--rounds 3] [--windows 5] [--window-seconds 0.25] [--warmup-seconds 0.5] [--clock wall|cpu]
//   [--python PATH] [--no-reference] [--json] [--pairs 10]
// Same round protocol as coupling-throughput.ts: each round measures torch, then every tfjs backend,
// per workload; the table shows best rounds and, in parentheses, the median per-round ratio. Each
// spline flow's step time over its affine flow's is then also measured in --pairs interleaved
// windows on each tfjs backend (both flows built side by side), which cancels drifts in machine speed.
import { parseArgs } from 'node:util';
import '@bijective/autoregressive';
import '@bijective/spline';
import { selectBackend } from './coupling-backends.js';
import { measureRounds } from './coupling-rounds.js';
import { best, markdownTable } from './coupling-table.js';
import { interleavedRatios, type TimingOptions } from './coupling-timing.js';
import { workloadSession, type Workload } from './coupling-workloads.js';

const { values: args } = parseArgs({
  options: {
    backends: { type: 'string', default: 'cpu,wasm' },
    flows: { type: 'string', default: 'maf,nsf,nsf-ar,realnvp' },
    batches: { type: 'string', default: '256' },
    hidden: { type: 'string', default: '64,64' },
    'maf-layers': { type: 'string', default: '5' },
    'nsf-layers': { type: 'string', default: '4' },
    'nsf-ar-layers': { type: 'string', default: '5' },
    'realnvp-layers': { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    windows: { type: 'string', default: '5' },
    'window-seconds': { type: 'string', default: '0.25' },
    'warmup-seconds': { type: 'string', default: '0.5' },
    clock: { type: 'string', default: 'wall' },
    python: { type: 'string' },
    'no-reference': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    pairs: { type: 'string', default: '10' },
  },
});

const list = (s: string) => s.split(',').filter((v) => v !== '');
const timing: TimingOptions = {
  warmupSeconds: Number(args['warmup-seconds']),
  windows: Number(args.windows),
  windowSeconds: Number(args['window-seconds']),
  clock: args.clock === 'cpu' ? 'cpu' : 'wall',
};
const layerOption = {
  maf: 'maf-layers',
  nsf: 'nsf-layers',
  'nsf-ar': 'nsf-ar-layers',
  realnvp: 'realnvp-layers',
} as const;
const workloads: Workload[] = list(args.flows).flatMap((flow) => {
  const option = layerOption[flow as keyof typeof layerOption];
  if (!option) throw new Error(`flows-throughput: unknown flow '${flow}'; known: maf, nsf, nsf-ar, realnvp`);
  return list(args.batches).map((batch) => ({
    flow: flow as Workload['flow'],
    dims: 2,
    layers: Number(args[option]),
    hidden: list(args.hidden).map(Number),
    batch: Number(batch),
  }));
});
const results = await measureRounds({
  tool: 'flows-throughput',
  workloads,
  backends: list(args.backends),
  rounds: Number(args.rounds),
  timing,
  ...(args.python ? { python: args.python } : {}),
  noReference: args['no-reference'],
});
if (args.json) for (const m of results) console.log(JSON.stringify(m));
else console.log(markdownTable(results));

// Each spline flow's train-step time relative to the affine flow of the same kind (issue target:
// <= 1.6x): nsf (spline couplings) against realnvp, nsf-ar (autoregressive splines) against maf, on
// the same backend and batch: best round against best round, and the median over rounds of the
// per-round ratio.
const affineOf = { nsf: 'realnvp', 'nsf-ar': 'maf' } as const;
for (const spline of results.filter((m) => m.workload.flow === 'nsf' || m.workload.flow === 'nsf-ar')) {
  const kind = affineOf[spline.workload.flow as keyof typeof affineOf];
  for (const affine of results.filter(
    (m) =>
      m.backend === spline.backend && m.workload.batch === spline.workload.batch && m.workload.flow === kind,
  )) {
    const metric = 'trainStepsPerSecond';
    const perRound = spline.rounds
      .map((r, i) => (affine.rounds[i] as (typeof affine.rounds)[number])[metric] / r[metric])
      .sort((a, b) => a - b);
    const median = perRound[Math.floor(perRound.length / 2)] as number;
    const ratio = best(affine, metric) / best(spline, metric);
    let interleaved = '';
    if (spline.backend !== 'torch' && Number(args.pairs) > 0) {
      await selectBackend(spline.backend);
      const affineSession = workloadSession(affine.workload);
      const splineSession = workloadSession(spline.workload);
      const ratios = interleavedRatios(
        () => affineSession.trainStep(),
        () => splineSession.trainStep(),
        timing,
        Number(args.pairs),
      );
      affineSession.dispose();
      splineSession.dispose();
      const mid = ratios[Math.floor(ratios.length / 2)] as number;
      interleaved = `; interleaved windows: median ${mid.toFixed(2)}x (${(ratios[0] as number).toFixed(2)}-${(ratios.at(-1) as number).toFixed(2)}x over ${ratios.length} pairs)`;
    }
    console.log(
      `${spline.workload.flow} (${spline.workload.layers} layers) step time / ${kind} (${affine.workload.layers} layers), ${spline.backend}, batch ${spline.workload.batch}: ${ratio.toFixed(2)}x (median per round ${median.toFixed(2)}x)${interleaved}`,
    );
  }
}
