import { optionRecord, readBoolean, readSeed, type ActivationName, type JsonObject } from '@bijective/core';
import { type ResolvedCouplings, type TransformKind, partition, type MaskKind } from '@bijective/engine';
import {
  readActivation,
  readContextShape,
  readCouplingEventShape,
  readHidden,
  readMaskKind,
  readParity,
  readScaleBound,
} from './options.js';

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

/** The option keys every single coupling layer accepts. */
export const COUPLING_LAYER_KEYS: readonly string[] = [
  'eventShape',
  'mask',
  'parity',
  'hidden',
  'activation',
  'contextShape',
  'identityInit',
  'seed',
];

/** A single layer's validated options: the run settings, its mask kind and its parity. */
export interface ResolvedLayer {
  /** Settings of the one-layer run. */
  couplings: ResolvedCouplings;
  /** Mask kind. */
  mask: MaskKind;
  /** Mask parity. */
  parity: 0 | 1;
}

/** Validates a single layer's options for `transform` (affine layers also read `scaleBound`); an unknown key is an OptionError. */
export function resolveLayer(owner: string, options: unknown, transform: TransformKind): ResolvedLayer {
  const known = transform === 'affine' ? [...COUPLING_LAYER_KEYS, 'scaleBound'] : COUPLING_LAYER_KEYS;
  const record = optionRecord(owner, options, known);
  const eventShape = readCouplingEventShape(owner, record);
  const mask = readMaskKind(owner, record);
  const parity = readParity(owner, record);
  return {
    mask,
    parity,
    couplings: {
      eventShape,
      transform,
      partitions: [partition(eventShape[0], mask, parity)],
      hidden: readHidden(owner, record),
      activation: readActivation(owner, record),
      contextShape: readContextShape(owner, record),
      scaleBound: transform === 'affine' ? readScaleBound(owner, record) : 0,
      identityInit: readBoolean(owner, record, 'identityInit', true),
      seed: readSeed(owner, record),
    },
  };
}

/** A single layer's options as JSON (every default filled in), for configs. */
export function layerConfig(layer: ResolvedLayer): JsonObject {
  const c = layer.couplings;
  return {
    eventShape: [...c.eventShape],
    mask: layer.mask,
    parity: layer.parity,
    hidden: [...c.hidden],
    activation: c.activation,
    ...(c.contextShape ? { contextShape: [...c.contextShape] } : {}),
    identityInit: c.identityInit,
    seed: c.seed,
    ...(c.transform === 'affine' ? { scaleBound: c.scaleBound } : {}),
  };
}
