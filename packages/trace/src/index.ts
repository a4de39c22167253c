/**
 * Trace estimators for the instantaneous change of variables (Chen et al. 2018; Grathwohl et al. 2019):
 * `exact`, `hutchinson-gaussian` and `hutchinson-rademacher` (Hutchinson 1990), registered under the
 * registry kind `traceEstimator`. Each returns f(z) and its trace estimate in one pass.
 * @module @bijective/trace
 */
import './register.js';

export type {
  BatchFunction,
  TraceResult,
  EstimateOptions,
  TraceEstimator,
  ExactTraceOptions,
  HutchinsonOptions,
  TraceEstimatorOptionsMap,
} from './estimator.js';
export { ExactTrace } from './exact.js';
export { HutchinsonTrace, type ProbeDistribution } from './hutchinson.js';
