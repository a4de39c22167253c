import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LIMITS, ShapeError } from '@bijective/core';
import { DataFileError } from './errors.js';
import { decodeIdx, decodeIdxAsync, decodeIdxAsyncWithin, encodeIdx, isGzip, type IdxTensor } from './idx.js';
import { idxEventShape, idxToTable } from './idx-table.js';

const images: IdxTensor = {
  dims: [3, 2, 2],
  type: 'uint8',
  data: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 250, 255]),
};

describe('IDX', () => {
  it('encodes big-endian with magic 00 00 08 03 and decodes back', () => {
    const bytes = encodeIdx(images);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0, 0, 8, 3, 0, 0, 0, 3]);
    expect(bytes.length).toBe(4 + 12 + 12);
    expect(decodeIdx(bytes)).toEqual(images);
  });

  it.each([
    ['int8', Int8Array.from([-128, 0, 127])],
    ['int16', Int16Array.from([-300, 0, 32767])],
    ['int32', Int32Array.from([-70000, 1, 2 ** 31 - 1])],
    ['float32', Float32Array.from([-1.5, 0, 3.25])],
    ['float64', Float64Array.from([Math.PI, -1e300, 0])],
  ] as const)('round-trips %s values in big-endian order', (type, data) => {
    const t: IdxTensor = { dims: [3], type, data };
    expect(decodeIdx(encodeIdx(t))).toEqual(t);
  });

  it('reads values big-endian', () => {
    const bytes = Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 1, 0x01, 0x02]);
    expect(Array.from(decodeIdx(bytes).data)).toEqual([0x0102]);
  });

  it.each([
    [Uint8Array.from([0, 0, 8]), /src: 3 bytes is too short/],
    [Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0]), /src: not an IDX file \(magic starts 0x01 0x00/],
    [Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 0]), /unknown IDX element type 0x0a/],
    [Uint8Array.from([0, 0, 8, 0]), /rank 0/],
    [Uint8Array.from([0, 0, 8, 2, 0, 0, 0, 1]), /truncated header/],
    [
      encodeIdx(images).subarray(0, 20),
      /src: truncated: dimensions \[3, 2, 2\] of uint8 need 28 bytes, the file has 20/,
    ],
    [Uint8Array.from([...encodeIdx(images), 0]), /1 unexpected bytes after the data/],
    [gzipSync(encodeIdx(images)), /gzip-compressed/],
  ])('rejects corrupt input %#', (bytes, message) => {
    expect(() => decodeIdx(bytes, 'src')).toThrow(DataFileError);
    expect(() => decodeIdx(bytes, 'src')).toThrow(message);
  });

  it('decodeIdxAsync gunzips with DecompressionStream and reports corrupt gzip data', async () => {
    const gz = gzipSync(encodeIdx(images));
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(encodeIdx(images))).toBe(false);
    expect(await decodeIdxAsync(gz)).toEqual(images);
    expect(await decodeIdxAsync(encodeIdx(images))).toEqual(images);
    await expect(decodeIdxAsync(gz.subarray(0, gz.length - 12), 'f.gz')).rejects.toThrow(
      /f.gz: corrupt gzip data/,
    );
  });

  it('makes tables with labels and image event shapes', () => {
    const labels: IdxTensor = { dims: [3], type: 'uint8', data: Uint8Array.from([7, 0, 9]) };
    const t = idxToTable(images, labels);
    expect([t.rows, t.cols]).toEqual([3, 4]);
    expect(t.data).toEqual(Float32Array.from(images.data));
    expect(t.labels).toEqual(Int32Array.from([7, 0, 9]));
    expect(idxEventShape([3, 28, 28])).toEqual([28, 28, 1]);
    expect(idxEventShape([3, 5])).toEqual([5]);
    expect(idxEventShape([3, 4, 4, 3])).toEqual([4, 4, 3]);
    expect(idxEventShape([3])).toEqual([1]);
    expect(() =>
      idxToTable(images, { ...labels, dims: [2], data: labels.data.subarray(0, 2) }, 'im'),
    ).toThrow(/im: 2 labels for 3 rows/);
    expect(() => idxToTable(images, { dims: [3], type: 'float32', data: new Float32Array(3) })).toThrow(
      /rank-1 integer/,
    );
    expect(() => encodeIdx({ dims: [2], type: 'uint8', data: new Uint8Array(3) })).toThrow(ShapeError);
  });
});

describe('IDX limits: at the limit and one past it', () => {
  const header = (dims: number[]) => {
    const bytes = new Uint8Array(4 + 4 * dims.length);
    bytes.set([0, 0, 8, dims.length]);
    dims.forEach((d, i) => new DataView(bytes.buffer).setUint32(4 + 4 * i, d));
    return bytes;
  };

  it(`maxDataValues (${LIMITS.maxDataValues}) is checked from the header, before allocating`, () => {
    expect(() => decodeIdx(header([2 ** 27]), 'f')).toThrow(/^f: truncated: dimensions \[134217728\]/);
    expect(() => decodeIdx(header([2 ** 27 + 1]), 'f')).toThrow(
      /^f: dimensions \[134217729\] hold 134217729 values; at most 134217728 are read \(LIMITS\.maxDataValues\)$/,
    );
    expect(() => decodeIdx(header([2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1]), 'f')).toThrow(
      /at most 134217728/,
    );
  });

  it('maxIdxBytes bounds gunzipped data (a gzip bomb), checked at a smaller scale', async () => {
    const limits = { ...LIMITS, maxIdxBytes: 4 + 4 + 1000 };
    const bomb = (n: number) => gzipSync(encodeIdx({ dims: [n], type: 'uint8', data: new Uint8Array(n) }));
    expect((await decodeIdxAsyncWithin(bomb(1000), 'f', limits)).dims).toEqual([1000]);
    await expect(decodeIdxAsyncWithin(bomb(1001), 'f', limits)).rejects.toThrow(
      /^f: decompresses to more than 1008 bytes, the most read$/,
    );
  });

  it('refuses NaN and infinite floats', () => {
    const t: IdxTensor = { dims: [3], type: 'float32', data: Float32Array.from([1, NaN, 2]) };
    expect(() => decodeIdx(encodeIdx(t), 'f')).toThrow(
      /^f: element 1 is NaN \(NaN or infinite values are not supported\)$/,
    );
    const u: IdxTensor = { dims: [1], type: 'float64', data: Float64Array.from([-Infinity]) };
    expect(() => decodeIdx(encodeIdx(u), 'f')).toThrow(/element 0 is -Infinity/);
  });
});
