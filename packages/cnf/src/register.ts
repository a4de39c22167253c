import { register } from '@bijective/core';
import { registerOdeSolvers } from '@bijective/ode/pure';
import { registerTraceEstimators } from '@bijective/trace/pure';
import { Ffjord } from './ffjord.js';
import { FFJORD_OPTIONS, type FfjordOptions } from './options.js';

declare module '@bijective/core' {
  interface BijectorOptionsMap {
    ffjord: FfjordOptions;
  }
}

/** Registers the `ffjord` flow (tags `flow`, `continuous`) and the ODE solvers and trace estimators it names (idempotent). */
export function registerCnf(): void {
  registerOdeSolvers();
  registerTraceEstimators();
  // `replace: true`: a module graph evaluated twice in one process (isolated test files, hot reload)
  // re-registers the same factory; conflicts between different packages are caught by their names.
  register(
    'bijector',
    'ffjord',
    {
      description:
        'FFJORD continuous normalizing flow: concat-squash field, exact-trace densities, Hutchinson training, RNODE, augmentation (Grathwohl et al. 2019)',
      create: (o) => new Ffjord(o),
      // Conformance: a small random (not identity) field, so that the log-det is far from 0.
      example: (d) => ({ eventShape: [d], hidden: [8], identityInit: false, seed: d }),
      // `continuous`: each density is an ODE solve, so the CLI evaluates validation passes and the
      // reported train/val NLLs on at most 4096 rows (as for flow matching).
      tags: ['flow', 'continuous'],
      schema: FFJORD_OPTIONS,
      // The CLI's defaults: Adam at a peak rate of 5e-3 (cosine annealing), 2000 steps of 256 rows,
      // a validation pass (a dopri5 solve with the exact trace) every 200 steps: moons and
      // 8gaussians within 0.05 nats of their entropies in under 20 CPU-minutes
      // (docs/benchmarks.md, "FFJORD").
      recommended: { learningRate: 5e-3, steps: 2000, batchSize: 256, validationEvery: 200 },
    },
    { replace: true },
  );
}
