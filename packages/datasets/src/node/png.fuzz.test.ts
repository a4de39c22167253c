// Property-based fuzzing of the PNG decoder behind `--data DIR/` (issue #16), fixed seed: generated
// images of every colour type decode to their levels; corrupted files (flipped bytes, truncation,
// trailing junk, header fields rewritten with a valid CRC, huge claimed sizes) and random bytes end
// in an image or one DataFileError naming the source, quickly and without allocating what a header claims.
import * as fc from 'fast-check';
import { crc32 } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { BijectiveError, LIMITS } from '@bijective/core';
import { DataFileError } from '../errors.js';
import { decodePng, type PngImage } from './png-file.js';

const SEED = 0x16f0;
const RUNS = { roundTrip: 200, corrupted: 1000, random: 300 };

/** An opaque image and its PNG encoding (pngjs's encoder, colour type 0, 2, 4 or 6). */
const image = fc
  .record({
    width: fc.integer({ min: 1, max: 9 }),
    height: fc.integer({ min: 1, max: 9 }),
    colorType: fc.constantFrom<0 | 2 | 4 | 6>(0, 2, 4, 6),
  })
  .chain(({ width, height, colorType }) => {
    const channels = colorType === 0 || colorType === 4 ? 1 : 3;
    return fc
      .uint8Array({ minLength: width * height * channels, maxLength: width * height * channels })
      .map((levels) => {
        const png = new PNG({ width, height });
        for (let p = 0; p < width * height; p++) {
          const at = (c: number) => levels[p * channels + (channels === 1 ? 0 : c)] as number;
          png.data.set([at(0), at(1), at(2), 255], 4 * p);
        }
        const bytes = Uint8Array.from(PNG.sync.write(png, { colorType, inputHasAlpha: true }));
        return { bytes, expected: { width, height, channels, pixels: levels } as PngImage };
      });
  });

/** Rewrites the IHDR byte at `offset` (8..20 of its data) and recomputes the chunk's CRC, so the decoder reads on. */
function setHeader(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const out = bytes.slice();
  out[16 + offset] = value;
  new DataView(out.buffer).setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}

const edit = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({
    op: fc.constant('header' as const),
    offset: fc.integer({ min: 0, max: 12 }),
    value: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 2, 3, 4, 6, 8, 16)),
  }),
  fc.record({
    op: fc.constant('size' as const),
    value: fc.constantFrom(0, 1, 255, 65536, 2 ** 31, 2 ** 32 - 1),
  }),
);
type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

function applyEdit(bytes: Uint8Array, e: Edit): Uint8Array {
  if (e.op === 'set') {
    const out = bytes.slice();
    if (out.length > 0) out[e.at % out.length] = e.byte;
    return out;
  }
  if (e.op === 'truncate') return bytes.slice(0, e.at % (bytes.length + 1));
  if (e.op === 'extend') return Uint8Array.from([...bytes, ...e.bytes]);
  if (bytes.length < 33) return bytes;
  if (e.op === 'header') return setHeader(bytes, e.offset, e.value);
  const out = setHeader(bytes, 0, 0);
  new DataView(out.buffer).setUint32(16, e.value);
  new DataView(out.buffer).setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}

/** One decode: a consistent opaque image within the limits, or one DataFileError naming the source. */
function checked(bytes: Uint8Array): 'decoded' | 'refused' {
  const start = performance.now();
  try {
    const im = decodePng(bytes, 'fuzz.png');
    expect([1, 3]).toContain(im.channels);
    expect(im.pixels.length).toBe(im.width * im.height * im.channels);
    expect(im.pixels.length).toBeLessThanOrEqual(LIMITS.maxEventSize);
    return 'decoded';
  } catch (e) {
    if (!(e instanceof BijectiveError)) throw new Error(`internal failure: ${String(e)}`);
    expect(e).toBeInstanceOf(DataFileError);
    expect(e.message.startsWith('fuzz.png: ')).toBe(true);
    expect(e.message).not.toContain('\n');
    expect(e.message.length).toBeLessThan(500);
    return 'refused';
  } finally {
    expect(performance.now() - start).toBeLessThan(2000);
  }
}

describe('PNG fuzzing (fixed seed)', () => {
  test(`${RUNS.roundTrip} generated grey, grey + alpha, RGB and RGBA images decode to their levels`, () => {
    fc.assert(
      fc.property(image, ({ bytes, expected }) => {
        expect(decodePng(bytes, 'fuzz.png')).toEqual({
          ...expected,
          pixels: Uint8Array.from(expected.pixels),
        });
      }),
      { numRuns: RUNS.roundTrip, seed: SEED },
    );
  });

  test(`${RUNS.corrupted} corrupted files decode or are refused clearly`, () => {
    let refused = 0;
    fc.assert(
      fc.property(image, fc.array(edit, { minLength: 1, maxLength: 3 }), ({ bytes }, edits) => {
        let b: Uint8Array = bytes;
        for (const e of edits) b = applyEdit(b, e);
        if (checked(b) === 'refused') refused++;
      }),
      { numRuns: RUNS.corrupted, seed: SEED },
    );
    expect(refused).toBeGreaterThan(RUNS.corrupted / 2);
  });

  test(`${RUNS.random} random byte strings (with and without the PNG signature) are refused clearly`, () => {
    const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ maxLength: 200 }), (signed, tail) => {
        expect(checked(Uint8Array.from(signed ? [...signature, ...tail] : tail))).toBe('refused');
      }),
      { numRuns: RUNS.random, seed: SEED },
    );
  });
});
