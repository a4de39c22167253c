import { defineOptions, type BijectorConfig } from '@bijective/core';
import {
  COUPLING_LAYER_FIELDS,
  couplingLayer,
  layerOptions,
  type CouplingLayerOptions,
  type ResolvedLayer,
} from './coupling-layer.js';
import { COUPLING_OPTIONS } from './options.js';
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
  /** Its options, declared once. */
  static readonly schema = defineOptions('affine-coupling', {
    ...COUPLING_LAYER_FIELDS,
    scaleBound: COUPLING_OPTIONS.scaleBound,
  });
  /** The validated options. */
  readonly layer: ResolvedLayer;

  /** Creates the layer; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: AffineCouplingOptions) {
    const resolved = AffineCoupling.schema.read(options);
    const layer = couplingLayer(resolved, 'affine', resolved.scaleBound);
    super(layer.couplings, couplingTransform(layer.couplings));
    this.layer = layer;
  }

  /** The log-scale bound c. */
  get scaleBound(): number {
    return this.layer.couplings.scaleBound;
  }

  /** `{name: 'affine-coupling', options}` with every default filled in (and the seed drawn). */
  getConfig(): BijectorConfig {
    const options = { ...layerOptions(this.layer), scaleBound: this.scaleBound };
    return { name: this.name, options: AffineCoupling.schema.toConfig(options) };
  }
}
