import { OptionError, option, type OptionField } from '@bijective/core';
import type { Partition } from './mask.js';

/** One layer's partition in a fused coupling run (coupling's `CouplingSequence`, spline's `SplineCoupling`): the elements conditioned on and those transformed. */
export interface PartitionOptions {
  /** Indices of x_A, in the order the conditioner reads them. */
  conditioned: number[];
  /** Indices of x_B, in the order of the conditioner's output heads. */
  transformed: number[];
}

/**
 * The `partitions` option of a fused coupling run: a non-empty list of partitions of the event
 * `[d]` (option `eventShape`), each a disjoint cover of 0..d-1 by two non-empty index lists; saved
 * as `{conditioned, transformed}` lists. Required; wrap it for a default.
 */
export function partitionsOption(): OptionField<Partition[]> {
  return option.custom({
    read: (value, c) => {
      const d = c.value<[number]>('eventShape')[0];
      const bad = (why: string) => new OptionError(`${c.what} ${why}, got ${JSON.stringify(value)}`);
      if (!Array.isArray(value) || value.length === 0)
        throw bad('must be a non-empty list of {conditioned, transformed} index lists');
      return value.map((entry, k) => {
        const { conditioned, transformed } = (entry ?? {}) as {
          conditioned?: unknown;
          transformed?: unknown;
        };
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
    },
    save: partitionsJson,
  });
}

/** Partitions in their option form, `{conditioned, transformed}` index lists. */
export function partitionsJson(
  partitions: readonly Partition[],
): { conditioned: number[]; transformed: number[] }[] {
  return partitions.map((p) => ({ conditioned: [...p.indicesA], transformed: [...p.indicesB] }));
}
