import { register } from '@bijective/core';
import { NSF, type NSFOptions } from './nsf.js';
import { SplineAutoregressive, type SplineAutoregressiveOptions } from './spline-autoregressive.js';
import { SplineCoupling, type SplineCouplingOptions } from './spline-coupling.js';

declare module '@bijective/core' {
  interface BijectorOptionsMap {
    'spline-coupling': SplineCouplingOptions;
    'spline-autoregressive': SplineAutoregressiveOptions;
    nsf: NSFOptions;
  }
}

// `replace: true`: a module graph evaluated twice in one process (isolated test files, hot reload)
// re-registers the same factories; conflicts between different packages are caught by their names.
const again = { replace: true };

/** Conformance examples: d >= 2 (an event size of 1 is widened), small random conditioners, a small bound so tails are exercised. */
const example = (d: number) => ({
  eventShape: [Math.max(2, d)],
  hidden: [8],
  bins: 4,
  bound: 2,
  identityInit: false,
  seed: d,
});

/** Registers `spline-coupling`, `spline-autoregressive` and `nsf` in the bijector registry (idempotent). */
export function registerSpline(): void {
  register(
    'bijector',
    'spline-coupling',
    {
      description: 'rational-quadratic spline coupling layer with identity tails (Durkan et al. 2019)',
      create: (o) => new SplineCoupling(o),
      schema: SplineCoupling.schema,
      example: (d) => ({ ...example(d), contextShape: [2] }),
    },
    again,
  );
  register(
    'bijector',
    'spline-autoregressive',
    {
      description:
        'autoregressive rational-quadratic spline layer on a MADE, fast density, d-pass sampling (Durkan et al. 2019)',
      create: (o) => new SplineAutoregressive(o),
      schema: SplineAutoregressive.schema,
      example: (d) => ({ ...example(d), eventShape: [d], order: 'random' as const, contextShape: [2] }),
    },
    again,
  );
  register(
    'bijector',
    'nsf',
    {
      description:
        'neural spline flow: rational-quadratic spline couplings and reversals, or autoregressive spline layers (Durkan et al. 2019)',
      create: (o) => new NSF(o),
      schema: NSF.schema,
      example: (d) => ({ ...example(d), layers: 3 }),
      tags: ['flow'],
    },
    again,
  );
}
