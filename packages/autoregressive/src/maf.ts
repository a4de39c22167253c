import { defineOptions } from '@bijective/core';
import { AutoregressiveFlow } from './autoregressive-flow.js';
import { AUTOREGRESSIVE_FLOW_FIELDS, type AutoregressiveFlowOptions } from './flow-options.js';

/** Options of the `maf` flow. */
export type MAFOptions = AutoregressiveFlowOptions;

/**
 * Masked autoregressive flow (Papamakarios et al. 2017): layers z = (x - μ(x)) ⊙ exp(-α(x)) on MADEs,
 * so the density log p(x) = log p₀(z) - Σ α is one parallel pass per layer and sampling d passes.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, useBackend } from '@bijective/core';
 * import { MAF } from '@bijective/autoregressive';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const maf = new MAF({ eventShape: [5], layers: 3, hidden: [32, 32], identityInit: false, seed: 1 });
 * const flow = new Flow(new StandardNormal({ eventShape: [5] }), maf);
 * console.log(maf.fastDirection, flow.logProb(tf.zeros([2, 5])).arraySync()); // 'inverse': logProb in one pass per layer
 * ```
 */
export class MAF extends AutoregressiveFlow {
  /** Registry key. */
  readonly name = 'maf';
  /** Its options, declared once. */
  static readonly schema = defineOptions('maf', AUTOREGRESSIVE_FLOW_FIELDS);

  /** Builds the flow (fast inverse); an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: MAFOptions) {
    super(MAF.schema, options, 'inverse');
  }
}
