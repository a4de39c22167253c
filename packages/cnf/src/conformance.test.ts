// The conformance kit on `ffjord` (numerical inverse: the reverse solve; log-det from the exact trace)
// and the flow checks (the density integrates to 1 on a fine grid, samples agree with it), built from
// the registry example, unconditional and conditional, on the cpu and wasm backends.
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

const backends = ['cpu', 'wasm'];

describeBijectorConformance({ describe, test }, 'ffjord', registeredFactory('ffjord'), {
  eventSizes: { min: 1, max: 3 },
  backends,
  numRuns: 4,
});

const conditional = (d: number) =>
  createByName('bijector', 'ffjord', {
    eventShape: [d],
    hidden: [8],
    contextShape: [2],
    identityInit: false,
    layers: 2,
    seed: d,
  });
describeBijectorConformance({ describe, test }, 'ffjord (conditional, 2 blocks)', conditional, {
  eventSizes: { min: 1, max: 3 },
  backends: ['cpu'],
  numRuns: 3,
});

describeFlowConformance({ describe, test }, 'ffjord', standardNormalFlow(registeredFactory('ffjord')), {
  eventSizes: { min: 1, max: 2 },
  backends: ['wasm'],
  numRuns: 2,
});
