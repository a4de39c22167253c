/**
 * Trace estimators for the instantaneous change of variables (Chen et al. 2018; Grathwohl et al. 2019):
 * `exact`, `hutchinson-gaussian` and `hutchinson-rademacher` (Hutchinson 1990), registered under the
 * registry kind `traceEstimator`. Each returns f(z) and its trace estimate in one pass.
 * @document ../README.md
 * @module @bijective/trace
 */
import { registerTraceEstimators } from './register.js';

export * from './pure.js';

registerTraceEstimators();
