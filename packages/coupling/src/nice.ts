import { Scale, defineOptions, type BijectorConfig } from '@bijective/core';
import { DEFAULT_SCALE_BOUND } from '@bijective/engine';
import { CouplingFlow } from './coupling-flow.js';
import { couplingLinks } from '@bijective/engine';
import { couplingSequence } from './coupling-stack.js';
import { couplingFlowFields, type CouplingFlowOptions, type ResolvedFlowOptions } from './flow-options.js';

/** Options of the `nice` flow. */
export interface NiceOptions extends CouplingFlowOptions {
  /** Number of coupling layers (>= 1); default 4 ({@link NICE_DEFAULT_LAYERS}). */
  layers?: number;
}

/** Default number of NICE coupling layers (Dinh et al. 2015 use 4). */
export const NICE_DEFAULT_LAYERS = 4;

/**
 * NICE (Dinh et al. 2015): additive couplings y_B = x_B + m(x_A) with mixing between them (folded
 * into the masks, see {@link couplingLinks}), after a trainable diagonal scaling z -> s ⊙ z on the
 * base side (the paper's final scaling layer, the only part that changes volume): log|det J| = Σ log s.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, useBackend } from '@bijective/core';
 * import { Nice } from '@bijective/coupling';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const flow = new Flow(new StandardNormal({ eventShape: [4] }), new Nice({ eventShape: [4], layers: 4, hidden: [32, 32] }));
 * console.log(flow.logProb(tf.ones([2, 4])).arraySync(), flow.sample(2, { seed: 1 }).shape); // [-5.68, -5.68] [2, 4]
 * ```
 */
export class Nice extends CouplingFlow {
  readonly name = 'nice';
  /** Its options, declared once. */
  static readonly schema = defineOptions('nice', couplingFlowFields(NICE_DEFAULT_LAYERS));
  /** The resolved options. */
  readonly options: Readonly<ResolvedFlowOptions>;

  /** Builds the flow; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: NiceOptions) {
    const resolved = Nice.schema.read(options);
    const scale = new Scale({ eventShape: [...resolved.eventShape] });
    try {
      super([
        scale,
        ...couplingLinks(resolved, { sequence: couplingSequence(resolved, 'additive', DEFAULT_SCALE_BOUND) }),
      ]);
    } catch (error) {
      scale.dispose();
      throw error;
    }
    this.options = resolved;
  }

  /** `{name: 'nice', options}` with every default filled in. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: Nice.schema.toConfig(this.options) };
  }
}
