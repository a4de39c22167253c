// RNODE's regularisation weight against solver work and quality: FFJORD trained in-process as `train`
// builds it (standardised data, the flow's recommended steps, batch and rate unless overridden), once
// per λ with `kinetic = jacobianNorm = λ` (λ = 0: plain), same seed and draws. Reports the test NLL
// (exact trace, data units), the mean dopri5 NFE per training solve (forward / backward), the learned
// integration time T and the CPU minutes of each run, with the load average.
// Usage: node tools/bench/run.mjs tools/bench/src/cnf-rnode-sweep.ts [--data 8gaussians]
//   [--lambdas 0,0.01,0.1] [--steps 2000] [--fixed-time] [--integration-time 1] [--test 5000]
//   [--backend wasm]
// `--integration-time` sets T (its start when learned; the flow's default 0.5 when absent);
// `--fixed-time` keeps it there (RNODE as Finlay et al. 2020 train it: T = 1, not learned).
import { parseArgs } from 'node:util';
import { useBackend } from '@bijective/core';
import { fit } from '@bijective/train';
import '@bijective/backend-cpu';
import '@bijective/backend-wasm';
import '@bijective/cnf';
import type { Ffjord } from '@bijective/cnf';
import '@bijective/datasets';
import { cliLikeFlow, cpuSeconds, load, recommended, tf, toyRows } from './fm-common.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: '8gaussians' },
    lambdas: { type: 'string', default: '0,0.01,0.1' },
    steps: { type: 'string' },
    'fixed-time': { type: 'boolean', default: false },
    'integration-time': { type: 'string' },
    test: { type: 'string', default: '5000' },
    backend: { type: 'string', default: 'wasm' },
  },
});
await useBackend(args.backend as 'wasm' | 'cpu');
const settings = recommended('ffjord');
const steps = args.steps === undefined ? settings.steps : Number(args.steps);
const rows = toyRows(args.data, 20_000, 1);
const testRows = toyRows(args.data, Number(args.test), 2);
const x = tf.tensor2d(rows, [rows.length / 2, 2]);
const xTest = tf.tensor2d(testRows, [testRows.length / 2, 2]);

const lines = [
  `| λ (kinetic = jacobian-norm) | T | steps | test NLL | NFE fwd | NFE bwd | T learned → | CPU min | load (1, 5, 15 min) |`,
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const lambda of args.lambdas.split(',').map(Number)) {
  const flow = cliLikeFlow('ffjord', rows, {
    kinetic: lambda,
    jacobianNorm: lambda,
    learnIntegrationTime: !args['fixed-time'],
    ...(args['integration-time'] === undefined ? {} : { integrationTime: Number(args['integration-time']) }),
  });
  const cpu = cpuSeconds();
  const r = fit(flow, x, { ...settings, steps, validationFraction: 0, seed: 0 });
  const nll = tf.tidy(() => -(tf.mean(flow.logProb(xTest)).dataSync()[0] as number));
  const minutes = (cpuSeconds() - cpu) / 60;
  const chain = flow.bijector as unknown as { bijectors: [Ffjord] };
  const T = chain.bijectors[0].integrationTimes()[0] as number;
  lines.push(
    `| ${lambda} | ${args['fixed-time'] ? 'fixed' : 'learned'} at ${args['integration-time'] ?? 'default'} | ${r.steps} | ${nll.toFixed(3)} | ${r.nfeForward?.toFixed(1)} | ${r.nfeBackward?.toFixed(1)} | ${T.toFixed(3)} | ${minutes.toFixed(1)} | ${load()} |`,
  );
  console.error(lines[lines.length - 1]);
  flow.dispose();
}
console.log(lines.join('\n'));
tf.dispose([x, xTest]);
