import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createByName, listRegistered, OptionError } from '@bijective/core';
import { DataFileError, encodeIdx, type FixedDataset } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'bijective-datasets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tiny Fashion-MNIST look-alike: n 28x28 images and labels, gzipped like the real files. */
function fakeFashionMnist(where: string, n: number): void {
  const images = encodeIdx({
    dims: [n, 28, 28],
    type: 'uint8',
    data: Uint8Array.from({ length: n * 784 }, (_, i) => i % 256),
  });
  const labels = encodeIdx({
    dims: [n],
    type: 'uint8',
    data: Uint8Array.from({ length: n }, (_, i) => i % 10),
  });
  for (const split of ['train', 't10k']) {
    writeFileSync(join(where, `${split}-images-idx3-ubyte.gz`), gzipSync(images));
    writeFileSync(join(where, `${split}-labels-idx1-ubyte`), labels);
  }
}

describe('file datasets in the registry', () => {
  it('lists csv, idx and fashion-mnist beside the toys', () => {
    const names = listRegistered('dataset').map((l) => l.name);
    expect(names).toEqual(expect.arrayContaining(['csv', 'idx', 'fashion-mnist', 'moons', 'checkerboard']));
  });

  it('csv: a path and parse options give a fixed dataset with context columns', () => {
    const path = join(dir, 'd.csv');
    writeFileSync(path, 'a,b,c\n1,2,3\n4,5,6\n7,8,9\n');
    const ds = createByName('dataset', 'csv', { path, contextColumns: [2] }) as FixedDataset;
    expect([ds.kind, ds.source, ds.eventShape]).toEqual(['fixed', path, [2]]);
    expect(ds.rows.context?.columns).toEqual(['c']);
    const s = ds.splits({ validationFraction: 0.34 });
    expect([s.train.rows, s.validation?.rows, s.test]).toEqual([2, 1, null]);
    expect(() => createByName('dataset', 'csv', {})).toThrow(OptionError);
    expect(() => createByName('dataset', 'csv', { path: join(dir, 'x.csv') })).toThrow(DataFileError);
  });

  it('idx: images with labels become a 256-level image dataset', () => {
    const path = join(dir, 'im.gz');
    const labels = join(dir, 'lab');
    writeFileSync(path, gzipSync(encodeIdx({ dims: [4, 2, 3], type: 'uint8', data: new Uint8Array(24) })));
    writeFileSync(labels, encodeIdx({ dims: [4], type: 'uint8', data: Uint8Array.from([1, 2, 3, 4]) }));
    const ds = createByName('dataset', 'idx', { path, labels }) as FixedDataset;
    expect([ds.eventShape, ds.levels, ds.rows.rows, ds.rows.cols]).toEqual([[2, 3, 1], 256, 4, 6]);
    expect(ds.rows.labels).toEqual(Int32Array.from([1, 2, 3, 4]));
  });

  it('fashion-mnist: a directory option, its own test split, and a clear error with the apt hint', () => {
    fakeFashionMnist(dir, 5);
    const ds = createByName('dataset', 'fashion-mnist', { directory: dir }) as FixedDataset;
    expect([ds.eventShape, ds.levels, ds.source]).toEqual([[28, 28, 1], 256, dir]);
    const s = ds.splits({ validationFraction: 0.2 });
    expect([s.train.rows, s.validation?.rows, s.test?.rows, s.test?.cols]).toEqual([4, 1, 5, 784]);
    const empty = mkdtempSync(join(dir, 'empty-'));
    expect(() => createByName('dataset', 'fashion-mnist', { directory: empty })).toThrow(DataFileError);
    expect(() => createByName('dataset', 'fashion-mnist', { directory: empty })).toThrow(
      /lacks train-images-idx3-ubyte\[.gz\].*apt-get install dataset-fashion-mnist/,
    );
    expect(() => createByName('dataset', 'fashion-mnist', { directory: join(dir, 'absent') })).toThrow(
      /no Fashion-MNIST files in .*absent; install it with `apt-get install dataset-fashion-mnist`/,
    );
  });

  it('fashion-mnist-14: 2x2 block means rounded to 8-bit levels, both splits', () => {
    fakeFashionMnist(dir, 3);
    const ds = createByName('dataset', 'fashion-mnist-14', { directory: dir }) as FixedDataset;
    expect([ds.eventShape, ds.levels]).toEqual([[14, 14, 1], 256]);
    const full = createByName('dataset', 'fashion-mnist', { directory: dir }) as FixedDataset;
    const [small, big] = [ds.rows, full.rows];
    expect([small.rows, small.cols, ds.test?.cols]).toEqual([3, 196, 196]);
    for (const [i, j] of [
      [0, 0],
      [5, 9],
      [13, 13],
    ] as const) {
      const at = (y: number, x: number) => big.data[y * 28 + x] as number;
      const mean =
        (at(2 * i, 2 * j) + at(2 * i, 2 * j + 1) + at(2 * i + 1, 2 * j) + at(2 * i + 1, 2 * j + 1)) / 4;
      expect(small.data[i * 14 + j]).toBe(Math.round(mean));
    }
    expect(small.data.every((v) => Number.isInteger(v) && v >= 0 && v < 256)).toBe(true);
  });
});
