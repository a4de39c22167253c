import { OptionError, previewJson, type OptionRecord } from '@bijective/core';
import type { Partition } from './mask.js';

/** One layer's partition in a fused coupling run (coupling's `CouplingSequence`, spline's `SplineCoupling`): the elements conditioned on and those transformed. */
export interface PartitionOptions {
  /** Indices of x_A, in the order the conditioner reads them. */
  conditioned: number[];
  /** Indices of x_B, in the order of the conditioner's output heads. */
  transformed: number[];
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
