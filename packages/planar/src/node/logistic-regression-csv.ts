import { OptionError, optionRecord, previewJson } from '@bijective/core';
import { loadCsv } from '@bijective/datasets/node';
import type { DensityTarget } from '../targets/density-target.js';
import {
  LOGISTIC_KEYS,
  checkLabels,
  logisticRegressionPosterior,
  logisticRegressionTarget,
  readLogisticSettings,
  type LogisticRegressionOptions,
} from '../targets/logistic-regression.js';

/**
 * The `logistic-regression` target with the data in a CSV file (`data`: path, `labelColumn`: index
 * or header name; every other column is a feature), or inline (`features`, `labels`). File errors
 * name the path, line and column; a label other than 0 or 1 is a ValueError naming its row.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { create, useBackend } from '@bijective/core';
 * import '@bijective/planar/node';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * writeFileSync('cancer.csv', 'radius,texture,malignant\n1.2,0.3,1\n-0.4,1.1,0\n0.8,-0.2,1\n-1.1,0.5,0\n');
 * const posterior = create('target', 'logistic-regression', { data: 'cancer.csv', labelColumn: 'malignant' });
 * console.log(posterior.eventShape); // [3]: intercept and two weights
 * ```
 */
export function logisticRegressionFromOptions(options: LogisticRegressionOptions): DensityTarget {
  const record = optionRecord('logistic-regression', options, LOGISTIC_KEYS);
  if (record.data === undefined && record.labelColumn === undefined) return logisticRegressionTarget(options);
  const { data, labelColumn } = record;
  if (typeof data !== 'string' || data === '')
    throw new OptionError(
      `logistic-regression: option 'data' must be a CSV file path, got ${previewJson(data)}`,
    );
  if (typeof labelColumn !== 'number' && typeof labelColumn !== 'string')
    throw new OptionError(
      `logistic-regression: option 'labelColumn' must be a column index or header name, got ${previewJson(labelColumn)}`,
    );
  if (record.features !== undefined || record.labels !== undefined)
    throw new OptionError(
      "logistic-regression: give either 'data' and 'labelColumn' or 'features' and 'labels', not both",
    );
  const table = loadCsv(data, { contextColumns: [labelColumn] });
  const labels = table.context?.data as Float32Array;
  const name = table.context?.columns[0] ?? String(labelColumn);
  return logisticRegressionPosterior(
    {
      features: Float64Array.from(table.data),
      labels: checkLabels(labels, `${data}: label column '${name}', row`),
      rows: table.rows,
      cols: table.cols,
    },
    readLogisticSettings(record),
    { data, labelColumn },
  );
}
