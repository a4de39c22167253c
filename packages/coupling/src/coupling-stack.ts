import { partitionsJson, type StackParts, type TransformKind } from '@bijective/engine';
import { CouplingSequence } from './coupling-sequence.js';
import type { ResolvedFlowOptions } from './flow-options.js';

/**
 * A {@link StackParts.sequence} of additive or affine couplings: a {@link CouplingSequence} with the
 * flow's conditioner settings.
 */
export function couplingSequence(
  r: ResolvedFlowOptions,
  transform: TransformKind,
  scaleBound: number,
): StackParts['sequence'] {
  return (partitions, seed) =>
    new CouplingSequence({
      eventShape: [...r.eventShape],
      transform,
      partitions: partitionsJson(partitions),
      hidden: [...r.hidden],
      activation: r.activation,
      ...(r.contextShape ? { contextShape: [...r.contextShape] } : {}),
      scaleBound,
      identityInit: r.identityInit,
      seed,
    });
}
