// MAF's training step on wasm with its MADE kernels packed for the ranged products (hidden units
// sorted by degree, each product summed only where the masks let a kernel be non-zero) against the
// same flow with the packing off (masked copies in θ's order, full products), interleaved in one
// process: CPU µs of one gradient step of −mean log p (forward and backward, the optimiser
// excluded), best of 5 windows per round, 5 transforms of 64,64 on a standard normal.
// Usage: node tools/bench/run.mjs tools/bench/src/maf-step.ts [--dims 2,16] [--batch 256,512]
//   [--seconds 2] [--rounds 3] [--order reverse]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { Flow, StandardNormal, createByName, type Bijector } from '@bijective/core';
import { useMaskedPacking } from '@bijective/engine';
import '@bijective/engine/gradients';
import '@bijective/autoregressive';
import { selectBackend } from './coupling-backends.js';
import { bestCpuMicroseconds, load } from './process-clock.js';

const { values: args } = parseArgs({
  options: {
    dims: { type: 'string', default: '2,16' },
    batch: { type: 'string', default: '256,512' },
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    order: { type: 'string', default: 'reverse' },
  },
});

await selectBackend('wasm');
tf.env().set('PROD', true);
const dims = args.dims.split(',').map(Number);
const batches = args.batch.split(',').map(Number);
console.log(`# maf-step: ${args.rounds} rounds, order ${args.order}; load ${load()}`);
console.log('| d | batch | packed µs | full µs | full / packed |');
console.log('|---|---|---|---|---|');
dims.forEach((d, i) => {
  const n = batches[i] ?? (batches[0] as number);
  const x = tf.randomNormal([n, d], 0, 1, 'float32', 1) as tf.Tensor2D;
  const step = (flow: Flow) => () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.neg(tf.mean(flow.logProb(x, { training: true }))) as tf.Scalar,
        [...flow.trainableVariables],
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
  // The packing is fixed when a flow first runs on wasm (its plans are built then).
  const make = (packed: boolean): Flow => {
    useMaskedPacking(packed);
    const maf = createByName('bijector', 'maf', {
      eventShape: [d],
      layers: 5,
      hidden: [64, 64],
      order: args.order,
      identityInit: false,
      seed: 1,
    }) as Bijector;
    const flow = new Flow(new StandardNormal({ eventShape: [d] }), maf);
    step(flow)();
    useMaskedPacking(true);
    return flow;
  };
  const flows = { packed: make(true), full: make(false) };
  const best = { packed: Infinity, full: Infinity };
  for (let r = 0; r < Number(args.rounds); r++)
    for (const key of ['packed', 'full'] as const)
      best[key] = Math.min(best[key], bestCpuMicroseconds(step(flows[key]), Number(args.seconds), 5));
  console.log(
    `| ${d} | ${n} | ${best.packed.toFixed(0)} | ${best.full.toFixed(0)} | ${(best.full / best.packed).toFixed(2)}x |`,
  );
  flows.packed.dispose();
  flows.full.dispose();
  x.dispose();
});
console.log(`# load at end ${load()}`);
