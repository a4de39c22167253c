import { register } from '@bijective/core';
import { IAF, type IAFOptions } from './iaf.js';
import { MAF, type MAFOptions } from './maf.js';
import { MaskedAffineAutoregressive, type MaskedAffineAutoregressiveOptions } from './masked-affine.js';

declare module '@bijective/core' {
  interface BijectorOptionsMap {
    'masked-affine-autoregressive': MaskedAffineAutoregressiveOptions;
    maf: MAFOptions;
    iaf: IAFOptions;
  }
}

// `replace: true`: a module graph evaluated twice in one process (isolated test files, hot reload)
// re-registers the same factories; conflicts between different packages are caught by their names.
const again = { replace: true };

/** Conformance examples: small conditioners that start random rather than at the identity. */
const example = (d: number) => ({ eventShape: [d], hidden: [8], identityInit: false, seed: d });

/** Registers `masked-affine-autoregressive`, `maf` and `iaf` in the bijector registry (idempotent). */
export function registerAutoregressive(): void {
  register(
    'bijector',
    'masked-affine-autoregressive',
    {
      description: 'affine autoregressive layer on a MADE, MAF or IAF arrangement (Papamakarios et al. 2017)',
      create: (o) => new MaskedAffineAutoregressive(o),
      schema: MaskedAffineAutoregressive.schema,
      example: (d) => ({ ...example(d), order: 'random' as const, contextShape: [2] }),
    },
    again,
  );
  register(
    'bijector',
    'maf',
    {
      description: 'MAF flow: MADE affine layers, fast density, d-pass sampling (Papamakarios et al. 2017)',
      create: (o) => new MAF(o),
      schema: MAF.schema,
      example: (d) => ({ ...example(d), layers: 2 }),
      tags: ['flow'],
      // As RealNVP's: a learned mixture base and a higher peak rate; twice the steps, which take
      // 8gaussians from 2.875–2.888 to 2.856–2.866 nats (docs/benchmarks.md).
      recommended: { base: 'gaussian-mixture', learningRate: 4e-3, steps: 20_000 },
    },
    again,
  );
  register(
    'bijector',
    'iaf',
    {
      description: 'IAF flow: MADE affine layers, fast sampling, d-pass density (Kingma et al. 2016)',
      create: (o) => new IAF(o),
      schema: IAF.schema,
      example: (d) => ({ ...example(d), layers: 2 }),
      tags: ['flow'],
    },
    again,
  );
}
