// Runs the conformance kit on every registered bijector, on the cpu and wasm backends.
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/test-support/wasm';
import { listRegistered } from '@bijective/core';
import { describe, expect, test } from 'vitest';
import { describeRegisteredBijectors } from '@bijective/testing';

// First-party packages that register bijectors: one import line each.
import '@bijective/core';
import '@bijective/autoregressive';
import '@bijective/cnf';
import '@bijective/coupling';
import '@bijective/glow';
import '@bijective/flow-matching';
import '@bijective/planar';
import '@bijective/spline';

test('bijectors are registered', () => {
  expect(listRegistered('bijector').length).toBeGreaterThan(0);
});

// Numerical inverses also get the opt-in inverse-stress check (inputs far outside the data).
const stress = { bijector: { stress: true } };
describeRegisteredBijectors(
  { describe, test },
  {
    backends: ['cpu', 'wasm'],
    overrides: {
      planar: stress,
      radial: stress,
      // Every ffjord call is an ODE solve: fewer cases, and the flow checks in 1-2 D (grid quadrature).
      ffjord: { bijector: { numRuns: 3 }, flow: { eventSizes: { min: 1, max: 2 }, numRuns: 2 } },
      'flow-matching': { bijector: { numRuns: 3 }, flow: { eventSizes: { min: 1, max: 2 }, numRuns: 2 } },
    },
  },
);
