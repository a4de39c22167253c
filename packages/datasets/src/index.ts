/**
 * Datasets for bijective: seeded 2-D toys with exact log-densities where they exist, CSV and IDX
 * parsing, splits, standardisation, dequantisation, the logit transform and minibatches. Browser-safe;
 * file loaders (fs, zlib) and the `csv`, `idx` and `fashion-mnist` registrations live in
 * `@bijective/datasets/node`.
 * @module @bijective/datasets
 */
import './register.js';

export * from './dataset.js';
export * from './errors.js';
export * from './table.js';
export * from './splits.js';
export * from './fixed-dataset.js';
export * from './standardise.js';
export * from './whitening.js';
export * from './dequantise.js';
export * from './batches.js';
export * from './tensors.js';
export * from './csv.js';
export * from './idx.js';
export * from './idx-table.js';
export * from './toys/index.js';
