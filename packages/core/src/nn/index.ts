// Barrel of neural-network building blocks.
export * from './matmul.js';
export * from './dense.js';
export * from './activation.js';
export * from './mlp.js';
