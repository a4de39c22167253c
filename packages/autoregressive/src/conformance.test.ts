// The conformance kit on the masked affine layer and the `maf` and `iaf` flows (unconditional and
// conditional, with batch norm and random orders), on the cpu and wasm backends.
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
const sizes = { eventSizes: { min: 1, max: 4 }, backends };

for (const name of ['masked-affine-autoregressive', 'maf', 'iaf']) {
  describeBijectorConformance({ describe, test }, name, registeredFactory(name), sizes);
}

/** Conditional flows with a random order per layer, residual MADEs and batch norm between layers. */
const conditional = (flow: 'maf' | 'iaf') => (d: number) =>
  createByName('bijector', flow, {
    eventShape: [d],
    layers: 2,
    hidden: [8, 8],
    order: 'random',
    residual: true,
    batchNorm: true,
    contextShape: [3],
    identityInit: false,
    seed: d,
  });
for (const flow of ['maf', 'iaf'] as const) {
  describeBijectorConformance({ describe, test }, `${flow} (conditional)`, conditional(flow), sizes);
  describeFlowConformance({ describe, test }, flow, standardNormalFlow(registeredFactory(flow)), {
    eventSizes: { min: 1, max: 3 },
    backends,
  });
}
