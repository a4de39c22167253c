import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '@bijective/core';
import { DataFileError } from '../errors.js';
import { encodeIdx, type IdxTensor } from '../idx.js';
import { loadCsv } from './csv-file.js';
import { readIdx } from './idx-file.js';

const dir = mkdtempSync(join(tmpdir(), 'bijective-datasets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const images: IdxTensor = {
  dims: [2, 3, 2],
  type: 'uint8',
  data: Uint8Array.from({ length: 12 }, (_, i) => i * 20),
};

describe('Node file loaders', () => {
  it('readIdx reads plain and gzipped IDX files', () => {
    expect(readIdx(file('im-idx3-ubyte', encodeIdx(images)))).toEqual(images);
    expect(readIdx(file('im-idx3-ubyte.gz', gzipSync(encodeIdx(images))))).toEqual(images);
  });

  it('readIdx names the file when it is missing, truncated, corrupt gzip or not IDX', () => {
    const missing = join(dir, 'nope.idx');
    expect(() => readIdx(missing)).toThrow(DataFileError);
    expect(() => readIdx(missing)).toThrow(`${missing}: cannot read (no such file)`);
    expect(() => readIdx(dir)).toThrow(/is a directory/);
    const truncated = file('short.gz', gzipSync(encodeIdx(images).subarray(0, 20)));
    expect(() => readIdx(truncated)).toThrow(
      `${truncated}: truncated: dimensions [2, 3, 2] of uint8 need 28 bytes, the file has 20`,
    );
    const gz = gzipSync(encodeIdx(images));
    const badGz = file('bad.gz', gz.subarray(0, gz.length - 10));
    expect(() => readIdx(badGz)).toThrow(new RegExp(`${badGz}: corrupt or truncated gzip data`));
    const text = file('text.idx', 'hello world');
    expect(() => readIdx(text)).toThrow(
      `${text}: not an IDX file (magic starts 0x68 0x65, expected 0x00 0x00)`,
    );
  });

  it('loadCsv reads plain and gzipped CSV and names the file in errors', () => {
    const path = file('ok.csv', 'a,b\n1,2\n3,4\n');
    expect(loadCsv(path)).toMatchObject({ columns: ['a', 'b'], rows: 2, cols: 2 });
    expect(loadCsv(file('ok.csv.gz', gzipSync('1,2\n')))).toMatchObject({ rows: 1, cols: 2 });
    expect(loadCsv(path, { contextColumns: ['b'] }).context?.columns).toEqual(['b']);
    const ragged = file('ragged.csv', 'a,b\n1,2\n3\n');
    expect(() => loadCsv(ragged)).toThrow(ShapeError);
    expect(() => loadCsv(ragged)).toThrow(`${ragged}: line 3 has 1 columns, expected 2 (as on line 1)`);
    const nan = file('nan.csv', 'a,b\n1,nan\n');
    expect(() => loadCsv(nan)).toThrow(ValueError);
    expect(() => loadCsv(nan)).toThrow(`${nan}: line 2, column 2 ('b'): NaN or infinite value 'nan'`);
    expect(() => loadCsv(file('empty.csv', ''))).toThrow(/empty.csv: empty file/);
    expect(() => loadCsv(file('bin.csv', Uint8Array.from([1, 0, 2])))).toThrow(/bin.csv: binary data/);
    expect(() => loadCsv(join(dir, 'missing.csv'))).toThrow(/missing.csv: cannot read \(no such file\)/);
  });
});
