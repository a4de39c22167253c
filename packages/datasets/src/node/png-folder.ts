import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LIMITS } from '@bijective/core';
import { DataFileError } from '../errors.js';
import type { Table } from '../table.js';
import { readBytes } from './files.js';
import { decodePng, readPngHeader } from './png-file.js';

/** A folder of PNG images read as a table (see {@link readPngFolder}). */
export interface PngFolder {
  /** One row per image, its pixels (levels 0..255) in height, width, channel order; labels when the folder has class subfolders. */
  table: Table;
  /** `[height, width, channels]` shared by every image (channels 1 for grey, 3 for colour). */
  imageShape: [number, number, number];
  /** The class subfolders' names, label `k` being `classes[k]`; empty when the images lie in the folder itself. */
  classes: string[];
  /** The files read, in row order. */
  files: string[];
}

/** Whether `name` is hidden (a dot file such as `.DS_Store`): skipped. */
const hidden = (name: string): boolean => name.startsWith('.');

function listDirectory(dir: string): { files: string[]; dirs: string[] } {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => !hidden(n));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'not a folder' : (e as Error).message;
    throw new DataFileError(`${dir}: cannot read the folder (${why})`);
  }
  names.sort();
  const files: string[] = [];
  const dirs: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      // a dangling link: reported as a file that cannot be read
    }
    (isDir ? dirs : files).push(name);
  }
  return { files, dirs };
}

function pngFiles(dir: string, names: string[]): string[] {
  const other = names.find((n) => !/\.png$/i.test(n));
  if (other !== undefined) {
    throw new DataFileError(
      `${join(dir, other)}: not a .png file; an image folder holds only PNG images (or one subfolder of PNGs per class)`,
    );
  }
  return names.map((n) => join(dir, n));
}

const describeShape = ([h, w, c]: readonly number[]): string => `${w}x${h} ${c === 1 ? 'grey' : 'colour'}`;

/**
 * Reads a folder of same-size 8-bit PNG images as a table of pixel levels 0..255, one row per image
 * in file-name order. Either the images lie in the folder itself (no labels), or in one subfolder per
 * class (label k for the k-th subfolder in name order, as torchvision's ImageFolder). Grey PNGs give
 * one channel, colour ones (RGB, palette, RGBA) three; every image must have the same width, height
 * and channel count. Dot files are skipped; anything else that is not a `.png` file, an empty
 * folder, mixed sizes, or a corrupt or transparent image throws one {@link DataFileError} naming
 * the file.
 */
export function readPngFolder(dir: string): PngFolder {
  const top = listDirectory(dir);
  if (top.files.length > 0 && top.dirs.length > 0) {
    throw new DataFileError(
      `${dir}: holds both files (${top.files[0]}) and subfolders (${top.dirs[0]}); put the images in the folder itself or one subfolder per class`,
    );
  }
  const classes = top.dirs;
  const groups =
    classes.length === 0
      ? [pngFiles(dir, top.files)]
      : classes.map((c) => {
          const sub = join(dir, c);
          const inner = listDirectory(sub);
          if (inner.dirs.length > 0) {
            throw new DataFileError(
              `${join(sub, inner.dirs[0] as string)}: class folders hold PNG files, not folders`,
            );
          }
          if (inner.files.length === 0) throw new DataFileError(`${sub}: class folder has no PNG images`);
          return pngFiles(sub, inner.files);
        });
  const files = groups.flat();
  if (files.length === 0) throw new DataFileError(`${dir}: no PNG images in the folder`);
  if (files.length > LIMITS.maxCsvRows) {
    throw new DataFileError(
      `${dir}: ${files.length} images; at most LIMITS.maxCsvRows (${LIMITS.maxCsvRows})`,
    );
  }
  let shape: [number, number, number] | undefined;
  let data = new Float32Array(0);
  files.forEach((path, row) => {
    const bytes = readBytes(path);
    const header = readPngHeader(bytes, path);
    const s: [number, number, number] = [header.height, header.width, header.channels];
    if (shape === undefined) {
      shape = s;
      const total = files.length * s[0] * s[1] * s[2];
      if (total > LIMITS.maxDataValues) {
        throw new DataFileError(
          `${dir}: ${files.length} ${describeShape(s)} images hold ${total} values; at most LIMITS.maxDataValues (${LIMITS.maxDataValues})`,
        );
      }
      data = new Float32Array(total);
    } else if (s.some((v, i) => v !== shape?.[i])) {
      throw new DataFileError(
        `${path}: a ${describeShape(s)} image, but ${files[0]} is ${describeShape(shape)}; every image in the folder must have one size and channel count`,
      );
    }
    const image = decodePng(bytes, path);
    data.set(image.pixels, row * image.pixels.length);
  });
  const [h, w, c] = shape as [number, number, number];
  const labels = classes.length === 0 ? undefined : Int32Array.from(groups.flatMap((g, k) => g.map(() => k)));
  return {
    table: { data, rows: files.length, cols: h * w * c, ...(labels ? { labels } : {}) },
    imageShape: [h, w, c],
    classes,
    files,
  };
}
