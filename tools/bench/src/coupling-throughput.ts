// Train-step, log-density and sampling throughput of NICE and RealNVP on tfjs cpu and wasm, side by
// side with the PyTorch reference of the same architecture (tools/bench/reference/coupling.py).
// Usage: node tools/bench/run.mjs tools/bench/src/coupling-throughput.ts [--backends cpu,wasm]
//   [--flows nice,realnvp] [--batches 256,1024] [--dims 2] [--hidden 64,64] [--nice-layers 4]
//   [--realnvp-layers 8] [--rounds 3] [--windows 5] [--window-seconds 0.25] [--warmup-seconds 0.5] [--clock wall|cpu]
//   [--python PATH] [--no-reference] [--json]
// Each round measures torch, then every tfjs backend, per workload; each measurement is the median
// of timed windows. The table shows each backend's best round and, in parentheses, the median of the
// per-round ratios to torch.
import { parseArgs } from 'node:util';
import { measureRounds } from './coupling-rounds.js';
import { markdownTable } from './coupling-table.js';
import type { TimingOptions } from './coupling-timing.js';
import type { Workload } from './coupling-workloads.js';

const { values: args } = parseArgs({
  options: {
    backends: { type: 'string', default: 'cpu,wasm' },
    flows: { type: 'string', default: 'nice,realnvp' },
    batches: { type: 'string', default: '256,1024' },
    dims: { type: 'string', default: '2' },
    hidden: { type: 'string', default: '64,64' },
    'nice-layers': { type: 'string', default: '4' },
    'realnvp-layers': { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    windows: { type: 'string', default: '5' },
    'window-seconds': { type: 'string', default: '0.25' },
    'warmup-seconds': { type: 'string', default: '0.5' },
    clock: { type: 'string', default: 'wall' },
    python: { type: 'string' },
    'no-reference': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

const list = (s: string) => s.split(',').filter((v) => v !== '');
const timing: TimingOptions = {
  warmupSeconds: Number(args['warmup-seconds']),
  windows: Number(args.windows),
  windowSeconds: Number(args['window-seconds']),
  clock: args.clock === 'cpu' ? 'cpu' : 'wall',
};
const workloads: Workload[] = list(args.flows).flatMap((flow) =>
  list(args.batches).map((batch) => ({
    flow: flow as Workload['flow'],
    dims: Number(args.dims),
    layers: Number(flow === 'nice' ? args['nice-layers'] : args['realnvp-layers']),
    hidden: list(args.hidden).map(Number),
    batch: Number(batch),
  })),
);
const results = await measureRounds({
  tool: 'coupling-throughput',
  workloads,
  backends: list(args.backends),
  rounds: Number(args.rounds),
  timing,
  ...(args.python ? { python: args.python } : {}),
  noReference: args['no-reference'],
});
if (args.json) for (const m of results) console.log(JSON.stringify(m));
else console.log(markdownTable(results));
