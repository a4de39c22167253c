import {
  defineOptions,
  option,
  type ActivationName,
  type BijectorConfig,
  type JsonObject,
  type ResolvedOptions,
} from '@bijective/core';
import {
  FusedCouplings,
  partitionsOption,
  type CouplingStructure,
  type PartitionOptions,
} from '@bijective/engine';
import { SPLINE_OPTIONS } from './options.js';
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

const { hidden, bins, bound, activation, contextShape, identityInit, seed } = SPLINE_OPTIONS;

/**
 * The option fields of a spline coupling, in config order, but for `partitions` (shared with `nsf`).
 * @internal
 */
export const SPLINE_COUPLING_FIELDS = {
  eventShape: SPLINE_OPTIONS.splitEventShape,
  hidden,
  bins,
  bound,
  activation,
  contextShape,
  identityInit,
  seed,
};

/** The fields of {@link SplineCoupling}: the shared ones and the optional explicit partitions. */
const FIELDS = {
  ...SPLINE_COUPLING_FIELDS,
  partitions: option.optional(partitionsOption(), {
    default: 'one coupling with A = the first ⌈d/2⌉ elements and B the rest',
  }),
};

/** The default partition of `[d]`: A the first ⌈d/2⌉ elements, B the rest. */
function halves(d: number): CouplingStructure['partitions'] {
  const cut = Math.ceil(d / 2);
  const all = Array.from({ length: d }, (_, i) => i);
  return [{ indicesA: all.slice(0, cut), indicesB: all.slice(cut) }];
}

/**
 * Rational-quadratic spline coupling (Durkan et al. 2019): y_A = x_A, y_B = g_θ(x_B) elementwise with
 * θ = MLP(x_A[, context]) giving 3K - 1 parameters per element of B (by default A is the first
 * ⌈d/2⌉ elements); log|det J| = Σ_B log g'_θ(x_B). The conditioner and the spline run as core's
 * fused op (one custom-gradient op for all partitions, the spline a host kernel).
 */
export class SplineCoupling extends FusedCouplings {
  readonly name = 'spline-coupling';
  /** Its options, declared once (`partitions` is saved only when given). */
  static readonly schema = defineOptions('spline-coupling', FIELDS);
  /** Number of bins K. */
  readonly bins: number;
  /** Half-width B of the spline interval. */
  readonly bound: number;
  private readonly resolved: ResolvedOptions<typeof FIELDS>;

  /** Builds the layer(s); an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: SplineCouplingOptions) {
    const r = SplineCoupling.schema.read(options);
    const structure: CouplingStructure = { ...r, partitions: r.partitions ?? halves(r.eventShape[0]) };
    super(structure, splineTransform({ bins: r.bins, bound: r.bound }));
    this.resolved = r;
    this.bins = r.bins;
    this.bound = r.bound;
  }

  /** `{name: 'spline-coupling', options}` with every default filled in. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: this.configOptions() };
  }

  /** The resolved options as JSON. */
  configOptions(): JsonObject {
    return SplineCoupling.schema.toConfig(this.resolved);
  }
}
