// Fuzzing of the `discreteColumns` model metadata that `train` writes and `eval`/`score` read back:
// any edit of a genuine metadata object, and hostile values in that field, must give valid columns
// (integers in 0..dims-1, once each, finite resolutions > 0) or one usage error naming the field.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { JsonObject } from '@bijective/core';
import { MODEL_FUZZ_SEED, applyJsonEdits, hostileJson, jsonEdits } from '@bijective/testing';
import { recordedDiscreteColumns } from './discrete.js';
import { UsageError } from './usage-error.js';

const DIMS = 4;

/** Metadata as `train` writes it: none, one and several discrete columns. */
const GENUINE: JsonObject[] = [
  { flow: 'maf', dims: DIMS, discrete: 'auto', discreteColumns: [] },
  { flow: 'nsf', dims: DIMS, discrete: 'auto', discreteColumns: [{ column: 1, resolution: 1 }] },
  {
    flow: 'realnvp',
    dims: DIMS,
    discrete: 'auto',
    discreteColumns: [
      { column: 0, resolution: 0.5 },
      { column: 3, resolution: 0.01 },
    ],
  },
];

/** Reads the field: what happened, checking that whatever is accepted is usable. */
function outcome(metadata: unknown): 'read' | 'refused' {
  const m = (
    typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)
      ? metadata
      : { discreteColumns: metadata }
  ) as JsonObject;
  try {
    const columns = recordedDiscreteColumns(m, DIMS);
    const seen = new Set<number>();
    for (const c of columns) {
      expect(Number.isInteger(c.column) && c.column >= 0 && c.column < DIMS).toBe(true);
      expect(Number.isFinite(c.resolution) && c.resolution > 0).toBe(true);
      expect(seen.has(c.column)).toBe(false);
      seen.add(c.column);
    }
    return 'read';
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    expect(e.message).toMatch(/^model metadata 'discreteColumns' is corrupt: .+; retrain the model$/);
    expect(e.message).not.toContain('\n');
    return 'refused';
  }
}

describe('model metadata discreteColumns', () => {
  test('the genuine metadata read back', () => {
    for (const m of GENUINE) expect(outcome(m)).toBe('read');
  });

  test('edited metadata is read or refused with one usage error', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.constantFrom(...GENUINE), jsonEdits(3), (m, edits) => {
        seen.add(outcome(applyJsonEdits(m, edits)));
      }),
      { seed: MODEL_FUZZ_SEED, numRuns: 500 },
    );
    expect(seen).toEqual(new Set(['read', 'refused']));
  });

  test('hostile values in discreteColumns and its entries are refused, never a crash', () => {
    fc.assert(
      fc.property(fc.constantFrom(...GENUINE), hostileJson(), fc.nat(2), (m, value, where) => {
        const entry = { column: 1, resolution: 1 };
        const discreteColumns =
          where === 0 ? value : [where === 1 ? { ...entry, column: value } : { ...entry, resolution: value }];
        outcome({ ...m, discreteColumns });
      }),
      { seed: MODEL_FUZZ_SEED, numRuns: 500 },
    );
  });
});
