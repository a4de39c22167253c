// Barrel of the core bijectors (registered under their names by ./register.ts).
export * from './chain.js';
export * from './chained-flow.js';
export * from './invert.js';
export * from './shift.js';
export * from './scale.js';
export * from './affine.js';
export * from './exp.js';
export * from './softplus.js';
export * from './sigmoid.js';
export * from './tanh.js';
export * from './leaky-relu.js';
export * from './sinh-arcsinh.js';
export * from './reverse.js';
export * from './permute.js';
export * from './lu-linear.js';
export * from './batch-norm.js';
export * from './triangular-affine.js';
export * from './event-shape-only.js';

export * from './parameters.js';
export * from './log-det.js';
export * from './domain.js';
export * from './permutation.js';
export * from './unit-triangular.js';
export * from './batch-matmul.js';
