import { expectTypeOf, test } from 'vitest';
import { create, type OptionsOf } from '@bijective/core';
import './index.js';
import type { Dataset, ToyOptions } from './index.js';

test('dataset names and options are typed through the registry', () => {
  expectTypeOf(create('dataset', 'moons', { noise: 0.2 })).toEqualTypeOf<Dataset>();
  expectTypeOf<OptionsOf<'dataset', '2spirals'>>().toEqualTypeOf<ToyOptions>();
  // @ts-expect-error: unknown dataset name
  create('dataset', 'mooons', {});
  // @ts-expect-error: checkerboard takes no options
  create('dataset', 'checkerboard', { noise: 1 });
});
