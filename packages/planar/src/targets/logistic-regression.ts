import * as tf from '@tensorflow/tfjs-core';
import {
  OptionError,
  ValueError,
  optionRecord,
  previewJson,
  readBoolean,
  readNumber,
  type JsonObject,
  type OptionRecord,
} from '@bijective/core';
import { DensityTarget } from './density-target.js';

/** Settings shared by both forms of the `logistic-regression` target's options. */
export interface LogisticRegressionSettings {
  /** Standard deviation σ of the Gaussian prior N(0, σ²I) on every weight (default 1). */
  priorScale?: number;
  /** Add an intercept weight (a column of ones); default true. */
  intercept?: boolean;
  /** Standardise every feature column to mean 0 and standard deviation 1 first; default true. */
  standardize?: boolean;
}

/** Options of `logistic-regression` with the data inline (works everywhere). */
export interface LogisticRegressionDataOptions extends LogisticRegressionSettings {
  /** Feature rows, `n x p`. */
  features: number[][];
  /** Labels, one per row, each 0 or 1. */
  labels: number[];
}

/** Options of `logistic-regression` read from a CSV file (needs `@bijective/planar/node`). */
export interface LogisticRegressionFileOptions extends LogisticRegressionSettings {
  /** Path of a CSV file of numeric columns (optional header row). */
  data: string;
  /** The label column: 0-based index or header name; its values must be 0 or 1. */
  labelColumn: number | string;
}

/** Options of the `logistic-regression` target: the data inline or a CSV file. */
export type LogisticRegressionOptions = LogisticRegressionDataOptions | LogisticRegressionFileOptions;

/** The keys of {@link LogisticRegressionSettings}. */
export const LOGISTIC_SETTINGS_KEYS: readonly string[] = ['priorScale', 'intercept', 'standardize'];

/** Features `n x p` and 0/1 labels as host arrays, with the settings resolved. */
export interface LogisticRegressionData {
  /** Row-major features `n x p`. */
  features: Float64Array;
  /** Labels `n`. */
  labels: Float64Array;
  /** n. */
  rows: number;
  /** p. */
  cols: number;
}

/** Reads the settings from an option record. */
export function readLogisticSettings(record: OptionRecord): Required<LogisticRegressionSettings> {
  return {
    priorScale: readNumber('logistic-regression', record, 'priorScale', 1, { above: 0 }),
    intercept: readBoolean('logistic-regression', record, 'intercept', true),
    standardize: readBoolean('logistic-regression', record, 'standardize', true),
  };
}

/** Checks inline features (a non-empty rectangular array of finite numbers) and 0/1 labels of the same length. */
export function readInlineData(record: OptionRecord): LogisticRegressionData {
  const { features, labels } = record;
  if (!Array.isArray(features) || features.length === 0 || !Array.isArray(features[0]))
    throw new OptionError(`logistic-regression: option 'features' must be a non-empty list of rows`);
  const cols = (features[0] as unknown[]).length;
  if (cols === 0) throw new OptionError(`logistic-regression: option 'features' has rows of length 0`);
  const flat = new Float64Array(features.length * cols);
  features.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== cols)
      throw new OptionError(`logistic-regression: features row ${i} must be a list of ${cols} numbers`);
    row.forEach((v: unknown, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new ValueError(
          `logistic-regression: features[${i}][${j}] must be a finite number, got ${previewJson(v)}`,
        );
      flat[i * cols + j] = v;
    });
  });
  if (!Array.isArray(labels) || labels.length !== features.length)
    throw new OptionError(
      `logistic-regression: option 'labels' must be a list of ${features.length} labels (one per row)`,
    );
  return { features: flat, labels: checkLabels(labels, 'labels'), rows: features.length, cols };
}

/** Checks that every label is 0 or 1; `what` names them in the error. */
export function checkLabels(values: ArrayLike<unknown>, what: string): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== 0 && v !== 1)
      throw new ValueError(`logistic-regression: ${what} ${i} must be 0 or 1, got ${previewJson(v)}`);
    out[i] = v;
  }
  return out;
}

/** The design matrix: standardised features (when asked) and a leading column of ones (with an intercept). */
export function designMatrix(
  data: LogisticRegressionData,
  settings: Required<LogisticRegressionSettings>,
): Float32Array {
  const { rows, cols, features } = data;
  const width = cols + (settings.intercept ? 1 : 0);
  const x = new Float32Array(rows * width);
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    let sd = 1;
    if (settings.standardize) {
      for (let i = 0; i < rows; i++) mean += features[i * cols + j] as number;
      mean /= rows;
      let squares = 0;
      for (let i = 0; i < rows; i++) squares += ((features[i * cols + j] as number) - mean) ** 2;
      sd = Math.sqrt(squares / rows);
      if (!(sd > 0))
        throw new ValueError(
          `logistic-regression: feature column ${j} is constant and cannot be standardised`,
        );
    }
    for (let i = 0; i < rows; i++)
      x[i * width + j + width - cols] = ((features[i * cols + j] as number) - mean) / sd;
  }
  if (settings.intercept) for (let i = 0; i < rows; i++) x[i * width] = 1;
  return x;
}

/** Every option key of `logistic-regression`, both forms. */
export const LOGISTIC_KEYS: readonly string[] = [
  'features',
  'labels',
  'data',
  'labelColumn',
  ...LOGISTIC_SETTINGS_KEYS,
];

/**
 * The posterior of Bayesian logistic regression up to its evidence: θ ∈ ℝᴰ (D = p + 1 with an
 * intercept), p̃(θ) = N(θ; 0, σ²I) Πᵢ σ(xᵢᵀθ)^{yᵢ}(1 − σ(xᵢᵀθ))^{1−yᵢ}, so
 * log p̃(θ) = Σᵢ [yᵢℓᵢ − softplus(ℓᵢ)] − |θ|²/(2σ²) − D log σ − (D/2) log 2π with ℓ = Xθ. Z = p(y | X),
 * the evidence, is unknown (log Z null): every ELBO is a lower bound on log p(y | X). `config` is
 * what `getConfig` records (the inline data, or a CSV file's path and label column).
 */
export function logisticRegressionPosterior(
  data: LogisticRegressionData,
  settings: Required<LogisticRegressionSettings>,
  config: JsonObject,
): DensityTarget {
  const design = designMatrix(data, settings);
  const width = design.length / data.rows;
  const { xt, y } = tf.tidy(() => ({
    // Xᵀ `[D, n]`, so that ℓ = θ Xᵀ for a batch θ `[S, D]`.
    xt: tf.keep(tf.transpose(tf.tensor2d(design, [data.rows, width]))),
    y: tf.keep(tf.tensor2d(Float32Array.from(data.labels), [1, data.rows])),
  }));
  const constant = -width * (Math.log(settings.priorScale) + 0.5 * Math.log(2 * Math.PI));
  return new DensityTarget({
    name: 'logistic-regression',
    eventShape: [width],
    options: { ...config, ...settings },
    logNormalizer: null,
    logDensity: (theta) => {
      const logits = tf.matMul(theta as tf.Tensor2D, xt);
      const likelihood = tf.sum(tf.sub(tf.mul(y, logits), tf.softplus(logits)), 1);
      const prior = tf.mul(-0.5 / settings.priorScale ** 2, tf.sum(tf.square(theta), 1));
      return tf.add(tf.add(likelihood, prior), constant);
    },
    bounds: Array.from({ length: width }, () => [-3 * settings.priorScale, 3 * settings.priorScale] as const),
    dispose: () => tf.dispose([xt, y]),
  });
}

/**
 * The `logistic-regression` target from inline `features` and `labels` (see
 * {@link logisticRegressionPosterior}); the CSV form (`data`, `labelColumn`) needs
 * `@bijective/planar/node`.
 *
 * @example
 * ```ts
 * import { useBackend } from '@bijective/core';
 * import { logisticRegressionTarget } from '@bijective/planar';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const posterior = logisticRegressionTarget({ features: [[0.5], [-1], [2], [0]], labels: [1, 0, 1, 0] });
 * console.log(posterior.eventShape); // [2]: intercept and one weight
 * ```
 */
export function logisticRegressionTarget(options: LogisticRegressionOptions): DensityTarget {
  const record = optionRecord('logistic-regression', options, LOGISTIC_KEYS);
  if (record.data !== undefined || record.labelColumn !== undefined)
    throw new OptionError(
      "logistic-regression: options 'data' and 'labelColumn' (a CSV file) need `import '@bijective/planar/node'`; elsewhere pass 'features' and 'labels'",
    );
  const settings = readLogisticSettings(record);
  const data = readInlineData(record);
  return logisticRegressionPosterior(data, settings, {
    features: record.features as number[][],
    labels: record.labels as number[],
  });
}
