// The conformance kit on `flow-matching` (numerical inverse: the reverse solve; log-det from the
// exact trace) and the flow checks (the density integrates to 1 on a fine grid, samples agree with
// it), built from the registry example, unconditional and conditional, on the cpu and wasm backends.
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/test-support/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { createByName } from '@bijective/core';
import {
  describeBijectorConformance,
  describeFlowConformance,
  registeredFactory,
  selectedBijectorChecks,
  standardNormalFlow,
} from '@bijective/testing';
import { describe, test } from 'vitest';
import './index.js';
import type { FlowMatching } from './index.js';

describeBijectorConformance({ describe, test }, 'flow-matching', registeredFactory('flow-matching'), {
  eventSizes: { min: 1, max: 3 },
  backends: ['cpu', 'wasm'],
  numRuns: 4,
});

// With the weight average (option `ema` > 0) the directions follow the average, which is
// not trained: no gradient reaches the trained weights through them, by design (they get theirs from
// the matching loss). Every other check runs on the averaged flow, the average moved off the weights.
const averaged = (d: number) => {
  const b = createByName('bijector', 'flow-matching', {
    eventShape: [d],
    hidden: [8],
    identityInit: false,
    ema: 0.9,
    seed: d,
  });
  for (const v of (b as FlowMatching).field.variables) {
    const scaled = tf.mul(v, 1.5);
    v.assign(scaled);
    scaled.dispose();
  }
  b.afterTrainingStep?.();
  return b;
};
describeBijectorConformance({ describe, test }, 'flow-matching (ema)', averaged, {
  eventSizes: { min: 1, max: 3 },
  backends: ['cpu'],
  numRuns: 3,
  checks: selectedBijectorChecks()
    .map((c) => c.name)
    .filter((name) => name !== 'gradients'),
});

const conditional = (d: number) =>
  createByName('bijector', 'flow-matching', {
    eventShape: [d],
    hidden: [8],
    contextShape: [2],
    path: 'minibatch-ot',
    identityInit: false,
    ema: 0,
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
