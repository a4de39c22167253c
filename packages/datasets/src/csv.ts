import { OptionError, ShapeError, ValueError } from '@bijective/core';
import { checkOptionKeys } from './options.js';
import { defaultColumnNames, type Table } from './table.js';

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /** Whether the first row names the columns: `'auto'` (default) when it holds a non-numeric cell. */
  header?: 'auto' | boolean;
  /** Cell separator, one character (default `,`). */
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
}

const CSV_KEYS = ['header', 'delimiter', 'contextColumns', 'source'];
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

interface Where {
  source: string;
  line: number;
  column: number;
  name?: string;
}

function at({ source, line, column, name }: Where): string {
  return `${source}: line ${line}, column ${column}${name ? ` ('${name}')` : ''}`;
}

/** Splits one line into trimmed cells, honouring double-quoted cells with `""` escapes. */
function splitLine(line: string, delimiter: string, source: string, lineNo: number): string[] {
  if (!line.includes('"')) return line.split(delimiter).map((c) => c.trim());
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
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
      cells.push(wasQuoted ? cell : cell.trim());
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
  cells.push(wasQuoted ? cell : cell.trim());
  return cells;
}

function parseCell(cell: string, where: Where): number {
  if (cell === '') throw new ValueError(`${at(where)}: empty cell (missing values are not supported)`);
  if (NON_FINITE.test(cell)) throw new ValueError(`${at(where)}: NaN or infinite value '${cell}'`);
  if (!NUMBER.test(cell)) throw new ValueError(`${at(where)}: non-numeric value '${cell}'`);
  const value = Number(cell);
  if (!Number.isFinite(value)) throw new ValueError(`${at(where)}: value '${cell}' is out of range`);
  if (!Number.isFinite(Math.fround(value))) {
    throw new ValueError(`${at(where)}: value '${cell}' overflows float32`);
  }
  return value;
}

const looksNumeric = (cell: string): boolean => cell === '' || NUMBER.test(cell) || NON_FINITE.test(cell);

function checkDelimiter(delimiter: unknown): string {
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new OptionError(
      `csv: delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}`,
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
 * Parses CSV text of numeric columns into float32 rows. The header row is optional (auto-detected
 * when the first row holds a non-numeric cell); blank lines are skipped. Ragged rows throw a
 * {@link ShapeError}; empty, non-numeric, NaN or infinite cells and files without data rows throw a
 * {@link ValueError}; each message names the source, the 1-based line and the column.
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  checkOptionKeys(options, CSV_KEYS, 'csv');
  const source = options.source ?? 'csv';
  const delimiter = checkDelimiter(options.delimiter ?? ',');
  const headerMode = options.header ?? 'auto';
  if (headerMode !== 'auto' && typeof headerMode !== 'boolean') {
    throw new OptionError(`csv: header must be 'auto', true or false, got ${JSON.stringify(headerMode)}`);
  }
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\n|\r/);
  let names: string[] | null = null;
  let hasHeader = false;
  let headerLine = 0;
  let cols = 0;
  let rows = 0;
  let values = new Float32Array(0);
  let contextIdx: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const lineNo = i + 1;
    const cells = splitLine(line, delimiter, source, lineNo);
    if (names === null) {
      cols = cells.length;
      headerLine = lineNo;
      hasHeader = headerMode === 'auto' ? !cells.every(looksNumeric) : headerMode;
      names = hasHeader ? cells.map((c, j) => c || `x${j}`) : defaultColumnNames(cols);
      values = new Float32Array(Math.max(1024, cols * 256));
      contextIdx = resolveContextColumns(options.contextColumns, names, hasHeader, source);
      if (hasHeader) continue;
    }
    if (cells.length !== cols) {
      throw new ShapeError(
        `${source}: line ${lineNo} has ${cells.length} columns, expected ${cols} (as on line ${headerLine})`,
      );
    }
    if ((rows + 1) * cols > values.length) {
      const grown = new Float32Array(values.length * 2);
      grown.set(values);
      values = grown;
    }
    for (let j = 0; j < cols; j++) {
      const where = { source, line: lineNo, column: j + 1, ...(hasHeader ? { name: names[j] } : {}) };
      values[rows * cols + j] = parseCell(cells[j] as string, where);
    }
    rows++;
  }
  if (names === null) throw new ValueError(`${source}: empty file (no rows)`);
  if (rows === 0) throw new ValueError(`${source}: no data rows (only the header on line ${headerLine})`);
  const data = values.slice(0, rows * cols);
  if (contextIdx.length === 0) return { columns: names, data, rows, cols };
  const dataIdx = names.map((_, j) => j).filter((j) => !contextIdx.includes(j));
  return {
    columns: dataIdx.map((j) => names[j] as string),
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
