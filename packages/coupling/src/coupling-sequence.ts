import { defineOptions, type ActivationName, type BijectorConfig } from '@bijective/core';
import {
  FusedCouplings,
  couplingTransform,
  type PartitionOptions,
  type ResolvedCouplings,
  type TransformKind,
} from '@bijective/engine';
import { COUPLING_OPTIONS } from './options.js';

/** Options of {@link CouplingSequence}. */
export interface CouplingSequenceOptions {
  /** Vector event shape `[d]`, d >= 2. */
  eventShape: number[];
  /** `additive` (NICE) or `affine` (RealNVP) layers. */
  transform: TransformKind;
  /** Each layer's partition, in forward (base -> data) order. */
  partitions: PartitionOptions[];
  /** Hidden widths of every conditioner; default [64, 64]. */
  hidden?: number[];
  /** Hidden activation; default `relu`. */
  activation?: ActivationName;
  /** Context event shape of conditional layers; default none. */
  contextShape?: number[];
  /** Log-scale bound c of affine layers; default 2. */
  scaleBound?: number;
  /** Start as the identity (zero-initialised conditioner outputs); default true. */
  identityInit?: boolean;
  /** Seed of the initialisation; random when absent (the config stores the one drawn). */
  seed?: number;
}

const {
  eventShape,
  transform,
  partitions,
  hidden,
  activation,
  contextShape,
  scaleBound,
  identityInit,
  seed,
} = COUPLING_OPTIONS;

/**
 * A run of coupling layers with explicit partitions, fused into one op (see {@link FusedCouplings}):
 * the `nice` and `realnvp` flows fold the permutations between their couplings into these
 * partitions, so that no mixing op runs between layers.
 */
export class CouplingSequence extends FusedCouplings {
  readonly name = 'coupling-sequence';
  /** Its options, declared once. */
  static readonly schema = defineOptions('coupling-sequence', {
    eventShape,
    transform,
    partitions,
    hidden,
    activation,
    contextShape,
    scaleBound,
    identityInit,
    seed,
  });

  /** The validated options. */
  private readonly settings: ResolvedCouplings;

  /** Creates the layers; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: CouplingSequenceOptions) {
    const resolved: ResolvedCouplings = CouplingSequence.schema.read(options);
    super(resolved, couplingTransform(resolved));
    this.settings = resolved;
  }

  /** `{name: 'coupling-sequence', options}` with every default filled in (and the seed drawn). */
  getConfig(): BijectorConfig {
    return { name: this.name, options: CouplingSequence.schema.toConfig(this.settings) };
  }
}
