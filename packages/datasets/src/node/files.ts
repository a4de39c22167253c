import { readFileSync, statSync, type Stats } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { formatBytes, LIMITS } from '@bijective/core';
import { DataFileError } from '../errors.js';
import { isGzip } from '../idx.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** A file-system error as a {@link DataFileError} naming the path. */
function readError(path: string, e: unknown): DataFileError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const why = Object.hasOwn(REASONS, code) ? REASONS[code] : e instanceof Error ? e.message : String(e);
  return new DataFileError(`${path}: cannot read (${why})`);
}

/**
 * Reads a whole file of at most `maxBytes` (default `LIMITS.maxIdxBytes`); a missing, unreadable
 * or larger file, or one that is not a regular file (a device, a FIFO), throws a
 * {@link DataFileError} naming the path. The size is checked before reading.
 */
export function readBytes(path: string, maxBytes: number = LIMITS.maxIdxBytes): Uint8Array {
  let info: Stats;
  try {
    info = statSync(path);
  } catch (e) {
    throw readError(path, e);
  }
  if (info.isDirectory()) throw new DataFileError(`${path}: cannot read (${REASONS.EISDIR})`);
  if (!info.isFile()) throw new DataFileError(`${path}: cannot read (not a regular file)`);
  if (info.size > maxBytes) {
    throw new DataFileError(`${path}: ${formatBytes(info.size)}; at most ${formatBytes(maxBytes)} are read`);
  }
  try {
    const buffer = readFileSync(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (e) {
    throw readError(path, e);
  }
}

/**
 * Reads a file, gunzipping it when it starts with the gzip magic number 1f 8b; the file and its
 * decompressed bytes may hold at most `maxBytes` (default `LIMITS.maxIdxBytes`), so that a gzip
 * bomb is refused once its output passes the limit.
 */
export function readMaybeGzipped(path: string, maxBytes: number = LIMITS.maxIdxBytes): Uint8Array {
  const bytes = readBytes(path, maxBytes);
  if (!isGzip(bytes)) return bytes;
  try {
    const out = gunzipSync(bytes, { maxOutputLength: maxBytes });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DataFileError(`${path}: decompresses to more than ${formatBytes(maxBytes)}, the most read`);
    }
    throw new DataFileError(
      `${path}: corrupt or truncated gzip data (${e instanceof Error ? e.message : String(e)})`,
    );
  }
}
