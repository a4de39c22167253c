import { expectTypeOf, test } from 'vitest';
import { create, register, type Bijector } from '../src/index.js';

interface AcmeOptions {
  eventShape: number[];
  gain: number;
}
declare module '../src/index.js' {
  interface BijectorOptionsMap {
    'acme/probe': AcmeOptions;
  }
}

test('probe', () => {
  register('bijector', 'acme/probe', {
    description: 'x',
    create: (o) => {
      expectTypeOf(o).toEqualTypeOf<AcmeOptions>();
      return null as unknown as Bijector;
    },
    example: (d) => ({ eventShape: [d], gain: 1 }),
  });
  // @ts-expect-error wrong option type
  create('bijector', 'acme/probe', { eventShape: [2], gain: 'x' });
  // @ts-expect-error unknown name
  create('bijector', 'acme/nope', {});
});
