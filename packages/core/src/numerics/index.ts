// Barrel of host-side float64 numerics.
export * from './random.js';
export * from './lu.js';
export * from './minibatch.js';
export * from './gather-rows.js';
