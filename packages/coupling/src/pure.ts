/**
 * The side-effect-free entry of `@bijective/coupling`: the same exports as the package's main entry,
 * without registering anything; call {@link registerCoupling} to register by hand.
 * @module @bijective/coupling/pure
 */
export { type CouplingLayerOptions, type ResolvedLayer } from './coupling-layer.js';
export { AdditiveCoupling, type AdditiveCouplingOptions } from './additive-coupling.js';
export { AffineCoupling, type AffineCouplingOptions } from './affine-coupling.js';
export { CouplingSequence, type CouplingSequenceOptions } from './coupling-sequence.js';
export { couplingSequence } from './coupling-stack.js';
export { type CouplingFlowOptions, type ResolvedFlowOptions } from './flow-options.js';
export { CouplingFlow } from './coupling-flow.js';
export { Nice, NICE_DEFAULT_LAYERS, type NiceOptions } from './nice.js';
export { RealNVP, REALNVP_DEFAULT_LAYERS, type RealNVPOptions } from './realnvp.js';
export { registerCoupling } from './register.js';
