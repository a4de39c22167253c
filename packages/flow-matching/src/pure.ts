/**
 * The side-effect-free entry of `@bijective/flow-matching`: the same exports as the package's main
 * entry, without registering anything; call {@link registerFlowMatching} to register the
 * `flow-matching` flow by hand.
 * @module @bijective/flow-matching/pure
 */
export { FlowMatching } from './flow-matching.js';
export {
  FLOW_MATCHING_SCHEMA,
  PROBABILITY_PATHS,
  TIME_SAMPLINGS,
  type FlowMatchingOptions,
  type ProbabilityPath,
  type TimeSampling,
  type ResolvedFlowMatchingOptions,
} from './options.js';
export { otPath, type PathPoint } from './paths.js';
export { optimalAssignment } from './assignment.js';
export { registerFlowMatching } from './register.js';
