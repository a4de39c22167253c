import { create, type NameOf, type OptionsOf } from '@bijective/core';
import { describe, expectTypeOf, test } from 'vitest';
import type { HutchinsonOptions, TraceEstimator } from './index.js';

declare module './index.js' {
  interface TraceEstimatorOptionsMap {
    'acme/typed-trace': { order: number };
  }
}

describe('traceEstimator registry typing', () => {
  test('first-party names carry their option types', () => {
    expectTypeOf<OptionsOf<'traceEstimator', 'hutchinson-rademacher'>>().toEqualTypeOf<HutchinsonOptions>();
    expectTypeOf(create('traceEstimator', 'exact', {})).toEqualTypeOf<TraceEstimator>();
    // @ts-expect-error probes is a number
    create('traceEstimator', 'hutchinson-gaussian', { probes: 'many' });
    // @ts-expect-error unknown estimator name
    create('traceEstimator', 'skilling', {});
  });

  test('a third party adds a name and its options by declaration merging', () => {
    expectTypeOf<'acme/typed-trace'>().toExtend<NameOf<'traceEstimator'>>();
    expectTypeOf<OptionsOf<'traceEstimator', 'acme/typed-trace'>>().toEqualTypeOf<{ order: number }>();
  });
});
