// Glow training speed (issue #16's pinned architecture) on the wasm and cpu backends against the
// PyTorch reference (tools/bench/reference/glow_reference.py, one thread): 28x28 Fashion-MNIST,
// logit alpha 0.05, 2 levels x 6 steps, 64 hidden channels, sigmoid(s + 2) scales, split latents
// under a standard normal, batch 64, Adam 1e-3.
// The wasm row runs the engine's own SIMD kernels for the coupling networks; --xnnpack-steps N adds a
// row with them switched off (tfjs's XNNPACK convolutions), measured in the same job.
// Usage: node tools/bench/run.mjs tools/bench/src/glow-speed.ts [--steps 10] [--xnnpack-steps 0] [--cpu-steps 1] [--torch-steps 20] [--python P]
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import '@bijective/backend-cpu';
import '@bijective/backend-wasm';
import { useBackend } from '@bijective/core';
import { useWasmSimdKernels } from '@bijective/engine';
import { dequantise } from '@bijective/datasets';
import { loadFashionMnist } from '@bijective/datasets/node';
import { fit } from '@bijective/train';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { findPython } from './python.js';
import { pinnedGlow } from './glow-speed-model.js';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] as string) : fallback;
};
const steps = Number(arg('steps', '10'));
const cpuSteps = Number(arg('cpu-steps', '1'));
const xnnpackSteps = Number(arg('xnnpack-steps', '0'));
const torchSteps = Number(arg('torch-steps', '20'));

const train = loadFashionMnist('train');
const rows = 4096;
const data = dequantise(train.data.subarray(0, rows * 784), 1);

/** Steps per wall-clock second and per second of this process's CPU time (less sensitive to a shared machine's load). */
function measure(backend: string, n: number): { wall: number; cpu: number } {
  const flow = pinnedGlow();
  const x = tf.tensor2d(data, [rows, 784]);
  const options = { batchSize: 64, learningRate: 1e-3, validationFraction: 0, schedule: 'constant' as const };
  fit(flow, x, { ...options, steps: 1 }); // actnorm initialisation, kernel warm-up
  const cpuStart = process.cpuUsage();
  const result = fit(flow, x, { ...options, steps: n });
  const cpu = process.cpuUsage(cpuStart);
  const leaks = tf.memory().numTensors;
  fit(flow, x, { ...options, steps: 1 });
  if (tf.memory().numTensors !== leaks) throw new Error(`${backend}: tensors leaked across fit steps`);
  x.dispose();
  flow.dispose();
  return { wall: 1 / result.secondsPerStep, cpu: n / ((cpu.user + cpu.system) / 1e6) };
}

const table: { name: string; stepsPerSecond: number; stepsPerCpuSecond: number }[] = [];
for (const [label, backend, n, simd] of [
  ['wasm', 'wasm', steps, true],
  ['wasm, XNNPACK convolutions', 'wasm', xnnpackSteps, false],
  ['cpu', 'cpu', cpuSteps, true],
] as const) {
  if (n <= 0) continue;
  await useBackend(backend);
  useWasmSimdKernels(simd);
  const m = measure(label, n);
  useWasmSimdKernels(true);
  table.push({ name: `bijective glow (${label})`, stepsPerSecond: m.wall, stepsPerCpuSecond: m.cpu });
  console.error(`${label}: ${m.wall.toFixed(3)} steps/s, ${m.cpu.toFixed(3)} steps per CPU second`);
}
const python = findPython('torch', argv.includes('--python') ? arg('python', '') : undefined);
if (python && torchSteps > 0) {
  const script = resolve(import.meta.dirname ?? '.', '..', 'reference', 'glow_reference.py');
  const run = spawnSync(python, [script, '--steps', String(torchSteps)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`reference failed: ${run.stderr}`);
  const ref = JSON.parse(run.stdout.trim().split('\n').pop() as string) as {
    stepsPerSecond: number;
    stepsPerCpuSecond: number;
  };
  table.push({
    name: 'PyTorch 1 thread',
    stepsPerSecond: ref.stepsPerSecond,
    stepsPerCpuSecond: ref.stepsPerCpuSecond,
  });
}
const torchRow = table.find((t) => t.name.startsWith('PyTorch'));
const torch = torchRow?.stepsPerSecond;
const torchCpu = torchRow?.stepsPerCpuSecond;
const cpu = table.find((t) => t.name.includes('(cpu)'))?.stepsPerSecond;
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${steps} wasm / ${xnnpackSteps} wasm-XNNPACK / ${cpuSteps} cpu / ${torchSteps} torch steps`,
);
console.log(
  '| implementation | steps/s | vs PyTorch | steps per CPU second | vs PyTorch (CPU time) | vs cpu backend |',
);
console.log('|---|---|---|---|---|---|');
for (const t of table) {
  const vsTorch = torch ? (t.stepsPerSecond / torch).toFixed(2) : 'n/a';
  const vsTorchCpu = torchCpu ? (t.stepsPerCpuSecond / torchCpu).toFixed(2) : 'n/a';
  const vsCpu = cpu ? (t.stepsPerSecond / cpu).toFixed(1) : 'n/a';
  console.log(
    `| ${t.name} | ${t.stepsPerSecond.toFixed(3)} | ${vsTorch} | ${t.stepsPerCpuSecond.toFixed(3)} | ${vsTorchCpu} | ${vsCpu} |`,
  );
}
