/**
 * Core of bijective: the bijector contract, the typed plugin registry, the standard bijectors,
 * base distributions, flows and model files. Training lives in `@bijective/train`, the fused
 * performance machinery of the families in `@bijective/engine`.
 * @module @bijective/core
 */
export * from './json.js';
export * from './errors.js';
export * from './shapes.js';
export * from './bijector.js';
export * from './registry.js';
export * from './backend.js';
export * from './bijectors/index.js';
export * from './distributions/index.js';
export * from './nn/index.js';
export * from './numerics/index.js';
export * from './flow.js';
export * from './io/index.js';
import './distributions/register.js';
import './bijectors/register.js';
