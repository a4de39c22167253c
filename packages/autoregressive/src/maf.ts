import { AutoregressiveFlow } from './autoregressive-flow.js';
import type { AutoregressiveFlowOptions } from './flow-options.js';

/** Options of the `maf` flow. */
export type MAFOptions = AutoregressiveFlowOptions;

/**
 * Masked autoregressive flow (Papamakarios et al. 2017): layers z = (x - μ(x)) ⊙ exp(-α(x)) on MADEs,
 * so the density log p(x) = log p₀(z) - Σ α is one parallel pass per layer and sampling d passes.
 */
export class MAF extends AutoregressiveFlow {
  /** Registry key. */
  readonly name = 'maf';

  /** Builds the flow (fast inverse); an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: MAFOptions) {
    super('maf', options, 'inverse');
  }
}
