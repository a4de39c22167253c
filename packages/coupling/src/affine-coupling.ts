import type { BijectorConfig } from '@bijective/core';
import {
  layerConfig,
  resolveLayer,
  type CouplingLayerOptions,
  type ResolvedLayer,
} from './coupling-layer.js';
import { FusedCouplings, couplingTransform } from '@bijective/engine';

/** Options of {@link AffineCoupling}. */
export interface AffineCouplingOptions extends CouplingLayerOptions {
  /** Bound c of the log-scale, s = c·tanh(ŝ/c) ∈ (-c, c); > 0, default 2. */
  scaleBound?: number;
}

/**
 * RealNVP's affine coupling (Dinh et al. 2017): y_A = x_A, y_B = x_B ⊙ exp(s) + t with
 * (ŝ, t) = m(x_A[, context]) and the bounded log-scale s = c·tanh(ŝ/c); log|det J| = Σ s; inverse
 * x_B = (y_B - t) ⊙ exp(-s).
 */
export class AffineCoupling extends FusedCouplings {
  readonly name = 'affine-coupling';
  /** The validated options. */
  readonly layer: ResolvedLayer;

  /** Creates the layer; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: AffineCouplingOptions) {
    const layer = resolveLayer('affine-coupling', options, 'affine');
    super(layer.couplings, couplingTransform(layer.couplings));
    this.layer = layer;
  }

  /** The log-scale bound c. */
  get scaleBound(): number {
    return this.layer.couplings.scaleBound;
  }

  /** `{name: 'affine-coupling', options}` with every default filled in (and the seed drawn). */
  getConfig(): BijectorConfig {
    return { name: this.name, options: layerConfig(this.layer) };
  }
}
