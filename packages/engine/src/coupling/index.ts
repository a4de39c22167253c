// Barrel of the coupling machinery that coupling families share (masks, partitions, mixings, the fused run).
export {
  CouplingMask,
  MASK_KINDS,
  partition,
  permutePartition,
  type MaskKind,
  type Partition,
} from './mask.js';
export { nextParity } from './parity.js';
export { MIXINGS, mixingPermutation, type Mixing } from './mixing.js';
export { partitionsJson, partitionsOption, type PartitionOptions } from './partitions.js';
export {
  FusedCouplings,
  couplingTransform,
  type CouplingStructure,
  type ResolvedCouplings,
  type TransformKind,
} from './fused-couplings.js';
export { couplingLinks, type CouplingArrangement, type StackParts } from './coupling-links.js';
