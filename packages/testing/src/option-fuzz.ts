/**
 * Generators for fuzzing a component's option parser (fast-check): plausible values mixed with junk,
 * huge sizes and unknown keys, so that a parser is shown to build a working component or throw a
 * typed error naming the bad option, never a TypeError or a tfjs error.
 * @module
 */
import * as fc from 'fast-check';

/** Sizes: mostly integers in [`min`, `max`], sometimes huge (5000, 2^31, 1e12), which a parser must refuse rather than allocate. */
export function fuzzSize(min: number, max: number, smallWeight = 6): fc.Arbitrary<number> {
  return fc.oneof(
    { arbitrary: fc.integer({ min, max }), weight: smallWeight },
    { arbitrary: fc.constantFrom(5000, 2 ** 31, 1e12), weight: 1 },
  );
}

/** Junk for any option: arbitrary JSON (depth ≤ 2), `undefined`, or any double (NaN and ±Infinity included). */
export function fuzzJunk(): fc.Arbitrary<unknown> {
  return fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), fc.double());
}

/** A value for one option: `plausible` six times in seven, else {@link fuzzJunk}. */
export function plausibleOrJunk(plausible: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: plausible, weight: 6 }, { arbitrary: fuzzJunk(), weight: 1 });
}

/**
 * Option objects for a parser: any subset of the `known` keys (8 in 10), sometimes with an unknown
 * key added (1 in 10), sometimes not an object at all (1 in 10). packages/planar's, glow's and
 * flow-matching's `options.fuzz.test.ts` show it in use.
 */
export function fuzzOptions(known: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const record = fc.record(known, { requiredKeys: [] });
  return fc.oneof(
    { arbitrary: record, weight: 8 },
    {
      arbitrary: fc
        .tuple(record, fc.string({ maxLength: 6 }), fuzzJunk())
        .map(([r, k, v]) => ({ ...r, [k]: v })),
      weight: 1,
    },
    { arbitrary: fuzzJunk(), weight: 1 },
  );
}
