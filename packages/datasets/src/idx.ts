import { formatBytes, LIMITS, ShapeError, type Limits } from '@bijective/core';
import { DataFileError } from './errors.js';

/** Element types of the IDX format, by their type byte. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array that holds each {@link IdxType}. */
export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX file: its dimensions, element type and values (row-major). */
export interface IdxTensor {
  /** Dimensions, outermost first (e.g. `[10000, 28, 28]`). */
  readonly dims: readonly number[];
  /** Element type named by the magic number's third byte. */
  readonly type: IdxType;
  /** Values in row-major order, in the host's byte order. */
  readonly data: IdxArray;
}

interface TypeInfo {
  code: number;
  size: number;
  read(view: DataView, offset: number): number;
  make(n: number): IdxArray;
}

const TYPES: Record<IdxType, TypeInfo> = {
  uint8: { code: 0x08, size: 1, read: (v, o) => v.getUint8(o), make: (n) => new Uint8Array(n) },
  int8: { code: 0x09, size: 1, read: (v, o) => v.getInt8(o), make: (n) => new Int8Array(n) },
  int16: { code: 0x0b, size: 2, read: (v, o) => v.getInt16(o), make: (n) => new Int16Array(n) },
  int32: { code: 0x0c, size: 4, read: (v, o) => v.getInt32(o), make: (n) => new Int32Array(n) },
  float32: { code: 0x0d, size: 4, read: (v, o) => v.getFloat32(o), make: (n) => new Float32Array(n) },
  float64: { code: 0x0e, size: 8, read: (v, o) => v.getFloat64(o), make: (n) => new Float64Array(n) },
};

const hex = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

/** True when `bytes` start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decodes an uncompressed IDX file (LeCun's MNIST format): magic 00 00 TT NN (TT the element type,
 * NN the rank), NN big-endian uint32 dimensions, then the big-endian values. A wrong magic, an
 * unknown type, a truncated file, trailing bytes, more than `LIMITS.maxDataValues` values or a NaN
 * or infinite float throw a {@link DataFileError} naming `source`.
 *
 * @example
 * ```ts
 * import { decodeIdx, encodeIdx } from '@bijective/datasets';
 *
 * // Two 2x3 "images" of bytes, as a t10k-images-idx3-ubyte file holds 10000 of 28x28.
 * const bytes = encodeIdx({ dims: [2, 2, 3], type: 'uint8', data: new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) });
 * const { dims, type, data } = decodeIdx(bytes, 'images-idx3-ubyte');
 * console.log(dims, type, data.length); // [2, 2, 3] 'uint8' 12
 * ```
 */
export function decodeIdx(bytes: Uint8Array, source = 'idx'): IdxTensor {
  return decodeIdxWithin(bytes, source, LIMITS);
}

/**
 * {@link decodeIdx} under the given limits (tests check each limit at a smaller scale).
 * @internal
 */
export function decodeIdxWithin(bytes: Uint8Array, source: string, limits: Limits): IdxTensor {
  if (!(bytes instanceof Uint8Array))
    throw new DataFileError(`${source}: IDX data must be bytes (a Uint8Array)`);
  if (isGzip(bytes)) {
    throw new DataFileError(
      `${source}: gzip-compressed; decompress it first (readIdx from @bijective/datasets/node does) or use decodeIdxAsync`,
    );
  }
  if (bytes.length < 4)
    throw new DataFileError(`${source}: ${bytes.length} bytes is too short for an IDX header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataFileError(
      `${source}: not an IDX file (magic starts ${hex(bytes[0] as number)} ${hex(bytes[1] as number)}, expected 0x00 0x00)`,
    );
  }
  const code = bytes[2] as number;
  const entry = Object.entries(TYPES).find(([, t]) => t.code === code);
  if (!entry) throw new DataFileError(`${source}: unknown IDX element type ${hex(code)} in the magic number`);
  const [type, info] = entry as [IdxType, TypeInfo];
  const rank = bytes[3] as number;
  if (rank === 0) throw new DataFileError(`${source}: IDX rank 0 (the magic number's fourth byte)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = 4 + 4 * rank;
  if (bytes.length < start) {
    throw new DataFileError(
      `${source}: truncated header (${bytes.length} bytes, ${rank} dimensions need ${start})`,
    );
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const count = dims.includes(0) ? 0 : dims.reduce((a, b) => a * b, 1);
  if (count > limits.maxDataValues) {
    throw new DataFileError(
      `${source}: dimensions [${dims.join(', ')}] hold ${count} values; at most ${limits.maxDataValues} are read (LIMITS.maxDataValues)`,
    );
  }
  const expected = start + count * info.size;
  if (bytes.length < expected) {
    throw new DataFileError(
      `${source}: truncated: dimensions [${dims.join(', ')}] of ${type} need ${expected} bytes, the file has ${bytes.length}`,
    );
  }
  if (bytes.length > expected) {
    throw new DataFileError(
      `${source}: ${bytes.length - expected} unexpected bytes after the data of dimensions [${dims.join(', ')}] (${type})`,
    );
  }
  let data: IdxArray;
  if (info.size === 1) {
    const copy = new Uint8Array(count);
    copy.set(bytes.subarray(start, expected));
    data = type === 'uint8' ? copy : new Int8Array(copy.buffer);
  } else {
    data = info.make(count);
    for (let i = 0; i < count; i++) data[i] = info.read(view, start + i * info.size);
  }
  if (type === 'float32' || type === 'float64') {
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new DataFileError(
        `${source}: element ${bad} is ${data[bad]} (NaN or infinite values are not supported)`,
      );
    }
  }
  return { dims, type, data };
}

/** Gunzips with the web-standard DecompressionStream (browsers, Node >= 18), refusing output beyond `maxBytes`. */
async function gunzipStream(bytes: Uint8Array, source: string, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    const stream = new Blob([bytes.slice()]).stream().pipeThrough(new DecompressionStream('gzip'));
    reader = stream.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) break;
      chunks.push(value);
    }
  } catch (e) {
    throw new DataFileError(`${source}: corrupt gzip data (${e instanceof Error ? e.message : String(e)})`);
  }
  if (total > maxBytes) {
    await reader?.cancel().catch(() => undefined);
    throw new DataFileError(`${source}: decompresses to more than ${formatBytes(maxBytes)}, the most read`);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Like {@link decodeIdx}, but first gunzips gzip-compressed bytes (browser-safe, via
 * DecompressionStream); the decompressed data may hold at most `LIMITS.maxIdxBytes`.
 */
export async function decodeIdxAsync(bytes: Uint8Array, source = 'idx'): Promise<IdxTensor> {
  return decodeIdxAsyncWithin(bytes, source, LIMITS);
}

/**
 * {@link decodeIdxAsync} under the given limits.
 * @internal
 */
export async function decodeIdxAsyncWithin(
  bytes: Uint8Array,
  source: string,
  limits: Limits,
): Promise<IdxTensor> {
  const plain = isGzip(bytes) ? await gunzipStream(bytes, source, limits.maxIdxBytes) : bytes;
  return decodeIdxWithin(plain, source, limits);
}

/** Encodes values as an uncompressed IDX file (the inverse of {@link decodeIdx}). */
export function encodeIdx(tensor: IdxTensor): Uint8Array {
  const info = TYPES[tensor.type];
  const count = tensor.dims.reduce((a, b) => a * b, 1);
  if (tensor.data.length !== count || tensor.dims.length === 0 || tensor.dims.length > 255) {
    throw new ShapeError(
      `encodeIdx: ${tensor.data.length} values do not fill dimensions [${tensor.dims.join(', ')}]`,
    );
  }
  const start = 4 + 4 * tensor.dims.length;
  const bytes = new Uint8Array(start + count * info.size);
  const view = new DataView(bytes.buffer);
  bytes[2] = info.code;
  bytes[3] = tensor.dims.length;
  tensor.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  const write: Record<IdxType, (o: number, x: number) => void> = {
    uint8: (o, x) => view.setUint8(o, x),
    int8: (o, x) => view.setInt8(o, x),
    int16: (o, x) => view.setInt16(o, x),
    int32: (o, x) => view.setInt32(o, x),
    float32: (o, x) => view.setFloat32(o, x),
    float64: (o, x) => view.setFloat64(o, x),
  };
  for (let i = 0; i < count; i++) write[tensor.type](start + i * info.size, tensor.data[i] as number);
  return bytes;
}
