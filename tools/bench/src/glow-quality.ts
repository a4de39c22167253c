// Bits/dim against minutes of the pinned Glow architecture (issue #16) on 28x28 Fashion-MNIST, on the
// wasm backend, with the PyTorch reference trained for the same wall-clock budget (one thread).
// Usage: node tools/bench/run.mjs tools/bench/src/glow-quality.ts [--seconds 600] [--test-rows 2000] [--torch]
//   [--hidden 64] [--batch 64] [--lr 1e-3] [--warmup 0] [--split-prior standard|learned] [--steps-per-level 6]
//   [--validate-every 100] [--schedule constant|cosine] [--clock wall|cpu]
// The defaults are the pinned architecture and training of issue #16. `--clock cpu` spends `--seconds` of
// this process's CPU time (user + system) instead of wall-clock time, for a shared machine; `--schedule
// cosine` anneals the learning rate to 0 over that budget (fit's time horizon).
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import '@bijective/backend-wasm';
import { useBackend } from '@bijective/core';
import { bitsPerDim, dequantise } from '@bijective/datasets';
import { loadFashionMnist } from '@bijective/datasets/node';
import { fit, logProbInBatches } from '@bijective/train';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Flow, StandardNormal } from '@bijective/core';
import { Glow } from '@bijective/glow';
import { findPython } from './python.js';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] as string) : fallback;
};
const seconds = Number(arg('seconds', '600'));
const testRows = Number(arg('test-rows', '2000'));
const hidden = Number(arg('hidden', '64'));
const batchSize = Number(arg('batch', '64'));
const learningRate = Number(arg('lr', '1e-3'));
const warmupSteps = Number(arg('warmup', '0'));
const splitPrior = arg('split-prior', 'standard') as 'standard' | 'learned';
const stepsPerLevel = Number(arg('steps-per-level', '6'));
const validateEvery = Number(arg('validate-every', '100'));
const schedule = arg('schedule', 'constant') as 'constant' | 'cosine';
const clockName = arg('clock', 'wall');
if (clockName !== 'wall' && clockName !== 'cpu')
  throw new Error(`--clock must be wall or cpu, got ${clockName}`);
/** Seconds of this process's CPU time (user + system). */
const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const DIMS = 784;

await useBackend('wasm');
const train = loadFashionMnist('train');
const test = loadFashionMnist('test');
const x = tf.tensor2d(dequantise(train.data, 1), [train.rows, DIMS]);
const validation = tf.tensor2d(dequantise(train.data.subarray(0, 1000 * DIMS), 2), [1000, DIMS]);
const glow = new Glow({
  imageShape: [28, 28, 1],
  levels: 2,
  stepsPerLevel,
  hiddenChannels: hidden,
  splitPrior,
  logitAlpha: 0.05,
  seed: 0,
});
const flow = new Flow(new StandardNormal({ eventShape: [...glow.eventShape] }), glow);
console.error(
  `hidden ${hidden}, batch ${batchSize}, lr ${learningRate} (${schedule}), warm-up ${warmupSteps} steps, split prior ${splitPrior}, ${stepsPerLevel} steps per level, budget ${seconds} s of ${clockName === 'cpu' ? 'CPU' : 'wall-clock'} time`,
);
const cpuStart = process.cpuUsage();
/** Bits/dim of 8-bit data: the NLL of y = (x + u)/256 plus 784·ln 256, over 784·ln 2. */
const bpd = (nll: number) => bitsPerDim(nll + DIMS * Math.log(256), DIMS);
const started = performance.now();
const curve: { minutes: number; cpuMinutes: number; step: number; valBpd: number }[] = [];
let nonFinite = 0;
const result = fit(flow, x, {
  // A constant rate needs no horizon; cosine anneals over the time budget (no step count).
  ...(schedule === 'constant' ? { steps: 1_000_000 } : {}),
  batchSize,
  learningRate,
  warmupSteps,
  schedule,
  ...(clockName === 'cpu' ? { clock: cpuSeconds } : {}),
  validationData: validation,
  validationEvery: validateEvery,
  patience: Infinity,
  maxSeconds: seconds,
  onProgress: (p) => {
    if (!Number.isFinite(p.loss)) nonFinite += 1;
    if (p.validationNll !== undefined) {
      const cpu = process.cpuUsage(cpuStart);
      curve.push({
        minutes: (performance.now() - started) / 60_000,
        cpuMinutes: (cpu.user + cpu.system) / 60e6,
        step: p.step,
        valBpd: bpd(p.validationNll),
      });
      const last = curve[curve.length - 1];
      console.error(
        `step ${p.step}: ${last?.minutes.toFixed(1)} min (${last?.cpuMinutes.toFixed(1)} CPU min), validation ${last?.valBpd.toFixed(3)} bits/dim, lr ${p.learningRate.toExponential(2)}; load ${loadavg()[0]?.toFixed(1)}`,
      );
    }
  },
});
const testX = tf.tensor2d(dequantise(test.data.subarray(0, testRows * DIMS), 3), [testRows, DIMS]);
const logp = logProbInBatches(flow, testX, { batchSize: 250 });
const testNll = -logp.reduce((a, b) => a + b, 0) / logp.length;
const finite = logp.every(Number.isFinite);
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; budget ${seconds} s`,
);
console.log(
  `bijective glow (wasm): ${result.steps} steps, ${(1 / result.secondsPerStep).toFixed(3)} steps/s, stop ${result.stopReason}, test bits/dim ${bpd(testNll).toFixed(3)} on ${testRows} test images (all finite: ${finite}); ${(cpuSeconds() / 60).toFixed(1)} CPU minutes in all; best validation at step ${result.bestStep}; non-finite training losses: ${nonFinite}`,
);
console.log('| minutes | CPU minutes | step | validation bits/dim |');
console.log('|---|---|---|---|');
for (const c of curve)
  console.log(
    `| ${c.minutes.toFixed(1)} | ${c.cpuMinutes.toFixed(1)} | ${c.step} | ${c.valBpd.toFixed(3)} |`,
  );
const python = argv.includes('--torch') ? findPython('torch') : null;
if (python) {
  const script = resolve(import.meta.dirname ?? '.', '..', 'reference', 'glow_reference.py');
  const run = spawnSync(python, [script, '--steps', '1', '--seconds', String(seconds), '--eval'], {
    encoding: 'utf8',
  });
  console.log(
    `PyTorch 1 thread, same budget: ${run.stdout.trim()} (load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
}
