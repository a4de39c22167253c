/**
 * Coupling flows for bijective: NICE's additive (Dinh et al. 2015) and RealNVP's affine (Dinh et al.
 * 2017) coupling layers, their masks, and the complete `nice` and `realnvp` flows, registered on import.
 * @module @bijective/coupling
 */
import './register.js';

export {
  CouplingMask,
  MASK_KINDS,
  partition,
  type ConstantPair,
  type MaskKind,
  type Partition,
} from './mask.js';
export type {
  Direction,
  ElementwiseTransform,
  TransformGradients,
  TransformResult,
} from './elementwise-transform.js';
export { ADDITIVE_TRANSFORM } from './additive-transform.js';
export { affineTransform, DEFAULT_SCALE_BOUND } from './affine-transform.js';
export { ACTIVATION_DERIVATIVES, type ActivationDerivative } from './activation-derivative.js';
export { CouplingKernel, type CouplingKernelOptions } from './coupling-kernel.js';
export { DEFAULT_HIDDEN } from './options.js';
export {
  CouplingLayer,
  COUPLING_LAYER_KEYS,
  resolveCouplingOptions,
  type CouplingLayerOptions,
  type ResolvedCouplingOptions,
} from './coupling-layer.js';
export { AdditiveCoupling, type AdditiveCouplingOptions } from './additive-coupling.js';
export { AffineCoupling, type AffineCouplingOptions } from './affine-coupling.js';
export { MIXINGS, mixingLink, type Mixing, type MixingLink } from './mixing.js';
export { nextParity } from './parity.js';
export {
  CouplingFlow,
  COUPLING_FLOW_KEYS,
  couplingStack,
  type CouplingFlowOptions,
  type ResolvedFlowOptions,
  type StackParts,
} from './coupling-flow.js';
export { Nice, NICE_DEFAULT_LAYERS, type NiceOptions } from './nice.js';
export { RealNVP, REALNVP_DEFAULT_LAYERS, type RealNVPOptions } from './realnvp.js';
