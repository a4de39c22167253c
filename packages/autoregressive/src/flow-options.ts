import {
  OptionError,
  optionRecord,
  readBoolean,
  readNumber,
  readSeed,
  type ActivationName,
  type EventShape,
  type JsonObject,
  previewJson,
} from '@bijective/core';
import { DEFAULT_SCALE_BOUND } from '@bijective/engine';
import { readActivation, readContextShape, readCount, readHidden, readVectorShape } from './options.js';

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

/** Validated {@link AutoregressiveFlowOptions} with every default filled in. */
export interface ResolvedAutoregressiveOptions {
  /** `[d]`. */
  eventShape: [number];
  /** Number of layers. */
  layers: number;
  /** Hidden widths. */
  hidden: number[];
  /** Hidden activation. */
  activation: ActivationName;
  /** Order schedule. */
  order: OrderSchedule;
  /** Residual MADEs. */
  residual: boolean;
  /** Context shape or null. */
  contextShape: EventShape | null;
  /** Batch norm between layers. */
  batchNorm: boolean;
  /** Log-scale bound. */
  scaleBound: number;
  /** Identity initialisation. */
  identityInit: boolean;
  /** Seed of the whole flow. */
  seed: number;
}

const KEYS = [
  'eventShape',
  'layers',
  'hidden',
  'activation',
  'order',
  'residual',
  'contextShape',
  'batchNorm',
  'scaleBound',
  'identityInit',
  'seed',
];

/** Reads and checks the options of the flow `owner`; a bad option throws an OptionError or ShapeError naming it. */
export function resolveAutoregressiveOptions(owner: string, options: unknown): ResolvedAutoregressiveOptions {
  const record = optionRecord(owner, options, KEYS);
  const order = record.order ?? 'reverse';
  if (order !== 'reverse' && order !== 'random') {
    throw new OptionError(
      `${owner}: option 'order' must be 'reverse' or 'random', got ${previewJson(order)}`,
    );
  }
  return {
    eventShape: readVectorShape(owner, record),
    layers: readCount(owner, record, 'layers', AUTOREGRESSIVE_DEFAULT_LAYERS),
    hidden: readHidden(owner, record),
    activation: readActivation(owner, record),
    order,
    residual: readBoolean(owner, record, 'residual', false),
    contextShape: readContextShape(owner, record),
    batchNorm: readBoolean(owner, record, 'batchNorm', false),
    scaleBound: readNumber(owner, record, 'scaleBound', DEFAULT_SCALE_BOUND, { above: 0 }),
    identityInit: readBoolean(owner, record, 'identityInit', true),
    seed: readSeed(owner, record),
  };
}

/** The resolved flow options as JSON, for configs. */
export function autoregressiveOptionsJson(r: ResolvedAutoregressiveOptions): JsonObject {
  return {
    eventShape: [...r.eventShape],
    layers: r.layers,
    hidden: [...r.hidden],
    activation: r.activation,
    order: r.order,
    residual: r.residual,
    ...(r.contextShape ? { contextShape: [...r.contextShape] } : {}),
    batchNorm: r.batchNorm,
    scaleBound: r.scaleBound,
    identityInit: r.identityInit,
    seed: r.seed,
  };
}
