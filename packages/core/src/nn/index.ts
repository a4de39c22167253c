// Barrel of the tfjs op helpers core's bijectors use.
export * from './matmul.js';
export * from './activation.js';
