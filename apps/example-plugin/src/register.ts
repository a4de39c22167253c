import { register } from '@bijective/core';
import { SinhArcsinh, type SinhArcsinhOptions } from './sinh-arcsinh.js';

// Declaration merging: from now on `create('bijector', 'acme/sinh-arcsinh', options)` is checked
// by the compiler against SinhArcsinhOptions, in this package and in every program importing it.
declare module '@bijective/core' {
  interface BijectorOptionsMap {
    'acme/sinh-arcsinh': SinhArcsinhOptions;
  }
}

/**
 * Registers the `acme/sinh-arcsinh` bijector (idempotent). Its `example` gives the conformance
 * kit a non-trivial transform for any event size: a different skewness and tail weight per element.
 */
export function registerSinhArcsinh(): void {
  register(
    'bijector',
    'acme/sinh-arcsinh',
    {
      description:
        'sinh-arcsinh transform: learned skewness and tail weight per element (Jones & Pewsey 2009)',
      create: (options) => new SinhArcsinh(options),
      example: (d) => ({
        eventShape: [d],
        skewness: Array.from({ length: d }, (_, i) => 0.6 - 0.4 * i),
        tailweight: Array.from({ length: d }, (_, i) => 0.7 + 0.3 * i),
      }),
      schema: SinhArcsinh.schema, // lets tools list its options and their defaults
    },
    // A module graph evaluated twice in one process (isolated test files, hot reload) registers
    // the same factory again; a clash with another package is avoided by the `acme/` prefix.
    { replace: true },
  );
}
