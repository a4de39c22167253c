import { PNG } from 'pngjs';
import { LIMITS } from '@bijective/core';
import { DataFileError } from '../errors.js';
import { readBytes } from './files.js';

/** A decoded 8-bit image: grey (1 channel) or RGB (3), row-major `height x width x channels`. */
export interface PngImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** 1 (grey PNGs, colour types 0 and 4) or 3 (RGB and palette PNGs, colour types 2, 3 and 6). */
  channels: 1 | 3;
  /** `height * width * channels` levels 0..255 (16-bit PNGs are rounded to 8 bits). */
  pixels: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const COLOUR_TYPES: Record<number, { name: string; channels: 1 | 3 }> = {
  0: { name: 'grey', channels: 1 },
  4: { name: 'grey + alpha', channels: 1 },
  2: { name: 'RGB', channels: 3 },
  3: { name: 'palette', channels: 3 },
  6: { name: 'RGBA', channels: 3 },
};

/** What a PNG's header (its first chunk, IHDR) declares. */
export interface PngHeader {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Channels the decoded image has (see {@link PngImage.channels}). */
  channels: 1 | 3;
}

/**
 * Reads a PNG's signature and IHDR chunk (PNG spec §5.2, §11.2.2) without decoding the pixels, so
 * that sizes are checked before anything is allocated: images of more than `LIMITS.maxEventSize`
 * values are refused. Problems throw a {@link DataFileError} naming `source`.
 */
export function readPngHeader(bytes: Uint8Array, source: string): PngHeader {
  if (bytes.length < SIGNATURE.length || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new DataFileError(`${source}: not a PNG file (its first bytes are not the PNG signature)`);
  }
  if (bytes.length < 8 + 8 + 13) throw new DataFileError(`${source}: truncated PNG (no complete header)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (type !== 'IHDR' || view.getUint32(8) !== 13) {
    throw new DataFileError(`${source}: corrupt PNG (its first chunk is not a 13-byte IHDR)`);
  }
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = bytes[24] as number;
  const colour = COLOUR_TYPES[bytes[25] as number];
  if (colour === undefined) throw new DataFileError(`${source}: corrupt PNG (colour type ${bytes[25]})`);
  if (![1, 2, 4, 8, 16].includes(depth))
    throw new DataFileError(`${source}: corrupt PNG (bit depth ${depth})`);
  if (width < 1 || height < 1) throw new DataFileError(`${source}: corrupt PNG (size ${width}x${height})`);
  const values = width * height * colour.channels;
  if (values > LIMITS.maxEventSize) {
    throw new DataFileError(
      `${source}: a ${width}x${height} ${colour.name} image has ${values} values; at most LIMITS.maxEventSize (${LIMITS.maxEventSize}) per image (downscale it)`,
    );
  }
  return { width, height, channels: colour.channels };
}

/**
 * Decodes a PNG file's bytes (the `pngjs` decoder: every colour type, bit depth and interlacing,
 * CRCs checked) to an 8-bit grey or RGB image. Transparent pixels are refused (an alpha channel
 * must be fully opaque: flatten such images first). Corrupt, truncated or oversized files throw
 * one {@link DataFileError} naming `source`.
 */
export function decodePng(bytes: Uint8Array, source = 'png'): PngImage {
  const { width, height, channels } = readPngHeader(bytes, source);
  let rgba: Uint8Array;
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    rgba = png.data;
    if (png.width !== width || png.height !== height || rgba.length !== width * height * 4) {
      throw new Error(`decoded ${png.width}x${png.height} from a ${width}x${height} header`);
    }
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0]?.slice(0, 160);
    throw new DataFileError(`${source}: corrupt or truncated PNG (${why})`);
  }
  const pixels = new Uint8Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    if (rgba[4 * p + 3] !== 255) {
      throw new DataFileError(
        `${source}: transparent pixel at x ${p % width}, y ${Math.floor(p / width)} (alpha ${rgba[4 * p + 3]}); images must be opaque (flatten them first)`,
      );
    }
    for (let c = 0; c < channels; c++) pixels[p * channels + c] = rgba[4 * p + c] as number;
  }
  return { width, height, channels, pixels };
}

/** Reads and decodes a PNG file ({@link decodePng}); problems throw a {@link DataFileError} naming the path. */
export function readPng(path: string): PngImage {
  return decodePng(readBytes(path), path);
}
