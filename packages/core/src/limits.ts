/**
 * The bounds every file bijective reads is checked against: model files (`model.json`, the weights
 * manifest and the weights) and data files (CSV, IDX). Each is checked before the memory it guards
 * is allocated, and exceeding one throws the reader's typed error naming the limit and the value
 * found. `docs/security.md` explains each one.
 */
export interface Limits {
  /** Bytes of a `model.json` document (a model directory's file or a fetched URL). */
  readonly maxModelJsonBytes: number;
  /** Nesting depth of arrays and objects anywhere in a model's JSON (config, metadata, manifest). */
  readonly maxJsonDepth: number;
  /** JSON values (numbers, strings, arrays, objects, ...) in a model's config and metadata together. */
  readonly maxJsonValues: number;
  /** Nesting depth of component configs (`{name, options}`), e.g. a `chain` inside an `invert` inside a `chain`. */
  readonly maxBijectorDepth: number;
  /** Component configs (`{name, options}`: bijectors and the base distribution) in one flow config. */
  readonly maxBijectors: number;
  /** Scalars in one event or context of any component (the product of its `eventShape` or `contextShape`). */
  readonly maxEventSize: number;
  /** Size d of a vector event `eventShape: [d]`: dense maps on vectors cost d² memory and up to d³ time. */
  readonly maxVectorSize: number;
  /** Width of one hidden layer (`hidden` option entries). */
  readonly maxHiddenWidth: number;
  /** Hidden layers of one conditioner (`hidden` option length). */
  readonly maxHiddenLayers: number;
  /** Layers of one flow component (`layers` option). */
  readonly maxLayers: number;
  /** Spline bins (`bins` option). */
  readonly maxBins: number;
  /** Mixture components of a base distribution (`components` option). */
  readonly maxComponents: number;
  /** Parameters (scalars) of a model: its weights manifest, and the estimate made from its config before building. */
  readonly maxParameters: number;
  /** Bytes of a model's weights. */
  readonly maxWeightBytes: number;
  /** Tensors in a model's weights manifest. */
  readonly maxWeightTensors: number;
  /** Tensor memory that rebuilding a model from its config may take before its weights are checked against it. */
  readonly maxBuildBytes: number;
  /** Characters of CSV text (bytes of a CSV file, after gunzipping). */
  readonly maxCsvBytes: number;
  /** Columns of a CSV file. */
  readonly maxCsvColumns: number;
  /** Data rows of a CSV file. */
  readonly maxCsvRows: number;
  /** Numeric values of one data table (CSV cells, IDX elements). */
  readonly maxDataValues: number;
  /** Bytes of an IDX file after gunzipping (and of any gunzipped data file). */
  readonly maxIdxBytes: number;
}

/**
 * The limits in force (see {@link Limits}); frozen. Model files that exceed one are refused by
 * `loadFlow` and never written by `saveFlow`; data files that exceed one are refused by the CSV and
 * IDX readers of `@bijective/datasets`.
 *
 * @example
 * ```ts
 * import { LIMITS } from '@bijective/core';
 * console.log(`model files hold at most ${LIMITS.maxParameters} parameters`);
 * ```
 */
export const LIMITS: Limits = Object.freeze({
  maxModelJsonBytes: 64 * 2 ** 20,
  maxJsonDepth: 64,
  maxJsonValues: 4 * 2 ** 20,
  maxBijectorDepth: 16,
  maxBijectors: 1024,
  maxEventSize: 65_536,
  maxVectorSize: 4096,
  maxHiddenWidth: 4096,
  maxHiddenLayers: 16,
  maxLayers: 256,
  maxBins: 1024,
  maxComponents: 1024,
  maxParameters: 2 ** 26,
  maxWeightBytes: 2 ** 28,
  maxWeightTensors: 65_536,
  maxBuildBytes: 2 ** 30,
  maxCsvBytes: 2 ** 28,
  maxCsvColumns: 4096,
  maxCsvRows: 10_000_000,
  maxDataValues: 2 ** 27,
  maxIdxBytes: 2 ** 30,
});

/** A byte count as `N bytes (x MiB)` for messages about limits. */
export function formatBytes(bytes: number): string {
  return bytes >= 2 ** 20 ? `${bytes} bytes (${(bytes / 2 ** 20).toFixed(1)} MiB)` : `${bytes} bytes`;
}
