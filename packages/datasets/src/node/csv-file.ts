import { parseCsv, type CsvOptions, type CsvTable } from '../csv.js';
import { DataFileError } from '../errors.js';
import { readMaybeGzipped } from './files.js';

/**
 * Loads a CSV file (optionally gzipped) with {@link parseCsv}; errors name the path, line and column.
 * A missing, unreadable or binary file throws a {@link DataFileError}.
 */
export function loadCsv(path: string, options: Omit<CsvOptions, 'source'> = {}): CsvTable {
  const bytes = readMaybeGzipped(path);
  if (bytes.includes(0)) throw new DataFileError(`${path}: binary data (a NUL byte), not CSV text`);
  return parseCsv(new TextDecoder().decode(bytes), { ...options, source: path });
}
