import { defineOptions, type BijectorConfig } from '@bijective/core';
import {
  COUPLING_LAYER_FIELDS,
  couplingLayer,
  layerOptions,
  type CouplingLayerOptions,
  type ResolvedLayer,
} from './coupling-layer.js';
import { FusedCouplings, couplingTransform } from '@bijective/engine';

/** Options of {@link AdditiveCoupling}. */
export type AdditiveCouplingOptions = CouplingLayerOptions;

/**
 * NICE's additive coupling (Dinh et al. 2015): y_A = x_A, y_B = x_B + m(x_A[, context]); volume
 * preserving, log|det J| = 0; inverse x_B = y_B - m(y_A).
 */
export class AdditiveCoupling extends FusedCouplings {
  readonly name = 'additive-coupling';
  /** Its options, declared once. */
  static readonly schema = defineOptions('additive-coupling', COUPLING_LAYER_FIELDS);
  /** The validated options. */
  readonly layer: ResolvedLayer;

  /** Creates the layer; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: AdditiveCouplingOptions) {
    const layer = couplingLayer(AdditiveCoupling.schema.read(options), 'additive', 0);
    super(layer.couplings, couplingTransform(layer.couplings));
    this.layer = layer;
  }

  /** `{name: 'additive-coupling', options}` with every default filled in (and the seed drawn). */
  getConfig(): BijectorConfig {
    return { name: this.name, options: AdditiveCoupling.schema.toConfig(layerOptions(this.layer)) };
  }
}
