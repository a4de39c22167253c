import {
  OptionError,
  ShapeError,
  checkEventShape,
  formatShape,
  readNumber,
  type OptionRecord,
  readHiddenSizes,
  DEFAULT_SCALE_BOUND,
  previewJson,
} from '@bijective/core';
import type { TransformKind } from './fused-couplings.js';
import { MASK_KINDS, type MaskKind, type Partition } from './mask.js';

/** Default hidden widths of coupling conditioners: two layers of 64 units. */
export const DEFAULT_HIDDEN: readonly number[] = [64, 64];

/** Reads the vector event shape `[d]` of a coupling layer or flow; d < 2 cannot be split and is a ShapeError. */
export function readCouplingEventShape(owner: string, record: OptionRecord): [number] {
  const shape = checkEventShape(record.eventShape, `${owner}: option 'eventShape'`);
  if (shape.length !== 1) {
    throw new ShapeError(
      `${owner}: option 'eventShape' must be a vector shape [d], got ${formatShape(shape)}`,
    );
  }
  const d = shape[0] as number;
  if (d < 2) {
    throw new ShapeError(
      `${owner}: coupling layers split the event into two non-empty parts, so they need d >= 2; got eventShape [${d}] (use an elementwise bijector such as 'affine' for 1-D data)`,
    );
  }
  return [d];
}

/** Reads the mask kind, default `halves`. */
export function readMaskKind(owner: string, record: OptionRecord): MaskKind {
  const value = record.mask ?? 'halves';
  if (typeof value !== 'string' || !(MASK_KINDS as readonly string[]).includes(value)) {
    throw new OptionError(
      `${owner}: option 'mask' must be one of ${MASK_KINDS.join(', ')}, got ${previewJson(value)}`,
    );
  }
  return value as MaskKind;
}

/** Reads the mask parity (0 or 1), default 0. */
export function readParity(owner: string, record: OptionRecord): 0 | 1 {
  const value = record.parity ?? 0;
  if (value !== 0 && value !== 1) {
    throw new OptionError(`${owner}: option 'parity' must be 0 or 1, got ${previewJson(value)}`);
  }
  return value;
}

/** Reads an explicit list of partitions of `[d]` (option `partitions`): each a disjoint cover of 0..d-1 by two non-empty index lists. */
export function readPartitions(owner: string, record: OptionRecord, d: number): Partition[] {
  const value = record.partitions;
  const bad = (why: string) =>
    new OptionError(`${owner}: option 'partitions' ${why}, got ${previewJson(value)}`);
  if (!Array.isArray(value) || value.length === 0)
    throw bad('must be a non-empty list of {conditioned, transformed} index lists');
  return value.map((entry, k) => {
    const { conditioned, transformed } = (entry ?? {}) as { conditioned?: unknown; transformed?: unknown };
    const lists = [conditioned, transformed];
    if (!lists.every((l) => Array.isArray(l) && l.length > 0 && l.every((i) => Number.isInteger(i)))) {
      throw bad(`[${k}] must have non-empty integer lists 'conditioned' and 'transformed'`);
    }
    const all = [...(conditioned as number[]), ...(transformed as number[])].sort((a, b) => a - b);
    if (all.length !== d || !all.every((i, j) => i === j)) {
      throw bad(`[${k}] must use each of 0..${d - 1} exactly once`);
    }
    return { indicesA: [...(conditioned as number[])], indicesB: [...(transformed as number[])] };
  });
}

/** Reads the elementwise map (`affine` or `additive`, required). */
export function readTransform(owner: string, record: OptionRecord): TransformKind {
  const value = record.transform;
  if (value !== 'affine' && value !== 'additive') {
    throw new OptionError(
      `${owner}: option 'transform' must be 'affine' or 'additive', got ${previewJson(value)}`,
    );
  }
  return value;
}

/** Reads the log-scale bound c of affine couplings (> 0), default {@link DEFAULT_SCALE_BOUND}. */
export function readScaleBound(owner: string, record: OptionRecord): number {
  return readNumber(owner, record, 'scaleBound', DEFAULT_SCALE_BOUND, { above: 0 });
}

/** Reads the hidden widths, default {@link DEFAULT_HIDDEN}. */
export function readHidden(owner: string, record: OptionRecord): number[] {
  return readHiddenSizes(owner, record, DEFAULT_HIDDEN);
}

export { readActivation, readContextShape } from '@bijective/core';
