import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createByName, LIMITS } from '@bijective/core';
import { DataFileError, decodePng, readPngFolder, type FixedDataset } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'bijective-png-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A PNG of `channels` (1 grey, 3 RGB, 2 grey+alpha, 4 RGBA) from levels in h, w, c order, via pngjs's encoder. */
function png(width: number, height: number, channels: 1 | 2 | 3 | 4, levels: number[]): Buffer {
  const image = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) {
    const v = (c: number) => levels[p * channels + c] as number;
    const [r, g, b, a] =
      channels === 1
        ? [v(0), v(0), v(0), 255]
        : channels === 2
          ? [v(0), v(0), v(0), v(1)]
          : channels === 3
            ? [v(0), v(1), v(2), 255]
            : [v(0), v(1), v(2), v(3)];
    image.data.set([r, g, b, a], 4 * p);
  }
  const colorType = ({ 1: 0, 2: 4, 3: 2, 4: 6 } as const)[channels];
  return PNG.sync.write(image, { colorType, inputHasAlpha: true });
}

/** A one-row 16-bit grey PNG written by hand (PNG spec: signature, IHDR, one IDAT, IEND). */
function grey16(values: number[]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(values.length, 0);
  header.writeUInt32BE(1, 4);
  header.set([16, 0, 0, 0, 0], 8);
  const row = Buffer.alloc(1 + 2 * values.length);
  values.forEach((v, i) => row.writeUInt16BE(v, 1 + 2 * i));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(row)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function folder(name: string, files: Record<string, Buffer | string>): string {
  const dir = join(root, name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

const ramp = (n: number, step = 7) => Array.from({ length: n }, (_, i) => (i * step) % 256);

describe('decodePng', () => {
  it('decodes grey, grey + alpha, RGB and RGBA PNGs to 1 or 3 channels of exact levels', () => {
    expect(decodePng(png(3, 2, 1, ramp(6)), 'a.png')).toEqual({
      width: 3,
      height: 2,
      channels: 1,
      pixels: Uint8Array.from(ramp(6)),
    });
    const rgb = decodePng(png(2, 2, 3, ramp(12)), 'b.png');
    expect([rgb.channels, Array.from(rgb.pixels)]).toEqual([3, ramp(12)]);
    const greyAlpha = decodePng(png(2, 1, 2, [10, 255, 20, 255]), 'c.png');
    expect([greyAlpha.channels, Array.from(greyAlpha.pixels)]).toEqual([1, [10, 20]]);
    const rgba = decodePng(png(1, 1, 4, [1, 2, 3, 255]), 'd.png');
    expect([rgba.channels, Array.from(rgba.pixels)]).toEqual([3, [1, 2, 3]]);
  });

  it('reads 16-bit PNGs as 8-bit levels', () => {
    const image = decodePng(grey16([0, 0x8080, 0xffff]), 'e.png');
    expect(Array.from(image.pixels)).toEqual([0, 128, 255]);
  });

  it('refuses non-PNG bytes, truncated and corrupt files, transparency and oversized images, naming the file', () => {
    expect(() => decodePng(new TextEncoder().encode('hello'), 'x.png')).toThrow(
      'x.png: not a PNG file (its first bytes are not the PNG signature)',
    );
    const good = png(4, 4, 1, ramp(16));
    expect(() => decodePng(good.subarray(0, 40), 'x.png')).toThrow(/^x\.png: corrupt or truncated PNG/);
    const flipped = Uint8Array.from(good);
    flipped[flipped.length - 20] = (flipped[flipped.length - 20] as number) ^ 0xff; // inside the IDAT chunk: its CRC no longer matches
    expect(() => decodePng(flipped, 'x.png')).toThrow(/^x\.png: corrupt or truncated PNG \(.*\)$/);
    expect(() => decodePng(png(2, 1, 4, [1, 2, 3, 255, 1, 2, 3, 0]), 'x.png')).toThrow(
      'x.png: transparent pixel at x 1, y 0 (alpha 0); images must be opaque (flatten them first)',
    );
    const huge = Uint8Array.from(good);
    new DataView(huge.buffer).setUint32(16, 1 << 20); // the width the header claims
    expect(() => decodePng(huge, 'x.png')).toThrow(
      `x.png: a 1048576x4 grey image has 4194304 values; at most LIMITS.maxEventSize (${LIMITS.maxEventSize}) per image (downscale it)`,
    );
  });
});

describe('readPngFolder and the png-folder dataset', () => {
  it('reads a folder of grey images in name order as rows of levels, shape [h, w, 1]', () => {
    const dir = folder('grey', {
      'b.png': png(3, 2, 1, ramp(6, 1)),
      'a.png': png(3, 2, 1, ramp(6, 9)),
      '.DS_Store': 'junk',
    });
    const read = readPngFolder(dir);
    expect(read.imageShape).toEqual([2, 3, 1]);
    expect(read.files).toEqual([join(dir, 'a.png'), join(dir, 'b.png')]);
    expect(Array.from(read.table.data)).toEqual([...ramp(6, 9), ...ramp(6, 1)]);
    expect([read.table.rows, read.table.cols, read.table.labels, read.classes]).toEqual([
      2,
      6,
      undefined,
      [],
    ]);
  });

  it('labels images by class subfolder (sorted names) and keeps RGB as 3 channels', () => {
    const dir = folder('classes', {
      'cat/1.png': png(2, 2, 3, ramp(12)),
      'cat/2.png': png(2, 2, 3, ramp(12, 3)),
      'ant/1.png': png(2, 2, 3, ramp(12, 5)),
    });
    const ds = createByName('dataset', 'png-folder', { path: dir }) as FixedDataset;
    expect([ds.kind, ds.eventShape, ds.levels, ds.rows.rows]).toEqual(['fixed', [2, 2, 3], 256, 3]);
    expect(Array.from(ds.rows.labels ?? [])).toEqual([0, 1, 1]);
    expect(ds.description).toBe(`PNG folder ${dir}: 3 2x2 RGB images, 2 classes (ant, cat)`);
  });

  it('refuses empty folders, other files, mixed sizes or channels, and files beside class folders', () => {
    const empty = folder('empty', {});
    expect(() => readPngFolder(empty)).toThrow(`${empty}: no PNG images in the folder`);
    const other = folder('other', { 'a.png': png(2, 2, 1, ramp(4)), 'notes.txt': 'x' });
    expect(() => readPngFolder(other)).toThrow(
      `${join(other, 'notes.txt')}: not a .png file; an image folder holds only PNG images (or one subfolder of PNGs per class)`,
    );
    const sizes = folder('sizes', { 'a.png': png(2, 2, 1, ramp(4)), 'b.png': png(3, 2, 1, ramp(6)) });
    expect(() => readPngFolder(sizes)).toThrow(
      `${join(sizes, 'b.png')}: a 3x2 grey image, but ${join(sizes, 'a.png')} is 2x2 grey; every image in the folder must have one size and channel count`,
    );
    const channels = folder('channels', { 'a.png': png(2, 2, 1, ramp(4)), 'b.png': png(2, 2, 3, ramp(12)) });
    expect(() => readPngFolder(channels)).toThrow(/b\.png: a 2x2 colour image, but .*a\.png is 2x2 grey/);
    const mixed = folder('mixed', { 'a.png': png(2, 2, 1, ramp(4)), 'k/b.png': png(2, 2, 1, ramp(4)) });
    expect(() => readPngFolder(mixed)).toThrow(`${mixed}: holds both files (a.png) and subfolders (k)`);
    const corrupt = folder('corrupt', { 'a.png': png(2, 2, 1, ramp(4)), 'b.png': 'not a png' });
    expect(() => readPngFolder(corrupt)).toThrow(DataFileError);
    expect(() => readPngFolder(corrupt)).toThrow(`${join(corrupt, 'b.png')}: not a PNG file`);
    expect(() => readPngFolder(join(root, 'missing'))).toThrow(
      /missing: cannot read the folder \(no such folder\)/,
    );
    const emptyClass = folder('emptyclass', { 'a/x.png': png(2, 2, 1, ramp(4)) });
    mkdirSync(join(emptyClass, 'b'));
    expect(() => readPngFolder(emptyClass)).toThrow(
      `${join(emptyClass, 'b')}: class folder has no PNG images`,
    );
  });
});
