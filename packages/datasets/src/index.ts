/**
 * Datasets for bijective: seeded 2-D toys with exact log-densities where they exist, CSV and IDX
 * parsing, splits, standardisation, dequantisation, the logit transform and minibatches. Browser-safe;
 * file loaders (fs, zlib) and the `csv`, `idx` and `fashion-mnist` registrations live in
 * `@bijective/datasets/node`.
 * @document ../README.md
 * @module @bijective/datasets
 */
import { registerDatasets } from './register.js';

export * from './pure.js';

registerDatasets();
