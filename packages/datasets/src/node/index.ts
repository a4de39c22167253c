/**
 * Node-only part of `@bijective/datasets`: file loaders (fs, zlib) and the `csv`, `idx`,
 * `png-folder` and `fashion-mnist` dataset registrations. Re-exports the browser-safe API too.
 * @module @bijective/datasets/node
 */
import { registerFileDatasets } from './register.js';

export * from '../index.js';
export * from './files.js';
export * from './csv-file.js';
export * from './idx-file.js';
export * from './png-file.js';
export * from './png-folder.js';
export * from './file-datasets.js';
export * from './fashion-mnist.js';
export { registerFileDatasets } from './register.js';

registerFileDatasets();
