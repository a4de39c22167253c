import { readHiddenSizes, readInteger, type OptionRecord } from '@bijective/core';
import { DEFAULT_HIDDEN } from '@bijective/engine';

/** Reads the hidden widths, default {@link DEFAULT_HIDDEN}. */
export function readHidden(owner: string, record: OptionRecord): number[] {
  return readHiddenSizes(owner, record, DEFAULT_HIDDEN);
}

/** Reads a positive integer option, or returns `fallback`. */
export function readCount(owner: string, record: OptionRecord, key: string, fallback: number): number {
  return readInteger(owner, record, key, fallback, 1);
}

export { readActivation, readContextShape, readVectorShape } from '@bijective/core';
