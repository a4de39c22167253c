import type { EventShape } from '@bijective/core';
import type { Table } from './table.js';

/** How {@link Dataset.splits} divides (or draws) training, validation and test rows. */
export interface SplitOptions {
  /** Seed of the draws (generative datasets) or of the shuffle (fixed datasets); default 0. */
  seed?: number;
  /** Fraction of the rows held out for validation (default 0.1; 0 holds out none). */
  validationFraction?: number;
  /**
   * Fixed datasets without their own test rows: fraction of the rows held out for testing
   * (default 0: the test set comes from elsewhere, e.g. the CLI's `--test` file).
   */
  testFraction?: number;
  /** Generative datasets: rows drawn for training plus validation (default 10000). */
  size?: number;
  /** Generative datasets: rows drawn for testing, independent of the others (default `size`). */
  testSize?: number;
}

/** Training, validation and test rows of a dataset; a missing split is `null`. */
export interface DatasetSplits {
  /** Rows to fit on. */
  train: Table;
  /** Rows for model selection and early stopping, or null when none were held out. */
  validation: Table | null;
  /** Rows for the final report, or null when the dataset has none. */
  test: Table | null;
}

/** What every dataset declares. */
export interface DatasetInfo {
  /** Registry name (file datasets give their path in `source`). */
  readonly name: string;
  /** One line: what the data is and where its definition comes from. */
  readonly description: string;
  /** Shape of one example: `[d]` for vectors, `[h, w, c]` for images. */
  readonly eventShape: EventShape;
  /** Quantisation levels of integer-valued data (8-bit images: 256); absent for continuous data. */
  readonly levels?: number;
  /** Training, validation and test rows (see {@link SplitOptions}). */
  splits(options?: SplitOptions): DatasetSplits;
}

/** A distribution that can be sampled without end (2-D toys): fresh rows for every seed. */
export interface GenerativeDataset extends DatasetInfo {
  /** Discriminant: rows come from {@link GenerativeDataset.sample}. */
  readonly kind: 'generative';
  /** `n` i.i.d. rows, row-major `n x eventSize`; the same `(n, seed)` always gives the same rows. */
  sample(n: number, seed: number): Float32Array;
  /** Exact (or quadrature-exact) log-density of row-major points, one value per row, -Infinity off the support. */
  logProb?(points: ArrayLike<number>): Float64Array;
  /** Reference differential entropy in nats (the best achievable test NLL), where known. */
  readonly entropy?: number;
}

/** A fixed set of rows loaded from somewhere (CSV, IDX, Fashion-MNIST). */
export interface FixedDataset extends DatasetInfo {
  /** Discriminant: rows are in {@link FixedDataset.rows}. */
  readonly kind: 'fixed';
  /** All training rows (validation is held out of these by `splits`). */
  readonly rows: Table;
  /** The dataset's own test rows, when it ships them (Fashion-MNIST's t10k files). */
  readonly test?: Table;
  /** The file or directory the rows were read from, when they came from one. */
  readonly source?: string;
}

/** Any dataset the registry builds: generative (toys) or fixed (files). */
export type Dataset = GenerativeDataset | FixedDataset;

/**
 * Options of every registered dataset, by registry name. Packages add names by declaration merging:
 * `declare module '@bijective/datasets' { interface DatasetOptionsMap { 'acme/x': XOptions } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DatasetOptionsMap {}

declare module '@bijective/core' {
  interface RegistryKinds {
    /** Datasets: 2-D toys, CSV, IDX and Fashion-MNIST (from `@bijective/datasets`). */
    dataset: { options: DatasetOptionsMap; product: Dataset };
  }
}
