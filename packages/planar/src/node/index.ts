/**
 * Node-only part of `@bijective/planar`: the `logistic-regression` target reading its data from a
 * CSV file (through `@bijective/datasets/node`). Re-exports the browser-safe API too.
 * @module @bijective/planar/node
 */
// Order matters: the browser-safe registrations first, then the CSV-capable one that replaces them.
import '../index.js';
import './register.js';

export * from '../index.js';
export * from './logistic-regression-csv.js';
