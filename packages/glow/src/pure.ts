/**
 * The side-effect-free entry of `@bijective/glow`: the same exports as the main entry, without
 * registering anything; call {@link registerGlow} to register the `glow` flow and its bijectors.
 * @module @bijective/glow/pure
 */
export * from './image-shape.js';
export * from './squeeze.js';
export * from './actnorm.js';
export * from './invertible-conv.js';
export * from './channel-permutation.js';
export * from './affine-coupling.js';
export * from './masked-coupling.js';
export * from './split-prior.js';
export * from './logit.js';
export * from './glow.js';
export * from './variational-dequantization.js';
export * from './dequantized-log-prob.js';
export { registerGlow } from './register.js';
