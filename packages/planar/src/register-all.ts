import { registerPlanarFlows } from './register.js';
import { registerTargets } from './targets/register.js';

/** Registers the planar and radial flows and the targets (idempotent); the main entry calls it on import. */
export function registerPlanar(): void {
  registerPlanarFlows();
  registerTargets();
}
