/**
 * The side-effect-free entry of `@bijective/trace`: the same exports as the package's main entry,
 * without registering anything; call {@link registerTraceEstimators} to register by hand.
 * @module @bijective/trace/pure
 */
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
export { registerTraceEstimators } from './register.js';
