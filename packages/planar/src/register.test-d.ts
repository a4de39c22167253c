import { expectTypeOf, test } from 'vitest';
import { create, type NameOf, type OptionsOf, type Target } from '@bijective/core';
import './index.js';
import type { BananaOptions, LogisticRegressionOptions, PlanarOptions } from './index.js';

// A third-party plugin adds a target name and its option type by declaration merging.
interface RingOptions {
  radius: number;
}
declare module '@bijective/core' {
  interface TargetOptionsMap {
    'acme/ring': RingOptions;
  }
}

test('targets and flows are typed through the registry', () => {
  expectTypeOf(create('target', 'u1', {})).toEqualTypeOf<Target>();
  expectTypeOf<OptionsOf<'target', 'banana'>>().toEqualTypeOf<BananaOptions>();
  expectTypeOf<OptionsOf<'target', 'logistic-regression'>>().toEqualTypeOf<LogisticRegressionOptions>();
  expectTypeOf<OptionsOf<'bijector', 'planar'>>().toEqualTypeOf<PlanarOptions>();
  expectTypeOf<'acme/ring'>().toExtend<NameOf<'target'>>();
  create('target', 'acme/ring', { radius: 2 });
  create('target', 'logistic-regression', { data: 'x.csv', labelColumn: 'y' });
  create('target', 'logistic-regression', { features: [[1]], labels: [0] });
  // @ts-expect-error: unknown target name
  create('target', 'u5', {});
  // @ts-expect-error: the banana's curvature is a number
  create('target', 'banana', { curvature: 'strong' });
  // @ts-expect-error: a ring needs its radius
  create('target', 'acme/ring', {});
  // @ts-expect-error: the CSV form needs a label column
  create('target', 'logistic-regression', { data: 'x.csv' });
});
