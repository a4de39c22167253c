// A same-process A/B of the train step with another build of the engine's wasm module (e.g. main's:
// `git show REV:packages/engine/src/wasm/mlp-kernels.generated.ts > /tmp/old.ts`) against this tree's:
// the SIMD runtime's kernels are swapped between rounds of `fit` (old build: the weight gradient as
// one direct gemm, as main's mlpBackward made it; this tree: row chunks, contractRows), alternating,
// CPU time per step, on step-workloads' `main` (the main job's flow) and `table16`. Only the module
// and the weight-gradient path differ: the rest of the step is this tree's in both rounds.
// Usage: node tools/bench/run.mjs tools/bench/src/kernel-build-ab.ts --old /tmp/old.ts
//   [--workloads main,table16] [--steps 200] [--rounds 5]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { simdRuntime, type SimdExports } from '@bijective/engine';
import { fit } from '@bijective/train';
import { selectBackend } from './coupling-backends.js';
import { oldKernels } from './old-kernels.js';
import { cpuMs, load } from './process-clock.js';
import { recipe, workload } from './step-workloads.js';

const { values: args } = parseArgs({
  options: {
    old: { type: 'string' },
    workloads: { type: 'string', default: 'main,table16' },
    steps: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '5' },
  },
});
if (!args.old) throw new Error('kernel-build-ab: --old PATH (a mlp-kernels.generated.ts) is required');
await selectBackend('wasm');
tf.env().set('PROD', true);
const found = simdRuntime(tf.backend());
if (!found || found.variant !== 'relaxed')
  throw new Error('kernel-build-ab: the relaxed-SIMD kernels are not running');
const runtime = found;
const builds = {
  old: {
    kernels: oldKernels(args.old, runtime),
    contractRows(M: number, N: number, K: number, a: number, lda: number, b: number, c: number) {
      this.kernels.gemm(M, N, K, a, 1, lda, b, N, c, N, 0, 0, 0);
    },
  },
  new: { kernels: runtime.kernels, contractRows: runtime.contractRows },
};
/** Puts `build`'s kernels (and weight-gradient path) into the runtime the engine uses. */
function use(build: { kernels: SimdExports; contractRows: typeof runtime.contractRows }): void {
  Object.defineProperty(runtime, 'kernels', { value: build.kernels, configurable: true });
  runtime.contractRows = build.contractRows;
}

const steps = Number(args.steps);
console.log(
  `# kernel-build-ab: old ${args.old} against this tree, ${steps} steps x ${args.rounds} rounds; load ${load()}`,
);
console.log(
  '| workload | old ms CPU a step (best, median) | new ms CPU a step (best, median) | old/new (best) | old/new (median) |',
);
console.log('|---|---|---|---|---|');
for (const key of args.workloads.split(',')) {
  const { flow, data, batchSize } = workload(key);
  const times: Record<'old' | 'new', number[]> = { old: [], new: [] };
  for (const name of ['old', 'new'] as const) {
    use(builds[name]);
    fit(flow, data, { ...recipe, batchSize, steps: 20 });
  }
  for (let round = 0; round < Number(args.rounds); round++)
    for (const name of round % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const)) {
      use(builds[name]);
      const t = cpuMs();
      fit(flow, data, { ...recipe, batchSize, steps });
      times[name].push((cpuMs() - t) / steps);
    }
  use(builds.new);
  const best = (v: number[]) => Math.min(...v);
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
  const [o, n] = [times.old, times.new];
  console.log(
    `| ${key} | ${best(o).toFixed(3)}, ${median(o).toFixed(3)} | ${best(n).toFixed(3)}, ${median(n).toFixed(3)} | ${(best(o) / best(n)).toFixed(3)}x | ${(median(o) / median(n)).toFixed(3)}x |`,
  );
  flow.dispose();
  data.dispose();
}
console.log(`# load at end ${load()}`);
