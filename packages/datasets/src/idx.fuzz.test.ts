// Property-based fuzzing of the IDX decoder (issue #13), fixed seed: generated tensors of every
// element type round-trip; corrupted headers (magic numbers, types, ranks, dimensions), truncated
// and extended files, random bytes and corrupted gzip streams end in a tensor or one
// DataFileError naming the source, quickly and without allocating what a header claims.
import * as fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { BijectiveError } from '@bijective/core';
import { DataFileError } from './errors.js';
import { decodeIdx, decodeIdxAsync, encodeIdx, type IdxTensor, type IdxType } from './idx.js';
import { idxEventShape, idxToTable } from './idx-table.js';

const SEED = 0x13d1;
const RUNS = { roundTrip: 400, corrupted: 1000, gzip: 300 };

const TYPED: Record<IdxType, (n: number) => fc.Arbitrary<IdxTensor['data']>> = {
  uint8: (n) => fc.uint8Array({ minLength: n, maxLength: n }),
  int8: (n) => fc.int8Array({ minLength: n, maxLength: n }),
  int16: (n) => fc.int16Array({ minLength: n, maxLength: n }),
  int32: (n) => fc.int32Array({ minLength: n, maxLength: n }),
  float32: (n) => fc.float32Array({ minLength: n, maxLength: n, noNaN: true, noDefaultInfinity: true }),
  float64: (n) => fc.float64Array({ minLength: n, maxLength: n, noNaN: true, noDefaultInfinity: true }),
};

const tensor: fc.Arbitrary<IdxTensor> = fc
  .record({
    type: fc.constantFrom<IdxType>('uint8', 'int8', 'int16', 'int32', 'float32', 'float64'),
    dims: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }),
  })
  .chain(({ type, dims }) =>
    TYPED[type](dims.includes(0) ? 0 : dims.reduce((a, b) => a * b, 1)).map((data) => ({ dims, type, data })),
  );

/** An edit of an IDX file's bytes. */
const byteEdit = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    at: fc.integer({ min: 0, max: 20 }),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 9 }) }),
  fc.record({
    op: fc.constant('dims' as const),
    index: fc.nat({ max: 3 }),
    value: fc.constantFrom(0, 1, 2 ** 16, 2 ** 31, 2 ** 32 - 1, 60000),
  }),
  fc.record({
    op: fc.constant('nonFinite' as const),
    at: fc.nat(),
    value: fc.constantFrom(NaN, Infinity, -Infinity),
  }),
);
type ByteEdit = typeof byteEdit extends fc.Arbitrary<infer E> ? E : never;

function applyEdit(bytes: Uint8Array, e: ByteEdit): Uint8Array {
  const out = bytes.slice();
  if (e.op === 'set') {
    if (out.length > 0) out[e.at % out.length] = e.byte;
    return out;
  }
  if (e.op === 'truncate') return out.slice(0, e.at % (out.length + 1));
  if (e.op === 'extend') return Uint8Array.from([...out, ...e.bytes]);
  const view = new DataView(out.buffer);
  if (e.op === 'dims') {
    const rank = out[3] ?? 0;
    const at = 4 + 4 * (e.index % Math.max(1, rank));
    if (at + 4 <= out.length) view.setUint32(at, e.value);
    return out;
  }
  const start = 4 + 4 * (out[3] ?? 0);
  if (out[2] === 0x0d && out.length >= start + 4)
    view.setFloat32(start + 4 * (e.at % ((out.length - start) >> 2)), e.value);
  if (out[2] === 0x0e && out.length >= start + 8)
    view.setFloat64(start + 8 * (e.at % ((out.length - start) >> 3)), e.value);
  return out;
}

/** This process's CPU time in milliseconds (the bound on a decode holds on a loaded machine too). */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Checks the guarantees on one decode: a consistent tensor of finite values, or one DataFileError naming the source. */
function checked(decode: () => IdxTensor): 'decoded' | 'refused' {
  const start = cpuMs();
  try {
    const t = decode();
    const size = t.dims.includes(0) ? 0 : t.dims.reduce((a, b) => a * b, 1);
    expect(t.data.length).toBe(size);
    expect(Array.from(t.data).every(Number.isFinite)).toBe(true);
    expect(() => idxEventShape(t.dims)).not.toThrow();
    if (t.dims.length > 1 && t.dims[0]! > 0) expect(idxToTable(t).rows).toBe(t.dims[0]);
    return 'decoded';
  } catch (e) {
    if (!(e instanceof BijectiveError)) throw new Error(`internal failure: ${String(e)}`);
    expect(e).toBeInstanceOf(DataFileError);
    expect(e.message.startsWith('fuzz.idx: ')).toBe(true);
    expect(e.message.length).toBeLessThan(500);
    return 'refused';
  } finally {
    expect(cpuMs() - start).toBeLessThan(2000);
  }
}

describe('IDX fuzzing (fixed seed)', () => {
  test(`${RUNS.roundTrip} generated tensors of every element type round-trip`, () => {
    fc.assert(
      fc.property(tensor, (t) => {
        expect(decodeIdx(encodeIdx(t), 'fuzz.idx')).toEqual(t);
      }),
      { numRuns: RUNS.roundTrip, seed: SEED },
    );
  });

  test(`${RUNS.corrupted} corrupted files (magic, type, rank, dimensions, truncation, NaN) decode or are refused clearly`, () => {
    const input = fc.oneof(
      { arbitrary: fc.tuple(tensor, fc.array(byteEdit, { minLength: 1, maxLength: 3 })), weight: 4 },
      fc.tuple(
        fc.constant(undefined),
        fc.uint8Array({ maxLength: 64 }).map((b) => [{ op: 'raw' as const, b }]),
      ),
    );
    let refused = 0;
    fc.assert(
      fc.property(input, ([t, edits]) => {
        let bytes = t === undefined ? new Uint8Array(0) : encodeIdx(t);
        for (const e of edits) bytes = 'b' in e ? e.b : applyEdit(bytes, e as ByteEdit);
        if (checked(() => decodeIdx(bytes, 'fuzz.idx')) === 'refused') refused++;
      }),
      { numRuns: RUNS.corrupted, seed: SEED },
    );
    expect(refused).toBeGreaterThan(RUNS.corrupted / 2);
  });

  test(`${RUNS.gzip} corrupted gzip streams decode or are refused clearly (decodeIdxAsync)`, async () => {
    await fc.assert(
      fc.asyncProperty(tensor, fc.array(byteEdit, { maxLength: 2 }), async (t, edits) => {
        let gz: Uint8Array = gzipSync(encodeIdx(t));
        for (const e of edits) gz = applyEdit(gz, e);
        let outcome: IdxTensor | Error;
        try {
          outcome = await decodeIdxAsync(gz, 'fuzz.idx');
        } catch (e) {
          outcome = e as Error;
        }
        checked(() => {
          if (outcome instanceof Error) throw outcome;
          return outcome;
        });
      }),
      { numRuns: RUNS.gzip, seed: SEED },
    );
  });
});
