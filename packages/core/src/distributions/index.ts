// Barrel of base distributions.
export * from './distribution.js';
export * from './gaussian.js';
export * from './standard-normal.js';
export * from './diagonal-normal.js';
export * from './gaussian-mixture.js';
export * from './flow-mixture.js';
export * from './sampling.js';
export { MIXTURE_LOG_DENSITY_KERNEL } from './mixture-log-density.js';
export { STANDARD_NORMAL_NLL_KERNEL } from './standard-normal-nll.js';
export { STANDARD_NORMAL_LOG_DENSITY_KERNEL } from './standard-normal-log-density.js';
