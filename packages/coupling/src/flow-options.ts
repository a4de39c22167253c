import { option, type ActivationName, type ResolvedOptions } from '@bijective/core';
import type { MaskKind, Mixing } from '@bijective/engine';
import { COUPLING_OPTIONS } from './options.js';

/** Options shared by the `nice` and `realnvp` flows (each states its own default number of layers). */
export interface CouplingFlowOptions {
  /** Vector event shape `[d]`, d >= 2. */
  eventShape: number[];
  /** Number of coupling layers (>= 1). */
  layers?: number;
  /** Hidden widths of every conditioner network; default [64, 64]. */
  hidden?: number[];
  /** Hidden activation of the conditioners; default `relu`. */
  activation?: ActivationName;
  /** Partition of the event in each coupling; default `halves`. */
  mask?: MaskKind;
  /** Map between consecutive couplings; default `reverse`. */
  mixing?: Mixing;
  /** Context event shape of a conditional flow (every conditioner reads concat(x_A, context)); default none. */
  contextShape?: number[];
  /** Start as the identity map (zero-initialised conditioner outputs); default true. */
  identityInit?: boolean;
  /** Seed of every initialisation and random permutation; random when absent (the config stores the one drawn). */
  seed?: number;
}

/**
 * The option fields of a coupling flow with `layers` couplings by default, in config order.
 * @internal
 */
export function couplingFlowFields(layers: number) {
  const { eventShape, hidden, activation, mask, mixing, contextShape, identityInit, seed } = COUPLING_OPTIONS;
  return {
    eventShape,
    layers: option.count({ default: layers }),
    hidden,
    activation,
    mask,
    mixing,
    contextShape,
    identityInit,
    seed,
  };
}

/** Validated {@link CouplingFlowOptions} with every default filled in. */
export type ResolvedFlowOptions = ResolvedOptions<ReturnType<typeof couplingFlowFields>>;
