import { BatchNorm, defineOptions, type BijectorConfig } from '@bijective/core';
import { CouplingFlow } from './coupling-flow.js';
import { couplingLinks } from '@bijective/engine';
import { couplingSequence } from './coupling-stack.js';
import { couplingFlowFields, type CouplingFlowOptions, type ResolvedFlowOptions } from './flow-options.js';
import { COUPLING_OPTIONS } from './options.js';

/** Options of the `realnvp` flow. */
export interface RealNVPOptions extends CouplingFlowOptions {
  /** Number of coupling layers (>= 1); default 12 ({@link REALNVP_DEFAULT_LAYERS}). */
  layers?: number;
  /** Bound c of every log-scale, s = c·tanh(ŝ/c); default 2. */
  scaleBound?: number;
  /** Insert a batch-norm bijector after every coupling but the last (Dinh et al. 2017, §3.7); default false. */
  batchNorm?: boolean;
}

/** Default number of RealNVP coupling layers. */
export const REALNVP_DEFAULT_LAYERS = 12;

/**
 * RealNVP (Dinh et al. 2017): affine couplings y_B = x_B ⊙ exp(s(x_A)) + t(x_A) with bounded
 * log-scales s = c·tanh(ŝ/c), mixing (reverse, permutation or LU-linear; permutations are folded into
 * the masks, see {@link couplingLinks}) and optional batch norm between them;
 * log|det J| = Σ_layers Σ s (+ the LU and batch-norm terms).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, useBackend } from '@bijective/core';
 * import { RealNVP } from '@bijective/coupling';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const realnvp = new RealNVP({ eventShape: [4], layers: 6, hidden: [32, 32], scaleBound: 2, identityInit: false, seed: 1 });
 * const flow = new Flow(new StandardNormal({ eventShape: [4] }), realnvp);
 * const { value, logProb } = flow.sampleAndLogProb(3, { seed: 2 }); // one pass each way: fast density and sampling
 * console.log(value.shape, logProb.arraySync(), flow.logProb(value).arraySync()); // the same log-densities
 * ```
 */
export class RealNVP extends CouplingFlow {
  readonly name = 'realnvp';
  /** Its options, declared once. */
  static readonly schema = defineOptions('realnvp', {
    ...couplingFlowFields(REALNVP_DEFAULT_LAYERS),
    scaleBound: COUPLING_OPTIONS.scaleBound,
    batchNorm: COUPLING_OPTIONS.batchNorm,
  });
  /** The resolved shared options. */
  readonly options: Readonly<ResolvedFlowOptions>;
  /** The log-scale bound c. */
  readonly scaleBound: number;
  /** Whether batch norm sits between couplings. */
  readonly batchNorm: boolean;

  /** Builds the flow; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: RealNVPOptions) {
    const resolved = RealNVP.schema.read(options);
    const { scaleBound, batchNorm } = resolved;
    const eventShape = [...resolved.eventShape];
    super(
      couplingLinks(resolved, {
        sequence: couplingSequence(resolved, 'affine', scaleBound),
        between: () => (batchNorm ? [new BatchNorm({ eventShape })] : []),
      }),
    );
    this.options = resolved;
    this.scaleBound = scaleBound;
    this.batchNorm = batchNorm;
  }

  /** `{name: 'realnvp', options}` with every default filled in. */
  getConfig(): BijectorConfig {
    const { scaleBound, batchNorm } = this;
    return { name: this.name, options: RealNVP.schema.toConfig({ ...this.options, scaleBound, batchNorm }) };
  }
}
