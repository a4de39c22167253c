import { register } from '@bijective/core';
import { Planar, type PlanarOptions } from './planar.js';
import { Radial, type RadialOptions } from './radial.js';
import { stackSchema } from './stack-options.js';

declare module '@bijective/core' {
  interface BijectorOptionsMap {
    planar: PlanarOptions;
    radial: RadialOptions;
  }
}

// `replace: true`: a module graph evaluated twice in one process (isolated test files, hot reload)
// re-registers the same factories; conflicts between different packages are caught by their names.
const again = { replace: true };

/** Registers the `planar` and `radial` flows in the bijector registry (idempotent). */
export function registerPlanarFlows(): void {
  register(
    'bijector',
    'planar',
    {
      description: 'planar flow z + û tanh(wᵀz + b), K layers, numerical inverse (Rezende & Mohamed 2015)',
      create: (o) => new Planar(o),
      example: (d) => ({ eventShape: [d], layers: 3, seed: d }),
      schema: stackSchema('planar'),
      tags: ['flow'],
    },
    again,
  );
  register(
    'bijector',
    'radial',
    {
      description:
        'radial flow z + β(z − z0)/(α + |z − z0|), K layers, numerical inverse (Rezende & Mohamed 2015)',
      create: (o) => new Radial(o),
      example: (d) => ({ eventShape: [d], layers: 3, seed: d }),
      schema: stackSchema('radial'),
      tags: ['flow'],
    },
    again,
  );
}
