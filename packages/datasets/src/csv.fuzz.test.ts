// Property-based fuzzing of the CSV parser (issue #13), fixed seed: generated tables in every
// dialect the parser reads (delimiters, quoting, line endings, BOM, blank lines, spaces, headers)
// parse back exactly with the delimiter detected; hostile text and options end in a table of
// finite values or one typed error naming the source, quickly (in CPU time, whatever the load).
import * as fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BijectiveError } from '@bijective/core';
import { parseCsv, type CsvOptions } from './csv.js';

const SEED = 0x13c5;
const RUNS = { roundTrip: 600, hostileText: 700, hostileOptions: 300 };
/** The hostile-text run takes ~2.5 s on a quiet machine; on a loaded one it may take far longer than vitest's 60 s default. */
const FUZZ_TIMEOUT_MS = 600_000;

/** A float32 value written as CSV writers do: integers, decimals, exponents, signs, `.5`. */
const cellValue = fc
  .tuple(
    fc.float({ noNaN: true, noDefaultInfinity: true, min: Math.fround(-1e30), max: Math.fround(1e30) }),
    fc.constantFrom('plain', 'exp', 'fixed', 'int', 'plus', 'dot'),
  )
  .map(([v, style]) => {
    const x = Math.fround(v);
    const text =
      style === 'exp'
        ? x.toExponential()
        : style === 'fixed' && Math.abs(x) < 1e6
          ? x.toFixed(7)
          : style === 'int'
            ? String(Math.trunc(x))
            : style === 'plus' && x >= 0
              ? `+${x}`
              : style === 'dot' && Math.abs(x) < 1 && x > 0
                ? String(x).replace(/^0\./, '.')
                : String(x);
    return { value: Math.fround(Number(text)), text };
  });

/** A header name with a letter, possibly holding delimiters, quotes and non-ASCII text. */
const headerName = fc
  .tuple(fc.constantFrom('x', 'y', 'é', 'col', 'a b', 'naïve', '温度'), fc.string({ maxLength: 6 }))
  .map(([a, b]) => `${a}${b}`.replace(/[\r\n]/g, ''))
  .filter((s) => s.trim() !== '');

const dialect = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t'),
  newline: fc.constantFrom('\n', '\r\n', '\r'),
  bom: fc.boolean(),
  trailingNewline: fc.boolean(),
  blankLines: fc.array(fc.nat({ max: 30 }), { maxLength: 3 }),
  quoteAll: fc.boolean(),
  spaces: fc.boolean(),
});

const table = fc
  .record({ rows: fc.integer({ min: 1, max: 12 }), cols: fc.integer({ min: 1, max: 6 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      header: fc.option(fc.array(headerName, { minLength: cols, maxLength: cols }), { nil: undefined }),
      cells: fc.array(fc.array(cellValue, { minLength: cols, maxLength: cols }), {
        minLength: rows,
        maxLength: rows,
      }),
      dialect,
    }),
  );

/** One generated table: header, cells (value and text) and dialect. */
interface TableCase {
  header: string[] | undefined;
  cells: { value: number; text: string }[][];
  dialect: {
    delimiter: string;
    newline: string;
    bom: boolean;
    trailingNewline: boolean;
    blankLines: number[];
    quoteAll: boolean;
    spaces: boolean;
  };
}

/** A cell as a CSV writer quotes it: always when asked, else when it holds a delimiter, quote or edge space. */
function quote(text: string, all: boolean): string {
  return all || /[",;\t]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Source text of a generated table in its dialect. */
function csvText(t: TableCase): string {
  const { header, cells, dialect: d } = t;
  const pad = (s: string) => (d.spaces && !s.startsWith('"') ? ` ${s} ` : s);
  const lines = [
    ...(header ? [header.map((h) => quote(h, true)).join(d.delimiter)] : []),
    ...cells.map((row) => row.map((c) => pad(quote(c.text, d.quoteAll))).join(d.delimiter)),
  ];
  for (const at of d.blankLines) lines.splice(at % (lines.length + 1), 0, d.spaces ? '   ' : '');
  return `${d.bom ? '\uFEFF' : ''}${lines.join(d.newline)}${d.trailingNewline ? d.newline : ''}`;
}
/**
 * This process's CPU time in milliseconds: the bound on one parse is on CPU time, not the wall clock,
 * which a loaded machine stretches (a 2 s wall-clock bound failed once at load 19).
 */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Parses and checks the issue-#13 guarantees: a consistent table of finite values, or one typed error naming the source. */
function parseChecked(text: string, options: CsvOptions = {}): 'parsed' | 'refused' {
  const start = cpuMs();
  const outcome = parseOutcome(text, options);
  const ms = cpuMs() - start;
  if (ms > 2000) throw new Error(`parsing took ${ms.toFixed(0)} ms of CPU time`);
  return outcome;
}

function parseOutcome(text: string, options: CsvOptions): 'parsed' | 'refused' {
  try {
    const t = parseCsv(text, { source: 'fuzz.csv', ...options });
    expect(t.data.length).toBe(t.rows * t.cols);
    expect(t.columns.length).toBe(t.cols);
    expect(t.data.every(Number.isFinite)).toBe(true);
    if (t.context) expect(t.context.data.every(Number.isFinite)).toBe(true);
    return 'parsed';
  } catch (e) {
    if (!(e instanceof BijectiveError)) throw new Error(`internal failure: ${String(e)}`);
    if (!e.message.startsWith('fuzz.csv') && !e.message.startsWith('csv:')) {
      throw new Error(`error does not name the source: ${e.message.slice(0, 200)}`);
    }
    if (e.message.length > 1000) throw new Error(`error message of ${e.message.length} characters`);
    return 'refused';
  }
}

describe('CSV fuzzing (fixed seed)', () => {
  test(`${RUNS.roundTrip} generated tables in every dialect parse back exactly, delimiter detected`, () => {
    fc.assert(
      fc.property(table, (t: TableCase) => {
        const parsed = parseCsv(csvText(t));
        expect(parsed.rows).toBe(t.cells.length);
        expect(parsed.cols).toBe(t.cells[0]!.length);
        if (parsed.cols > 1) expect(parsed.delimiter).toBe(t.dialect.delimiter);
        expect(Array.from(parsed.data)).toEqual(t.cells.flat().map((c) => c.value));
        if (t.header) expect(parsed.columns).toEqual(t.header);
      }),
      { numRuns: RUNS.roundTrip, seed: SEED },
    );
  });

  test(
    `${RUNS.hostileText} hostile texts (mutations, huge fields, odd encodings) parse or are refused clearly`,
    () => {
      const mutation = fc.oneof(
        { depthSize: 'small' },
        {
          arbitrary: fc.record({
            op: fc.constant('insert' as const),
            at: fc.nat(),
            text: fc.oneof(
              fc.constantFrom(
                '"',
                '""',
                ',',
                ';',
                '\t',
                '\n',
                '\r',
                '\u0000',
                '\uFEFF',
                '\uFFFD',
                '\uD800',
                'NaN',
                '1e999',
                '1e39',
                'x',
                ' ',
                '1,5',
                '0x10',
                '-',
              ),
              fc.string({ maxLength: 4, unit: 'binary' }),
            ),
          }),
          weight: 8,
        },
        {
          arbitrary: fc.record({
            op: fc.constant('delete' as const),
            at: fc.nat(),
            length: fc.integer({ min: 1, max: 8 }),
          }),
          weight: 6,
        },
        {
          arbitrary: fc.record({
            op: fc.constant('huge' as const),
            at: fc.nat(),
            text: fc.constantFrom(
              '1'.repeat(300_000) + 'x',
              '9'.repeat(200_000),
              'a'.repeat(1_000_000),
              '"' + ','.repeat(100_000),
            ),
          }),
          weight: 1,
        },
        fc.record({
          op: fc.constant('manyColumns' as const),
          at: fc.nat(),
          count: fc.constantFrom(4095, 4096, 4097, 100_000),
        }),
      );
      fc.assert(
        fc.property(
          fc.oneof(table.map(csvText), fc.string({ maxLength: 200, unit: 'grapheme' })),
          fc.array(mutation, { maxLength: 3 }),
          (base: string, edits) => {
            let text = base;
            for (const e of edits) {
              const at = e.at % (text.length + 1);
              if (e.op === 'insert' || e.op === 'huge') text = text.slice(0, at) + e.text + text.slice(at);
              else if (e.op === 'delete') text = text.slice(0, at) + text.slice(at + e.length);
              else text = text.slice(0, at) + '1,'.repeat(e.count) + '1\n' + text.slice(at);
            }
            parseChecked(text);
          },
        ),
        { numRuns: RUNS.hostileText, seed: SEED },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  test(`${RUNS.hostileOptions} hostile option sets parse or are refused with an OptionError`, () => {
    const anyValue = fc.oneof(
      fc.anything({ maxDepth: 2 }),
      fc.constantFrom(',', ';;', '"', '\n', 'auto', '', 'constructor', '__proto__'),
    );
    const options = fc.record(
      {
        header: fc.oneof(fc.constantFrom('auto', true, false), anyValue),
        delimiter: anyValue,
        contextColumns: fc.oneof(
          fc.array(
            fc.oneof(
              fc.integer({ min: -2, max: 6 }),
              fc.constantFrom('a', 'b', 'x0', '__proto__', 'constructor'),
            ),
          ),
          anyValue,
        ),
        source: fc.constant('fuzz.csv'),
      },
      { requiredKeys: [] },
    );
    const text = 'a,b,c\n1,2,3\n4,5,6\n';
    fc.assert(
      fc.property(options, (o) => {
        parseChecked(text, o as CsvOptions);
      }),
      { numRuns: RUNS.hostileOptions, seed: SEED },
    );
  });
});
