import { describe, expect, it } from 'vitest';
import { LIMITS, OptionError, ShapeError, ValueError } from '@bijective/core';
import { parseCsv, parseCsvWithin } from './csv.js';

const f32 = (values: number[]): Float32Array => Float32Array.from(values);

describe('parseCsv', () => {
  it('auto-detects a header row and reads numeric rows as float32', () => {
    const t = parseCsv('a,b,c\n1,2,3\n-4.5,+.5,1e-3\n');
    expect(t.columns).toEqual(['a', 'b', 'c']);
    expect([t.rows, t.cols]).toEqual([2, 3]);
    expect(t.data).toEqual(f32([1, 2, 3, -4.5, 0.5, 1e-3]));
    expect(t.context).toBeUndefined();
  });

  it('reads a file without a header, naming the columns x0..x{d-1}', () => {
    const t = parseCsv('1,2\n3,4');
    expect(t.columns).toEqual(['x0', 'x1']);
    expect(t.data).toEqual(f32([1, 2, 3, 4]));
  });

  it('honours header: true / false, CRLF, a BOM, blank lines, spaces, quotes and other delimiters', () => {
    expect(parseCsv('1,2\n3,4', { header: true }).columns).toEqual(['1', '2']);
    const t = parseCsv('\uFEFF"x, one";"y ""q"""\r\n\r\n 1 ; 2 \r\n"3";4\r\n\r\n', { delimiter: ';' });
    expect(t.columns).toEqual(['x, one', 'y "q"']);
    expect(t.data).toEqual(f32([1, 2, 3, 4]));
    expect(parseCsv('1\t2\n3\t4', { delimiter: '\t' }).cols).toBe(2);
  });

  it('splits context columns by index or name', () => {
    const text = 'a,b,c,d\n1,2,3,4\n5,6,7,8\n';
    const byIndex = parseCsv(text, { contextColumns: [3, 1] });
    expect(byIndex.columns).toEqual(['a', 'c']);
    expect(byIndex.data).toEqual(f32([1, 3, 5, 7]));
    expect(byIndex.context).toEqual({ columns: ['d', 'b'], data: f32([4, 2, 8, 6]), cols: 2 });
    expect(parseCsv(text, { contextColumns: ['b'] }).context?.data).toEqual(f32([2, 6]));
  });

  it.each([
    ['a,b\n1,2\n3\n', ShapeError, /csv: line 3 has 1 columns, expected 2 \(as on line 1\)/],
    ['1,2\n3,4,5\n', ShapeError, /line 2 has 3 columns, expected 2/],
    ['a,b\n1,2\n3,x\n', ValueError, /csv: line 3, column 2 \('b'\): non-numeric value 'x'/],
    ['1,2\n3,abc\n', ValueError, /line 2, column 2: non-numeric value 'abc'/],
    ['a,b\n1,NaN\n', ValueError, /line 2, column 2 \('b'\): NaN or infinite value 'NaN'/],
    ['a,b\n-inf,1\n', ValueError, /line 2, column 1 \('a'\): NaN or infinite value '-inf'/],
    ['a,b\n1,\n', ValueError, /line 2, column 2 \('b'\): empty cell/],
    ['a,b\n1e999,1\n', ValueError, /line 2, column 1 \('a'\): value '1e999' is out of range/],
    ['a,b\n1e39,1\n', ValueError, /value '1e39' overflows float32/],
    ['a,b\n0x10,1\n', ValueError, /non-numeric value '0x10'/],
    ['', ValueError, /csv: empty file/],
    ['\n  \n', ValueError, /empty file/],
    ['a,b\n\n', ValueError, /no data rows \(only the header on line 1\)/],
    ['a,b\n"1,2\n', ValueError, /line 2, column 1: unterminated quoted cell/],
  ])('rejects %j with the row and column named', (text, type, message) => {
    expect(() => parseCsv(text)).toThrow(type);
    expect(() => parseCsv(text)).toThrow(message);
  });

  it('names the source in messages and counts lines including blank ones', () => {
    expect(() => parseCsv('a\n\n\n1\nz\n', { source: 'data.csv', header: true })).toThrow(
      /^data.csv: line 5, column 1 \('a'\): non-numeric value 'z'$/,
    );
  });

  it('header: false makes a non-numeric first row an error', () => {
    expect(() => parseCsv('a,b\n1,2', { header: false })).toThrow(/line 1, column 1: non-numeric value 'a'/);
  });

  it('rejects bad options', () => {
    const text = 'a,b\n1,2\n';
    expect(() => parseCsv(text, { contextColumns: [2] })).toThrow(/context column index 2 is outside 0..1/);
    expect(() => parseCsv(text, { contextColumns: ['z'] })).toThrow(/no column named 'z'.*columns: a, b/);
    expect(() => parseCsv('1,2\n', { contextColumns: ['a'] })).toThrow(/no header row/);
    expect(() => parseCsv(text, { contextColumns: [0, 0] })).toThrow(/names a column twice/);
    expect(() => parseCsv(text, { contextColumns: [0, 1] })).toThrow(/leaving no data columns/);
    expect(() => parseCsv(text, { delimiter: ';;' })).toThrow(OptionError);
    expect(() => parseCsv(text, { header: 'yes' as never })).toThrow(OptionError);
    expect(() => parseCsv(text, { bogus: 1 } as never)).toThrow(/unknown option 'bogus'/);
  });

  it('parses a larger table quickly', () => {
    const lines = ['a,b,c,d'];
    for (let i = 0; i < 20000; i++) lines.push(`${i},${i * 0.5},${-i},${i % 7}`);
    const t = parseCsv(lines.join('\n'));
    expect(t.rows).toBe(20000);
    expect(t.data[4 * 19999 + 1]).toBe(19999 * 0.5);
  });
});

describe('parseCsv delimiter detection', () => {
  it.each([
    ['x;y\n1.88;-0.07\n0.5;2\n', ';', ['x', 'y']],
    ['1.88;-0.07\n0.5;2\n', ';', ['x0', 'x1']],
    ['a\tb\n1\t2\n', '\t', ['a', 'b']],
    ['a,b\n1,2\n', ',', ['a', 'b']],
    ['"x, one";"y"\n1;2\n', ';', ['x, one', 'y']],
    ['"a;b",c\n1,2\n', ',', ['a;b', 'c']],
    ['v\n1\n2\n', ',', ['v']],
  ])('detects the delimiter of %j', (text, delimiter, columns) => {
    const t = parseCsv(text);
    expect(t.delimiter).toBe(delimiter);
    expect(t.columns).toEqual(columns);
  });

  it('names the delimiter seen in a cell that does not parse, and decimal commas', () => {
    expect(() => parseCsv('1.88;-0.07\n', { delimiter: ',', header: false })).toThrow(
      /^csv: line 1, column 1: non-numeric value '1\.88;-0\.07' \(it holds ';' but the delimiter is ','; pass delimiter ";" if ';' separates the columns\)$/,
    );
    expect(() => parseCsv('a,b\n1\t2,3\n')).toThrow(
      /non-numeric value '1\t2' \(it holds tab but the delimiter is ','/,
    );
    expect(() => parseCsv('x;y\n1,88;-0,07\n')).toThrow(
      /line 2, column 1 \('x'\): non-numeric value '1,88' \(decimal commas are not supported: write '\.' for decimals\)/,
    );
  });

  it("accepts delimiter 'auto' and still honours an explicit one", () => {
    expect(parseCsv('1;2\n', { delimiter: 'auto' }).cols).toBe(2);
    expect(parseCsv('1;2\n', { delimiter: ';' }).delimiter).toBe(';');
  });
});

describe('parseCsv limits: at the limit and one past it', () => {
  const small = { ...LIMITS, maxCsvRows: 5, maxDataValues: 12, maxCsvBytes: 64 };

  it(`maxCsvColumns (${LIMITS.maxCsvColumns})`, () => {
    const row = (n: number) => new Array<string>(n).fill('1').join(',');
    expect(parseCsv(`${row(4096)}\n`).cols).toBe(4096);
    expect(() => parseCsv(`${row(4097)}\n`)).toThrow(
      /^csv: line 1 has more than 4096 columns, at most 4096 are read \(LIMITS\.maxCsvColumns\)$/,
    );
    expect(() => parseCsv(`1,2\n${row(100_000)}\n`)).toThrow(ShapeError);
  });

  it('maxCsvRows, maxDataValues and maxCsvBytes (checked at a smaller scale)', () => {
    const rows = (n: number, cols = 1) =>
      `${new Array<string>(n).fill(new Array(cols).fill('1').join(',')).join('\n')}\n`;
    expect(parseCsvWithin(rows(5), {}, small).rows).toBe(5);
    expect(() => parseCsvWithin(rows(6), {}, small)).toThrow(
      /^csv: line 6: more than 5 data rows \(LIMITS\.maxCsvRows\)$/,
    );
    expect(parseCsvWithin(rows(4, 3), {}, small).rows).toBe(4);
    expect(() => parseCsvWithin(rows(5, 3), { source: 's' }, { ...small, maxCsvRows: 100 })).toThrow(
      /^s: line 5: more than 12 values \(5 rows of 3 columns; LIMITS\.maxDataValues\)$/,
    );
    expect(parseCsvWithin(`1${' '.repeat(62)}\n`, {}, small).rows).toBe(1);
    expect(() => parseCsvWithin(`1${' '.repeat(63)}\n`, {}, small)).toThrow(
      /^csv: 65 characters of CSV; at most 64 are read \(LIMITS\.maxCsvBytes\)$/,
    );
  });

  it('parses a number cell of 300000 digits in linear time (no regular-expression backtracking)', () => {
    const start = performance.now();
    expect(() => parseCsv(`a\n${'1'.repeat(300_000)}x\n`)).toThrow(/non-numeric value '1{40}…'/);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
