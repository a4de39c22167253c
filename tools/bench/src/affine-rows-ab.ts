// The affine map of fewer than four columns with four rows per vector (the engine's row maps)
// against one row's columns per vector (as before), in one process: `Flow.sample`, `Flow.logProb`
// and a training step of RealNVP and MAF on 2-D data (batch 256, hidden 64,64, standard normal
// base, wasm), the two settings alternating window by window, best window per setting by process
// CPU time (so that the load of a shared machine moves both alike).
// Usage: node tools/bench/run.mjs tools/bench/src/affine-rows-ab.ts [--flows realnvp,maf]
//   [--layers 4] [--windows 16] [--calls 100]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { Flow, StandardNormal, create, type Bijector } from '@bijective/core';
import { useWasmRowMaps } from '@bijective/engine';
import { Adam } from '@bijective/train';
import '@bijective/coupling';
import '@bijective/autoregressive';
import { selectBackend } from './coupling-backends.js';
import { cpuMs as cpu, load } from './process-clock.js';

const { values: args } = parseArgs({
  options: {
    flows: { type: 'string', default: 'realnvp,maf' },
    layers: { type: 'string', default: '4' },
    windows: { type: 'string', default: '16' },
    calls: { type: 'string', default: '100' },
  },
});
await selectBackend('wasm');
const calls = Number(args.calls);
console.log(`# affine-rows-ab: ${args.windows} windows of ${calls} calls per setting; load ${load()}`);
console.log('| flow | call | rows per vector: µs (best) | columns per vector: µs (best) | speed-up |');
console.log('|---|---|---|---|---|');
for (const name of args.flows.split(',')) {
  const flow = new Flow(
    new StandardNormal({ eventShape: [2] }),
    create('bijector', name as 'realnvp', {
      eventShape: [2],
      layers: Number(args.layers),
      hidden: [64, 64],
      seed: 0,
    }) as Bijector,
  );
  const x = tf.randomNormal([256, 2], 0, 1, 'float32', 3);
  const adam = new Adam();
  const trainable = flow.trainableVariables as tf.Variable[];
  const work: Record<string, () => void> = {
    sample: () => tf.tidy(() => void flow.sample(256).dataSync()),
    logProb: () => tf.tidy(() => void flow.logProb(x).dataSync()),
    'train step': () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => tf.neg(tf.mean(flow.logProb(x))) as tf.Scalar,
          trainable,
        );
        adam.apply(trainable, grads, 1e-4);
        value.dataSync();
      }),
  };
  const best = new Map<string, number>();
  for (let w = 0; w < Number(args.windows); w++)
    for (const rows of [true, false])
      for (const [call, f] of Object.entries(work)) {
        useWasmRowMaps(rows);
        for (let i = 0; i < 5; i++) f();
        const started = cpu();
        for (let i = 0; i < calls; i++) f();
        const key = `${call}:${rows}`;
        best.set(key, Math.min(best.get(key) ?? Infinity, ((cpu() - started) / calls) * 1000));
      }
  useWasmRowMaps(true);
  for (const call of Object.keys(work)) {
    const [rows, columns] = [best.get(`${call}:true`) as number, best.get(`${call}:false`) as number];
    console.log(
      `| ${name}-${args.layers} | ${call} | ${rows.toFixed(1)} | ${columns.toFixed(1)} | ${(columns / rows).toFixed(2)}x |`,
    );
  }
  adam.dispose();
  x.dispose();
  flow.dispose();
}
console.log(`# load at end ${load()}`);
