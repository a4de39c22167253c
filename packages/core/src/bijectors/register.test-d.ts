import { expectTypeOf, test } from 'vitest';
import { create, type Bijector, type BijectorOptionsMap, type NameOf } from '../index.js';
import type { LULinearOptions } from './lu-linear.js';
import type { ShiftOptions } from './shift.js';

test('core bijector names and options are typed for users of the package index', () => {
  expectTypeOf<'shift' | 'chain' | 'lu-linear' | 'batch-norm' | 'leaky-relu'>().toExtend<
    NameOf<'bijector'>
  >();
  expectTypeOf<BijectorOptionsMap['shift']>().toEqualTypeOf<ShiftOptions>();
  expectTypeOf<BijectorOptionsMap['lu-linear']>().toEqualTypeOf<LULinearOptions>();
  expectTypeOf(create('bijector', 'affine', { eventShape: [2], scale: [1, 2] })).toEqualTypeOf<Bijector>();
  create('bijector', 'chain', { bijectors: [{ name: 'exp', options: { eventShape: [2] } }] });
  // @ts-expect-error scale must be a number or a list of numbers
  create('bijector', 'scale', { eventShape: [2], scale: 'big' });
  // @ts-expect-error eventShape is required
  create('bijector', 'permute', { seed: 1 });
  // @ts-expect-error unknown option key
  create('bijector', 'leaky-relu', { eventShape: [2], slope: 0.1 });
});
