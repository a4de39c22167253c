import { option, type ActivationName, type ResolvedOptions } from '@bijective/core';
import { CONDITIONER_OPTIONS } from '@bijective/engine';

/** How the autoregressive order changes from layer to layer. */
export type OrderSchedule = 'reverse' | 'random';

/** Options of the `maf` and `iaf` flows. */
export interface AutoregressiveFlowOptions {
  /** Vector event shape `[d]`. */
  eventShape: number[];
  /** Number of autoregressive layers; default 12 ({@link AUTOREGRESSIVE_DEFAULT_LAYERS}). */
  layers?: number;
  /** Hidden widths of every MADE; default [64, 64]. */
  hidden?: number[];
  /** Hidden activation; default `relu`. */
  activation?: ActivationName;
  /** `reverse`: natural and reversed orders alternate (the variables' reversal between layers); `random`: a seeded random order per layer; default `reverse`. */
  order?: OrderSchedule;
  /** Residual connections between equal-width hidden layers of every MADE; default false. */
  residual?: boolean;
  /** Context event shape of a conditional flow (every MADE reads it); default none. */
  contextShape?: number[];
  /** Insert a batch-norm bijector after every layer but the last (Papamakarios et al. 2017, §3.4); default false. */
  batchNorm?: boolean;
  /** Bound c of every log-scale, α = c·tanh(α̂/c); default 2. */
  scaleBound?: number;
  /** Start as the identity map (zero-initialised MADE outputs); default true. */
  identityInit?: boolean;
  /** Seed of every initialisation and random order; random when absent (the config stores the one drawn). */
  seed?: number;
}

/** Default number of layers of `maf` and `iaf`. */
export const AUTOREGRESSIVE_DEFAULT_LAYERS = 12;

const { hidden, activation, contextShape, scaleBound, identityInit, seed } = CONDITIONER_OPTIONS;

/**
 * The option fields of the `maf` and `iaf` flows, in config order.
 * @internal
 */
export const AUTOREGRESSIVE_FLOW_FIELDS = {
  eventShape: option.vectorShape(),
  layers: option.count({ default: AUTOREGRESSIVE_DEFAULT_LAYERS }),
  hidden,
  activation,
  order: option.oneOf(['reverse', 'random'], { default: 'reverse' }),
  residual: option.boolean({ default: false }),
  contextShape,
  batchNorm: option.boolean({ default: false }),
  scaleBound,
  identityInit,
  seed,
};

/** Validated {@link AutoregressiveFlowOptions} with every default filled in. */
export type ResolvedAutoregressiveOptions = ResolvedOptions<typeof AUTOREGRESSIVE_FLOW_FIELDS>;
