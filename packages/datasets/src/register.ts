import { register, type NameOf } from '@bijective/core';
import type { GenerativeDataset } from './dataset.js';
import { TOYS } from './toys/catalogue.js';
import type { NoOptions, ToyOptions } from './toys/toy.js';

declare module './dataset.js' {
  interface DatasetOptionsMap {
    moons: ToyOptions;
    '8gaussians': ToyOptions;
    checkerboard: NoOptions;
    circles: ToyOptions;
    rings: ToyOptions;
    pinwheel: NoOptions;
    swissroll: ToyOptions;
    '2spirals': ToyOptions;
  }
}

// `replace: true`: a module graph evaluated twice in one process (isolated test files, hot reload)
// re-registers the same factories; conflicts between different packages are caught by their names.
const again = { replace: true };

function registerToy<N extends keyof typeof TOYS & NameOf<'dataset'>>(name: N): void {
  const factory = TOYS[name] as (options?: unknown) => GenerativeDataset;
  register(
    'dataset',
    name,
    { description: factory().description, create: (options) => factory(options), tags: ['toy', '2d'] },
    again,
  );
}

/** Registers the 2-D toy datasets (`moons`, `8gaussians`, ...) in the dataset registry (idempotent). */
export function registerDatasets(): void {
  registerToy('moons');
  registerToy('8gaussians');
  registerToy('checkerboard');
  registerToy('circles');
  registerToy('rings');
  registerToy('pinwheel');
  registerToy('swissroll');
  registerToy('2spirals');
}
