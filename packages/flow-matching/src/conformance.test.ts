// The conformance kit on `flow-matching` (numerical inverse: the reverse solve; log-det from the
// exact trace) and the flow checks (the density integrates to 1 on a fine grid, samples agree with
// it), built from the registry example, unconditional and conditional, on the cpu and wasm backends.
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/test-support/wasm';
import { createByName } from '@bijective/core';
import {
  describeBijectorConformance,
  describeFlowConformance,
  registeredFactory,
  standardNormalFlow,
} from '@bijective/testing';
import { describe, test } from 'vitest';
import './index.js';

describeBijectorConformance({ describe, test }, 'flow-matching', registeredFactory('flow-matching'), {
  eventSizes: { min: 1, max: 3 },
  backends: ['cpu', 'wasm'],
  numRuns: 4,
});

const conditional = (d: number) =>
  createByName('bijector', 'flow-matching', {
    eventShape: [d],
    hidden: [8],
    contextShape: [2],
    path: 'minibatch-ot',
    identityInit: false,
    seed: d,
  });
describeBijectorConformance({ describe, test }, 'flow-matching (conditional)', conditional, {
  eventSizes: { min: 1, max: 3 },
  backends: ['cpu'],
  numRuns: 3,
});

describeFlowConformance(
  { describe, test },
  'flow-matching',
  standardNormalFlow(registeredFactory('flow-matching')),
  { eventSizes: { min: 1, max: 2 }, backends: ['wasm'], numRuns: 2 },
);
