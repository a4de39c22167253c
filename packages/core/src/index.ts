/**
 * Core of bijective: the bijector contract, the typed plugin registry, the standard bijectors,
 * base distributions, flows and model files. Training lives in `@bijective/train`, the fused
 * performance machinery of the families in `@bijective/engine`.
 * @document ../README.md
 * @module @bijective/core
 */
import { registerCore } from './register.js';

export * from './pure.js';

registerCore();
