// The conformance kit of @bijective/testing on the plugin, on the cpu and wasm backends: round trips,
// log-determinants against float64 numerical and autodiff Jacobians, fused and batched calls,
// gradients of every trainable variable, tensor leaks; then the flow checks (normalisation,
// sampling) of a standard normal pushed through it.
import '@bijective/backend-cpu';
import '@bijective/backend-wasm';
import {
  describeBijectorConformance,
  describeFlowConformance,
  registeredFactory,
  standardNormalFlow,
} from '@bijective/testing';
import { describe, test } from 'vitest';
import { SinhArcsinh } from './index.js';

const backends = ['cpu', 'wasm'];

// Built from the registration's `example(eventSize)`, as `bijective` builds it by name.
describeBijectorConformance({ describe, test }, 'acme/sinh-arcsinh', registeredFactory('acme/sinh-arcsinh'), {
  backends,
});

// Strong skew and heavy tails: the inputs reach the transform's steep regions.
describeBijectorConformance(
  { describe, test },
  'acme/sinh-arcsinh (skewed, heavy tails)',
  (d) => new SinhArcsinh({ eventShape: [d], skewness: -1.5, tailweight: 0.4 }),
  { backends: ['cpu'] },
);

describeFlowConformance(
  { describe, test },
  'acme/sinh-arcsinh',
  standardNormalFlow(registeredFactory('acme/sinh-arcsinh')),
  { backends },
);
