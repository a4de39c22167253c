import { create, type Bijector, type BijectorOptionsMap, type NameOf } from '@bijective/core';
import { expectTypeOf, test } from 'vitest';
import type { IAFOptions, MAFOptions, MaskedAffineAutoregressiveOptions } from './index.js';

test('autoregressive names and options are typed for users of the package index', () => {
  expectTypeOf<'maf' | 'iaf' | 'masked-affine-autoregressive'>().toExtend<NameOf<'bijector'>>();
  expectTypeOf<BijectorOptionsMap['maf']>().toEqualTypeOf<MAFOptions>();
  expectTypeOf<BijectorOptionsMap['iaf']>().toEqualTypeOf<IAFOptions>();
  expectTypeOf<
    BijectorOptionsMap['masked-affine-autoregressive']
  >().toEqualTypeOf<MaskedAffineAutoregressiveOptions>();
  expectTypeOf(create('bijector', 'maf', { eventShape: [2], layers: 3 })).toEqualTypeOf<Bijector>();
  create('bijector', 'iaf', { eventShape: [2], contextShape: [1], order: 'random', batchNorm: true });
  // @ts-expect-error order must be 'reverse' or 'random'
  create('bijector', 'maf', { eventShape: [2], order: 'natural' });
  // @ts-expect-error eventShape is required
  create('bijector', 'iaf', { layers: 2 });
});
