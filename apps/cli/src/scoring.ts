import * as tf from '@tensorflow/tfjs-core';
import type { Flow } from '@bijective/core';
import { inverseHealth, logProbInBatches, type InverseHealth } from '@bijective/train';
import { contextTensor, dequantise, tableTensor, type Table } from '@bijective/datasets';
import { variationalGlow, variationalLogProb } from '@bijective/glow/pure';
import { evaluationRows, openDataset } from './data.js';
import type { SavedModel } from './saved-model.js';
import { UsageError } from './usage-error.js';
import { dequantiseColumns, discreteLogVolume } from './discrete.js';

/** Rows per call of the variational-dequantisation bound (each row runs the flow K times). */
const BOUND_BATCH = 256;

/**
 * The importance-weighted bound on log p of image rows under a flow with variational dequantisation
 * (`variationalLogProb`, `samples` draws of q(u | x) per row, default K = 4, fixed seeds), in batches.
 */
function variationalLogDensities(
  flow: Flow,
  x: tf.Tensor,
  context?: tf.Tensor,
  samples?: number,
): Float64Array {
  const n = x.shape[0] as number;
  const out = new Float64Array(n);
  for (let start = 0, batch = 0; start < n; start += BOUND_BATCH, batch++) {
    const size = Math.min(BOUND_BATCH, n - start);
    const values = tf.tidy(() =>
      variationalLogProb(flow, tf.slice(x, start, size), {
        seed: 0xd0 + batch,
        ...(samples !== undefined ? { samples } : {}),
        ...(context ? { context: tf.slice(context, start, size) } : {}),
      }),
    );
    out.set(values.dataSync(), start);
    values.dispose();
  }
  return out;
}

/**
 * `train`'s validation score of a Glow with variational dequantisation (`fit`'s `validationScore`):
 * the negative ELBO (K = 1, the objective training minimises) of the validation rows, fixed seeds so
 * passes compare, in `flow.logProb`'s units like fit's NLL.
 */
export function variationalValidationScore(flow: Flow, x: tf.Tensor, context: tf.Tensor | undefined): number {
  const logProb = variationalLogDensities(flow, x, context, 1);
  return -logProb.reduce((a, b) => a + b, 0) / logProb.length;
}

/**
 * Log-densities of a table's rows under `flow`, in the units of the data as given: dequantised
 * image rows (values in [0, 1) after dividing by `levels`) get back the d·log(levels) of that
 * division, so the result is the density of the integer-valued data. A Glow with variational
 * dequantisation gives the importance-weighted lower bound on it (see `variationalLogProb`).
 * `logVolume` (Σ log h over a table's dequantised discrete columns, `discreteLogVolume`) is added to
 * each row, giving the log-probability bound of the grid values (Theis et al. 2016).
 */
export function tableLogDensities(
  flow: Flow,
  table: Table,
  levels: number | null,
  logVolume = 0,
): Float64Array {
  const x = tableTensor(table, flow.eventShape);
  const context = contextTensor(table);
  try {
    const logProb =
      levels && variationalGlow(flow.bijector) !== null
        ? variationalLogDensities(flow, x, context)
        : logProbInBatches(flow, x, { context });
    if (levels) {
      const shift = table.cols * Math.log(levels);
      for (let i = 0; i < logProb.length; i++) logProb[i]! -= shift;
    }
    if (logVolume !== 0) for (let i = 0; i < logProb.length; i++) logProb[i]! += logVolume;
    return logProb;
  } finally {
    x.dispose();
    context?.dispose();
  }
}

/**
 * The rows `eval` and `score` read from `--data` (a toy's fresh test sample for `seed`, or every
 * row of a file), checked against the model's width, image rows and the model's discrete columns
 * dequantised (draws seeded by `seed + 3`, as `train` does its test rows).
 */
export function evaluationTable(model: SavedModel, dataSpec: string, seed: number): Table {
  const dataset = openDataset(dataSpec, { contextColumns: model.contextColumns ?? undefined });
  const rows = evaluationRows(dataset, seed);
  if (rows.cols !== model.dims) {
    throw new UsageError(`data '${dataSpec}' has ${rows.cols} columns but the model expects ${model.dims}`);
  }
  const labelled = model.classes === null ? rows : withClassContext(rows, model.classes, dataSpec);
  const image = model.levels
    ? { ...labelled, data: dequantise(rows.data, seed + 3, model.levels) }
    : labelled;
  return dequantiseColumns(image, model.discrete, seed + 3);
}

/**
 * A labelled table with its labels as one-hot context columns `class0..class{k-1}` (class-conditional
 * models); rows without labels, or labels outside 0..k-1, are a usage error naming the data.
 */
export function withClassContext(table: Table, classes: number, dataSpec: string): Table {
  const labels = table.labels;
  if (!labels) {
    throw new UsageError(
      `'${dataSpec}' has no labels; class-conditional models need labelled images (fashion-mnist, or a PNG folder with one subfolder per class)`,
    );
  }
  const data = new Float32Array(table.rows * classes);
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i] as number;
    if (!Number.isInteger(k) || k < 0 || k >= classes) {
      throw new UsageError(
        `'${dataSpec}': label ${k} of row ${i} is outside the model's classes 0..${classes - 1}`,
      );
    }
    data[i * classes + k] = 1;
  }
  const columns = Array.from({ length: classes }, (_, k) => `class${k}`);
  return { ...table, context: { data, cols: classes, columns } };
}

/** The log-densities of {@link evaluationTable}'s rows, in input order. */
export function scoreData(model: SavedModel, dataSpec: string, seed: number): Float64Array {
  return tableLogDensities(
    model.flow,
    evaluationTable(model, dataSpec, seed),
    model.levels,
    discreteLogVolume(model.discrete),
  );
}

/**
 * Inverse health of a model on a table's rows (`inverseHealth`, Behrmann et al. 2021): the largest
 * ‖f(f⁻¹(x)) − x‖₂ and the `worst` rows, in the units of the rows.
 */
export function tableInverseHealth(model: SavedModel, table: Table, worst = 5): InverseHealth {
  const x = tableTensor(table, model.flow.eventShape);
  const context = contextTensor(table);
  try {
    return inverseHealth(model.flow.bijector, x, { worst, context });
  } finally {
    x.dispose();
    context?.dispose();
  }
}

/** Frees a loaded model's tensors (the flow and every variable). */
export function closeModel(model: SavedModel): void {
  model.flow.dispose();
  tf.disposeVariables();
}
