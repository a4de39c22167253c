// The conformance kit on the planar and radial flows in both directions (the flow and its inverse,
// whose forward is the numerical solve), unconditional and conditional, on the cpu and wasm backends.
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
// The opt-in inverse-stress check too: the numerical inverses must hold far outside the data.
const sizes = { eventSizes: { min: 1, max: 4 }, backends, stress: true };

for (const name of ['planar', 'radial']) {
  const conditional = (d: number) =>
    createByName('bijector', name, { eventShape: [d], layers: 4, contextShape: [2], hidden: [8], seed: d });
  const inverted = (d: number) =>
    createByName('bijector', 'invert', {
      bijector: { name, options: { eventShape: [d], layers: 4, seed: d + 7 } },
    });
  describeBijectorConformance({ describe, test }, name, registeredFactory(name), sizes);
  describeBijectorConformance({ describe, test }, `${name} (conditional)`, conditional, {
    ...sizes,
    numRuns: 5,
  });
  describeBijectorConformance({ describe, test }, `invert(${name})`, inverted, { ...sizes, numRuns: 5 });
  describeFlowConformance({ describe, test }, name, standardNormalFlow(registeredFactory(name)), {
    eventSizes: { min: 1, max: 3 },
    backends,
  });
}
