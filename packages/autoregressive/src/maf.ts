import { defineOptions } from '@bijective/core';
import { AutoregressiveFlow } from './autoregressive-flow.js';
import { AUTOREGRESSIVE_FLOW_FIELDS, type AutoregressiveFlowOptions } from './flow-options.js';

/** Options of the `maf` flow. */
export type MAFOptions = AutoregressiveFlowOptions;

/**
 * Masked autoregressive flow (Papamakarios et al. 2017): layers z = (x - μ(x)) ⊙ exp(-α(x)) on MADEs,
 * so the density log p(x) = log p₀(z) - Σ α is one parallel pass per layer and sampling d passes.
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
