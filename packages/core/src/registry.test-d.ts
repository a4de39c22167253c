import { describe, expectTypeOf, test } from 'vitest';
import { create, register, type Bijector, type BijectorOptionsMap, type NameOf } from './index.js';

// A third-party plugin adds a name and its option type by declaration merging.
interface AcmeOptions {
  eventShape: number[];
  gain: number;
}
declare module './index.js' {
  interface BijectorOptionsMap {
    'acme/gain': AcmeOptions;
  }
}

describe('registry typing', () => {
  test('a plugin name joins the known names with its options type', () => {
    expectTypeOf<'acme/gain'>().toExtend<NameOf<'bijector'>>();
    expectTypeOf<BijectorOptionsMap['acme/gain']>().toEqualTypeOf<AcmeOptions>();
  });

  test('register and create are checked against the declared options', () => {
    register('bijector', 'acme/gain', {
      description: 'gain',
      create: (options) => {
        expectTypeOf(options).toEqualTypeOf<AcmeOptions>();
        return null as unknown as Bijector;
      },
      example: (d) => ({ eventShape: [d], gain: 2 }),
    });
    expectTypeOf(create('bijector', 'acme/gain', { eventShape: [2], gain: 1 })).toEqualTypeOf<Bijector>();
    // @ts-expect-error wrong option type
    create('bijector', 'acme/gain', { eventShape: [2], gain: 'loud' });
    // @ts-expect-error unknown option key
    create('bijector', 'acme/gain', { eventShape: [2], gain: 1, volume: 3 });
    // @ts-expect-error missing required option
    create('bijector', 'acme/gain', { eventShape: [2] });
    // @ts-expect-error unknown name
    create('bijector', 'acme/unknown', {});
    // @ts-expect-error unknown kind
    create('widget', 'acme/gain', {});
    register('bijector', 'acme/gain', {
      description: 'gain',
      create: () => null as unknown as Bijector,
      // @ts-expect-error the example must produce the declared options
      example: (d) => ({ eventShape: [d] }),
    });
  });

  test('base distributions are typed too', () => {
    create('distribution', 'standard-normal', { eventShape: [2] });
    // @ts-expect-error eventShape must be a number array
    create('distribution', 'standard-normal', { eventShape: 'two' });
  });
});
