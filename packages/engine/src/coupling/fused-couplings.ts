import { eventSize, hostRng, type ActivationName, type EventShape } from '@bijective/core';
import {
  CONDITIONER_ACTIVATIONS,
  ADDITIVE_TRANSFORM,
  FusedLayers,
  ParameterLayout,
  affineTransform,
  rowPlacement,
  type ElementwiseTransform,
  type FusedLayerSetup,
} from '../fused/index.js';
import { CouplingMask, type Partition } from './mask.js';

/** The elementwise map of a coupling: NICE's additive shift or RealNVP's affine map with bounded log-scale. */
export type TransformKind = 'additive' | 'affine';

/** The structure of a run of coupling layers, whatever their elementwise map. */
export interface CouplingStructure {
  /** `[d]`, d >= 2. */
  eventShape: [number];
  /** Each layer's partition, in forward (base -> data) order; index lists may be in any order. */
  partitions: Partition[];
  /** Hidden widths of each conditioner. */
  hidden: number[];
  /** Hidden activation. */
  activation: ActivationName;
  /** Context event shape, or null. */
  contextShape: EventShape | null;
  /** Zero-initialised conditioner outputs (each layer starts as the identity). */
  identityInit: boolean;
  /** Seed of the initialisation (layer seeds are drawn from it in order). */
  seed: number;
}

/** Validated settings of a run of additive or affine coupling layers. */
export interface ResolvedCouplings extends CouplingStructure {
  /** The elementwise map of every layer. */
  transform: TransformKind;
  /** Log-scale bound c of affine layers. */
  scaleBound: number;
}

/** The elementwise map `resolved.transform` names: NICE's additive shift or RealNVP's bounded affine map. */
export function couplingTransform(resolved: ResolvedCouplings): ElementwiseTransform {
  return resolved.transform === 'affine' ? affineTransform(resolved.scaleBound) : ADDITIVE_TRANSFORM;
}

/** The fused layers of a coupling run: each conditioner reads x_A through S_A and drives g on B. */
function couplingSetup(
  structure: CouplingStructure,
  masks: readonly CouplingMask[],
  transform: ElementwiseTransform,
): FusedLayerSetup {
  const contextSize = structure.contextShape ? eventSize(structure.contextShape) : 0;
  const activation = CONDITIONER_ACTIVATIONS[structure.activation];
  const rng = hostRng(structure.seed);
  return {
    eventShape: structure.eventShape,
    contextShape: structure.contextShape,
    layers: masks.map((mask) => {
      const widths = [mask.sizeA + contextSize, ...structure.hidden, transform.heads * mask.sizeB];
      const initial = new ParameterLayout(widths).initial(
        structure.activation,
        rng.int(2 ** 32),
        structure.identityInit,
      );
      const spec = {
        inputMap: rowPlacement(mask.selectA, { rows: mask.partition.indicesA, size: mask.size }),
        inputRows: mask.sizeA,
        kernelMaps: structure.hidden.map(() => null),
        columns: mask.partition.indicesB,
        transform,
        activation,
      };
      return { spec, widths, initial };
    }),
    constants: masks.flatMap((m) => [m.selectA.m, m.selectA.t]),
  };
}

/**
 * Coupling layers (Dinh et al. 2015, NICE; Dinh et al. 2017, RealNVP) y_A = x_A,
 * y_B = g(x_B; m(x_A[, context])), run in sequence as core's fused op ({@link FusedLayers}).
 */
export abstract class FusedCouplings extends FusedLayers {
  /** Each layer's partition as constants, in forward order. */
  readonly masks: readonly CouplingMask[];

  /** Builds the constants, initialises every θ and creates the two ops; every layer's g is `transform`. */
  protected constructor(structure: CouplingStructure, transform: ElementwiseTransform) {
    const masks = structure.partitions.map((p) => new CouplingMask(structure.eventShape[0], p));
    super(couplingSetup(structure, masks, transform));
    this.masks = masks;
  }
}
