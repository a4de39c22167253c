import type { FixedDataset } from '../dataset.js';
import type { CsvOptions } from '../csv.js';
import { fixedDataset } from '../fixed-dataset.js';
import { idxEventShape, idxToTable } from '../idx-table.js';
import { checkOptionKeys, checkString } from '../options.js';
import { loadCsv } from './csv-file.js';
import { readIdx } from './idx-file.js';
import { readPngFolder } from './png-folder.js';

/** Options of the `csv` dataset: the file and {@link parseCsv}'s options. */
export interface CsvDatasetOptions extends Omit<CsvOptions, 'source'> {
  /** Path of the CSV file (optionally gzipped). */
  path: string;
}

/** Options of the `idx` dataset: an IDX file of rows and optionally one of labels. */
export interface IdxDatasetOptions {
  /** Path of the IDX file of values, `[n, ...]` (optionally gzipped). */
  path: string;
  /** Path of a rank-1 IDX file of `n` integer labels. */
  labels?: string;
}

/** Options of the `png-folder` dataset. */
export interface PngFolderDatasetOptions {
  /** The folder of same-size PNG images (or of one subfolder of them per class). */
  path: string;
}

/** A CSV file as a fixed dataset of `[cols]` rows (read now, so bad files fail at creation). */
export function csvDataset(options: CsvDatasetOptions): FixedDataset {
  const o = checkOptionKeys(options, ['path', 'header', 'delimiter', 'contextColumns'], 'dataset csv');
  const path = checkString(o.path, 'dataset csv: path');
  const { path: _path, ...csvOptions } = options;
  const table = loadCsv(path, csvOptions);
  const context = table.context ? `, context ${table.context.columns.join(', ')}` : '';
  return fixedDataset({
    name: 'csv',
    description: `CSV ${path}: ${table.rows} rows of ${table.columns.join(', ')}${context}`,
    eventShape: [table.cols],
    source: path,
    rows: table,
  });
}

/** An IDX file (with optional labels) as a fixed dataset; uint8 data is marked as 256-level (images). */
export function idxDataset(options: IdxDatasetOptions): FixedDataset {
  const o = checkOptionKeys(options, ['path', 'labels'], 'dataset idx');
  const path = checkString(o.path, 'dataset idx: path');
  const labelsPath = o.labels === undefined ? undefined : checkString(o.labels, 'dataset idx: labels');
  const values = readIdx(path);
  const table = idxToTable(values, labelsPath === undefined ? undefined : readIdx(labelsPath), path);
  return fixedDataset({
    name: 'idx',
    description: `IDX ${path}: ${values.type} [${values.dims.join(', ')}]`,
    eventShape: idxEventShape(values.dims),
    ...(values.type === 'uint8' ? { levels: 256 } : {}),
    source: path,
    rows: table,
  });
}

/**
 * A folder of same-size PNG images ({@link readPngFolder}) as a fixed dataset of 256-level images
 * `[h, w, 1]` (grey) or `[h, w, 3]` (colour), labelled by class subfolder when it has them; read
 * now, so a bad folder fails at creation.
 */
export function pngFolderDataset(options: PngFolderDatasetOptions): FixedDataset {
  const o = checkOptionKeys(options, ['path'], 'dataset png-folder');
  const path = checkString(o.path, 'dataset png-folder: path');
  const folder = readPngFolder(path);
  const [h, w, c] = folder.imageShape;
  const classes =
    folder.classes.length > 0 ? `, ${folder.classes.length} classes (${folder.classes.join(', ')})` : '';
  return fixedDataset({
    name: 'png-folder',
    description: `PNG folder ${path}: ${folder.table.rows} ${w}x${h} ${c === 1 ? 'grey' : 'RGB'} images${classes}`,
    eventShape: folder.imageShape,
    levels: 256,
    source: path,
    rows: folder.table,
  });
}
