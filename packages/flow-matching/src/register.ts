import { register } from '@bijective/core';
import { registerOdeSolvers } from '@bijective/ode/pure';
import { registerTraceEstimators } from '@bijective/trace/pure';
import { FlowMatching } from './flow-matching.js';
import type { FlowMatchingOptions } from './options.js';

declare module '@bijective/core' {
  interface BijectorOptionsMap {
    'flow-matching': FlowMatchingOptions;
  }
}

/** Registers the `flow-matching` flow (tags `flow`, `continuous`) and the ODE solvers and trace estimators it names (idempotent). */
export function registerFlowMatching(): void {
  registerOdeSolvers();
  registerTraceEstimators();
  // `replace: true`: a module graph evaluated twice in one process (isolated test files, hot reload)
  // re-registers the same factory; conflicts between different packages are caught by their names.
  register(
    'bijector',
    'flow-matching',
    {
      description:
        'flow matching: a CNF trained by regression onto OT, rectified or mini-batch OT paths, exact-trace densities, classifier-free guidance (Lipman et al. 2022)',
      create: (o) => new FlowMatching(o),
      schema: FlowMatching.schema,
      // Conformance: a small random (not identity) field, so that the log-det is far from 0; without
      // the weight average, whose directions would give the trained weights no gradient (the kit's
      // gradient check): the averaged flow runs the other checks in conformance.test.ts.
      example: (d) => ({ eventShape: [d], hidden: [8], identityInit: false, ema: 0, seed: d }),
      tags: ['flow', 'continuous'],
      // Mini-batch OT (the default path): on moons it reached a test NLL of 1.048 where the `ot` path
      // at batch 256 stayed at 1.095. lr 5e-3 over 2e-3: test NLL 1.035 / 2.858 against 1.048 / 2.872
      // on moons / 8gaussians at 20000 steps of batch 128. Batch 64 over 128: a step costs less than
      // half (the assignment is cubic in the batch), so a 30-CPU-second budget trains 2.3-3.3x the
      // steps; test NLL 1.044 / 2.857 at 20000 steps, in half the CPU time. lr 2e-2 over 5e-3 at
      // batch 64: moons' samples at 30 CPU s nearer the data on 3 of 3 seeds (energy distance
      // -4.6e-5 +- 1.5e-5, sharper arcs), test NLL 1.041 at 20000 steps (docs/benchmarks.md, flow matching).
      recommended: { learningRate: 2e-2, batchSize: 64, steps: 20_000 },
    },
    { replace: true },
  );
}
