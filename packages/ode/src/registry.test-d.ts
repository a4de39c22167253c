import { create, type NameOf, type OptionsOf } from '@bijective/core';
import { describe, expectTypeOf, test } from 'vitest';
import type { Dopri5Options, FixedStepOptions, OdeSolver } from './index.js';

interface AcmeOptions {
  order: 3;
}
declare module './index.js' {
  interface OdeSolverOptionsMap {
    'acme/typed': AcmeOptions;
  }
}

describe('odeSolver registry typing', () => {
  test('first-party names carry their option types', () => {
    expectTypeOf<OptionsOf<'odeSolver', 'dopri5'>>().toEqualTypeOf<Dopri5Options>();
    expectTypeOf<OptionsOf<'odeSolver', 'rk4'>>().toEqualTypeOf<FixedStepOptions>();
    expectTypeOf(create('odeSolver', 'euler', { steps: 3 })).toEqualTypeOf<OdeSolver>();
    // @ts-expect-error rtol is a number
    create('odeSolver', 'dopri5', { rtol: 'tight' });
    // @ts-expect-error unknown solver name
    create('odeSolver', 'dopri8', {});
  });

  test('a third party adds a name and its options by declaration merging', () => {
    expectTypeOf<'acme/typed'>().toExtend<NameOf<'odeSolver'>>();
    expectTypeOf<OptionsOf<'odeSolver', 'acme/typed'>>().toEqualTypeOf<AcmeOptions>();
  });
});
