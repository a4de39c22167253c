import { LIMITS } from '@bijective/core';
import { parseCsv, type CsvOptions, type CsvTable } from '../csv.js';
import { DataFileError } from '../errors.js';
import { readMaybeGzipped } from './files.js';

/** The UTF-16 byte-order mark `bytes` start with, or undefined. */
function utf16Mark(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'ff fe (UTF-16 LE)';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'fe ff (UTF-16 BE)';
  return undefined;
}

/**
 * Loads a CSV file (optionally gzipped; at most `LIMITS.maxCsvBytes` once gunzipped) with
 * {@link parseCsv}; errors name the path, line and column. The text is decoded as UTF-8 (a UTF-8
 * byte-order mark is skipped, invalid bytes become U+FFFD). A missing, unreadable, oversized,
 * UTF-16 or binary file throws a {@link DataFileError}.
 */
export function loadCsv(path: string, options: Omit<CsvOptions, 'source'> = {}): CsvTable {
  const bytes = readMaybeGzipped(path, LIMITS.maxCsvBytes);
  const mark = utf16Mark(bytes);
  if (mark !== undefined) {
    throw new DataFileError(`${path}: UTF-16 text (byte-order mark ${mark}); save it as UTF-8 to read it`);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new DataFileError(
      `${path}: binary data (a NUL byte at offset ${nul}), not CSV text (UTF-16 text without a byte-order mark looks so too: save it as UTF-8)`,
    );
  }
  return parseCsv(new TextDecoder().decode(bytes), { ...options, source: path });
}
