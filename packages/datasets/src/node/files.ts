import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataFileError } from '../errors.js';
import { isGzip } from '../idx.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** Reads a whole file; a missing or unreadable one throws a {@link DataFileError} naming the path. */
export function readBytes(path: string): Uint8Array {
  try {
    const buffer = readFileSync(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const why = REASONS[code] ?? (e instanceof Error ? e.message : String(e));
    throw new DataFileError(`${path}: cannot read (${why})`);
  }
}

/** Reads a file, gunzipping it when it starts with the gzip magic number 1f 8b. */
export function readMaybeGzipped(path: string): Uint8Array {
  const bytes = readBytes(path);
  if (!isGzip(bytes)) return bytes;
  try {
    const out = gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new DataFileError(
      `${path}: corrupt or truncated gzip data (${e instanceof Error ? e.message : String(e)})`,
    );
  }
}
