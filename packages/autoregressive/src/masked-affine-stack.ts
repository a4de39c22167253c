import type { BijectorConfig } from '@bijective/core';
import { maskedAffineConfig, maskedAffineSetup, type MaskedAffineSettings } from './masked-affine.js';
import { MaskedAutoregressiveLayers } from '@bijective/engine';

/** One layer of a {@link MaskedAffineStack}: its input degrees and θ seed. */
export interface StackedLayer {
  /** Input degrees m₀ (a permutation of 1..d). */
  degrees: number[];
  /** Seed of its initial θ. */
  seed: number;
}

/**
 * K masked affine layers (MAF, Papamakarios et al. 2017; IAF, Kingma et al. 2016) fused into ONE op
 * for their fast direction (log|det J| = Σ_layers Σ_i α_i): the body of the `maf` and `iaf` flows
 * without batch norm. Saved as the equivalent chain of `masked-affine-autoregressive` layers (same
 * degrees and seeds, so the same initial θ).
 */
export class MaskedAffineStack extends MaskedAutoregressiveLayers {
  /** Registry-style name (saved as a chain, see the class comment). */
  readonly name = 'masked-affine-stack';

  /** Builds the layers, in forward (base -> data) order. */
  constructor(
    private readonly settings: MaskedAffineSettings,
    private readonly stacked: readonly StackedLayer[],
  ) {
    super(maskedAffineSetup(settings, stacked));
  }

  /** `{name: 'chain', options: {bijectors}}` of one `masked-affine-autoregressive` config per layer. */
  getConfig(): BijectorConfig {
    return {
      name: 'chain',
      options: {
        bijectors: this.stacked.map((l) => {
          const { name, options } = maskedAffineConfig(this.settings, l.degrees, l.seed);
          return { name, options };
        }),
      },
    };
  }
}
