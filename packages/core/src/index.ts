/**
 * Core of bijective: the bijector contract, flows, base distributions, training, model files,
 * host numerics and the typed plugin registry.
 * @module @bijective/core
 */
import './gradients.js';

export * from './json.js';
export * from './errors.js';
export * from './shapes.js';
export * from './bijector.js';
export * from './call-record.js';
export * from './registry.js';
export * from './backend.js';
export * from './bijectors/index.js';
export * from './distributions/index.js';
export * from './nn/index.js';
export * from './kernels/index.js';
export * from './fused/index.js';
export * from './numerics/index.js';
export * from './flow.js';
export * from './training/index.js';
export * from './io/index.js';
import './distributions/register.js';
import './bijectors/register.js';
