import type { ActivationName, ResolvedOptions } from '@bijective/core';
import { partition, type MaskKind, type ResolvedCouplings, type TransformKind } from '@bijective/engine';
import { COUPLING_OPTIONS } from './options.js';

/** Options shared by {@link AdditiveCoupling} and {@link AffineCoupling}. */
export interface CouplingLayerOptions {
  /** Vector event shape `[d]`, d >= 2. */
  eventShape: number[];
  /** How the event is split into the conditioning part A and the transformed part B; default `halves`. */
  mask?: MaskKind;
  /** 0: A is the first half (or the even elements); 1: the other part; default 0. */
  parity?: 0 | 1;
  /** Hidden widths of the conditioner network; default [64, 64]. */
  hidden?: number[];
  /** Hidden activation of the conditioner; default `relu`. */
  activation?: ActivationName;
  /** Context event shape: the conditioner then reads concat(x_A, context); default none (unconditional). */
  contextShape?: number[];
  /** Start as the identity (zero-initialised conditioner output, Dinh et al. 2017); default true. */
  identityInit?: boolean;
  /** Seed of the conditioner's initialisation; random when absent (the config stores the one drawn). */
  seed?: number;
}

const { eventShape, mask, parity, hidden, activation, contextShape, identityInit, seed } = COUPLING_OPTIONS;

/**
 * The option fields of a single coupling layer, in config order (affine layers add `scaleBound`).
 * @internal
 */
export const COUPLING_LAYER_FIELDS = {
  eventShape,
  mask,
  parity,
  hidden,
  activation,
  contextShape,
  identityInit,
  seed,
};

/** A single layer's validated options: the run settings, its mask kind and its parity. */
export interface ResolvedLayer {
  /** Settings of the one-layer run. */
  couplings: ResolvedCouplings;
  /** Mask kind. */
  mask: MaskKind;
  /** Mask parity. */
  parity: 0 | 1;
}

/** A single layer's options as read by its declaration. */
type LayerOptions = ResolvedOptions<typeof COUPLING_LAYER_FIELDS>;

/**
 * A single layer from its read options: its one-layer run of `transform` (log-scale bound `scaleBound`).
 * @internal
 */
export function couplingLayer(r: LayerOptions, transform: TransformKind, scaleBound: number): ResolvedLayer {
  return {
    mask: r.mask,
    parity: r.parity,
    couplings: {
      eventShape: r.eventShape,
      transform,
      partitions: [partition(r.eventShape[0], r.mask, r.parity)],
      hidden: r.hidden,
      activation: r.activation,
      contextShape: r.contextShape,
      scaleBound,
      identityInit: r.identityInit,
      seed: r.seed,
    },
  };
}

/**
 * A single layer's options again, as its declaration saves them.
 * @internal
 */
export function layerOptions(layer: ResolvedLayer): LayerOptions {
  const c = layer.couplings;
  return {
    eventShape: c.eventShape,
    mask: layer.mask,
    parity: layer.parity,
    hidden: c.hidden,
    activation: c.activation,
    contextShape: c.contextShape,
    identityInit: c.identityInit,
    seed: c.seed,
  };
}
