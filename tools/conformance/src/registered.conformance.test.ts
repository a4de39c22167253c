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
import '@bijective/spline';

test('bijectors are registered', () => {
  expect(listRegistered('bijector').length).toBeGreaterThan(0);
});

describeRegisteredBijectors(
  { describe, test },
  {
    backends: ['cpu', 'wasm'],
    // Every ffjord call is an ODE solve: fewer cases, and the flow checks in 1-2 D (grid quadrature).
    overrides: { ffjord: { bijector: { numRuns: 3 }, flow: { eventSizes: { min: 1, max: 2 }, numRuns: 2 } } },
  },
);
