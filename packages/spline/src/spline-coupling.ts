import {
  optionRecord,
  readBoolean,
  readSeed,
  type ActivationName,
  type BijectorConfig,
  type JsonObject,
} from '@bijective/core';
import {
  FusedCouplings,
  readPartitions,
  type CouplingStructure,
  type PartitionOptions,
} from '@bijective/engine';
import {
  DEFAULT_BINS,
  readActivationName,
  readBound,
  readSplineHidden,
  readInteger,
  readOptionalContextShape,
  readSplitEventShape,
} from './options.js';
import { splineTransform } from './spline-transform.js';
/** Options of {@link SplineCoupling}. */
export interface SplineCouplingOptions {
  /** Vector event shape `[d]`, d >= 2. */
  eventShape: number[];
  /** Hidden widths of the conditioner; default [64, 64]. */
  hidden?: number[];
  /** Number of spline bins K (>= 2); default 8. */
  bins?: number;
  /** Half-width B of the spline interval [-B, B]; default 3. */
  bound?: number;
  /** Hidden activation of the conditioner; default `relu`. */
  activation?: ActivationName;
  /** Context event shape (the conditioner reads concat(x_A, context)); default none. */
  contextShape?: number[];
  /** Start as the identity map (zero conditioner outputs, knot derivatives 1); default true. */
  identityInit?: boolean;
  /** Seed of the conditioner's initialisation; random when absent (the config stores the one drawn). */
  seed?: number;
  /**
   * Several couplings run as one fused op, each with its own partition (forward order); default one
   * coupling with A = the first ⌈d/2⌉ elements and B the rest. `nsf` folds its reversals into these.
   */
  partitions?: PartitionOptions[];
}

/** The option keys shared by {@link SplineCoupling} and the `nsf` flow. */
export const SPLINE_COUPLING_KEYS: readonly string[] = [
  'eventShape',
  'hidden',
  'bins',
  'bound',
  'activation',
  'contextShape',
  'identityInit',
  'seed',
];

/** Validated {@link SplineCouplingOptions}. */
interface ResolvedSplineCoupling {
  structure: CouplingStructure;
  bins: number;
  bound: number;
  /** Whether `partitions` was given (the config then repeats it). */
  explicitPartitions: boolean;
}

function resolve(options: SplineCouplingOptions): ResolvedSplineCoupling {
  const owner = 'spline-coupling';
  const record = optionRecord(owner, options, [...SPLINE_COUPLING_KEYS, 'partitions']);
  const eventShape = readSplitEventShape(owner, record);
  const d = eventShape[0];
  const cut = Math.ceil(d / 2);
  const all = Array.from({ length: d }, (_, i) => i);
  const explicitPartitions = record.partitions !== undefined;
  return {
    structure: {
      eventShape,
      partitions: explicitPartitions
        ? readPartitions(owner, record, d)
        : [{ indicesA: all.slice(0, cut), indicesB: all.slice(cut) }],
      hidden: readSplineHidden(owner, record),
      activation: readActivationName(owner, record),
      contextShape: readOptionalContextShape(owner, record),
      identityInit: readBoolean(owner, record, 'identityInit', true),
      seed: readSeed(owner, record),
    },
    bins: readInteger(owner, record, 'bins', DEFAULT_BINS, 2),
    bound: readBound(owner, record),
    explicitPartitions,
  };
}

/**
 * Rational-quadratic spline coupling (Durkan et al. 2019): y_A = x_A, y_B = g_θ(x_B) elementwise with
 * θ = MLP(x_A[, context]) giving 3K - 1 parameters per element of B (by default A is the first
 * ⌈d/2⌉ elements); log|det J| = Σ_B log g'_θ(x_B). The conditioner and the spline run as core's
 * fused op (one custom-gradient op for all partitions, the spline a host kernel).
 */
export class SplineCoupling extends FusedCouplings {
  readonly name = 'spline-coupling';
  /** Number of bins K. */
  readonly bins: number;
  /** Half-width B of the spline interval. */
  readonly bound: number;
  private readonly settings: ResolvedSplineCoupling;

  /** Builds the layer(s); an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: SplineCouplingOptions) {
    const settings = resolve(options);
    super(settings.structure, splineTransform({ bins: settings.bins, bound: settings.bound }));
    this.settings = settings;
    this.bins = settings.bins;
    this.bound = settings.bound;
  }

  /** `{name: 'spline-coupling', options}` with every default filled in. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: this.configOptions() };
  }

  /** The resolved options as JSON. */
  configOptions(): JsonObject {
    const { structure: s, explicitPartitions } = this.settings;
    return {
      eventShape: [...s.eventShape],
      hidden: [...s.hidden],
      bins: this.bins,
      bound: this.bound,
      activation: s.activation,
      ...(s.contextShape ? { contextShape: [...s.contextShape] } : {}),
      identityInit: s.identityInit,
      seed: s.seed,
      ...(explicitPartitions
        ? {
            partitions: s.partitions.map((p) => ({
              conditioned: [...p.indicesA],
              transformed: [...p.indicesB],
            })),
          }
        : {}),
    };
  }
}
