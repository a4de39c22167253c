/**
 * Planar and radial flows (Rezende & Mohamed 2015) with numerical inverses, and unnormalised target
 * densities for variational inference (registry kind `target`: u1..u4, banana, funnel,
 * logistic-regression), registered on import.
 * @module @bijective/planar
 */
import { registerPlanar } from './register-all.js';

export * from './pure.js';

registerPlanar();
