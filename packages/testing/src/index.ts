/**
 * The bijective conformance kit: fast-check properties that every bijector and flow must pass
 * (round trips, log-determinants against numerical and autodiff Jacobians, fused and batched
 * calls, gradients, tensor leaks, normalisation and sampling), runnable in any test runner.
 * The kit has no side effects on import.
 * @document ../README.md
 * @module @bijective/testing
 */
export {
  DEFAULT_BIJECTOR_RUNS,
  DEFAULT_STRESS_SCALE,
  bijectorFailures,
  bijectorProperties,
  bijectorProperty,
  checkBijector,
  selectedBijectorChecks,
  type BijectorFactory,
  type BijectorKitOptions,
} from './bijector-kit.js';
export {
  DEFAULT_FLOW_RUNS,
  checkFlow,
  flowFailures,
  flowProperties,
  flowProperty,
  selectedFlowChecks,
  type FlowFactory,
  type FlowKitOptions,
} from './flow-kit.js';
export {
  BIJECTOR_CHECKS,
  OPT_IN_BIJECTOR_CHECKS,
  type BijectorCheck,
  type BijectorCheckName,
} from './checks/index.js';
export { FLOW_CHECKS, type FlowCheck, type FlowCheckName } from './flow-checks/index.js';
export type { BijectorSubject } from './subject.js';
export type { FlowSubject, FlowUnderTest } from './flow-subject.js';
export {
  describeBijectorConformance,
  describeFlowConformance,
  type BackendOptions,
  type TestRegistrar,
} from './suite.js';
export {
  checkRegisteredBijectors,
  describeRegisteredBijectors,
  registeredFactory,
  standardNormalFlow,
  type RegisteredOptions,
  type RegisteredOverride,
} from './registered.js';
export { activateBackend } from './backend.js';
export { CheckFailure, ConformanceError, formatFailure, type ConformanceFailure } from './failure.js';
export {
  DEFAULT_BIJECTOR_TOLERANCES,
  DEFAULT_FLOW_TOLERANCES,
  type BijectorTolerances,
  type FlowTolerances,
  type Tolerance,
} from './tolerance.js';
export { standardNormal, type PropertyCase, type ScalarSampler, type SizeRange } from './cases.js';
export { DEFAULT_SEED, type RunOptions } from './run-property.js';
export {
  CENTRAL_DIFFERENCE_STEP,
  FLOAT32_EPS,
  RICHARDSON_STEP,
  autodiffJacobian,
  numericalBijectorJacobian,
  numericalJacobian,
  numericalJacobianBatched,
  type BatchedVectorFunction,
  type BijectorJacobianOptions,
  type NumericalJacobianOptions,
} from './numerics/jacobian.js';
export { slogdet } from './numerics/slogdet.js';
export {
  MODEL_FUZZ_SEED,
  OutcomeTally,
  applyJsonEdits,
  applyTextEdits,
  assertFuzz,
  checkLoadOutcome,
  deepArray,
  hostileJson,
  hostileKey,
  hostileNumber,
  hostileString,
  jsonEdits,
  jsonText,
  saveToMemory,
  textEdits,
  type JsonEdit,
  type LoadExpectations,
  type LoadOutcome,
  type SavedModel,
  type TextEdit,
} from './model-file-fuzz.js';
export { fuzzJunk, fuzzOptions, fuzzSize, plausibleOrJunk } from './option-fuzz.js';
export { reloadFlow } from './reload.js';
