// Where the time inside the engine's wasm module goes in a training step, by export and call shape:
// each export of the SIMD runtime is wrapped by a timer (performance.now around the call: wall clock,
// so read it at low load; the process's CPU clock costs a system call, several µs, too much for
// calls of a few µs) while `fit` runs the CLI's recipe (Adam at lr 4e-3,
// cosine, no validation) on two workloads: `main` (RealNVP, 12 couplings of 2x64 on 2-D moons at
// batch 256 on a gaussian-mixture base: the main job's flow) and `table16` (RealNVP, 5 couplings of
// 2x64 at batch 512 on cli-loop-speed's 16-D table, standardised, on a standard normal base; without
// the CLI's sinh-arcsinh marginal layer). Prints, per workload, the step's CPU time, the share of it
// spent inside the module, and the calls by export and (M, N, K) for the products (µs a step, calls).
// V8's CPU profile names the module's functions only by index (the build strips the name section),
// which is why the wrapper times them here by name.
// Usage: node tools/bench/run.mjs tools/bench/src/wasm-call-profile.ts [--workloads main,table16]
//   [--steps 300] [--top 16]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { simdRuntime } from '@bijective/engine';
import { fit, meanNegLogProb } from '@bijective/train';
import { selectBackend } from './coupling-backends.js';
import { timeModuleExports } from './module-timers.js';
import { cpuMs, load } from './process-clock.js';
import { recipe, workload } from './step-workloads.js';

const { values: args } = parseArgs({
  options: {
    workloads: { type: 'string', default: 'main,table16' },
    steps: { type: 'string', default: '300' },
    top: { type: 'string', default: '16' },
  },
});
await selectBackend('wasm');
tf.env().set('PROD', true);
const runtime = simdRuntime(tf.backend());
if (!runtime) throw new Error('wasm-call-profile: the engine wasm SIMD kernels are not available');

const calls = timeModuleExports(runtime);

const steps = Number(args.steps);
console.log(`# wasm-call-profile: ${steps} steps a workload; load ${load()}`);
for (const key of args.workloads.split(',')) {
  const { flow, data, batchSize } = workload(key);
  fit(flow, data, { ...recipe, batchSize, steps: 20 });
  calls.clear();
  const t = cpuMs();
  fit(flow, data, { ...recipe, batchSize, steps });
  const stepMs = (cpuMs() - t) / steps;
  const rows = [...calls].sort((a, b) => b[1].ms - a[1].ms);
  const inModule = rows.reduce((s, [, v]) => s + v.ms, 0) / steps;
  console.log(
    `\n## ${key}: step ${stepMs.toFixed(3)} ms CPU, ${inModule.toFixed(3)} ms a step in the module (${((100 * inModule) / stepMs).toFixed(0)} %); load ${load()}`,
  );
  console.log('| export (M, N, K) | calls a step | µs a step | share of step |');
  console.log('|---|---|---|---|');
  for (const [name, v] of rows.slice(0, Number(args.top)))
    console.log(
      `| ${name} | ${(v.n / steps).toFixed(1)} | ${((1000 * v.ms) / steps).toFixed(1)} | ${((100 * v.ms) / steps / stepMs).toFixed(1)} % |`,
    );
  calls.clear();
  const rows20k = tf.slice(data, 0, 20_000);
  const v = cpuMs();
  meanNegLogProb(flow, rows20k);
  const passMs = cpuMs() - v;
  const byCall = [...calls].sort((a, b) => b[1].ms - a[1].ms);
  const passInModule = byCall.reduce((s, [, c]) => s + c.ms, 0);
  console.log(
    `\nvalidation pass over 20000 rows: ${passMs.toFixed(1)} ms CPU, ${passInModule.toFixed(1)} ms in the module`,
  );
  console.log('| export (M, N, K) | calls | µs | share of pass |');
  console.log('|---|---|---|---|');
  for (const [name, c] of byCall.slice(0, 8))
    console.log(
      `| ${name} | ${c.n} | ${(1000 * c.ms).toFixed(0)} | ${((100 * c.ms) / passMs).toFixed(1)} % |`,
    );
  rows20k.dispose();
  flow.dispose();
  data.dispose();
}
