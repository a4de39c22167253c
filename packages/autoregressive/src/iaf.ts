import { defineOptions } from '@bijective/core';
import { AutoregressiveFlow } from './autoregressive-flow.js';
import { AUTOREGRESSIVE_FLOW_FIELDS, type AutoregressiveFlowOptions } from './flow-options.js';

/** Options of the `iaf` flow. */
export type IAFOptions = AutoregressiveFlowOptions;

/**
 * Inverse autoregressive flow (Kingma et al. 2016): layers x = z ⊙ exp(α(z)) + μ(z) on MADEs, so
 * sampling with log|det J| = Σ α is one parallel pass per layer and the density d passes.
 *
 * @example
 * ```ts
 * import { Flow, StandardNormal, useBackend } from '@bijective/core';
 * import { IAF } from '@bijective/autoregressive';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const iaf = new IAF({ eventShape: [5], layers: 3, hidden: [32, 32], identityInit: false, seed: 1 });
 * const flow = new Flow(new StandardNormal({ eventShape: [5] }), iaf);
 * const { value, logProb } = flow.sampleAndLogProb(4, { seed: 2 }); // 'forward': one pass per layer
 * console.log(iaf.fastDirection, value.shape, logProb.arraySync());
 * ```
 */
export class IAF extends AutoregressiveFlow {
  /** Registry key. */
  readonly name = 'iaf';
  /** Its options, declared once. */
  static readonly schema = defineOptions('iaf', AUTOREGRESSIVE_FLOW_FIELDS);

  /** Builds the flow (fast forward); an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: IAFOptions) {
    super(IAF.schema, options, 'forward');
  }
}
