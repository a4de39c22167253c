/**
 * The side-effect-free entry of `@bijective/core`: the same exports as the main entry, without
 * registering the standard bijectors and distributions; call {@link registerCore} to register them.
 * @module @bijective/core/pure
 */
export * from './json.js';
export * from './errors.js';
export * from './shapes.js';
export * from './bijector.js';
export * from './call-record.js';
export * from './registry.js';
export * from './target.js';
export * from './backend.js';
export * from './bijectors/index.js';
export * from './distributions/index.js';
export * from './nn/index.js';
export * from './numerics/index.js';
export * from './options/index.js';
export * from './flow.js';
export * from './stages.js';
export * from './io/index.js';
export * from './limits.js';
export { registerCore } from './register.js';
