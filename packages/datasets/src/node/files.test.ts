import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { LIMITS, ShapeError, ValueError } from '@bijective/core';
import { DataFileError } from '../errors.js';
import { encodeIdx, type IdxTensor } from '../idx.js';
import { loadCsv } from './csv-file.js';
import { readBytes, readMaybeGzipped } from './files.js';
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

describe('Node file loaders: encodings, sizes and devices', () => {
  it('loadCsv refuses UTF-16 text and names the byte-order mark, and reads a UTF-8 BOM', () => {
    const utf16le = Uint8Array.from([0xff, 0xfe, ...Array.from(Buffer.from('a,b\n1,2\n', 'utf16le'))]);
    const le = file('utf16.csv', utf16le);
    expect(() => loadCsv(le)).toThrow(
      `${le}: UTF-16 text (byte-order mark ff fe (UTF-16 LE)); save it as UTF-8 to read it`,
    );
    const noMark = file('utf16-nomark.csv', Buffer.from('a,b\n1,2\n', 'utf16le'));
    expect(() => loadCsv(noMark)).toThrow(
      /binary data \(a NUL byte at offset 1\), not CSV text \(UTF-16 text without/,
    );
    const bom = file('bom.csv', Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from('x;y\r\n1;2\r\n')]));
    expect(loadCsv(bom)).toMatchObject({ columns: ['x', 'y'], delimiter: ';', rows: 1 });
    const latin1 = file(
      'latin1.csv',
      Uint8Array.from([...Buffer.from('caf'), 0xe9, ...Buffer.from(',b\n1,2\n')]),
    );
    expect(loadCsv(latin1).columns).toEqual(['caf\uFFFD', 'b']);
  });

  it(`refuses a CSV file over LIMITS.maxCsvBytes (${LIMITS.maxCsvBytes}) from its size, and reads one that size`, () => {
    const big = file('big.csv', '');
    truncateSync(big, LIMITS.maxCsvBytes + 1);
    expect(() => loadCsv(big)).toThrow(
      `${big}: 268435457 bytes (256.0 MiB); at most 268435456 bytes (256.0 MiB) are read`,
    );
    truncateSync(big, LIMITS.maxCsvBytes);
    expect(() => loadCsv(big)).toThrow(`${big}: binary data (a NUL byte at offset 0)`);
    rmSync(big);
  });

  it('bounds gunzipped output (a gzip bomb) and never reads devices', () => {
    const bomb = file('bomb.gz', gzipSync(new Uint8Array(4096)));
    expect(readMaybeGzipped(bomb, 4096)).toHaveLength(4096);
    expect(() => readMaybeGzipped(bomb, 4095)).toThrow(
      `${bomb}: decompresses to more than 4095 bytes, the most read`,
    );
    expect(() => readBytes(bomb, 10)).toThrow(/bomb\.gz: \d+ bytes; at most 10 bytes are read/);
    expect(() => readIdx('/dev/zero')).toThrow('/dev/zero: cannot read (not a regular file)');
  });
});
