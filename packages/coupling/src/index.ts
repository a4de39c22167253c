/**
 * Coupling flows for bijective: NICE's additive (Dinh et al. 2015) and RealNVP's affine (Dinh et al.
 * 2017) coupling layers, their masks, and the complete `nice` and `realnvp` flows, registered on import.
 * @document ../README.md
 * @module @bijective/coupling
 */
import { registerCoupling } from './register.js';

export * from './pure.js';

registerCoupling();
