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
  permutePartition,
  type MaskKind,
  type Partition,
} from './mask.js';
export {
  FusedCouplings,
  couplingTransform,
  type CouplingStructure,
  type ResolvedCouplings,
  type TransformKind,
} from './fused-couplings.js';
export { DEFAULT_HIDDEN, readPartitions } from './options.js';
export {
  COUPLING_LAYER_KEYS,
  layerConfig,
  resolveLayer,
  type CouplingLayerOptions,
  type ResolvedLayer,
} from './coupling-layer.js';
export { AdditiveCoupling, type AdditiveCouplingOptions } from './additive-coupling.js';
export { AffineCoupling, type AffineCouplingOptions } from './affine-coupling.js';
export {
  CouplingSequence,
  type CouplingSequenceOptions,
  type PartitionOptions,
} from './coupling-sequence.js';
export { MIXINGS, mixingPermutation, readMixing, type Mixing } from './mixing.js';
export { nextParity } from './parity.js';
export {
  COUPLING_FLOW_KEYS,
  flowOptionsJson,
  resolveFlowOptions,
  type CouplingFlowOptions,
  type ResolvedFlowOptions,
} from './flow-options.js';
export {
  couplingLinks,
  couplingSequence,
  type CouplingArrangement,
  type StackParts,
} from './coupling-links.js';
export { CouplingFlow } from './coupling-flow.js';
export { Nice, NICE_DEFAULT_LAYERS, type NiceOptions } from './nice.js';
export { RealNVP, REALNVP_DEFAULT_LAYERS, type RealNVPOptions } from './realnvp.js';
