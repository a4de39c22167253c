import { createByName, isRegistered, listRegistered } from '@bijective/core';
import type { Dataset, DatasetSplits, Table } from '@bijective/datasets';
import { existsSync, statSync } from 'node:fs';
import { UsageError } from './usage-error.js';

/** Options of {@link openDataset}. */
export interface OpenOptions {
  /** Column indices used as conditioning context (CSV only). */
  contextColumns?: number[];
}

/** Whether `spec` names an IDX file (`.idx`, `-idx3-ubyte`, ..., optionally gzipped). */
export function isIdxPath(spec: string): boolean {
  return /(\.idx|-idx\d-ubyte)(\.gz)?$/i.test(spec);
}

/** Whether `spec` is an existing folder (`--data DIR/`: a folder of PNG images). */
export function isFolder(spec: string): boolean {
  try {
    return statSync(spec).isDirectory();
  } catch {
    return false;
  }
}

/** Whether `spec` names a file rather than a registered dataset. */
export function looksLikePath(spec: string): boolean {
  return (
    spec.includes('/') ||
    spec.includes('\\') ||
    /\.(csv|tsv|txt)(\.gz)?$/i.test(spec) ||
    isIdxPath(spec) ||
    existsSync(spec)
  );
}

/**
 * Opens `--data`: a registered dataset name (plugins' scoped names like `acme/blobs` included), or a
 * path to a CSV file, an IDX file or a folder of PNG images; a file of that name in the working
 * directory wins over a registered name.
 */
export function openDataset(spec: string, options: OpenOptions = {}): Dataset {
  if (isRegistered('dataset', spec) && !existsSync(spec)) {
    if (options.contextColumns)
      throw new UsageError(`--context-columns applies to CSV files, not to '${spec}'`);
    return createByName('dataset', spec, {});
  }
  if (looksLikePath(spec)) {
    if (!existsSync(spec)) {
      throw new UsageError(`data ${/[/\\]$/.test(spec) ? 'folder' : 'file'} '${spec}' does not exist`);
    }
    if (isFolder(spec)) {
      if (options.contextColumns)
        throw new UsageError(`--context-columns applies to CSV files, not to the image folder '${spec}'`);
      return createByName('dataset', 'png-folder', { path: spec });
    }
    if (isIdxPath(spec)) {
      if (options.contextColumns)
        throw new UsageError(`--context-columns applies to CSV files, not to '${spec}'`);
      return createByName('dataset', 'idx', { path: spec });
    }
    return createByName('dataset', 'csv', {
      path: spec,
      ...(options.contextColumns ? { contextColumns: options.contextColumns } : {}),
    });
  }
  const known = listRegistered('dataset')
    .filter((l) => !l.tags.includes('file') || l.tags.includes('image'))
    .map((l) => l.name);
  throw new UsageError(
    `unknown dataset '${spec}'; known: ${known.join(', ')}, or a path to a CSV file, an IDX file or a folder of PNG images`,
  );
}

/** Training, validation and test tables for `train`: toys draw a fresh test sample, CSV files take `--test`. */
export function trainingSplits(
  dataset: Dataset,
  options: { seed: number; validationFraction: number; testPath?: string; contextColumns?: number[] },
): DatasetSplits {
  const draws = dataset.kind === 'generative' ? { size: 200_000, testSize: 20_000 } : {};
  const splits = dataset.splits({
    seed: options.seed,
    validationFraction: options.validationFraction,
    ...draws,
  });
  if (options.testPath === undefined) return splits;
  const test = openDataset(options.testPath, { contextColumns: options.contextColumns });
  if (test.kind !== 'fixed')
    throw new UsageError(`--test must be a file or an image folder, got '${options.testPath}'`);
  return { ...splits, test: test.rows };
}

/** The rows `eval` scores: a toy's fresh test sample, or every row of a file. */
export function evaluationRows(dataset: Dataset, seed: number): Table {
  if (dataset.kind === 'fixed') return dataset.test ?? dataset.rows;
  const test = dataset.splits({ seed, validationFraction: 0, size: 1, testSize: 20_000 }).test;
  if (!test) throw new UsageError(`dataset '${dataset.name}' has no test rows`);
  return test;
}
