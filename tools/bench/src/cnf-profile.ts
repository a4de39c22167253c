// Kernel census of one FFJORD training step with a fixed-step solver (the throughput bench's rk4-8
// workload: concat-squash 2 -> 64 -> 64 -> 64 -> 2, batch 256, Hutchinson trace, backpropagation,
// Adam): tfjs's own profiler counts the kernels each step launches and the time per kernel name, so
// that the solver's state arithmetic, the CNF bookkeeping and the optimiser show apart from the field.
// Usage: node tools/bench/run.mjs tools/bench/src/cnf-profile.ts [--backend wasm|wasm-xnnpack|cpu]
//   [--solver rk4] [--steps 8] [--top 25] [--timed-steps 20]
// `wasm-xnnpack`: the wasm backend with the engine's own SIMD kernels switched off (tfjs's kernels).
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { useBackend } from '@bijective/core';
import { useWasmSimdKernels } from '@bijective/engine';
import '@bijective/backend-wasm';
import '@bijective/backend-cpu';
import { fieldSession, trainSession, type CnfWorkload } from './cnf-workloads.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    solver: { type: 'string', default: 'rk4' },
    steps: { type: 'string', default: '8' },
    top: { type: 'string', default: '25' },
    'timed-steps': { type: 'string', default: '20' },
  },
});
useWasmSimdKernels(args.backend !== 'wasm-xnnpack');
await useBackend(args.backend === 'wasm-xnnpack' ? 'wasm' : (args.backend as 'wasm' | 'cpu'));
const workload: CnfWorkload = { dims: 2, hidden: [64, 64, 64], batch: 256 };
const session = trainSession(workload, {
  solver: args.solver as 'rk4',
  solverOptions: { steps: Number(args.steps) },
});
for (let i = 0; i < 3; i++) session.step(); // warm up
const field = fieldSession(workload);
field.forwardBackward();

/** Kernels launched by `fn`, by name: count and kernel milliseconds. */
async function census(fn: () => void): Promise<Map<string, { count: number; ms: number }>> {
  const info = await tf.profile(fn);
  const byName = new Map<string, { count: number; ms: number }>();
  for (const k of info.kernels) {
    const entry = byName.get(k.name) ?? { count: 0, ms: 0 };
    entry.count += 1;
    entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byName.set(k.name, entry);
  }
  return byName;
}
const sum = (m: Map<string, { count: number; ms: number }>) =>
  [...m.values()].reduce((a, b) => ({ count: a.count + b.count, ms: a.ms + b.ms }), { count: 0, ms: 0 });

const step = await census(() => session.step());
const one = await census(() => field.forwardBackward());
const evaluations = 8 * 4; // rk4, 8 steps: the field's evaluations per solve
const total = sum(step);
const fieldTotal = sum(one);
console.log(
  `kernels per training step: ${total.count} (kernel time ${total.ms.toFixed(1)} ms); one field evaluation with its trace, forward + backward: ${fieldTotal.count} kernels (${fieldTotal.ms.toFixed(2)} ms), x ${evaluations} = ${fieldTotal.count * evaluations}`,
);
console.log('| kernel | per step | ms | share | of which the field (x evaluations) |');
console.log('| --- | --- | --- | --- | --- |');
const rows = [...step.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, Number(args.top));
for (const [name, { count, ms }] of rows) {
  const inField = (one.get(name)?.count ?? 0) * evaluations;
  console.log(
    `| ${name} | ${count} | ${ms.toFixed(2)} | ${((100 * ms) / total.ms).toFixed(1)}% | ${inField} |`,
  );
}
field.dispose();
// Process CPU time per unprofiled step (single-threaded wasm: what an idle core would take).
const cpu0 = process.cpuUsage();
const timed = Number(args['timed-steps']);
for (let i = 0; i < timed; i++) session.step();
const cpu1 = process.cpuUsage(cpu0);
console.log(
  `CPU ms per step (${timed} steps, unprofiled): ${((cpu1.user + cpu1.system) / 1000 / timed).toFixed(1)}`,
);
session.dispose();
