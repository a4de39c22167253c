import { inflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { crc32, encodePng } from './png.js';
import { boundsOf, gridPoints } from './render.js';

describe('png', () => {
  test('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
  test('encodes a decodable RGB image', () => {
    const pixels = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 10);
    const png = encodePng({ width: 3, height: 2, pixels });
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(3);
    expect(png.readUInt32BE(20)).toBe(2);
    const idatLength = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString('ascii')).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw.length).toBe(2 * (1 + 9));
    expect(Array.from(raw.subarray(1, 10))).toEqual(Array.from(pixels.subarray(0, 9)));
  });
});

describe('render', () => {
  test('grid points run left to right, top to bottom', () => {
    const g = gridPoints({ xMin: 0, xMax: 2, yMin: 0, yMax: 2 }, 2);
    expect(Array.from(g)).toEqual([0.5, 1.5, 1.5, 1.5, 0.5, 0.5, 1.5, 0.5]);
  });
  test('bounds cover the points', () => {
    const pts = Float32Array.from({ length: 200 }, (_, i) => (i % 2 ? Math.sin(i) : Math.cos(i)));
    const b = boundsOf(pts);
    expect(b.xMin).toBeLessThan(-0.9);
    expect(b.yMax).toBeGreaterThan(0.9);
  });
});
