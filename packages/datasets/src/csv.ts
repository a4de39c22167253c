import { LIMITS, OptionError, previewJson, ShapeError, ValueError, type Limits } from '@bijective/core';
import { checkOptionKeys } from './options.js';
import { defaultColumnNames, type Table } from './table.js';

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /** Whether the first row names the columns: `'auto'` (default) when it holds a non-numeric cell. */
  header?: 'auto' | boolean;
  /**
   * Cell separator: one character, or `'auto'` (default): detected among `,`, `;` and tab from
   * the first rows (the one that splits them into the same number of columns, commas first).
   */
  delimiter?: string;
  /** Columns moved to the table's `context` (conditioning): 0-based indices or header names. */
  contextColumns?: readonly (number | string)[];
  /** Name of the text's source (a file path) for error messages (default `csv`). */
  source?: string;
}

/** A parsed CSV: numeric columns as float32 rows, with names and optional context columns. */
export interface CsvTable extends Table {
  /** Names of the data columns (the header's, or `x0..x{d-1}` without one). */
  readonly columns: readonly string[];
  /** The cell separator used (given or detected). */
  readonly delimiter: string;
}

const CSV_KEYS = ['header', 'delimiter', 'contextColumns', 'source'];
/** A decimal number; unambiguous (no nested quantifiers), so matching is linear in the cell's length. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;
const DECIMAL_COMMA = /^[+-]?\d*,\d+$/;
/** The delimiters `'auto'` chooses among, in order of preference. */
const CANDIDATES = [',', ';', '\t'] as const;
/** Rows read to detect the delimiter. */
const SAMPLE_ROWS = 20;

interface Where {
  source: string;
  line: number;
  column: number;
  name?: string;
}

function at({ source, line, column, name }: Where): string {
  return `${source}: line ${line}, column ${column}${name ? ` ('${shorten(name)}')` : ''}`;
}

/** Text from the file cut to `max` characters for a message. */
function shorten(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** How a tab or other delimiter is named in messages. */
function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : `'${d}'`;
}

/** The lines of `text` (split at CRLF, LF or CR) with their 1-based numbers, produced lazily. */
function* linesOf(text: string): Generator<{ line: string; lineNo: number }> {
  const breaks = /\r\n|\n|\r/g;
  let start = 0;
  let lineNo = 1;
  for (let m = breaks.exec(text); m !== null; m = breaks.exec(text)) {
    yield { line: text.slice(start, m.index), lineNo: lineNo++ };
    start = m.index + m[0].length;
  }
  yield { line: text.slice(start), lineNo };
}

/**
 * Splits one line into trimmed cells, honouring double-quoted cells with `""` escapes; a line of
 * more than `maxCells` cells throws a {@link ShapeError} before they are all made.
 */
function splitLine(
  line: string,
  delimiter: string,
  where: { source: string; lineNo: number; maxCells: number; expected: string },
): string[] {
  const { source, lineNo, maxCells, expected } = where;
  const tooMany = () =>
    new ShapeError(`${source}: line ${lineNo} has more than ${maxCells} columns, ${expected}`);
  if (!line.includes('"')) {
    const cells: string[] = [];
    let start = 0;
    for (;;) {
      const end = line.indexOf(delimiter, start);
      if (cells.length >= maxCells) throw tooMany();
      cells.push(line.slice(start, end < 0 ? line.length : end).trim());
      if (end < 0) return cells;
      start = end + 1;
    }
  }
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  const push = () => {
    if (cells.length >= maxCells) throw tooMany();
    cells.push(wasQuoted ? cell : cell.trim());
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === '' && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
      cell = '';
    } else if (ch === delimiter) {
      push();
      cell = '';
      wasQuoted = false;
    } else if (wasQuoted && ch.trim() !== '') {
      throw new ValueError(
        `${at({ source, line: lineNo, column: cells.length + 1 })}: text after a closing quote`,
      );
    } else if (!wasQuoted) cell += ch;
  }
  if (quoted) {
    throw new ValueError(
      `${at({ source, line: lineNo, column: cells.length + 1 })}: unterminated quoted cell (cells may not span lines)`,
    );
  }
  push();
  return cells;
}

/** The number of cells `line` splits into at `delimiter` (quotes honoured), or -1 when it does not split cleanly. */
function cellCount(line: string, delimiter: string, maxCells: number): number {
  try {
    return splitLine(line, delimiter, { source: '', lineNo: 0, maxCells, expected: '' }).length;
  } catch {
    return -1;
  }
}

/**
 * The delimiter of a file whose first non-blank lines are `sample`: among `,`, `;` and tab, the
 * first that splits every sampled line into the same number (> 1) of cells, preferring one whose
 * cells after the first line are all numeric; failing that, the one found most often on the first
 * line; `,` when none is (a single column).
 */
export function detectDelimiter(sample: readonly string[], maxCells: number = LIMITS.maxCsvColumns): string {
  const consistent = CANDIDATES.filter((d) => {
    const counts = sample.map((line) => cellCount(line, d, maxCells));
    return (counts[0] as number) > 1 && counts.every((c) => c === counts[0]);
  });
  const numeric = consistent.find((d) =>
    sample.slice(1).every((line) => {
      const cells = splitLine(line, d, { source: '', lineNo: 0, maxCells, expected: '' });
      return cells.every((c) => c === '' || NUMBER.test(c) || NON_FINITE.test(c));
    }),
  );
  if (numeric !== undefined) return numeric;
  if (consistent.length > 0) return consistent[0] as string;
  const first = sample[0] ?? '';
  const counts = CANDIDATES.map((d) => first.split(d).length - 1);
  const most = Math.max(...counts);
  return most > 0 ? (CANDIDATES[counts.indexOf(most)] as string) : ',';
}

/** Why a non-numeric cell may be so: another delimiter or a decimal comma inside it. */
function nonNumericHint(cell: string, delimiter: string): string {
  if (DECIMAL_COMMA.test(cell)) return ` (decimal commas are not supported: write '.' for decimals)`;
  const other = CANDIDATES.find((d) => d !== delimiter && cell.includes(d));
  if (other === undefined) return '';
  return ` (it holds ${delimiterName(other)} but the delimiter is ${delimiterName(delimiter)}; pass delimiter ${JSON.stringify(other)} if ${delimiterName(other)} separates the columns)`;
}

function parseCell(cell: string, where: Where, delimiter: string): number {
  if (cell === '') throw new ValueError(`${at(where)}: empty cell (missing values are not supported)`);
  if (NON_FINITE.test(cell)) throw new ValueError(`${at(where)}: NaN or infinite value '${cell}'`);
  if (!NUMBER.test(cell)) {
    throw new ValueError(
      `${at(where)}: non-numeric value '${shorten(cell)}'${nonNumericHint(cell, delimiter)}`,
    );
  }
  const value = Number(cell);
  if (!Number.isFinite(value)) throw new ValueError(`${at(where)}: value '${shorten(cell)}' is out of range`);
  if (!Number.isFinite(Math.fround(value))) {
    throw new ValueError(`${at(where)}: value '${shorten(cell)}' overflows float32`);
  }
  return value;
}

const looksNumeric = (cell: string): boolean => cell === '' || NUMBER.test(cell) || NON_FINITE.test(cell);

function checkDelimiter(delimiter: unknown): string | 'auto' {
  if (delimiter === 'auto') return delimiter;
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new OptionError(
      `csv: delimiter must be 'auto' or one character other than a quote or newline, got ${previewJson(delimiter)}`,
    );
  }
  return delimiter;
}

function resolveContextColumns(
  wanted: unknown,
  names: readonly string[],
  hasHeader: boolean,
  source: string,
): number[] {
  if (wanted === undefined) return [];
  if (!Array.isArray(wanted)) {
    throw new OptionError(
      `csv: contextColumns must be a list of column indices or names, got ${JSON.stringify(wanted)}`,
    );
  }
  const picked = wanted.map((w: unknown) => {
    if (typeof w === 'number') {
      if (!Number.isInteger(w) || w < 0 || w >= names.length) {
        throw new OptionError(`${source}: context column index ${w} is outside 0..${names.length - 1}`);
      }
      return w;
    }
    if (typeof w === 'string') {
      const i = hasHeader ? names.indexOf(w) : -1;
      if (i < 0) {
        throw new OptionError(
          `${source}: no column named '${w}' for contextColumns; ${hasHeader ? `columns: ${names.join(', ')}` : 'the file has no header row (use indices)'}`,
        );
      }
      return i;
    }
    throw new OptionError(`csv: contextColumns entries must be indices or names, got ${JSON.stringify(w)}`);
  });
  if (new Set(picked).size !== picked.length)
    throw new OptionError(`${source}: contextColumns names a column twice`);
  if (picked.length >= names.length) {
    throw new OptionError(
      `${source}: contextColumns takes all ${names.length} columns, leaving no data columns`,
    );
  }
  return picked;
}

function pickColumns(all: Float32Array, rows: number, cols: number, keep: readonly number[]): Float32Array {
  const out = new Float32Array(rows * keep.length);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < keep.length; k++)
      out[r * keep.length + k] = all[r * cols + (keep[k] as number)] as number;
  }
  return out;
}

/**
 * Parses CSV text of numeric columns into float32 rows. The delimiter is detected among `,`, `;`
 * and tab unless given; the header row is optional (auto-detected when the first row holds a
 * non-numeric cell); blank lines are skipped; a UTF-8 byte-order mark is ignored. Ragged rows and
 * more than `LIMITS.maxCsvColumns` columns throw a {@link ShapeError}; empty, non-numeric, NaN or
 * infinite cells, files without data rows and files beyond `LIMITS.maxCsvBytes`,
 * `LIMITS.maxCsvRows` or `LIMITS.maxDataValues` throw a {@link ValueError}; each message names the
 * source, the 1-based line and the column.
 *
 * @example
 * ```ts
 * import { parseCsv } from '@bijective/datasets';
 *
 * const table = parseCsv('x;y\n1.88;-0.07\n0.5;2\n'); // delimiter ';' detected
 * console.log(table.columns, table.rows, Array.from(table.data)); // ['x', 'y'] 2 [1.88, -0.07, 0.5, 2]
 * ```
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  return parseCsvWithin(text, options, LIMITS);
}

/**
 * {@link parseCsv} under the given limits (tests check each limit at a smaller scale).
 * @internal
 */
export function parseCsvWithin(text: string, options: CsvOptions, limits: Limits): CsvTable {
  checkOptionKeys(options, CSV_KEYS, 'csv');
  const source = options.source ?? 'csv';
  if (typeof text !== 'string')
    throw new OptionError(`${source}: CSV text must be a string, got ${previewJson(text)}`);
  const given = checkDelimiter(options.delimiter ?? 'auto');
  const headerMode = options.header ?? 'auto';
  if (headerMode !== 'auto' && typeof headerMode !== 'boolean') {
    throw new OptionError(`csv: header must be 'auto', true or false, got ${previewJson(headerMode)}`);
  }
  if (text.length > limits.maxCsvBytes) {
    throw new ValueError(
      `${source}: ${text.length} characters of CSV; at most ${limits.maxCsvBytes} are read (LIMITS.maxCsvBytes)`,
    );
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let delimiter = given === 'auto' ? ',' : given;
  if (given === 'auto') {
    const sample: string[] = [];
    for (const { line } of linesOf(body)) {
      if (line.trim() !== '') sample.push(line);
      if (sample.length >= SAMPLE_ROWS) break;
    }
    delimiter = detectDelimiter(sample, limits.maxCsvColumns);
  }
  let names: string[] | null = null;
  let hasHeader = false;
  let headerLine = 0;
  let cols = 0;
  let rows = 0;
  let values = new Float32Array(0);
  let contextIdx: number[] = [];
  for (const { line, lineNo } of linesOf(body)) {
    if (line.trim() === '') continue;
    const cells = splitLine(line, delimiter, {
      source,
      lineNo,
      maxCells: limits.maxCsvColumns,
      expected: `at most ${limits.maxCsvColumns} are read (LIMITS.maxCsvColumns)`,
    });
    if (names === null) {
      cols = cells.length;
      headerLine = lineNo;
      hasHeader = headerMode === 'auto' ? !cells.every(looksNumeric) : headerMode;
      names = hasHeader ? cells.map((c, j) => c || `x${j}`) : defaultColumnNames(cols);
      values = new Float32Array(Math.min(Math.max(1024, cols * 256), limits.maxDataValues + cols));
      contextIdx = resolveContextColumns(options.contextColumns, names, hasHeader, source);
      if (hasHeader) continue;
    }
    if (cells.length !== cols) {
      throw new ShapeError(
        `${source}: line ${lineNo} has ${cells.length} columns, expected ${cols} (as on line ${headerLine})`,
      );
    }
    if (rows + 1 > limits.maxCsvRows) {
      throw new ValueError(
        `${source}: line ${lineNo}: more than ${limits.maxCsvRows} data rows (LIMITS.maxCsvRows)`,
      );
    }
    if ((rows + 1) * cols > limits.maxDataValues) {
      throw new ValueError(
        `${source}: line ${lineNo}: more than ${limits.maxDataValues} values (${rows + 1} rows of ${cols} columns; LIMITS.maxDataValues)`,
      );
    }
    if ((rows + 1) * cols > values.length) {
      const grown = new Float32Array(Math.min(values.length * 2, limits.maxDataValues + cols));
      grown.set(values);
      values = grown;
    }
    for (let j = 0; j < cols; j++) {
      const where = { source, line: lineNo, column: j + 1, ...(hasHeader ? { name: names[j] } : {}) };
      values[rows * cols + j] = parseCell(cells[j] as string, where, delimiter);
    }
    rows++;
  }
  if (names === null) throw new ValueError(`${source}: empty file (no rows)`);
  if (rows === 0) throw new ValueError(`${source}: no data rows (only the header on line ${headerLine})`);
  const data = values.slice(0, rows * cols);
  if (contextIdx.length === 0) return { columns: names, delimiter, data, rows, cols };
  const dataIdx = names.map((_, j) => j).filter((j) => !contextIdx.includes(j));
  return {
    columns: dataIdx.map((j) => names[j] as string),
    delimiter,
    data: pickColumns(data, rows, cols, dataIdx),
    rows,
    cols: dataIdx.length,
    context: {
      columns: contextIdx.map((j) => names[j] as string),
      data: pickColumns(data, rows, cols, contextIdx),
      cols: contextIdx.length,
    },
  };
}
