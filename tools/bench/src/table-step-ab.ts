// A same-process A/B of the one-thread training step on cli-loop-speed's 16-D table (step-workloads'
// `table16`: RealNVP, `table16maf`: MAF; 5 layers of 2x64, batch 512, standard normal base, the
// CLI's Adam recipe without validation): `fit` rounds alternate between the step as it runs now
// and the step without this tree's table shortcuts (the training loss on the standard normal as one
// wasm kernel, the affine map's saves for its backward pass, a coupling's compact first product),
// on the same flow and data. CPU time of the process per step, best round of each side, and their
// ratio; the two sides give the same numbers to float32 rounding.
// Usage: node tools/bench/run.mjs tools/bench/src/table-step-ab.ts [--workloads table16,table16maf]
//   [--steps 150] [--rounds 6]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { Flow, type BaseDistribution } from '@bijective/core';
import { useTrainingShortcuts } from '@bijective/engine';
import { fit } from '@bijective/train';
import { selectBackend } from './coupling-backends.js';
import { cpuMs, load } from './process-clock.js';
import { recipe, workload } from './step-workloads.js';

const { values: args } = parseArgs({
  options: {
    workloads: { type: 'string', default: 'table16,table16maf' },
    steps: { type: 'string', default: '150' },
    rounds: { type: 'string', default: '6' },
  },
});
await selectBackend('wasm');
tf.env().set('PROD', true);
const steps = Number(args.steps);

/** The same base without its one-kernel loss: `Flow.trainingLoss` then runs the ops one by one. */
function withoutFusedLoss(base: BaseDistribution): BaseDistribution {
  return Object.create(base, { negMeanLogProb: { value: undefined } }) as BaseDistribution;
}

console.log(`# table-step-ab: ${steps} steps a round, ${args.rounds} rounds a side; load ${load()}`);
console.log(
  '| workload | now: ms CPU a step (best, median) | before: ms CPU a step (best, median) | before / now (best) | load |',
);
console.log('|---|---|---|---|---|');
for (const key of args.workloads.split(',')) {
  const { flow, data, batchSize } = workload(key);
  const sides = {
    now: { flow, shortcuts: true, ms: [] as number[] },
    before: {
      flow: new Flow(withoutFusedLoss(flow.base), flow.bijector),
      shortcuts: false,
      ms: [] as number[],
    },
  };
  fit(flow, data, { ...recipe, batchSize, steps: 20 });
  for (let r = 0; r < Number(args.rounds); r++)
    for (const side of r % 2 === 0 ? [sides.now, sides.before] : [sides.before, sides.now]) {
      useTrainingShortcuts(side.shortcuts);
      const t = cpuMs();
      fit(side.flow, data, { ...recipe, batchSize, steps });
      side.ms.push((cpuMs() - t) / steps);
    }
  useTrainingShortcuts(true);
  const best = (ms: number[]) => Math.min(...ms);
  const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)] as number;
  const cell = (ms: number[]) => `${best(ms).toFixed(3)}, ${median(ms).toFixed(3)}`;
  console.log(
    `| ${key} | ${cell(sides.now.ms)} | ${cell(sides.before.ms)} | ${(best(sides.before.ms) / best(sides.now.ms)).toFixed(2)}x | ${load()} |`,
  );
  flow.dispose();
  data.dispose();
}
