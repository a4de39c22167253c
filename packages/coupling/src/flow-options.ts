import {
  OptionError,
  optionRecord,
  readBoolean,
  readSeed,
  type ActivationName,
  type EventShape,
  type JsonObject,
  type OptionRecord,
  previewJson,
} from '@bijective/core';
import { type MaskKind, readMixing, type Mixing } from '@bijective/engine';
import {
  readActivation,
  readContextShape,
  readCouplingEventShape,
  readHidden,
  readMaskKind,
} from './options.js';

/** Options shared by the `nice` and `realnvp` flows. */
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

/** The option keys every coupling flow accepts. */
export const COUPLING_FLOW_KEYS: readonly string[] = [
  'eventShape',
  'layers',
  'hidden',
  'activation',
  'mask',
  'mixing',
  'contextShape',
  'identityInit',
  'seed',
];

/** Validated {@link CouplingFlowOptions} with every default filled in. */
export interface ResolvedFlowOptions {
  /** `[d]`. */
  eventShape: [number];
  /** Coupling layers. */
  layers: number;
  /** Hidden widths. */
  hidden: number[];
  /** Hidden activation. */
  activation: ActivationName;
  /** Mask kind. */
  mask: MaskKind;
  /** Mixing between couplings. */
  mixing: Mixing;
  /** Context shape or null. */
  contextShape: EventShape | null;
  /** Identity initialisation. */
  identityInit: boolean;
  /** Seed of the whole flow. */
  seed: number;
}

/** Reads the shared flow options of `owner` (with its defaults for `layers` and `mixing`) and returns the record for extra keys. */
export function resolveFlowOptions(
  owner: string,
  options: unknown,
  extraKeys: readonly string[],
  defaults: { layers: number; mixing: Mixing },
): { resolved: ResolvedFlowOptions; record: OptionRecord } {
  const record = optionRecord(owner, options, [...COUPLING_FLOW_KEYS, ...extraKeys]);
  const layers = record.layers ?? defaults.layers;
  if (typeof layers !== 'number' || !Number.isInteger(layers) || layers < 1) {
    throw new OptionError(`${owner}: option 'layers' must be a positive integer, got ${previewJson(layers)}`);
  }
  const resolved: ResolvedFlowOptions = {
    eventShape: readCouplingEventShape(owner, record),
    layers,
    hidden: readHidden(owner, record),
    activation: readActivation(owner, record),
    mask: readMaskKind(owner, record),
    mixing: readMixing(owner, record, defaults.mixing),
    contextShape: readContextShape(owner, record),
    identityInit: readBoolean(owner, record, 'identityInit', true),
    seed: readSeed(owner, record),
  };
  return { resolved, record };
}

/** The shared flow options as JSON, for configs. */
export function flowOptionsJson(r: ResolvedFlowOptions): JsonObject {
  return {
    eventShape: [...r.eventShape],
    layers: r.layers,
    hidden: [...r.hidden],
    activation: r.activation,
    mask: r.mask,
    mixing: r.mixing,
    ...(r.contextShape ? { contextShape: [...r.contextShape] } : {}),
    identityInit: r.identityInit,
    seed: r.seed,
  };
}
