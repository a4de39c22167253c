// Barrel of neural-network building blocks.
export * from './matmul.js';
