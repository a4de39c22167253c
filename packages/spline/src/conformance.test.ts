// The conformance kit on the spline coupling and autoregressive layers and the `nsf` flow of both
// transforms (unconditional and conditional), on the cpu and wasm backends, built from their registry examples.
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
const sizes = { eventSizes: { min: 2, max: 4 }, backends };

for (const name of ['spline-coupling', 'spline-autoregressive', 'nsf']) {
  describeBijectorConformance({ describe, test }, name, registeredFactory(name), sizes);
}

const conditional = (d: number) =>
  createByName('bijector', 'nsf', {
    eventShape: [d],
    layers: 2,
    hidden: [8],
    bins: 5,
    bound: 2,
    contextShape: [3],
    identityInit: false,
    seed: d,
  });
describeBijectorConformance({ describe, test }, 'nsf (conditional)', conditional, { ...sizes, numRuns: 5 });

const autoregressive = (d: number, contextShape?: number[]) =>
  createByName('bijector', 'nsf', {
    eventShape: [d],
    layers: 2,
    hidden: [8],
    bins: 4,
    bound: 2,
    transform: 'autoregressive',
    ...(contextShape ? { contextShape } : {}),
    identityInit: false,
    seed: d,
  });
describeBijectorConformance({ describe, test }, 'nsf (autoregressive)', (d) => autoregressive(d), {
  ...sizes,
  eventSizes: { min: 1, max: 4 },
  numRuns: 5,
});
describeBijectorConformance(
  { describe, test },
  'nsf (autoregressive, conditional)',
  (d) => autoregressive(d, [3]),
  { ...sizes, numRuns: 5 },
);

describeFlowConformance({ describe, test }, 'nsf', standardNormalFlow(registeredFactory('nsf')), {
  eventSizes: { min: 2, max: 3 },
  backends,
});
