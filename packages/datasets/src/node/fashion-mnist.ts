import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FixedDataset } from '../dataset.js';
import { DataFileError } from '../errors.js';
import { fixedDataset } from '../fixed-dataset.js';
import type { IdxTensor } from '../idx.js';
import { idxToTable } from '../idx-table.js';
import { checkOptionKeys, checkString } from '../options.js';
import type { Table } from '../table.js';
import { readIdx } from './idx-file.js';

/** Where Debian's `dataset-fashion-mnist` package installs the files (searched when no directory is given). */
export const FASHION_MNIST_DIRECTORIES: readonly string[] = ['/usr/share/datasets/fashion-mnist'];

/** Options of the `fashion-mnist` dataset. */
export interface FashionMnistOptions {
  /** Directory holding the four IDX files (gzipped or not); default: Debian's install location. */
  directory?: string;
}

/** The four Fashion-MNIST files, resolved to paths. */
export interface FashionMnistFiles {
  /** The directory searched. */
  directory: string;
  /** train-images-idx3-ubyte[.gz] (60000 x 28 x 28). */
  trainImages: string;
  /** train-labels-idx1-ubyte[.gz]. */
  trainLabels: string;
  /** t10k-images-idx3-ubyte[.gz] (10000 x 28 x 28). */
  testImages: string;
  /** t10k-labels-idx1-ubyte[.gz]. */
  testLabels: string;
}

const STEMS = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

const HINT = 'install it with `apt-get install dataset-fashion-mnist` or pass { directory }';

function filesIn(directory: string): { files: Partial<FashionMnistFiles>; missing: string[] } {
  const files: Partial<FashionMnistFiles> = { directory };
  const missing: string[] = [];
  for (const [key, stem] of Object.entries(STEMS) as [keyof typeof STEMS, string][]) {
    const found = [`${stem}.gz`, stem].map((f) => join(directory, f)).find((p) => existsSync(p));
    if (found) files[key] = found;
    else missing.push(`${stem}[.gz]`);
  }
  return { files, missing };
}

/**
 * Finds the Fashion-MNIST IDX files in `directory`, or in Debian's location when none is given;
 * throws a {@link DataFileError} naming what is missing, with the hint `apt-get install dataset-fashion-mnist`.
 */
export function findFashionMnist(directory?: string): FashionMnistFiles {
  const candidates = directory === undefined ? FASHION_MNIST_DIRECTORIES : [directory];
  for (const dir of candidates) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    const { files, missing } = filesIn(dir);
    if (missing.length === 0) return files as FashionMnistFiles;
    if (directory !== undefined)
      throw new DataFileError(`fashion-mnist: ${dir} lacks ${missing.join(', ')}; ${HINT}`);
  }
  throw new DataFileError(`fashion-mnist: no Fashion-MNIST files in ${candidates.join(', ')}; ${HINT}`);
}

function checkImages(t: IdxTensor, path: string): void {
  if (t.type !== 'uint8' || t.dims.length !== 3 || t.dims[1] !== 28 || t.dims[2] !== 28) {
    throw new DataFileError(
      `${path}: expected uint8 images [n, 28, 28], got ${t.type} [${t.dims.join(', ')}]`,
    );
  }
}

function checkLabels(t: IdxTensor, path: string): void {
  if (t.type !== 'uint8' || t.dims.length !== 1 || !t.data.every((v) => v < 10)) {
    throw new DataFileError(`${path}: expected uint8 labels 0..9 [n], got ${t.type} [${t.dims.join(', ')}]`);
  }
}

/**
 * Loads one split of Fashion-MNIST (Xiao et al. 2017) as a table of raw pixel values 0..255
 * (rows of 784 in height, width order) with labels 0..9.
 */
export function loadFashionMnist(split: 'train' | 'test', directory?: string): Table {
  const files = findFashionMnist(directory);
  const [imagesPath, labelsPath] =
    split === 'train' ? [files.trainImages, files.trainLabels] : [files.testImages, files.testLabels];
  const images = readIdx(imagesPath);
  checkImages(images, imagesPath);
  const labels = readIdx(labelsPath);
  checkLabels(labels, labelsPath);
  return idxToTable(images, labels, imagesPath);
}

/**
 * Fashion-MNIST as a fixed dataset: 60000 training and 10000 test 28x28x1 images of 256 levels,
 * read on first access of `rows` / `test`; missing files throw when the dataset is created.
 */
export function fashionMnist(options: FashionMnistOptions = {}): FixedDataset {
  const o = checkOptionKeys(options, ['directory'], 'dataset fashion-mnist');
  const directory =
    o.directory === undefined ? undefined : checkString(o.directory, 'fashion-mnist: directory');
  const files = findFashionMnist(directory);
  return fixedDataset({
    name: 'fashion-mnist',
    description:
      'Fashion-MNIST (Xiao et al. 2017): 28x28 greyscale clothing images, 60000 train / 10000 test',
    eventShape: [28, 28, 1],
    levels: 256,
    source: files.directory,
    rows: () => loadFashionMnist('train', files.directory),
    test: () => loadFashionMnist('test', files.directory),
  });
}

/**
 * 28x28 images at half resolution: each 2x2 block's mean, rounded to the nearest integer, so the
 * values stay 8-bit levels 0..255 (rows of 196 in height, width order); labels kept.
 */
export function downscaleFashionMnist(table: Table): Table {
  const data = new Float32Array(table.rows * 196);
  for (let r = 0; r < table.rows; r++) {
    const src = r * 784;
    for (let i = 0; i < 14; i++)
      for (let j = 0; j < 14; j++) {
        const at = (y: number, x: number) => table.data[src + y * 28 + x] as number;
        const sum = at(2 * i, 2 * j) + at(2 * i, 2 * j + 1) + at(2 * i + 1, 2 * j) + at(2 * i + 1, 2 * j + 1);
        data[r * 196 + i * 14 + j] = Math.round(sum / 4);
      }
  }
  return { data, rows: table.rows, cols: 196, ...(table.labels ? { labels: table.labels } : {}) };
}

/**
 * Fashion-MNIST downscaled to 14x14 (2x2 block means, rounded to 8-bit levels) for quick image
 * runs and tests: 60000 training and 10000 test 14x14x1 images of 256 levels.
 */
export function fashionMnist14(options: FashionMnistOptions = {}): FixedDataset {
  const o = checkOptionKeys(options, ['directory'], 'dataset fashion-mnist-14');
  const directory =
    o.directory === undefined ? undefined : checkString(o.directory, 'fashion-mnist-14: directory');
  const files = findFashionMnist(directory);
  return fixedDataset({
    name: 'fashion-mnist-14',
    description:
      'Fashion-MNIST downscaled to 14x14 (2x2 block means): quick image runs, 60000 train / 10000 test',
    eventShape: [14, 14, 1],
    levels: 256,
    source: files.directory,
    rows: () => downscaleFashionMnist(loadFashionMnist('train', files.directory)),
    test: () => downscaleFashionMnist(loadFashionMnist('test', files.directory)),
  });
}
