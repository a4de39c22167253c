import {
  optionRecord,
  readBoolean,
  readSeed,
  type ActivationName,
  type BijectorConfig,
} from '@bijective/core';
import {
  FusedCouplings,
  couplingTransform,
  readPartitions,
  type PartitionOptions,
  type ResolvedCouplings,
  type TransformKind,
} from '@bijective/engine';
import {
  readActivation,
  readContextShape,
  readCouplingEventShape,
  readHidden,
  readScaleBound,
  readTransform,
} from './options.js';

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

const KEYS = [
  'eventShape',
  'transform',
  'partitions',
  'hidden',
  'activation',
  'contextShape',
  'scaleBound',
  'identityInit',
  'seed',
];

/** Validates {@link CouplingSequenceOptions}. */
function resolve(options: unknown): ResolvedCouplings {
  const owner = 'coupling-sequence';
  const record = optionRecord(owner, options, KEYS);
  const eventShape = readCouplingEventShape(owner, record);
  return {
    eventShape,
    transform: readTransform(owner, record),
    partitions: readPartitions(owner, record, eventShape[0]),
    hidden: readHidden(owner, record),
    activation: readActivation(owner, record),
    contextShape: readContextShape(owner, record),
    scaleBound: readScaleBound(owner, record),
    identityInit: readBoolean(owner, record, 'identityInit', true),
    seed: readSeed(owner, record),
  };
}

/**
 * A run of coupling layers with explicit partitions, fused into one op (see {@link FusedCouplings}):
 * the `nice` and `realnvp` flows fold the permutations between their couplings into these
 * partitions, so that no mixing op runs between layers.
 */
export class CouplingSequence extends FusedCouplings {
  readonly name = 'coupling-sequence';

  /** The validated options. */
  private readonly settings: ResolvedCouplings;

  /** Creates the layers; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: CouplingSequenceOptions) {
    const resolved = resolve(options);
    super(resolved, couplingTransform(resolved));
    this.settings = resolved;
  }

  /** `{name: 'coupling-sequence', options}` with every default filled in (and the seed drawn). */
  getConfig(): BijectorConfig {
    const r = this.settings;
    return {
      name: this.name,
      options: {
        eventShape: [...r.eventShape],
        transform: r.transform,
        partitions: r.partitions.map((p) => ({ conditioned: [...p.indicesA], transformed: [...p.indicesB] })),
        hidden: [...r.hidden],
        activation: r.activation,
        ...(r.contextShape ? { contextShape: [...r.contextShape] } : {}),
        scaleBound: r.scaleBound,
        identityInit: r.identityInit,
        seed: r.seed,
      },
    };
  }
}
