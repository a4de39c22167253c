// The mixture base's share of a training step: RealNVP (5 couplings of 2x64) on a gaussian-mixture
// base (the CLI's recipe for realnvp and maf), batch 256, 2-D, wasm, one thread, with the mixture's
// log-density as one tape entry (core's `GaussianMixture`) against the same density op by op
// (autodiff through each op, as before). Rounds alternate the two; CPU time per step (the
// process's, so other load on the machine does not count) and kernels per step.
// Usage: node tools/bench/run.mjs tools/bench/src/mixture-base-step.ts [--steps 150] [--rounds 3] [--backend wasm]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { Flow, GaussianMixture, create, gaussianLogDensity, useBackend } from '@bijective/core';
import { fit } from '@bijective/train';
import '@bijective/coupling';
import '@bijective/backend-wasm';
import '@bijective/backend-cpu';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '150' },
    rounds: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'wasm' },
  },
});

/** The same mixture density, differentiated op by op. */
class OpByOpMixture extends GaussianMixture {
  override logProb(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const perComponent = tf.sum(gaussianLogDensity(tf.expandDims(x, 1), this.means, this.logScales), 2);
      return tf.logSumExp(tf.add(perComponent, tf.logSoftmax(this.logits)), 1);
    });
  }
}

tf.env().set('PROD', true);
await useBackend(args.backend);
const data = tf.tidy(() => {
  const t = tf.mul(tf.randomUniform([20_000], 0, Math.PI, 'float32', 1), 1);
  return tf.add(tf.stack([tf.cos(t), tf.sin(t)], 1), tf.randomNormal([20_000, 2], 0, 0.1, 'float32', 2));
});
const variants = {
  'one tape entry': GaussianMixture,
  'op by op': OpByOpMixture,
} as const;
const steps = Number(args.steps);
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const make = (Base: typeof GaussianMixture): Flow =>
  new Flow(
    new Base({ eventShape: [2], seed: 0 }),
    create('bijector', 'realnvp', { eventShape: [2], layers: 5, hidden: [64, 64], seed: 0 }),
  );
const options = { batchSize: 256, learningRate: 1e-3, validationFraction: 0, seed: 0 };
const times: Record<string, number[]> = {};
const kernels: Record<string, number> = {};
for (const [name, Base] of Object.entries(variants)) {
  const flow = make(Base);
  fit(flow, data, { ...options, steps: 20 }); // warm-up
  // Kernels dispatched by one more step: count the engine's runKernel calls over 1 and 2 steps.
  const counted = (n: number): number => {
    const engine = tf.engine() as unknown as { runKernel: (...a: unknown[]) => unknown };
    const original = engine.runKernel;
    let calls = 0;
    engine.runKernel = (...a: unknown[]) => {
      calls += 1;
      return original.apply(engine, a);
    };
    try {
      fit(flow, data, { ...options, steps: n });
    } finally {
      engine.runKernel = original;
    }
    return calls;
  };
  kernels[name] = counted(2) - counted(1);
  flow.dispose();
}
console.log(
  `# mixture-base-step: ${args.backend}, ${steps} steps x ${args.rounds} rounds; load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`,
);
for (let round = 0; round < Number(args.rounds); round++) {
  for (const [name, Base] of Object.entries(variants)) {
    const flow = make(Base);
    fit(flow, data, { ...options, steps: 10 });
    const started = cpu();
    fit(flow, data, { ...options, steps });
    (times[name] ??= []).push((1000 * (cpu() - started)) / steps);
    flow.dispose();
  }
}
console.log('| base log-density | kernels per step | CPU ms per step (best) | (median) |');
console.log('|---|---|---|---|');
for (const name of Object.keys(variants)) {
  const t = [...(times[name] as number[])].sort((a, b) => a - b);
  console.log(
    `| ${name} | ${kernels[name]} | ${(t[0] as number).toFixed(2)} | ${(t[Math.floor(t.length / 2)] as number).toFixed(2)} |`,
  );
}
console.log(
  `# load at end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`,
);
