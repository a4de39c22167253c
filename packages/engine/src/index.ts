/**
 * The performance machinery that flow families share: host kernels with analytic gradients
 * ({@link defineHostKernel}), the fused conditioner-layer engine ({@link FusedLayers},
 * {@link TransformOp}), MLP conditioners, and the one module that relies on tfjs-core internals.
 * Family authors build on it; a plugin author writing a bijector from tfjs ops needs only
 * `@bijective/core`.
 * @document ../README.md
 * @module @bijective/engine
 */
export * from './kernels/index.js';
export * from './fused/index.js';
export * from './nn/dense.js';
export * from './nn/mlp.js';
export * from './nn/init.js';
export * from './coupling/index.js';
export * from './masked/index.js';
export * from './nn/defaults.js';
export * from './nn/conditioner-options.js';
export * from './tfjs/index.js';
export * from './wasm/index.js';
export * from './nn/conv2d.js';
