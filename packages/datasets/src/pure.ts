/**
 * The side-effect-free entry of `@bijective/datasets`: the same exports as the package's main entry,
 * without registering anything; call {@link registerDatasets} to register by hand.
 * @module @bijective/datasets/pure
 */
export * from './dataset.js';
export * from './errors.js';
export * from './table.js';
export * from './splits.js';
export * from './fixed-dataset.js';
export * from './standardise.js';
export * from './whitening.js';
export * from './marginals.js';
export * from './dequantise.js';
export * from './batches.js';
export * from './tensors.js';
export * from './csv.js';
export * from './idx.js';
export * from './idx-table.js';
export * from './toys/index.js';
export { registerDatasets } from './register.js';
