import {
  OptionError,
  readHiddenSizes,
  readNumber,
  readVectorShape,
  type OptionRecord,
  previewJson,
} from '@bijective/core';
import {
  DEFAULT_HIDDEN,
  DEFAULT_SCALE_BOUND,
  MASK_KINDS,
  type MaskKind,
  type TransformKind,
} from '@bijective/engine';

/** Reads the vector event shape `[d]` of a coupling layer or flow; d < 2 cannot be split and is a ShapeError. */
export function readCouplingEventShape(owner: string, record: OptionRecord): [number] {
  return readVectorShape(
    owner,
    record,
    2,
    "coupling layers split the event into two non-empty parts (use an elementwise bijector such as 'affine' for 1-D data)",
  );
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
